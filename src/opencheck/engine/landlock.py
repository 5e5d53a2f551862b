"""Analysers read only what they need (Linux Landlock, kernel 5.13+, no privileges needed).

A confined child may read and execute the worktree, its tools' installation and the system's
libraries, and write only to this process's private temp folder and /dev/null; everything else
on the host (other tenants' clones and worktrees, the database, other processes' /proc) is
out of its reach, whatever path, symlink or include it follows. The ruleset is built in the
parent and applied in the child between fork and exec. Where Landlock is absent, nothing is
confined and `available()` says so (the execution log shows it).
"""

from __future__ import annotations

import ctypes
import functools
import os
import platform
import sys
from collections.abc import Iterable
from pathlib import Path

# Syscall numbers are shared by x86_64 and aarch64 (the generic table).
_CREATE, _ADD_RULE, _RESTRICT = 444, 445, 446
_CREATE_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38
_ARCHES = ("x86_64", "aarch64")

# Access rights (ABI 1 unless noted).
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1, 2, 4, 8
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR, MAKE_REG = 16, 32, 64, 128, 256
MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 512, 1024, 2048, 4096
REFER, TRUNCATE, IOCTL_DEV = 8192, 16384, 32768  # ABI 2, 3, 5
_FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV
READ = EXECUTE | READ_FILE | READ_DIR
WRITE = READ | WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_DIR | MAKE_REG | REFER | TRUNCATE

# What any dynamically linked tool or Python interpreter reads at start-up.
SYSTEM_READ = ("/usr", "/lib", "/lib32", "/lib64", "/bin", "/sbin", "/opt")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/etc/nsswitch.conf", "/etc/passwd",
                "/etc/group", "/etc/hosts", "/etc/mime.types")  # fmt: skip
# Not /dev/zero: an endless read is what `#include "/dev/zero"` was.
DEVICES = ("/dev/null", "/dev/urandom", "/dev/random")


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = (("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32))


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    libc.syscall.restype = ctypes.c_long
    return libc


@functools.cache
def abi() -> int:
    """The kernel's Landlock ABI version; 0 when Landlock is not there."""
    libc = _libc()
    if libc is None or sys.platform != "linux" or platform.machine() not in _ARCHES:
        return 0
    version = libc.syscall(_CREATE, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_VERSION))
    return max(int(version), 0)


def available() -> str | None:
    """None when children can be confined here, else why not."""
    return None if abi() else "Landlock is not available in this kernel"


def _handled() -> int:
    rights = (1 << 13) - 1  # ABI 1: EXECUTE .. MAKE_SYM
    for version, right in ((2, REFER), (3, TRUNCATE), (5, IOCTL_DEV)):
        if abi() >= version:
            rights |= right
    return rights


def build(readable: Iterable[Path], writable: Iterable[Path]) -> int | None:
    """A ruleset fd allowing `readable` (read, execute) and `writable` (read, write) besides the
    system set; None when Landlock is not available. The caller closes the fd."""
    libc = _libc()
    if libc is None or not abi():
        return None
    handled = _handled()
    attr = ctypes.c_uint64(handled)
    fd = int(libc.syscall(_CREATE, ctypes.byref(attr), ctypes.c_size_t(8), ctypes.c_uint32(0)))
    if fd < 0:
        return None
    interpreter = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    rules = [(Path(p), READ) for p in (*SYSTEM_READ, *SYSTEM_FILES, *sorted(interpreter))]
    rules += [(Path(p), READ | WRITE_FILE) for p in DEVICES]
    rules += [(Path(p), READ) for p in readable] + [(Path(p), WRITE) for p in writable]
    try:
        for path, rights in rules:
            _allow(libc, fd, path, rights & handled)
    except OSError:
        os.close(fd)
        raise
    return fd


def _allow(libc: ctypes.CDLL, ruleset: int, path: Path, rights: int) -> None:
    try:
        target = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # a system folder this host does not have
    try:
        if not os.path.isdir(path):
            rights &= _FILE_RIGHTS
        rule = _PathBeneath(rights, target)
        if libc.syscall(_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0) < 0:
            raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {path}")
    finally:
        os.close(target)


def restrict_self(ruleset: int) -> None:
    """In a forked child: no new privileges, then the ruleset for good (it and its children)."""
    libc = _libc()
    if libc is None:
        raise OSError("no libc")
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS failed")
    if libc.syscall(_RESTRICT, ruleset, 0) != 0:
        raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
