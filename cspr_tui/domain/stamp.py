"""Who makes a change and when: what every rule module writes into the case it changes.

The store makes one `Stamp` per change from its actor and clock, so the rule modules stay
pure (no clock, no settings file, no vault) and a unit test passes a fixed one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["Stamp"]


@dataclass(frozen=True, slots=True)
class Stamp:
    who: str  # the reviewer the audit trail names
    today: date  # the store's clock (a test's fixed day)
    now: str  # ISO date and time, UTC, to the second
