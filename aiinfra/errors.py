"""Exceptions that carry user-facing, one-line-per-problem messages."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["AiinfraError", "ScenarioError"]


class AiinfraError(Exception):
    """Base class for errors caused by user input (CLI exit code 2)."""


class ScenarioError(AiinfraError):
    """Invalid scenario: a list of ``(field, message)`` problems."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{loc}: {msg}" for loc, msg in self.problems))

    def lines(self) -> list[str]:
        """One line per problem, ``field: message``."""
        return [f"{loc}: {msg}".replace("\n", " ") for loc, msg in self.problems]
