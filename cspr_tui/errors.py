"""The one error family every layer raises, so both front doors can turn it into one line.

Each subclass carries the command-line exit code of the contract (README, Command line); the
message is written for a reviewer (what went wrong and what to do), never a traceback.
"""

from __future__ import annotations


class CsprError(Exception):
    """A failure a user can understand and act on."""

    exit_code: int = 1

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: list[str] = list(details or [])

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
