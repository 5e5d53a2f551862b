"""Wire formats shared by every endpoint."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict


def wire_time(value: datetime | None) -> str | None:
    """UTC `yyyy-MM-ddTHH:mm:ssZ` (decision 2)."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Body(BaseModel):
    """Request bodies ignore unknown keys, as the SDK ignores unknown response keys."""

    model_config = ConfigDict(extra="ignore", strict=True)
