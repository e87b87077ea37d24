"""An unlocked vault and the store over it: the only decrypted state the app holds.

The app keeps exactly one `Session` while unlocked and drops it on lock, so closing the
session is the one place where decrypted data leaves memory.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    # The dashboard's rows worked out by the unlock's worker, for the day given, taken
    # (and so dropped) by the dashboard as it mounts: `screens.dashboard.DashboardRows`.
    first_rows: tuple[date, object] | None = None

    def take_first_rows(self, today: date) -> object | None:
        """The rows worked out at unlock, once, if they are for `today`."""
        rows, self.first_rows = self.first_rows, None
        return rows[1] if rows is not None and rows[0] == today else None

    def close(self) -> None:
        """Close the vault (drops its decrypted data) and forget every reference."""
        from cspr_tui.forms.dates import forget_read_dates

        self.first_rows = None
        vault, self.vault, self.store = self.vault, None, None
        if vault is not None:
            vault.close()
        forget_read_dates()  # the days read from the vault, remembered as text


def forget_finished_workers() -> int:
    """Empty every finished Textual worker: its arguments, result and error; returns how many.

    Textual keeps a finished `Worker` alive after its manager lets it go (the executor
    thread's context still names it as the active worker) and the worker holds its
    arguments (a store, a passphrase) and its result. Only the lock can know that none of
    them is wanted any more. `_work`, `_result` and `_error` are Textual's private names;
    tests/tui/test_lock_forgets.py fails loudly if an upgrade moves them.
    """
    from textual.worker import Worker

    gc.unfreeze()  # frozen objects (CsprApp.freeze_heap) are left out of gc.get_objects
    count = 0
    for obj in gc.get_objects():
        if isinstance(obj, Worker) and obj.is_finished:
            obj._work = None
            obj._result = None
            obj._error = None
            obj.description = ""
            count += 1
    return count


_TEXT_CACHES: list = []  # Rich's and Textual's memo caches, as last found
_FOUND_WITH: tuple[int, int] = (-1, -1)  # (rich/textual modules, all modules) when found


def _drawing_modules() -> int:
    return sum(1 for name in tuple(sys.modules) if name.partition(".")[0] in {"rich", "textual"})


def text_caches() -> list:
    """Rich's and Textual's `functools.lru_cache` memos (cell widths, styles, rendered text).

    Finding them means walking every object the collector tracks: over a hundred
    milliseconds once a thousand cases are loaded, on the unlock key. They are made when
    their modules are imported (module functions, methods, properties), so the ones found
    are kept and looked for again only when a Rich or Textual module has been imported
    since; tests/tui/test_text_caches.py checks that the kept list is what a fresh walk
    finds after every screen has been drawn.
    """
    global _FOUND_WITH
    import functools

    # As before this list was kept: frozen objects (CsprApp.freeze_heap) go back to the
    # collector here (the unlock and the lock both come through this function).
    gc.unfreeze()
    seen = (_drawing_modules(), len(sys.modules))
    if seen[0] != _FOUND_WITH[0] or not _TEXT_CACHES:
        found = []
        for obj in gc.get_objects():
            if isinstance(obj, functools._lru_cache_wrapper):
                module = getattr(obj, "__module__", "") or ""
                if module.split(".")[0] in {"rich", "textual"}:
                    found.append(obj)
        _TEXT_CACHES[:] = found
        _FOUND_WITH = seen
    return list(_TEXT_CACHES)


def clear_text_caches() -> int:
    """Empty Rich's and Textual's memo caches (cell widths, styles, rendered text).

    They are keyed by the text that was measured or drawn, so they hold a copy of every
    name shown on screen, and of the passphrase typed into a masked field. Returns how many
    caches were cleared.
    """
    caches = text_caches()
    for cache in caches:
        cache.cache_clear()
    return len(caches)


@contextmanager
def built_aside() -> Iterator[None]:
    """Build what the session keeps (the opened vault, every case, their deadlines) with the
    collector off, then set it all aside from the collector (`gc.freeze`, undone at lock by
    `CsprApp.forget`).

    Why: a thousand cases are over a million objects. With the collector on, each few hundred
    allocations rescan the new ones, and turning it back on after building them costs a
    scan of them all (about a third of the unlock's time at 1,000 cases). Frozen, they are
    never scanned; they are still freed by reference counting when the session drops them.
    Nothing is frozen when the block fails (a wrong passphrase keeps nothing).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if enabled:
            gc.enable()


_FORMS: list[tuple[tuple, FormSet]] = []  # the last forms loaded, with what they were read from


def _templates_read_from(user_dir: Path, settings: Settings) -> tuple:
    """What `load_forms` reads: every template file (name, size, change time) of the shipped
    and the workspace's folder, and the settings that add choices."""
    files = []
    for folder in (paths.shipped_templates_dir(), user_dir):
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            try:
                stat = entry.stat()
            except OSError:
                continue
            files.append((str(entry.resolve()), stat.st_size, stat.st_mtime_ns))
    return (str(user_dir.resolve()), repr(settings), tuple(files))


def session_forms(settings: Settings) -> FormSet:
    """The forms for a session: read again only when a template file or the settings changed.

    Why: reading and checking seven templates is about 50 ms of every unlock. Templates hold
    no case data, so keeping the last set read across a lock keeps nothing sensitive."""
    from cspr_tui.forms import load_forms

    user_dir = paths.user_templates_dir()
    read_from = _templates_read_from(user_dir, settings)
    if _FORMS and _FORMS[0][0] == read_from:
        return _FORMS[0][1]
    forms = load_forms(user_dir, settings=settings)
    _FORMS[:] = [(read_from, forms)]
    return forms


def open_session(
    path: Path,
    passphrase: str,
    settings: Settings,
    *,
    create: bool = False,
    clock: Callable[[], date] | None = None,
) -> Session:
    """Derive the key, decrypt and build the store; runs in a worker thread (the KDF is slow).

    The process is made non-dumpable first: from here on it holds decrypted data.
    """
    from cspr_tui.vault.process_guard import guard_process, scrub_thread_cache

    guard_process()
    try:
        with built_aside():
            return _open(path, passphrase, settings, create=create, clock=clock)
    finally:
        scrub_thread_cache()  # the key derivation's freed buffers, in this worker thread


def _open(
    path: Path,
    passphrase: str,
    settings: Settings,
    *,
    create: bool,
    clock: Callable[[], date] | None,
) -> Session:
    from cspr_tui.domain.store import CaseStore
    from cspr_tui.exports.export_file import protect_vault
    from cspr_tui.vault import create_vault, open_vault

    protect_vault(path)
    forms = session_forms(settings)
    if create:
        paths.make_private_dir(path.parent)
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
