"""Reports of a scan in the formats other tools read: text, OpenCheck JSON, SARIF, GitLab.

Every format is one module with `render(report, *, color=False) -> str`, listed in one mapping
(`opencheck.reports.formats.FORMATS`); the CLI writes them, and the service can serve them.
"""
