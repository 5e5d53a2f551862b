"""Include folders for cppcheck: headers the code includes, vendored folders too."""

from __future__ import annotations

from pathlib import Path

from opencheck.engine.analyzers.base import Limits, RuleSelection, run_batch
from opencheck.engine.analyzers.cppcheck import CPPCHECK, RULES
from opencheck.engine.analyzers.cppcheck_includes import resolved_dirs

LIST_MACROS = "#define WALK_LIST(n, list) for (n = (list)->head; n; n = n->next)\n"
WALKER = """#include "lib/lists.h"
#include "uthash.h"
#include <stdio.h>

struct node { struct node *next; int value; int state; };
struct list { struct node *head; };

int sum(struct list *l) {
  struct node *n;
  int total = 0;
  WALK_LIST(n, l)
  {
    if (n->state == 1)
      total += n->value;
  }
  return total;
}
"""


def _tree(tmp_path: Path) -> None:
    for path, text in {
        "lib/lists.h": LIST_MACROS,
        "deps/uthash.h": "#define HASH_COUNT(h) 0\n",
        "linux/Platform.h": "",
        "darwin/Platform.h": "",
        "proto/walk.c": WALKER + '#include "Platform.h"\n',
    }.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)


def test_unresolved_includes_find_their_folders_but_not_ambiguous_ones(tmp_path: Path) -> None:
    _tree(tmp_path)
    # "lib/lists.h" from the root, "uthash.h" in the vendored deps/; <stdio.h> is a system
    # header and "Platform.h" exists once per platform, so neither gives a folder.
    assert set(resolved_dirs(tmp_path, ["proto/walk.c"])) == {".", "deps"}
    assert resolved_dirs(tmp_path, ["proto/walk.c"], known=(".", "deps")) == ()


def test_a_loop_macro_from_an_included_header_expands(tmp_path: Path) -> None:
    _tree(tmp_path)
    selection = RuleSelection.of(RULES)
    [(variant, files)] = CPPCHECK.split(tmp_path, ["proto/walk.c"])
    assert {".", "deps"} <= set(variant.includes)
    result = run_batch(variant, tmp_path, files, selection, Limits(60, 2048, lambda: False))
    assert result.error is None
    # Unexpanded, `WALK_LIST(n, l)` is a call reading the uninitialised `n`.
    assert "cppcheck:uninitvar" not in {f.rule_id for f in result.findings}
    bare = CPPCHECK.__class__(False, ())
    result = run_batch(bare, tmp_path, files, selection, Limits(60, 2048, lambda: False))
    assert "cppcheck:uninitvar" in {f.rule_id for f in result.findings}
