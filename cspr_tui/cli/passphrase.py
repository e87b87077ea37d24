"""Where a passphrase comes from, following encrypted backup tools.

A prompt on a terminal; otherwise `<PREFIX>_FILE` (first line of the file) or `<PREFIX>`
itself. `rekey` reads the new one from `CSPR_NEW_PASSPHRASE(_FILE)` the same way.
"""

from __future__ import annotations

import getpass
import os
import stat
import sys
from pathlib import Path

from cspr_tui.errors import UsageError


def warn_if_readable_by_others(path: Path) -> None:
    """Say so on stderr, as ssh does for a private key, when others may read the file."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        print(
            f"cspr: warning: the passphrase file {path.resolve()} can be read by other users "
            f"(permissions {stat.S_IMODE(mode):04o}); run 'chmod 600 {path.resolve()}'.",
            file=sys.stderr,
        )


def read_passphrase(
    prefix: str = "CSPR_PASSPHRASE", *, prompt: str = "Passphrase: ", confirm: bool = False
) -> str:
    """The passphrase, read only once the process is guarded (it holds a secret from now on)."""
    from cspr_tui.vault.process_guard import guard_process

    guard_process()
    file_name = os.environ.get(f"{prefix}_FILE")
    if file_name:
        warn_if_readable_by_others(Path(file_name).expanduser())
        try:
            text = Path(file_name).expanduser().read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(
                f"cannot read the passphrase file {file_name} ({exc.strerror})."
            ) from None
        except UnicodeDecodeError:
            raise UsageError(
                f"the passphrase file {file_name} is not UTF-8 text; save it as UTF-8."
            ) from None
        value = text.splitlines()[0] if text else ""
        if not value:
            raise UsageError(f"the passphrase file {file_name} is empty.")
        return value
    value = os.environ.get(prefix)
    if value:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("Again, to confirm: ") != first:
            raise UsageError("the two passphrases differ; nothing was changed.")
        if not first:
            raise UsageError("an empty passphrase is not allowed.")
        return first
    raise UsageError(
        f"no passphrase: run on a terminal, or set {prefix}_FILE (a file whose first line "
        f"is the passphrase) or {prefix}."
    )
