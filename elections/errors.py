"""Typed domain errors, mapped once for the API (config.api) and once for the pages (views)."""

from __future__ import annotations

from .rules import Blocker


class ApplicationError(Exception):
    """Bad input or a broken rule: 400 with a Chinese message and, where known, per-field errors."""

    status = 400

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class Conflict(ApplicationError):
    """The request is valid but conflicts with the object's state (a stale version, a locked record)."""

    status = 409


class StageBlocked(Conflict):
    """A stage move refused: carries every blocker."""

    def __init__(self, blockers: list[Blocker], message: str = "不能进入下一阶段：尚有未满足的条件。") -> None:
        super().__init__(message)
        self.blockers = blockers
