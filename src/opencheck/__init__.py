"""OpenCheck: a self-hosted code check service wire-compatible with CodeArts Check."""

__version__ = "0.1.0"
