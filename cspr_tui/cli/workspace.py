"""The vault a command works on, and the one message for a vault that is not there.

Every path is shown absolute: a newcomer running `cspr` from an unexpected folder sees exactly
where the command looked. When only the demo vault exists, the message says how to use it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cspr_tui import paths
from cspr_tui.errors import NotFound

__all__ = ["NotFound", "missing_vault_hint", "require_vault", "vault_path", "vault_was_chosen"]


def vault_was_chosen(args: argparse.Namespace) -> bool:
    """True when the vault path came from --vault or CSPR_VAULT rather than the workspace."""
    import os

    return bool(getattr(args, "vault", None) or os.environ.get("CSPR_VAULT"))


def vault_path(args: argparse.Namespace) -> Path:
    """`--vault` wins, then `CSPR_VAULT`, then the workspace's vault/cases.vault (absolute)."""
    given = getattr(args, "vault", None)
    return Path(given).expanduser().absolute() if given else paths.default_vault_path().absolute()


def missing_vault_hint(path: Path) -> str:
    """What to do when there is no vault at `path`: the demo if it exists, else `cspr init`."""
    demo = paths.demo_vault_path().absolute()
    if demo.exists() and demo != path:
        return (
            f"only the demo vault exists: use it with 'cspr --vault {demo} COMMAND' "
            "(passphrase demo), or create your own with 'cspr init'"
        )
    return f"create one with 'cspr init' (workspace {paths.workspace()}; see 'cspr where')"


def require_vault(path: Path) -> Path:
    """The vault at `path`, or exit 2 with the absolute path and what to do."""
    path = Path(path).absolute()
    if not path.is_file():
        raise NotFound(f"there is no vault at {path}; {missing_vault_hint(path)}.")
    return path
