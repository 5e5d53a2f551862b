"""How every git call runs: the options and environment that make a hostile repository inert."""

from __future__ import annotations

import base64
from collections.abc import Mapping

# Every git call: no hooks, no fsmonitor, no LFS or other smudge filters, no submodules, and only
# the plain transports (`ext::` and friends run arbitrary commands).
SAFE_CONFIG: tuple[str, ...] = tuple(
    arg
    for setting in (
        "core.hooksPath=/dev/null",
        "core.fsmonitor=false",
        "protocol.allow=never",
        "protocol.file.allow=always",
        "protocol.http.allow=always",
        "protocol.https.allow=always",
        "protocol.ssh.allow=always",
        "protocol.git.allow=always",
        "protocol.ext.allow=never",
        "filter.lfs.smudge=",
        "filter.lfs.process=",
        "filter.lfs.required=false",
        "submodule.recurse=false",
        "credential.helper=",
        "gc.autoDetach=false",  # a detached gc would outlive the runner's process group
        "advice.detachedHead=false",
    )
    for arg in ("-c", setting)
)
GIT_ENV: Mapping[str, str] = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_ASKPASS": "/bin/true",
    "SSH_ASKPASS": "/bin/true",
    "GIT_SSH_COMMAND": "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new"
    " -o ConnectTimeout=20",
}


def basic_auth_env(username: str, secret: str) -> tuple[dict[str, str], str]:
    """Environment passing `Authorization: Basic …` to git: never in argv or the remote URL."""
    pair = f"{username}:{secret}".encode()
    token = base64.b64encode(pair).decode()
    env = {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "http.extraHeader",
        "GIT_CONFIG_VALUE_0": f"Authorization: Basic {token}",
    }
    return env, token
