"""`cspr init`, `verify`, `rekey`, `backups` and `restore`: managing the vault file itself."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from tinydb import TinyDB

from cspr_tui import paths
from cspr_tui.cli.passphrase import read_passphrase
from cspr_tui.cli.workspace import NotFound, require_vault, vault_was_chosen
from cspr_tui.errors import CsprError, UsageError, VaultDamaged
from cspr_tui.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    init = subparsers.add_parser("init", help="create an empty encrypted vault")
    init.add_argument(
        "--parents",
        action="store_true",
        help="create the vault's folder (and its parents, owner-only) if missing",
    )
    init.set_defaults(func=run_init)

    verify = subparsers.add_parser(
        "verify", help="decrypt the vault, check its structure and audit trail, print a summary"
    )
    verify.set_defaults(func=run_verify)

    rekey = subparsers.add_parser(
        "rekey", help="change the passphrase (new one from CSPR_NEW_PASSPHRASE(_FILE))"
    )
    rekey.set_defaults(func=run_rekey)

    compact = subparsers.add_parser(
        "compact", help="rewrite the vault as one snapshot (the previous file becomes a backup)"
    )
    compact.set_defaults(func=run_compact)

    backups = subparsers.add_parser("backups", help="list the vault's automatic backups")
    backups.set_defaults(func=run_backups)

    restore = subparsers.add_parser(
        "restore", help="make a backup the vault again (the current vault is kept as a backup)"
    )
    restore.add_argument("backup", metavar="BACKUP", help="a name from 'cspr backups', or a path")
    restore.set_defaults(func=run_restore)


def _vault_path(args: argparse.Namespace) -> Path:
    from cspr_tui.cli.workspace import vault_path

    return vault_path(args)


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"


def _local(when: datetime) -> str:
    return when.astimezone().strftime("%d/%m/%Y %H:%M")


def _backups_count() -> int:
    """`backups_count` from the settings file: how many saves to keep as backups."""
    count = load_settings().backups_count
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 1000:
        raise CsprError(
            f"the setting backups_count must be a whole number from 0 to 1000, not {count!r}; "
            "fix the settings file (nothing was changed)."
        )
    return count


def _check_new_passphrase(passphrase: str) -> str:
    from cspr_tui.vault import MIN_NEW_PASSPHRASE

    if len(passphrase) < MIN_NEW_PASSPHRASE:
        raise UsageError(
            f"use a passphrase of at least {MIN_NEW_PASSPHRASE} characters (a short phrase of "
            "unrelated words is easy to remember); nothing was changed."
        )
    return passphrase


def _require_backup(path: Path, backup: str) -> None:
    from cspr_tui.vault import list_backups

    candidate = Path(backup).expanduser()
    if candidate.is_file() or path.with_name(candidate.name).is_file():
        return
    names = ", ".join(info.name for info in list_backups(path)[:3]) or "none"
    raise NotFound(f"no backup named {backup} beside {path} (newest: {names}); see 'cspr backups'.")


def run_init(args: argparse.Namespace) -> int:
    from cspr_tui.vault import create_vault

    path = _vault_path(args)
    if path.exists():
        raise CsprError(f"{path} already exists; nothing was changed.")
    if not path.parent.is_dir():
        if vault_was_chosen(args) and not getattr(args, "parents", False):
            raise NotFound(
                f"the folder {path.parent} does not exist; create it first, or add --parents "
                "to create it (owner-only)."
            )
        paths.make_private_dir(path.parent)
    passphrase = _check_new_passphrase(read_passphrase(prompt="New passphrase: ", confirm=True))
    with create_vault(path, passphrase, backups=_backups_count()) as vault:
        kdf = vault.info().kdf.describe()
    print(f"Created the encrypted vault {path}")
    print(f"  key derivation: {kdf}")
    print("  Keep the passphrase safe: without it nobody, including you, can open the vault.")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from cspr_tui.vault import list_backups, open_vault

    path = require_vault(_vault_path(args))
    passphrase = read_passphrase()
    with open_vault(
        path, passphrase, readonly=True, allow_rollback=getattr(args, "allow_rollback", False)
    ) as vault:
        info = vault.info()
        db = vault.db
        tables = {name: len(db.table(name)) for name in sorted(db.tables())}
        problems = _integrity_problems(db)
        states = vault.backup_states()
        head = _audit_head(db)
    backups = list_backups(path)
    print(f"Vault: {path}")
    print(f"  format: version {info.format_version}, cipher {info.cipher}")
    print(f"  key derivation: {info.kdf.describe()}")
    if not info.kdf.meets_floor():
        print("  warning: test-only key-derivation parameters; never use this vault for real data")
    print(f"  size: {_size(info.size)}, last saved {_local(info.saved)}")
    print(
        f"  save counter: {info.save_counter}"
        + (f" (vault id {info.vault_id})" if info.vault_id else " (format 1: no id yet)")
    )
    if head is not None:
        print(f"  audit head: entry {head[0]}, hash {head[1]}")
    if tables:
        listing = ", ".join(f"{name} {count}" for name, count in tables.items())
        print(f"  tables: {listing}")
    else:
        print("  tables: none (empty vault)")
    if backups:
        opening = sum(1 for state in states.values() if state == "opens")
        print(
            f"  backups: {len(backups)} ({opening} open with this passphrase), "
            f"newest {_local(backups[0].when)}"
        )
        for name, state in states.items():
            if state != "opens":
                print(f"    {name}: {state}")
    else:
        print("  backups: none yet")
    if problems is None:
        print("  integrity: the schema and audit checks are not available in this build")
        return 0
    if problems:
        raise VaultDamaged(
            f"the vault {path} decrypts but fails {len(problems)} integrity "
            f"check{'s' if len(problems) != 1 else ''}:",
            details=problems,
        )
    print("  integrity: the cases and the audit trail check out")
    return 0


def _audit_head(db: TinyDB) -> tuple[int, str] | None:
    """The audit chain's last entry number and hash; None if the domain is not installed."""
    try:
        from cspr_tui.domain import audit
    except ModuleNotFoundError:
        return None
    return audit.head(db)


