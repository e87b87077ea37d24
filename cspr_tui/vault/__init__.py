"""The encrypted, crash-safe vault: Argon2id + AES-256-GCM file, TinyDB storage, backups, lock."""

from cspr_tui.vault.backup import BackupInfo, list_backups
from cspr_tui.vault.format import DEFAULT_KDF, MIN_NEW_PASSPHRASE, KdfParams
from cspr_tui.vault.storage import EncryptedStorage, VaultClosed, VaultReadOnly
from cspr_tui.vault.vault import (
    RekeyResult,
    Vault,
    VaultInfo,
    check_backups,
    create_vault,
    open_vault,
    restore_backup,
)

__all__ = [
    "DEFAULT_KDF",
    "MIN_NEW_PASSPHRASE",
    "BackupInfo",
    "EncryptedStorage",
    "KdfParams",
    "RekeyResult",
    "Vault",
    "VaultClosed",
    "VaultInfo",
    "VaultReadOnly",
    "check_backups",
    "create_vault",
    "list_backups",
    "open_vault",
    "restore_backup",
]
