"""The key gate's one reach into Textual: pending `call_next` callbacks count as busy."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.widget import Widget

from cspr_tui.tui.key_gate import busy


def test_textual_still_keeps_next_callbacks_where_the_gate_looks() -> None:
    widget = Widget()
    assert isinstance(widget._next_callbacks, list)  # fails loudly after a Textual change
    assert not busy(widget)
    widget._next_callbacks.append(object())
    assert busy(widget)


async def test_a_dialog_result_is_handled_before_the_next_key() -> None:
    """Keys typed right after a dialog closes go to the screen its result opened (as after
    "new case": the dialog's Enter opens the referral form, typing goes into it)."""
    from textual.screen import ModalScreen, Screen
    from textual.widgets import Input

    from cspr_tui.tui.key_gate import KeyGate
    from tests.tui.conftest import burst

    class Ask(ModalScreen[str]):
        BINDINGS: ClassVar = [("enter", "done", "Done")]

        def action_done(self) -> None:
            self.dismiss("form")

    class Form(Screen[None]):
        AUTO_FOCUS = "#answer"

        def compose(self):
            yield Input(id="answer")

    class Two(App[None]):
        def compose(self):
            yield Input(id="home")

        def key_f5(self) -> None:
            self.push_screen(Ask(), lambda _name: self.push_screen(Form()))

        async def on_event(self, event) -> None:
            if not hasattr(self, "key_gate"):
                self.key_gate = KeyGate(self, super().on_event)
            if KeyGate.holds(event):
                await self.key_gate.receive(event)
                return
            await super().on_event(event)

        @property
        def keys_pending(self) -> int:
            return self.key_gate.pending if hasattr(self, "key_gate") else 0

    app = Two()
    async with app.run_test() as pilot:
        app.query_one("#home").focus()
        await burst(pilot, "f5", "enter", *"typed")
        assert isinstance(app.screen, Form)
        assert app.screen.query_one("#answer", Input).value == "typed"
        assert app.screen_stack[0].query_one("#home", Input).value == ""


async def test_a_lost_check_never_leaves_the_keyboard_dead() -> None:
    """If the check that releases the next key never runs, the gate revives itself."""
    from textual.widgets import Input

    from cspr_tui.tui import key_gate
    from tests.tui.conftest import burst, key_events

    class One(App[None]):
        def compose(self):
            yield Input(id="box")

    app = One()
    async with app.run_test() as pilot:
        gate = key_gate.KeyGate(app, app.on_event)
        app.query_one("#box").focus()
        await pilot.pause()
        gate.busy = True  # as if a key's check had been lost
        gate.last_look = 0.0
        for event in key_events("ok"):
            event.set_sender(app)
            await gate.receive(event)
            await pilot.pause(0.05)
        await burst(pilot)
        assert app.query_one("#box", Input).value == "ok"


def test_textual_still_flags_a_pending_layout_where_the_gate_looks() -> None:
    from textual.screen import Screen

    from cspr_tui.tui.key_gate import layout_pending

    screen = Screen()
    assert isinstance(screen._layout_required, bool)  # fails loudly after a Textual change
    screen._layout_required = False
    assert not layout_pending(screen)
    screen._layout_required = True
    assert layout_pending(screen)


def test_a_busy_screen_is_looked_at_less_and_less_often_and_a_quiet_one_confirmed_at_once() -> None:
    """Each look walks every widget of the stack (a third of a millisecond at 1,000 cases):
    looking every 0.5 ms while a screen opened took CPU the screen needed. Busy looks in a
    row wait longer each time, up to LONGEST_LOOK; the look confirming a quiet app comes
    after FIRST_LOOK, and a running worker is looked at every 20 ms."""
    from types import SimpleNamespace

    from cspr_tui.tui import key_gate

    app = SimpleNamespace(workers=[])
    gate = key_gate.KeyGate(app, None)
    waits = []
    for busy_looks in range(1, 10):
        gate.busy_checks, gate.quiet_checks = busy_looks, 0
        waits.append(gate._next_look())
    assert waits == sorted(waits) and waits[0] < waits[-1]
    assert waits[-1] == key_gate.LONGEST_LOOK <= 0.005
    gate.busy_checks, gate.quiet_checks = 0, 1
    assert gate._next_look() == key_gate.FIRST_LOOK
    app.workers = [SimpleNamespace(is_running=True)]
    assert gate._next_look() == 0.02


def test_keys_are_not_held_for_the_case_import_only() -> None:
    """The import dialog must hear escape while its worker checks the file; any other
    running worker (an export, a save, the unlock) still holds the next key."""
    from types import SimpleNamespace

    from cspr_tui.tui import key_gate
    from cspr_tui.tui.dialogs.import_cases import IMPORT_GROUP

    app = SimpleNamespace(workers=[SimpleNamespace(is_running=True, group=IMPORT_GROUP)])
    gate = key_gate.KeyGate(app, None)
    assert not gate.working()
    app.workers.append(SimpleNamespace(is_running=True, group="export"))
    assert gate.working()


async def test_a_look_due_as_the_app_closes_does_not_fail() -> None:
    """A burst still being handed out when the app quits: the gate's next look came after
    the last screen had gone, and raised ScreenStackError on the way out."""
    from cspr_tui.tui.key_gate import KeyGate

    class Plain(App[None]):
        pass

    app = Plain()
    async with app.run_test():
        gate = KeyGate(app, lambda event: None)
    gate.busy = True
    assert not app.screen_stack
    await gate._check()  # no screen left: nothing to wait for
    assert not gate.busy