def _integrity_problems(db: TinyDB) -> list[str] | None:
    """The domain's schema and audit-chain checks; None if that layer is not installed."""
    try:
        from cspr_tui.domain import integrity
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("cspr_tui.domain"):
            return None
        raise
    return list(integrity.check(db, _plan_context()))


def _plan_context():  # stored_views.Deadlines | None (the domain may not be installed)
    """The settings in use, for checking the stored deadline plans made with them (a
    settings file that does not read leaves them unchecked: they are not used either)."""
    from datetime import date

    from cspr_tui.domain.calendar import calendar_from_settings
    from cspr_tui.domain.stored_views import Deadlines
    from cspr_tui.errors import CsprError
    from cspr_tui.settings import load_settings

    try:
        settings = load_settings()
        return Deadlines(settings, calendar_from_settings(settings), date.today())
    except CsprError:
        return None


def run_rekey(args: argparse.Namespace) -> int:
    from cspr_tui.vault import open_vault

    path = require_vault(_vault_path(args))
    current = read_passphrase(prompt="Current passphrase: ")
    new = read_passphrase("CSPR_NEW_PASSPHRASE", prompt="New passphrase: ", confirm=True)
    if new == current:
        raise UsageError("the new passphrase is the same as the current one; nothing was changed.")
    _check_new_passphrase(new)
    with open_vault(
        path,
        current,
        backups=_backups_count(),
        allow_rollback=getattr(args, "allow_rollback", False),
    ) as vault:
        result = vault.rekey(new)
    print(f"Changed the passphrase of {path} and re-encrypted it under a new data key.")
    print(f"  {result.rewrapped} backup(s) re-encrypted: they open with the new passphrase only.")
    if result.skipped:
        print(
            f"  {len(result.skipped)} backup(s) did not open with this vault's key and were left "
            "as they were, still under their old passphrase (delete them if that passphrase "
            "is compromised): " + ", ".join(result.skipped)
        )
    return 0


def run_compact(args: argparse.Namespace) -> int:
    from cspr_tui.vault import open_vault

    path = _vault_path(args)
    if not path.exists():
        raise CsprError(f"there is no vault at {path}; check --vault.")
    passphrase = read_passphrase()
    with open_vault(
        path,
        passphrase,
        backups=_backups_count(),
        allow_rollback=getattr(args, "allow_rollback", False),
    ) as vault:
        before = path.stat().st_size
        after = vault.compact()
        counter = vault.save_counter
    print(f"Compacted {path}: {_size(before)} -> {_size(after)} (save {counter}).")
    print("  The file as it was is kept as a backup ('cspr backups').")
    return 0


def run_backups(args: argparse.Namespace) -> int:
    from cspr_tui.vault import list_backups

    path = require_vault(_vault_path(args))
    backups = list_backups(path)
    if not backups:
        print(f"No backups of {path} yet (one is kept at each save).")
        return 0
    print(f"Backups of {path}, newest first (the vault as it was until that time):")
    width = max(len(info.name) for info in backups)
    for info in backups:
        print(f"  {info.name:<{width}}  {_local(info.when)}  {_size(info.size):>10}")
    print("Restore one with: cspr restore NAME")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from cspr_tui.vault import restore_backup

    path = _vault_path(args)
    if not path.parent.is_dir():
        raise NotFound(f"there is no folder {path.parent} for the vault {path}; check --vault.")
    _require_backup(path, args.backup)
    passphrase = read_passphrase(prompt="Passphrase of the backup: ")
    kept = restore_backup(path, args.backup, passphrase, backups=_backups_count())
    print(f"Restored {path} from {Path(args.backup).name}.")
    print("  This machine now takes the restored state as the vault's current one.")
    if kept is not None:
        print(f"  The vault as it was before is kept as the backup {kept.name}.")
    return 0
