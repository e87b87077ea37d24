"""Keys are handed to the app one at a time, each once the previous one has taken effect.

Why: Textual forwards a key to the focused widget's own message queue as soon as the app
reads it, and resolves most bindings (Tab, Enter in an input, a form's ctrl+o) only when the
key has bubbled back up to the app, at the back of the app's queue. Keys typed faster than
that round trip are therefore already sitting in the old widget's queue when the focus moves
or a new entry is mounted: text typed across Tab joins the previous field, text typed after
ctrl+o goes to the entry that was focused before, or is lost with a widget that is removed.

The gate keeps every key the terminal sends in a backlog and releases the next one only when
the whole app is quiet again: the app's own queue and the queue of every widget on the
screen stack are empty, twice in a row with the event loop run in between (so a handler that
is awaiting a mount is not mistaken for quiet). A key that never settles (an endless
animation) is released after `MAX_WAIT` so typing can never hang.
"""

from __future__ import annotations

import time
from collections import deque
from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.app import App

MAX_WAIT = 3.0  # seconds a key may wait for the previous one to settle (a loaded machine)


class KeyGate:
    """The backlog of keys not yet handed to the app, and the check that releases them."""

    def __init__(self, app: App, dispatch) -> None:
        self.app = app
        self.dispatch = dispatch  # coroutine function: hands one event to Textual
        self.backlog: deque[events.Event] = deque()
        self.busy = False  # a released key has not settled yet
        self.since = 0.0
        self.quiet_checks = 0

    @property
    def pending(self) -> int:
        """Keys not yet fully handled (the backlog plus the one in flight)."""
        return len(self.backlog) + (1 if self.busy else 0)

    @staticmethod
    def holds(event: events.Event) -> bool:
        """Keys and pastes straight from the terminal (not ones bubbling back up)."""
        return isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded

    async def receive(self, event: events.Event) -> None:
        """Take a key from the terminal: handle it now if the app is quiet, else queue it."""
        self.backlog.append(event)
        if not self.busy:
            await self._release()

    async def _release(self) -> None:
        while self.backlog:
            event = self.backlog.popleft()
            self.busy = True
            self.since = time.monotonic()
            self.quiet_checks = 0
            await self.dispatch(event)
            if self._quiet():
                self.quiet_checks += 1
            # Look again once everything the key caused has been queued and handled.
            self.app.set_timer(0.0005, self._check, name="key-gate")
            return
        self.busy = False

    def _quiet(self) -> bool:
        app = self.app
        if app.message_queue_size:
            return False
        for screen in app.screen_stack:
            for node in screen.walk_children(with_self=True):
                if node.message_queue_size:
                    return False
        return True

    async def _check(self) -> None:
        if not self.busy:
            return
        if self._quiet():
            self.quiet_checks += 1
        else:
            self.quiet_checks = 0
        if self.quiet_checks >= 2 or time.monotonic() - self.since > MAX_WAIT:
            self.busy = False
            await self._release()
            return
        self.app.set_timer(0.0005, self._check, name="key-gate")
