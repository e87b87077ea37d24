"""The one error family every layer raises, so both front doors can turn it into one line.

Each subclass carries the command-line exit code of the contract (README, Command line); the
message is written for a reviewer (what went wrong and what to do), never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class CsprError(Exception):
    """A failure a user can understand and act on.

    `details` are the lines a front door prints under the message. `issues` are the same
    problems as the form engine found them (forms.model.Issue: field path, code, label,
    message), so a screen can mark each field without validating again.
    """

    exit_code: int = 1

    def __init__(
        self,
        message: str,
        *,
        details: list[str] | None = None,
        issues: Sequence[Any] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details: list[str] = list(details or [])
        self.issues: tuple[Any, ...] = tuple(issues)

    def __str__(self) -> str:
        return self.message


class UsageError(CsprError):
    exit_code = 2


class NotFound(UsageError):
    """Something named does not exist: a vault, case, file, backup or agency (exit 2)."""


class WrongPassphrase(CsprError):
    exit_code = 3


class VaultDamaged(CsprError):
    exit_code = 4


class VaultInUse(CsprError):
    exit_code = 5


class ValidationFailed(CsprError):
    """Input was rejected; `details` lists every problem, one per line."""

    exit_code = 6
