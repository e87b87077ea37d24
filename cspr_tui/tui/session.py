"""An unlocked vault and the store over it: the only decrypted state the app holds.

The app keeps exactly one `Session` while unlocked and drops it on lock, so closing the
session is the one place where decrypted data leaves memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cspr_tui import paths
from cspr_tui.settings import Settings

if TYPE_CHECKING:
    from cspr_tui.domain.store import CaseStore
    from cspr_tui.forms import FormSet
    from cspr_tui.vault import Vault


@dataclass
class Session:
    """What an unlock gives the screens: the vault, the case store and the loaded forms."""

    path: Path
    vault: Vault | None
    store: CaseStore | None
    forms: FormSet

    def close(self) -> None:
        """Close the vault (drops its decrypted data) and forget every reference."""
        vault, self.vault, self.store = self.vault, None, None
        if vault is not None:
            vault.close()


def open_session(
    path: Path,
    passphrase: str,
    settings: Settings,
    *,
    create: bool = False,
    clock: Callable[[], date] | None = None,
) -> Session:
    """Derive the key, decrypt and build the store; runs in a worker thread (the KDF is slow)."""
    from cspr_tui.domain.store import CaseStore
    from cspr_tui.forms import load_forms
    from cspr_tui.vault import create_vault, open_vault

    forms = load_forms(
        paths.user_templates_dir(), choice_lists={"review_methods": settings.review_methods}
    )
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
        vault = create_vault(path, passphrase, backups=settings.backups_count)
    else:
        vault = open_vault(path, passphrase, backups=settings.backups_count)
    try:
        # The store names the actor: the settings' reviewer, else the operating-system user.
        store = CaseStore(vault, settings, forms, settings.reviewer_name, clock=clock)
    except BaseException:
        vault.close()
        raise
    return Session(path=path, vault=vault, store=store, forms=forms)
