"""One settings object, built from command-line flags and the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import TypeVar

from opencheck.engine.checkout_budget import CheckoutBudget
from opencheck.engine.local_repos import SETTING as LOCAL_ROOTS_SETTING
from opencheck.engine.local_repos import LocalRepoPolicy, parse_roots
from opencheck.logs import FORMATS, TEXT

# Who may read GET /metrics without a token: loopback, unless OPENCHECK_METRICS_ALLOWED_ADDRESSES.
DEFAULT_METRICS_ADDRESSES = ("127.0.0.0/8", "::1")

DEFAULT_DATA_DIR = Path("./opencheck-data")
# The smallest address space a scan worker starts in (OPENCHECK_WORKER_MEMORY_MB).
MIN_WORKER_MEMORY_MB = 1024


@dataclass(frozen=True)
class Settings:
    """Everything configurable about one OpenCheck process."""

    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8040
    workers: int = 2
    queue_backend: str = "embedded"
    broker_url: str = "redis://127.0.0.1:6379/0"
    token_ttl_seconds: int = 24 * 3600
    token_max_ttl_seconds: int = 30 * 24 * 3600  # no token outlives this, whoever issues it
    region: str = "local"
    fetch_timeout: float = 600.0
    analyzer_timeout: float = 900.0
    analyzer_memory_mb: int = 2048
    # Analysers read only the worktree where the kernel has Landlock (OPENCHECK_CONFINE_ANALYZERS).
    confine_analyzers: bool = True
    file_timeout: float = 60.0
    poll_interval: float = 0.5
    max_body_bytes: int = 1024 * 1024
    # What one checkout may write (OPENCHECK_MAX_CHECKOUT_BYTES, _FILES, _DEPTH).
    checkout_budget: CheckoutBudget = field(default_factory=CheckoutBudget)
    secret_key: str = field(default="", repr=False)
    # Folders whose repositories may be checked by path or file:// URL; none by default.
    local_repo_roots: tuple[Path, ...] = ()
    # Host names or addresses webhooks may post to although they are loopback or private.
    webhook_allowed_hosts: tuple[str, ...] = ()
    # Addresses and networks that read GET /metrics without a token; others must send one.
    metrics_allowed_addresses: tuple[IPv4Network | IPv6Network, ...] = field(
        default_factory=lambda: parse_networks(",".join(DEFAULT_METRICS_ADDRESSES))
    )
    log_format: str = TEXT  # OPENCHECK_LOG_FORMAT: text or json (one JSON object a line)
    # Distributed mode (docs/distributed.md): whether `serve` runs scan workers, the pool a
    # worker serves and its name, leases, attempts, per-pool limits and the workers' memory.
    run_workers: bool = True
    api_processes: int = 1  # `serve --processes`: API processes sharing the port
    api_hang_seconds: float = 30.0  # an API process whose event loop stopped this long is replaced
    queue_prefix: str = "opencheck"  # broker queue names: <prefix>.<pool>, one per installation
    pool: str = "default"
    worker_name: str = ""
    lease_seconds: float = 30.0
    max_attempts: int = 2
    pool_limits: tuple[tuple[str, int], ...] = ()  # (pool, most checks running at once)
    check_jobs: int = 2  # analyser processes one check runs at once
    worker_memory_mb: int = 0  # address-space cap of a worker process; 0: none

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL: the configured one, else SQLite in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'opencheck.db').resolve()}"

    @property
    def token_lifetime_seconds(self) -> int:
        """The lifetime of a token issued at login: the configured one within the maximum."""
        return min(self.token_ttl_seconds, self.token_max_ttl_seconds)

    @property
    def local_repos(self) -> LocalRepoPolicy:
        """Which local repositories may be checked: never one inside the data directory."""
        return LocalRepoPolicy.of(self.local_repo_roots, private=(self.data_dir,))

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "repos"

    @property
    def work_dir(self) -> Path:
        return self.data_dir / "work"

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with the given fields replaced, ignoring None values (unset flags)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Build settings from OPENCHECK_* environment variables."""
    env = os.environ if env is None else env
    base = Settings()
    return Settings(
        data_dir=Path(env.get("OPENCHECK_DATA_DIR", str(base.data_dir))),
        database_url=env.get("OPENCHECK_DATABASE_URL", ""),
        host=env.get("OPENCHECK_HOST", base.host),
        port=_number(env, "OPENCHECK_PORT", base.port),
        workers=_number(env, "OPENCHECK_WORKERS", base.workers),
        queue_backend=env.get("OPENCHECK_QUEUE", base.queue_backend),
        broker_url=env.get("OPENCHECK_BROKER_URL", base.broker_url),
        token_ttl_seconds=_number(env, "OPENCHECK_TOKEN_TTL", base.token_ttl_seconds),
        token_max_ttl_seconds=_number(env, "OPENCHECK_TOKEN_MAX_TTL", base.token_max_ttl_seconds),
        region=env.get("OPENCHECK_REGION", base.region),
        fetch_timeout=_number(env, "OPENCHECK_FETCH_TIMEOUT", base.fetch_timeout),
        analyzer_timeout=_number(env, "OPENCHECK_ANALYZER_TIMEOUT", base.analyzer_timeout),
        analyzer_memory_mb=_number(env, "OPENCHECK_ANALYZER_MEMORY_MB", base.analyzer_memory_mb),
        file_timeout=_number(env, "OPENCHECK_FILE_TIMEOUT", base.file_timeout),
        confine_analyzers=_on(env.get("OPENCHECK_CONFINE_ANALYZERS", "1")),
        secret_key=env.get("OPENCHECK_SECRET_KEY", ""),
        max_body_bytes=_number(env, "OPENCHECK_MAX_BODY_BYTES", base.max_body_bytes),
        checkout_budget=CheckoutBudget(
            max_bytes=_number(env, "OPENCHECK_MAX_CHECKOUT_BYTES", base.checkout_budget.max_bytes),
            max_files=_number(env, "OPENCHECK_MAX_CHECKOUT_FILES", base.checkout_budget.max_files),
            max_depth=_number(env, "OPENCHECK_MAX_CHECKOUT_DEPTH", base.checkout_budget.max_depth),
        ),
        local_repo_roots=parse_roots(env.get(LOCAL_ROOTS_SETTING, "")),
        webhook_allowed_hosts=tuple(
            host.lower()
            for host in env.get("OPENCHECK_WEBHOOK_ALLOWED_HOSTS", "").replace(",", " ").split()
        ),
        metrics_allowed_addresses=parse_networks(
            env.get("OPENCHECK_METRICS_ALLOWED_ADDRESSES", ",".join(DEFAULT_METRICS_ADDRESSES))
        ),
        log_format=_log_format(env.get("OPENCHECK_LOG_FORMAT", TEXT)),
        run_workers=_on(env.get("OPENCHECK_RUN_WORKERS", "1")),
        api_processes=_number(env, "OPENCHECK_API_PROCESSES", base.api_processes),
        api_hang_seconds=_number(env, "OPENCHECK_API_HANG_SECONDS", base.api_hang_seconds),
        queue_prefix=env.get("OPENCHECK_QUEUE_PREFIX", base.queue_prefix),
        pool=env.get("OPENCHECK_POOL", base.pool).strip() or base.pool,
        worker_name=env.get("OPENCHECK_WORKER_NAME", ""),
        lease_seconds=_number(env, "OPENCHECK_LEASE_SECONDS", base.lease_seconds),
        max_attempts=_number(env, "OPENCHECK_MAX_ATTEMPTS", base.max_attempts),
        pool_limits=parse_pool_limits(env.get("OPENCHECK_POOL_LIMITS", "")),
        check_jobs=_number(env, "OPENCHECK_CHECK_JOBS", base.check_jobs),
        worker_memory_mb=_worker_memory(_number(env, "OPENCHECK_WORKER_MEMORY_MB", 0)),
    )


