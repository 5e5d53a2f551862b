"""Wire formats shared by every endpoint."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from opencheck.api.nul_guard import refuse_nul


def wire_time(value: datetime | None) -> str | None:
    """UTC `yyyy-MM-ddTHH:mm:ssZ` (decision 2)."""
    if value is None:
        return None
    # isoformat takes two thirds of strftime's time; a list page formats about 60 times.
    return value.astimezone(UTC).isoformat(timespec="seconds")[:19] + "Z"


class Body(BaseModel):
    """Request bodies ignore unknown keys, as the SDK ignores unknown response keys."""

    model_config = ConfigDict(extra="ignore", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        refuse_nul(data)
        return data
