"""Base of every scenario section, and shared field types."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Strict

MAX_YEARS = 100

YearShares = dict[Annotated[int, Strict(False)], dict[str, float]]


class Section(BaseModel):
    """Base for every scenario section: strict, frozen, no unknown keys."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, validate_default=True)
