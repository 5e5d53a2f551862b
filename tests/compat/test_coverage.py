"""The SDK compatibility suite calls every operation of the official client: the client's
operations (each has an `_invoker`) are read from the pinned SDK, the calls from this folder's
tests (`client.<operation>(…)`)."""

from __future__ import annotations

import ast
from pathlib import Path

from huaweicloudsdkcodeartscheck.v2 import CodeArtsCheckClient

SDK_OPERATIONS = 29  # reference §"Operation index"


def sdk_operations() -> set[str]:
    names = (name for name in dir(CodeArtsCheckClient) if not name.startswith("_"))
    return {name for name in names if hasattr(CodeArtsCheckClient, f"{name}_invoker")}


def called_operations(folder: Path) -> set[str]:
    called: set[str] = set()
    for path in folder.glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "client"
            ):
                called.add(node.func.attr)
    return called


def test_the_suite_calls_all_29_sdk_operations() -> None:
    operations = sdk_operations()
    assert len(operations) == SDK_OPERATIONS
    assert sorted(operations - called_operations(Path(__file__).parent)) == []
