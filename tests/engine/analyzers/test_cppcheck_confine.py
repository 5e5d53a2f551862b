"""cppcheck is never given a file whose includes lead out of the checkout."""

from __future__ import annotations

from pathlib import Path

from opencheck.engine.analyzers.cppcheck_confine import refused
from opencheck.engine.pipeline import EngineSettings, ScanSpec, scan_tree
from tests.engine.test_pipeline import Recorder

CLEAN_WITH_BUG = "int f(void) {\n    int a[2];\n    return a[5];\n}\n"


def _tree(root: Path) -> Path:
    files = {
        "abs.c": '#include "/dev/zero"\nint g(void) { return 0; }\n',
        "climb.c": '#include "../../../../etc/passwd"\nint h(void) { return 0; }\n',
        "inc/evil.h": "#include <../../../../../etc/hostname>\n",
        "via_header.c": '#include "inc/evil.h"\nint k(void) { return 0; }\n',
        "fine.c": '#include "inc/ok.h"\n' + CLEAN_WITH_BUG,
        "inc/ok.h": "#define OK 1\n",
        "linked.c": '#include "link.h"\nint m(void) { return 0; }\n',
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "link.h").symlink_to("/etc/passwd")
    return root


def test_absolute_climbing_linked_and_transitive_includes_are_refused(tmp_path: Path) -> None:
    root = _tree(tmp_path / "tree")
    files = ["abs.c", "climb.c", "fine.c", "inc/evil.h", "inc/ok.h", "linked.c", "via_header.c"]
    found = refused(root, files)
    assert sorted(found) == ["abs.c", "climb.c", "inc/evil.h", "linked.c", "via_header.c"]
    assert "an absolute path" in found["abs.c"]
    assert "out of the checkout" in found["climb.c"]
    assert "link to a file outside" in found["linked.c"]
    assert "which includes a file outside" in found["via_header.c"]


def test_a_scan_lists_them_as_notices_and_still_checks_the_rest(tmp_path: Path) -> None:
    root = _tree(tmp_path / "tree")
    spec = ScanSpec("", "", None, (), (), ("C",))
    settings = EngineSettings(cache_dir=tmp_path / "cache", work_dir=tmp_path / "work")
    result = scan_tree(root, spec, settings, Recorder())
    noticed = {n.path for n in result.notices if n.analyzer == "cppcheck"}
    assert {"abs.c", "climb.c", "via_header.c"} <= noticed
    assert "fine.c" not in noticed
    assert any(f.path == "fine.c" and "cppcheck" in f.rule_id for f in result.findings), [
        (f.path, f.rule_id) for f in result.findings
    ]
