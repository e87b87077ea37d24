"""Keys typed while `cspr` loads the app are not echoed in the clear (a passphrase typed as
the unlock screen appears was printed on the shell's screen and stayed after the app quit),
and the terminal's own settings are back once it ends. Checked on a real pseudo-terminal."""

from __future__ import annotations

import os
import pty
import sys

import pytest

termios = pytest.importorskip("termios")

from cspr_tui.cli import terminal  # noqa: E402


class Tty:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return True


def echoes(fd: int) -> bool:
    return bool(termios.tcgetattr(fd)[3] & termios.ECHO)


def test_echo_is_off_while_the_app_loads_and_back_after() -> None:
    leader, follower = pty.openpty()
    try:
        assert echoes(follower)
        with terminal.typed_keys_hidden(Tty(follower)):
            assert not echoes(follower)
        assert echoes(follower)
        with pytest.raises(RuntimeError), terminal.typed_keys_hidden(Tty(follower)):
            raise RuntimeError("the app failed")
        assert echoes(follower)  # put back however the app ends
    finally:
        os.close(leader)
        os.close(follower)


def test_a_stream_that_is_not_a_terminal_is_left_alone(tmp_path) -> None:
    with (tmp_path / "f").open("w") as plain, terminal.typed_keys_hidden(plain):
        pass  # no error, nothing to change


@pytest.mark.parametrize(
    ("argv", "app"),
    [
        ([], True),
        (["tui"], True),
        (["--vault", "v/x.vault"], True),
        (["--vault", "tui", "init"], False),
        (["--allow-rollback", "demo"], True),
        (["init"], False),
        (["case", "list"], False),
        (["--help"], False),
        (["tui", "--help"], False),
        (["--version"], False),
    ],
)
def test_only_the_app_commands_hide_typed_keys(monkeypatch, argv, app) -> None:
    monkeypatch.setattr(sys, "stdin", Tty(0))
    assert terminal.opens_the_app(argv) is app
