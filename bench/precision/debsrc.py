"""Debian bookworm source packages through a private apt setup: the system's apt config is
never touched; only the mirror URL (and its keyring) is read from the system's own sources.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

SUITE = "bookworm"
SYSTEM_SOURCES = Path("/etc/apt")


@dataclass(frozen=True)
class Mirror:
    """A configured Debian archive: its URL and the keyring apt verifies it with."""

    uri: str
    signed_by: str = ""


def system_mirror(etc: Path = SYSTEM_SOURCES) -> Mirror | None:
    """The first Debian mirror the system's sources list for the bookworm suite, or None."""
    files = [etc / "sources.list"]
    parts = etc / "sources.list.d"
    if parts.is_dir():
        files += sorted(p for p in parts.iterdir() if p.suffix in (".list", ".sources"))
    for path in files:
        if not path.is_file():
            continue
        text = path.read_text(errors="replace")
        found = _deb822(text) if path.suffix == ".sources" else _one_line(text)
        for mirror in found:
            return mirror
    return None


def _one_line(text: str) -> list[Mirror]:
    found = []
    for line in text.splitlines():
        match = re.match(r"\s*deb(?:-src)?\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)", line)
        if match and match[3] == SUITE:
            keyring = re.search(r"signed-by=(\S+)", match[1] or "")
            found.append(Mirror(match[2], keyring[1] if keyring else ""))
    return found


def _deb822(text: str) -> list[Mirror]:
    found = []
    for stanza in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if ":" in line and not line.lstrip().startswith("#"):
                key, value = line.split(":", 1)
                fields[key.strip().lower()] = value.strip()
        types = fields.get("types", "").split()
        enabled = fields.get("enabled", "yes").lower() != "no"
        if (
            enabled
            and SUITE in fields.get("suites", "").split()
            and {"deb", "deb-src"} & set(types)
        ):
            uri = fields.get("uris", "").split()
            found += [Mirror(uri[0], fields.get("signed-by", ""))] if uri else []
    return found


class PrivateApt:
    """apt-get with its own sources, lists and cache under `root`; `update` runs once."""

    def __init__(self, root: Path, mirror: Mirror) -> None:
        self.root = root
        self.mirror = mirror
        self._updated = False

    def options(self) -> list[str]:
        """The `-o` options that keep apt-get on this setup's files only."""
        return [
            "-o", f"Dir::Etc::SourceList={self.root / 'sources.list'}",
            "-o", f"Dir::Etc::SourceParts={self.root / 'sources.list.d'}",
            "-o", f"Dir::State={self.root / 'state'}",
            "-o", f"Dir::State::Lists={self.root / 'state' / 'lists'}",
            "-o", f"Dir::Cache={self.root / 'cache'}",
            "-o", "Debug::NoLocking=1",
            # Downloading as root, apt drops to the `_apt` user, who cannot write here.
            "-o", "APT::Sandbox::User=root",
        ]  # fmt: skip

    def update(self) -> None:
        """Write the private sources file and fetch the bookworm source index (once)."""
        if self._updated:
            return
        for folder in ("sources.list.d", "state/lists/partial", "cache/archives/partial"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        keyring = f"[signed-by={self.mirror.signed_by}] " if self.mirror.signed_by else ""
        line = f"deb-src {keyring}{self.mirror.uri} {SUITE} main\n"
        (self.root / "sources.list").write_text(line)
        self._run(["apt-get", *self.options(), "-q", "update"], cwd=self.root)
        self._updated = True

    def download(self, package: str, version: str, into: Path) -> bool:
        """`apt-get source --download-only package=version` into `into`; False when it fails."""
        self.update()
        into.mkdir(parents=True, exist_ok=True)
        command = ["apt-get", *self.options(), "-q", "source", "--download-only"]
        result = subprocess.run(
            [*command, f"{package}={version}"], cwd=into, capture_output=True, text=True
        )
        return result.returncode == 0

    @staticmethod
    def _run(command: list[str], cwd: Path) -> None:
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(command[:1] + command[-2:])}: {result.stderr.strip()}")
