"""The Textual application: unlock, idle lock and the screens over one case store.

The app owns the only decrypted state (a `Session`); locking closes the vault and throws
away every screen that showed case data, so nothing decrypted outlives the lock. Business
rules live in the domain: screens ask the store and show its answers and refusals.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Iterable
from datetime import date
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widget import AwaitMount

from cspr_tui.domain.derived_cache import DerivedCache
from cspr_tui.errors import CsprError
from cspr_tui.settings import Settings
from cspr_tui.tui.commands import CaseCommands
from cspr_tui.tui.key_gate import KeyGate
from cspr_tui.tui.session import Session, clear_text_caches, forget_finished_workers

if TYPE_CHECKING:
    from cspr_tui.domain.store import CaseStore
    from cspr_tui.forms import FormSet

LOCKED_MODE = "locked"
CASES_MODE = "cases"
# Keys in this many seconds after the idle lock shows the unlock screen are not kept: the
# reviewer was typing an answer and had not seen the lock. A key sooner than `BURST_GAP`
# after one not kept is the same burst, and is not kept either.
IDLE_LOCK_GRACE = 1.0
BURST_GAP = 0.5


class CsprApp(App[None]):
    """The cspr case vault app; build it with `make_app`."""

    TITLE = "cspr"
    # Every screen's stylesheet too, read once as the app starts. A screen's own CSS_PATH is
    # otherwise read when it is first shown, and each new file makes Textual parse the whole
    # stylesheet again and restyle every widget of the app (30-70 ms on the first opening
    # of a case, a form or the recommendations, on the reviewer's key). The rules are the
    # same either way; tests/tui/test_layouts.py checks every screen's file is listed here.
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        "app.tcss",
        *(
            f"screens/{name}.tcss"
            for name in (
                "unlock",
                "dashboard",
                "case",
                "form",
                "recommendations",
                "chronology",
                "people",
                "settings",
                "help",
                "redaction_review",
            )
        ),
    ]
    COMMANDS = App.COMMANDS | {CaseCommands}
    ENABLE_COMMAND_PALETTE = True
    # Case data must not leave the screen by mouse selection (each case screen also says so).
    ALLOW_SELECT = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+l", "lock", "Lock", priority=True, id="app.lock"),
        Binding("f1", "help", "Help", id="app.help"),
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False, id="app.quit"),
    ]

    def __init__(
        self,
        settings: Settings,
        vault_path: Path,
        *,
        today: date | None = None,
        idle_lock_seconds: float | None = None,
    ) -> None:
        from cspr_tui.tui.environment import neutralise_textual_environment

        neutralise_textual_environment()  # App.__init__ reads TEXTUAL (devtools) again
        super().__init__()
        self.settings = settings
        self.vault_path = Path(vault_path)
        self.fixed_today = today
        self.session: Session | None = None
        minutes = max(int(settings.idle_lock_minutes or 0), 0)
        self.idle_lock_seconds = (
            idle_lock_seconds if idle_lock_seconds is not None else float(minutes * 60)
        )
        self.last_activity = time.monotonic()
        self.lock_message = ""
        # Until when keys are not kept after an idle lock (time.monotonic), and whether any
        # were: the unlock screen then says so, never what they were.
        self.keys_dropped_until = 0.0
        self._switching_drawn = False  # `delay_update` left out (see there)
        self.keys_dropped = False
        self.pending_restore: tuple[Path, str] | None = None
        self.sub_title = self.vault_path.name
        self.key_gate = KeyGate(self, self._dispatch_key)
        self.recs_filters: dict[str, object] = {}  # the recommendations screen's filters
        # Per case: its deadlines and rated recommendations (forgotten on lock).
        self.derived = DerivedCache()
        # Where the reviewer was when the vault locked: (case ref, tab, form id, agency).
        self.return_to: tuple[str, str, str | None, str | None] | None = None
        # How many scrubs of freed memory have run (two a lock: at once, and once the unlock
        # screen is drawn and the old screens' frames are freed).
        self.scrubs = 0
        if settings.theme:
            self.theme = settings.theme if settings.theme in self.available_themes else self.theme

    # -- lifecycle ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        from cspr_tui.tui.screens.unlock import UnlockScreen

        self.add_mode(LOCKED_MODE, UnlockScreen)
        self.switch_mode(LOCKED_MODE)
        self.set_interval(1.0, self.lock_if_idle, name="idle-lock")
        self.call_after_refresh(self._find_text_caches)

    def _find_text_caches(self) -> None:
        """Find Rich's and Textual's memo caches now, while no case is loaded and the heap
        is small, so the unlock's forgetting of the typed passphrase is quick."""
        import cspr_tui.tui.screens.case
        import cspr_tui.tui.screens.dashboard
        import cspr_tui.tui.screens.form
        import cspr_tui.tui.screens.recommendations  # noqa: F401  (the screens' widgets)
        from cspr_tui.tui.session import text_caches

        text_caches()

    def update_styles(self, node, animate: bool = True) -> None:
        """Restyle a node whose classes changed, unless it is not mounted yet.

        Textual restyles a widget (and everything in it) each time a class changes, even
        before it is mounted: an `Input` made with a value sets `-valid` on itself, a form
        step's worth of them cost tens of milliseconds, and mounting styles them all again
        anyway (`App._register` applies the stylesheet to every new widget). Only a widget
        with no parent yet is left alone: one whose parent is not on screen yet may already
        be registered, and is restyled as before."""
        if node is not self and node.parent is None:
            return
        super().update_styles(node, animate=animate)

    def today(self) -> date:
        """The date every deadline is computed against (fixed in tests and snapshots)."""
        return self.fixed_today or date.today()

    @property
    def store(self) -> CaseStore:
        """The case store of the unlocked vault; screens only exist while it does."""
        if self.session is None or self.session.store is None:
            raise RuntimeError("the vault is locked")
        return self.session.store

    @property
    def forms(self) -> FormSet:
        if self.session is None:
            raise RuntimeError("the vault is locked")
        return self.session.forms

    async def unlocked(self, session: Session) -> None:
        """Called by the unlock screen once the worker has opened the vault."""
        from cspr_tui.tui.screens.dashboard import DashboardScreen

        clear_text_caches()  # the typed passphrase was measured for drawing: forget it
        self.session = session
        self.lock_message = ""
        self.keys_dropped_until = 0.0
        self.keys_dropped = False
        self.last_activity = time.monotonic()
        if CASES_MODE in self._modes:  # a stale stack from a failed lock: never reuse it
            await self.remove_mode(CASES_MODE)
        self.add_mode(CASES_MODE, lambda: self.styled_already(DashboardScreen()))
        self._switching_drawn = True
        try:
            await self.switch_mode(CASES_MODE)
        finally:
            self._switching_drawn = False
        await self._return_to_where_it_was()
        if not (self.settings.reviewer_name or "").strip():
            self._ask_reviewer_name()

    def delay_update(self, delay: float = 0.05) -> None:
        """Textual's, except for the unlock's switch to the dashboard: `switch_mode` holds
        every update for 50 ms to hide a screen drawn in steps, then redraws the whole
        screen again. The dashboard is drawn once, with its rows, so the hold only
        delayed it and the redraw repeated it (tests/tui/test_layouts.py)."""
        if self._switching_drawn:
            return
        super().delay_update(delay)

    def _get_screen(self, screen: Screen | str) -> tuple[Screen, AwaitMount]:
        """Textual's (private: tests/tui/test_layouts.py checks it is still there), with its
        wait for a new screen to mount made a `ScreenMounted`: no second layout of a screen
        laid out since it mounted (styled_screen.py says why)."""
        from cspr_tui.tui.styled_screen import ScreenMounted

        found, await_mount = super()._get_screen(screen)
        if type(await_mount) is AwaitMount:
            await_mount.__class__ = ScreenMounted  # the same wait, already queued by Textual
        return found, await_mount

    def styled_already(self, screen: Screen) -> Screen:
        """A new screen for a mode switch, without Textual's whole-app restyle.

        Switching to a mode whose screen has not seen the latest CSS re-parses the whole
        stylesheet and restyles every widget of the app (over 100 ms per unlock). A screen
        made just now is styled as it mounts, from the stylesheet as it is, so it has seen
        it. `_css_update_count` is Textual's private counter; tests/tui/test_unlock_speed.py
        fails if the restyle comes back."""
        screen._css_update_count = self._css_update_count
        return screen

    def _ask_reviewer_name(self) -> None:
        """First run: ask who is reviewing, so the audit trail names a person."""
        from cspr_tui.tui.dialogs.reviewer_name import ReviewerNameDialog

        def named(name: str | None) -> None:
            if not name or self.session is None:
                return
            from cspr_tui.domain.audit import default_actor
            from cspr_tui.settings import save_settings

            self.settings.reviewer_name = name
            save_settings(self.settings)
            self.store.actor = default_actor(name)
            self.notify(f"Changes are recorded as made by {name}.", timeout=3)

        self.push_screen(ReviewerNameDialog(), named)

    def _where_now(self) -> tuple[str, str, str | None, str | None] | None:
        """The open case (its tab) and form, to come back to after an unlock."""
        from cspr_tui.tui.screens.case import CaseScreen
        from cspr_tui.tui.screens.form import FormScreen

        place = None
        for screen in self.screen_stack:
            if isinstance(screen, CaseScreen):
                place = (screen.ref, screen.current_tab()[0], None, None)
            elif isinstance(screen, FormScreen) and place is not None and place[0] == screen.ref:
                place = (place[0], place[1], screen.form_id, screen.agency)
        return place

    async def _return_to_where_it_was(self) -> None:
        place, self.return_to = self.return_to, None
        if place is None:
            return
        from cspr_tui.tui.screens.case import CaseScreen
        from cspr_tui.tui.screens.form import FormScreen

        ref, tab, form_id, agency = place
        try:
            self.store.get(ref)
        except CsprError:
            return  # the case is gone (restored from an older backup): stay on the dashboard
        await self.push_screen(CaseScreen(ref, tab=tab))
        if form_id is not None:
            await self.push_screen(FormScreen(ref, form_id, agency=agency))

    async def action_lock(self, message: str = "Locked. Enter the passphrase to continue.") -> None:
        """Close the vault and discard every screen that showed case data."""
        if self.session is None:
            return
        self.save_open_drafts()
        self.return_to = self._where_now()
        self.recs_filters = {}
        self.derived.clear()
        session, self.session = self.session, None
        try:
            session.close()
        finally:
            del session
            self.lock_message = message
            await self.switch_mode(LOCKED_MODE)
            if CASES_MODE in self._modes:
                await self.remove_mode(CASES_MODE)
            self.forget()
            # The old screens' last frames and widgets are freed once the unlock screen has
            # been drawn; scrub again then.
            self.call_after_refresh(self.forget_if_locked)

    def freeze_heap(self) -> None:
        """Tell Python's collector to stop rescanning what is loaded now (every case).

        With a thousand cases in memory a full collection scans millions of objects: a
        few hundred milliseconds that land on whichever key press made the garbage. The
        loaded cases live until the lock, so `gc.freeze` sets them aside; `forget` puts
        them back (`gc.unfreeze`) so that nothing the session held outlives the lock."""
        gc.freeze()

    def forget_if_locked(self) -> None:
        """The second scrub after a lock, unless a vault is open again by then (a restore
        or a quick unlock on a loaded machine): cancelling workers then would stop the new
        session's own, such as the dashboard filling its table."""
        if self.session is None:
            self.forget()

    def forget(self) -> None:
        """After a lock: no worker, cache or freed block keeps what the session showed."""
        from cspr_tui.vault.process_guard import scrub_freed_memory

        gc.unfreeze()  # frozen objects are out of the collector's (and gc.get_objects') reach
        self.workers.cancel_all()
        forget_finished_workers()
        clear_text_caches()
        redaction = sys.modules.get("cspr_tui.exports.redaction")
        if redaction is not None:  # an export or a redaction review ran in this session
            redaction.forget_cached_words()
        scrub_freed_memory()
        self.scrubs += 1

    async def action_quit(self) -> None:
        """Keep open drafts, close the vault (releasing its lock), then leave."""
        self.save_open_drafts()
        self.close_session()
        self.exit()

    def close_session(self) -> None:
        gc.unfreeze()  # what the session loaded can be collected again
        session, self.session = self.session, None
        if session is not None:
            session.close()

    def on_unmount(self) -> None:
        """However the app ends, the vault is closed and its lock released."""
        self.close_session()

    # -- idle lock ---------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(
            event,
            (
                events.Key,
                events.MouseDown,
                events.MouseScrollDown,
                events.MouseScrollUp,
                events.Paste,
            ),
        ):
            self.last_activity = time.monotonic()
        if KeyGate.holds(event):
            if self._typed_into_the_idle_lock(event):
                return
            await self.key_gate.receive(event)  # each key once the one before took effect
            return
        await super().on_event(event)

    async def _dispatch_key(self, event: events.Event) -> None:
        """Hand one key from the gate to Textual."""
        await super().on_event(event)

    @property
    def keys_pending(self) -> int:
        """Keys received from the terminal and not yet fully handled."""
        return self.key_gate.pending

    async def lock_if_idle(self) -> None:
        """Lock once nothing was typed or clicked for the configured minutes (0 turns it off)."""
        await self.key_gate.kick()  # the same second's tick keeps the keyboard alive
        if self.session is None or self.idle_lock_seconds <= 0:
            return
        if time.monotonic() - self.last_activity >= self.idle_lock_seconds:
            # Keys from now on (the lock takes a moment) and those still waiting their turn
            # were meant for the form, not the passphrase box.
            self.keys_dropped_until = time.monotonic() + IDLE_LOCK_GRACE
            self.keys_dropped = False
            waiting = [e for e in self.key_gate.backlog if not self._keeps_through_lock(e)]
            for event in waiting:
                self.key_gate.backlog.remove(event)
            await self.action_lock(self._idle_lock_message())
            # The moment counts from the unlock screen shown, not from the lock begun.
            self.keys_dropped_until = max(
                self.keys_dropped_until, time.monotonic() + IDLE_LOCK_GRACE
            )
            if waiting or self.keys_dropped:  # the lock set its own message meanwhile
                self._keys_not_kept()

    def _idle_lock_message(self) -> str:
        minutes = self.idle_lock_seconds / 60
        idle = f"{minutes:g} idle minute{'s' if minutes != 1 else ''}"
        if self.keys_dropped:
            return (
                f"The vault locked itself after {idle}. The keys typed after it locked "
                "were not kept. Enter the passphrase to continue."
            )
        return f"Locked after {idle}. Enter the passphrase to continue."

    @staticmethod
    def _keeps_through_lock(event: events.Event) -> bool:
        """Quit is never lost: it is the way out whatever the screen."""
        return isinstance(event, events.Key) and event.key == "ctrl+q"

    def _typed_into_the_idle_lock(self, event: events.Event) -> bool:
        """Whether a key from the terminal came in the moment after an idle lock (or in a
        burst that began then), and so is not kept: typed for the form, it must not become
        the start of the passphrase, which would then be refused with no clue why."""
        now = time.monotonic()
        if self.session is not None or now >= self.keys_dropped_until:
            return False
        if self._keeps_through_lock(event):
            return False
        self.keys_dropped_until = max(self.keys_dropped_until, now + BURST_GAP)
        if not self.keys_dropped:
            self._keys_not_kept()
        return True

    def _keys_not_kept(self) -> None:
        """Say on the unlock screen that keys were not kept (never which, or how many)."""
        from cspr_tui.tui.screens.unlock import UnlockScreen

        self.keys_dropped = True
        self.lock_message = self._idle_lock_message()
        screen = self.screen
        if isinstance(screen, UnlockScreen) and screen.is_mounted:
            screen.show_message(self.lock_message)

    # -- actions the palette and the screens share ---------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "lock":
            return self.session is not None
        if action in {
            "new_case",
            "show_dashboard",
            "show_recs",
            "export",
            "import_cases",
            "show_settings",
            "rekey",
            "open_case",
        }:
            return self.session is not None
        return True

    async def action_show_dashboard(self) -> None:
        """Back to the dashboard from anywhere (it reloads itself when it resumes)."""
        self.save_open_drafts()
        while len(self.screen_stack) > 1:
            await self.pop_screen()

    def save_open_drafts(self) -> None:
        """Every open guided form keeps its work before its screen goes away."""
        from cspr_tui.tui.screens.form import FormScreen

        for screen in self.screen_stack:
            if isinstance(screen, FormScreen):
                screen.save_before_leaving()

    def action_new_case(self) -> None:
        from cspr_tui.tui.dialogs.new_case import NewCaseDialog

        self.push_screen(NewCaseDialog(), self._new_case_created)

    def _new_case_created(self, ref: str | None) -> None:
        if ref:
            from cspr_tui.tui.screens.case import CaseScreen
            from cspr_tui.tui.screens.form import FormScreen

            self.push_screen(CaseScreen(ref))
            self.push_screen(FormScreen(ref, "referral"))

    def load_cases_aside(self) -> None:
        """Read the case documents (not done at unlock: the dashboard reads only the stored
        summaries) with the collector off, and set them aside from it as the unlock sets
        aside what it reads (`session.built_aside`): a thousand documents are millions of
        objects, which every later full collection would rescan on some key press."""
        from cspr_tui.tui.session import built_aside

        store = self.store
        if not store.cases_loaded:
            with built_aside():
                store.cases()

    def action_open_case(self, ref: str) -> None:
        """The case's screen; only its own document is read (`ReadModel.entry`), not every
        case's."""
        from cspr_tui.tui.screens.case import CaseScreen

        self.push_screen(CaseScreen(ref))

    def action_show_people(self, ref: str) -> None:
        """The case's people and pseudonym key (screens reach each other through the app)."""
        from cspr_tui.tui.screens.people import PeopleScreen

        self.push_screen(PeopleScreen(ref))

    def action_review_redaction(self, ref: str, docx: Path | None = None) -> None:
        """The redaction review of the case's text, or of one Word document's."""
        from cspr_tui.tui.screens.redaction_review import RedactionReviewScreen

        self.push_screen(RedactionReviewScreen(ref, docx=docx))

    def action_show_recs(self) -> None:
        from cspr_tui.tui.screens.recommendations import RecommendationsScreen

        if not isinstance(self.screen, RecommendationsScreen):
            self.load_cases_aside()
            self.push_screen(RecommendationsScreen())

    def action_export(self, kind: str = "tracker", ref: str | None = None) -> None:
        from cspr_tui.tui.dialogs.export import ExportDialog

        self.push_screen(ExportDialog(kind, ref))

    def action_import_cases(self) -> None:
        """Cases from a JSON file, with progress, all or nothing (as `cspr import`)."""
        from cspr_tui.tui.dialogs.import_cases import ImportCasesDialog

        def imported(done) -> None:
            if done is not None:
                self.notify(
                    f"{done.cases:,} case(s) imported from {done.source}: "
                    f"{done.added:,} new, {done.updated:,} updated.",
                    timeout=4,
                )

        self.push_screen(ImportCasesDialog(), imported)

    def action_show_settings(self) -> None:
        from cspr_tui.tui.screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    async def restore_backup(self, backup: Path, passphrase: str) -> None:
        """Lock (closing the vault), then let the unlock screen restore and reopen it."""
        self.pending_restore = (backup, passphrase)
        await self.action_lock(f"Restoring {backup.name}…")

    def action_rekey(self) -> None:
        from cspr_tui.tui.dialogs.passphrase import ChangePassphraseDialog

        self.push_screen(ChangePassphraseDialog())

    # -- help, palette and leaks --------------------------------------------------------------

    def action_help(self) -> None:
        from cspr_tui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """None of Textual's own: the palette offers our actions only (tui/commands.py).

        Screenshot would write the screen (case data too) to disk; Quit, Keys, Maximize and
        Theme speak Textual's words for things the app already does its own way (ctrl+q saves
        drafts first, f1 is the keyboard map, the theme is a setting)."""
        return iter(())

    def copy_to_clipboard(self, text: str) -> None:
        """Refuse: a terminal clipboard (OSC 52) keeps case text where we cannot clear it."""
        self.notify(
            "Copying is turned off: the terminal's clipboard cannot be cleared afterwards.",
            severity="warning",
        )

    def deliver_screenshot(self, *_args, **_kwargs) -> str | None:
        """Refuse: a screenshot is a readable copy of case data on disk."""
        self.notify("Screenshots are turned off in this app.", severity="warning")
        return None


def make_app(
    settings: Settings,
    vault_path: Path,
    *,
    today: date | None = None,
    idle_lock_seconds: float | None = None,
) -> CsprApp:
    """The one way to build the app, shared by `cspr tui`, `cspr demo` and the tests."""
    from cspr_tui.vault.process_guard import prepare_allocator

    prepare_allocator()  # before any worker thread exists, so locks can scrub their memory
    return CsprApp(settings, vault_path, today=today, idle_lock_seconds=idle_lock_seconds)
