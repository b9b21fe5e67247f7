"""The package version: the single source, read by the build (``pyproject.toml``) as a
literal, so nothing is imported to know it."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
