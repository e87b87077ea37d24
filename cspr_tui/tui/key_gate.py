"""Keys are handed to the app one at a time, each once the previous one has taken effect.

Why: Textual forwards a key to the focused widget's own message queue as soon as the app
reads it, and resolves most bindings (Tab, Enter in an input, a form's ctrl+o) only when the
key has bubbled back up to the app, at the back of the app's queue. Keys typed faster than
that round trip are therefore already sitting in the old widget's queue when the focus moves
or a new entry is mounted: text typed across Tab joins the previous field, text typed after
ctrl+o goes to the entry that was focused before, or is lost with a widget that is removed.

The gate keeps every key the terminal sends in a backlog and releases the next one only when
the whole app is quiet again: no worker running (its result may open the next screen), the
app's own queue and the queue of every widget on the screen stack empty and the current screen
laid out (Tab follows the layout), twice in a row with the event loop run in between (so a
handler that is awaiting a mount is not mistaken for quiet). A key that never settles (an endless
animation) is released after `MAX_WAIT` so typing can never hang.
"""

from __future__ import annotations

import time
from collections import deque
from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

MAX_WAIT = 3.0  # seconds a key may wait for screen activity with no worker running
LAYOUT_WAIT = 0.5  # seconds a key may wait for the screen's layout (normally 1/60 s)
FIRST_LOOK = 0.0005  # seconds before the first look after a key (and a quiet app's second)
LONGEST_LOOK = 0.004  # a busy screen is looked at less and less often, down to this
MAX_WORKER_WAIT = 60.0  # a worker that runs longer than this no longer holds the keys
ESCAPE_HATCHES = frozenset({"ctrl+q", "ctrl+l"})  # a way out when the app is busy for long
# Workers that run while the reviewer goes on typing (the case import's progress dialog
# must hear escape): keys are not held back for them.
BACKGROUND_GROUPS = frozenset({"case-import"})


def busy(node) -> bool:
    """Messages waiting for `node`, or callbacks it runs once its queue is empty.

    `call_next` callbacks (a dialog's result, for one) wait outside the queue, in Textual's
    private `_next_callbacks`; tests/tui/test_key_gate.py fails loudly if that name goes.
    """
    return bool(node.message_queue_size or node._next_callbacks)


def layout_pending(screen: Screen[object]) -> bool:
    """The current screen has a layout still to do (a question just shown or hidden).

    Tab orders widgets by where the last layout put them, and Textual lays the screen out on
    its refresh timer, not through a queue the gate sees: a question shown by a one-key answer
    is not in the focus order until then, so Tab straight after `y` would skip it. Textual
    keeps the flag in the private `_layout_required`; tests/tui/test_key_gate.py fails loudly
    if that name goes.
    """
    # Only the screen's flag: a widget's own one is not a reliable sign (a TextArea keeps it
    # set while idle); a widget that needs layout posts to the screen's queue, which the
    # gate already waits on, and the screen raises this flag when it reads that message.
    return bool(screen._layout_required)


def as_typed(event: events.Event) -> events.Event:
    """The key the reviewer pressed: a newline from the terminal is its Enter.

    Until Textual takes the terminal over at start-up, the terminal is in its line mode,
    which turns the carriage return of Enter into a newline; Textual reads that as ctrl+j,
    which no input answers. A passphrase typed as the unlock screen appears lost its Enter,
    and the same passphrase typed again went in after it and was refused. Terminals treat
    ctrl+j as Enter anyway, and the app binds nothing to it."""
    if isinstance(event, events.Key) and event.key == "ctrl+j":
        enter = events.Key("enter", "\r")
        enter.set_sender(event._sender)
        return enter
    return event