class SettingError(ValueError):
    """A setting that cannot be used; the message names its variable and the value given."""


_NUMBER = TypeVar("_NUMBER", int, float)
_KINDS = {int: "a whole number", float: "a number"}


def _number(env: Mapping[str, str], name: str, default: _NUMBER) -> _NUMBER:
    """The variable read as the default's type; SettingError names it when it is not one."""
    raw = env.get(name)
    if raw is None:
        return default
    kind = type(default)
    try:
        return kind(raw.strip())
    except ValueError:
        raise SettingError(f"{name} must be {_KINDS[kind]}, got {raw!r}") from None


def _worker_memory(megabytes: int) -> int:
    # Below this a worker cannot even import its modules: it would die of MemoryError at start.
    if megabytes != 0 and megabytes < MIN_WORKER_MEMORY_MB:
        raise SettingError(
            f"OPENCHECK_WORKER_MEMORY_MB must be 0 (no cap) or at least {MIN_WORKER_MEMORY_MB}, "
            f"got {megabytes}"
        )
    return megabytes


def _on(value: str) -> bool:
    return value.strip().lower() not in ("0", "false", "no", "off")


def parse_networks(value: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """Comma- or space-separated addresses and CIDR networks; empty means none."""
    try:
        return tuple(ip_network(part, strict=False) for part in value.replace(",", " ").split())
    except ValueError as exc:
        raise SettingError(f"OPENCHECK_METRICS_ALLOWED_ADDRESSES: {exc}") from None


def _log_format(value: str) -> str:
    fmt = value.strip().lower()
    if fmt not in FORMATS:
        raise SettingError(
            f"OPENCHECK_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {value!r}"
        )
    return fmt


def parse_pool_limits(value: str) -> tuple[tuple[str, int], ...]:
    """`default=4,gpu=1` → ((default, 4), (gpu, 1)); a limit must be a positive number."""
    limits = []
    for item in value.replace(";", ",").split(","):
        if not item.strip():
            continue
        pool, sep, count = item.partition("=")
        if not sep or not pool.strip() or not count.strip().isdigit() or int(count) < 1:
            raise SettingError(f"OPENCHECK_POOL_LIMITS: expected pool=N, got {item.strip()!r}")
        limits.append((pool.strip(), int(count)))
    return tuple(limits)
