"""Every report format by the name `--format` (and the service) knows it, in one mapping."""

from __future__ import annotations

from opencheck.reports import gitlab, json_report, sarif, text
from opencheck.reports.base import Render

FORMATS: dict[str, Render] = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "gitlab": gitlab.render,
}