class KeyGate:
    """The backlog of keys not yet handed to the app, and the check that releases them."""

    def __init__(self, app: App, dispatch) -> None:
        self.app = app
        self.dispatch = dispatch  # coroutine function: hands one event to Textual
        self.backlog: deque[events.Event] = deque()
        self.busy = False  # a released key has not settled yet
        self.since = 0.0
        self.last_look = 0.0  # when the gate last looked (a dead gate is noticed by this)
        self.quiet_checks = 0
        self.busy_checks = 0  # looks in a row that found the app busy

    @property
    def pending(self) -> int:
        """Keys not yet fully handled (the backlog plus the one in flight)."""
        return len(self.backlog) + (1 if self.busy else 0)

    @staticmethod
    def holds(event: events.Event) -> bool:
        """Keys and pastes straight from the terminal (not ones bubbling back up)."""
        return isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded

    async def receive(self, event: events.Event) -> None:
        """Take a key from the terminal: handle it now if the app is quiet, else queue it.

        Quit and lock wait their turn like any key, unless the app has been busy for longer
        than `MAX_WAIT` (a long export): then they act at once, as a way out."""
        event = as_typed(event)
        long_wait = self.busy and time.monotonic() - self.since > MAX_WAIT
        if isinstance(event, events.Key) and event.key in ESCAPE_HATCHES and long_wait:
            await self.dispatch(event)
            return
        self.backlog.append(event)
        if not self.busy or self._overdue():
            self.busy = False
            await self._release()

    async def kick(self) -> None:
        """Called every second by the app: revive a gate whose check was lost."""
        if self.busy and self._overdue():
            self.busy = False
            await self._release()

    def _overdue(self) -> bool:
        """The check that should release the next key has not run for too long: never let
        a lost timer or a handler that failed leave the keyboard dead."""
        return time.monotonic() - self.last_look > 2 * MAX_WAIT

    async def _release(self) -> None:
        while self.backlog:
            event = self.backlog.popleft()
            self.busy = True
            self.since = self.last_look = time.monotonic()
            self.quiet_checks = 0
            self.busy_checks = 0
            try:
                await self.dispatch(event)
            finally:
                # Look again once everything the key caused has been queued and handled.
                self.app.set_timer(FIRST_LOOK, self._check, name="key-gate")
            return
        self.busy = False

    def _quiet(self) -> bool:
        app = self.app
        if busy(app):
            return False
        # A worker's result moves the screen on (a new case opens its referral form; an
        # unlock opens the dashboard): the next key waits for it.
        if self.working():
            return False
        for screen in app.screen_stack:
            for node in screen.walk_children(with_self=True):
                if busy(node):
                    return False
        # Only the current screen is laid out; one under a dialog waits until it is on top.
        # Bounded: a layout flag that stays up (a screen whose refresh timer is not running)
        # must not hold every key for MAX_WAIT.
        waited = time.monotonic() - self.since
        return not (layout_pending(app.screen) and waited < LAYOUT_WAIT)

    def working(self) -> bool:
        return any(
            worker.is_running and getattr(worker, "group", "") not in BACKGROUND_GROUPS
            for worker in self.app.workers
        )

    async def _check(self) -> None:
        self.last_look = time.monotonic()
        if not self.busy:
            return
        if not self.app.screen_stack:  # the app is closing: nothing left to type into
            self.busy = False
            return
        if self._quiet():
            self.quiet_checks += 1
            self.busy_checks = 0
        else:
            self.quiet_checks = 0
            self.busy_checks += 1
        # Never give up on a worker (keys typed while the vault opens belong to what opens);
        # only endless screen activity without one is cut short.
        waited = time.monotonic() - self.since
        stuck = (waited > MAX_WAIT and not self.working()) or waited > MAX_WORKER_WAIT
        if self.quiet_checks >= 2 or stuck:
            self.busy = False
            await self._release()
            return
        self.app.set_timer(self._next_look(), self._check, name="key-gate")

    def _next_look(self) -> float:
        """Seconds until the next look. While a worker runs, 20 ms: polling faster starves
        its thread of the GIL. While a screen is busy opening, each look walks every widget
        of the stack (a third of a millisecond at 1,000 cases), so looking every 0.5 ms took
        a good part of the CPU the screen needed: the wait doubles with each busy look, up
        to `LONGEST_LOOK`; once quiet, the confirming look comes straight after."""
        if self.working():
            return 0.02
        if self.quiet_checks:
            return FIRST_LOOK
        return min(LONGEST_LOOK, FIRST_LOOK * 2 ** min(self.busy_checks, 8))
