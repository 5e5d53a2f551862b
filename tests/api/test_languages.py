"""A repository mixing the system languages: every language with an analyser reports defects."""

from __future__ import annotations

import pytest

from tests.conftest import Api

pytestmark = pytest.mark.slow

# One small file per language, each holding at least one defect of the default rule sets.
FILES = {
    "py/a.py": "import os\nx = eval('1')\n",
    "js/b.js": "function f(a){ debugger; return eval(a); }\n",
    "ts/c.ts": "const x: any = 1;\nif (x == null) { debugger; }\n",
    "sh/d.sh": "#!/bin/sh\nrm -rf $1/\ncd foo\n",
    "c/e.c": "#include <stdio.h>\nvoid f(void){ char b[4]; gets(b); }\n",
    "go/f.go": 'package main\nimport "crypto/md5"\nfunc main(){ _ = md5.New() }\n',
    "java/G.java": 'class G { void f(String a){ try { } catch (Exception e) { } if (a == "x") {} } }\n',
    "sql/h.sql": "SELECT * FROM t WHERE a = NULL;\n",
    "kt/i.kt": "fun same(a: Int): Boolean = a == a\n",
    "rs/j.rs": "fn main(){ let v: Option<i32> = None; v.unwrap(); unsafe { } }\n",
    "cs/k.cs": "class C { void F(){ try { } catch (System.Exception) { } } }\n",
    "php/l.php": "<?php eval($_GET['x']);\n",
    "scala/m.scala": "object A { def f(t: String) = try t.toInt catch { case _: Throwable => 0 } }\n",
    "lua/n.lua": "function f() x = loadstring(s) end\n",
    "css/o.css": "a { colr: red; }\n",
    "html/p.html": '<html><body><img src="a.png"><a href="x" target="_blank">x</a></body></html>\n',
    "tf/q.tf": 'resource "aws_s3_bucket" "b" {\n  acl = "public-read"\n}\n',
    "ets/r.ets": "@Entry\n@Component\nstruct Index {\n  build() {\n    eval('1')\n  }\n}\n",
    "cj/s.cj": 'func f(a: Int64) {\n    if (a == a) { println("x") }\n}\n',
}


def test_every_language_with_an_analyser_reports_defects(api: Api, repo_factory) -> None:  # type: ignore[no-untyped-def]
    repo = repo_factory(FILES)
    pid = api.project()
    languages = ["python", "js", "ts", "shell", "cpp", "go", "java", "sql", "kotlin", "rust",
                 "csharp", "php", "scala", "lua", "css", "html", "terraform", "arkts",
                 "cangjie"]  # fmt: skip
    tid = api.create_task(pid, git_url=str(repo), language=languages)
    assert api.wait(tid, api.run(tid))["task_status"] == 2
    info = api.v1_task(tid, pid)
    assert info["jobResult"]["fileTotal"] == len(FILES)
    assert "Some languages in the code are not checked" not in info["lastJob"]["process"]["message"]
    files_with_defects = {d["file_path"] for d in api.defects(tid)}
    assert files_with_defects == set(FILES)
