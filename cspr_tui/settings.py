"""Settings that say nothing about any case or person, kept in a plain JSON file.

Anything about a case lives in the vault. Unknown keys are kept so a newer version's
settings survive an older one; a damaged file is reported, never silently replaced.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from cspr_tui import paths
from cspr_tui.errors import CsprError

_PLACEHOLDER_PARTNERSHIP = "Safeguarding Children Partnership"


@dataclass
class Settings:
    reviewer_name: str = ""
    idle_lock_minutes: int = 5
    backups_count: int = 10
    theme: str = "textual-dark"
    partnership_name: str = _PLACEHOLDER_PARTNERSHIP
    # An invented area until the partnership sets its own (never a real one in a default).
    local_authority: str = "Examplebury"
    # Printed in the header and footer of every exported page (Government Security
    # Classifications); empty prints no marking.
    protective_marking: str = "OFFICIAL-SENSITIVE"
    # Rapid-review clock: "sin_submitted_date" (current Panel practice) or "la_aware_date".
    rapid_review_anchor: str = "sin_submitted_date"
    due_soon_working_days: int = 3
    # Overrides of the statutory time limits, keyed by rule id (see domain.deadline).
    time_limits: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Partnership closure days (ISO dates) on top of England and Wales bank holidays.
    closure_days: list[str] = field(default_factory=list)
    review_methods: list[str] = field(
        default_factory=lambda: [
            "Desktop review",
            "Practitioner review",
            "Thematic review",
            "Single-issue review",
        ]
    )
    # Redaction: agency, place and service names that are not personal names (never flagged
    # as possible names), and what a published (redacted) report leaves out of its cover.
    redaction_allowlist: list[str] = field(default_factory=list)
    published_omits: list[str] = field(default_factory=lambda: ["reference", "status", "marking"])
    published_marking: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def partnership_set(self) -> str:
        """The partnership's own name, or "" while it is the built-in placeholder: a form
        must not start from the placeholder as if it were the partnership's name."""
        name = self.partnership_name.strip()
        return "" if name == _PLACEHOLDER_PARTNERSHIP else name


def load_settings(path: Path | None = None) -> Settings:
    path = path or paths.settings_path()
    if not path.exists():
        return Settings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CsprError(
            f"The settings file {path} cannot be read ({exc.__class__.__name__}); fix or remove it."
        ) from None
    if not isinstance(raw, dict):
        raise CsprError(f"The settings file {path} must hold a JSON object; fix or remove it.")
    known = {f.name for f in fields(Settings)}
    settings = Settings(**{k: v for k, v in raw.items() if k in known and k != "extra"})
    settings.extra = {k: v for k, v in raw.items() if k not in known}
    return settings


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings atomically through a fresh owner-only temporary file.

    The temporary name is random and opened with O_EXCL and O_NOFOLLOW, so a symlink planted
    at it (or at the settings file, which the rename replaces rather than follows) never
    redirects the write.
    """
    import secrets

    path = path or paths.settings_path()
    data = asdict(settings)
    extra = data.pop("extra")
    data.update(extra)
    payload = json.dumps(data, indent=2, sort_keys=True).encode("utf-8")
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(tmp, flags, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise CsprError(
            f"could not save the settings to {path.absolute()} ({exc.strerror or exc}); "
            "nothing was changed."
        ) from None
