"""The only module that knows where things live on disk.

The workspace is found the way git finds a repository: `CSPR_HOME` when set, else the
nearest folder from the current one upwards that holds a workspace (its `vault/` folder or
its settings file), else a per-user data folder (`platformdirs`, e.g.
~/.local/share/cspr). It holds `vault/`, `exports/`, the settings file and any
`form_templates/` overrides, like a project folder. Every path handed out is absolute, so
every message names a path a newcomer can find.
"""

from __future__ import annotations

import os
from pathlib import Path

SETTINGS_FILE_NAME = "cspr-settings.json"
DEFAULT_VAULT_NAME = "cases.vault"
DEMO_VAULT_NAME = "demo.vault"


def user_data_dir() -> Path:
    """The per-user workspace used when no folder upwards holds one."""
    import platformdirs

    return Path(platformdirs.user_data_path("cspr", appauthor=False)).absolute()


def is_workspace(folder: Path) -> bool:
    return (folder / "vault").is_dir() or (folder / SETTINGS_FILE_NAME).is_file()


def find_workspace() -> tuple[Path, str]:
    """The workspace and how it was found (for `cspr where` and messages)."""
    home = os.environ.get("CSPR_HOME")
    if home:
        return Path(home).expanduser().absolute(), "CSPR_HOME"
    here = Path.cwd().absolute()
    for folder in (here, *here.parents):
        if is_workspace(folder):
            return folder, "the nearest folder upwards holding vault/ or the settings file"
    return user_data_dir(), "the per-user data folder (no workspace in or above this folder)"


def workspace() -> Path:
    return find_workspace()[0]


def make_private_dir(folder: Path) -> Path:
    """Create `folder` and any missing parents owner-only (0700); an existing one is kept.

    `mkdir(mode=..., parents=True)` gives the mode to the last level only; every level the
    app creates may end up holding case data (vaults, exports), so each gets 0700.
    """
    folder = Path(folder)
    missing = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for level in reversed(missing):
        try:
            level.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(level, 0o700)  # mkdir's mode is filtered by the umask
    return folder


def vault_dir() -> Path:
    return workspace() / "vault"


def exports_dir() -> Path:
    return workspace() / "exports"


def default_vault_path() -> Path:
    """`--vault` wins, then `CSPR_VAULT`, then `vault/cases.vault` in the workspace."""
    env = os.environ.get("CSPR_VAULT")
    return Path(env).expanduser().absolute() if env else vault_dir() / DEFAULT_VAULT_NAME


def demo_vault_path() -> Path:
    return vault_dir() / DEMO_VAULT_NAME


def settings_path() -> Path:
    return workspace() / SETTINGS_FILE_NAME


def user_templates_dir() -> Path:
    """A partnership's own templates; a file here overrides the shipped one of the same name."""
    return workspace() / "form_templates"


def shipped_templates_dir() -> Path:
    """The default templates: inside the wheel when installed, at the repo root in a checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "form_templates"
    if installed.is_dir():
        return installed
    return here.parent / "form_templates"
