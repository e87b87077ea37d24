"""Dates put in their own slashes as they are typed; slashes typed by hand are kept."""

from __future__ import annotations

import pytest

from cspr_tui.tui.widgets.date_input import auto_slash


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("1", "1"),
        ("14", "14"),
        ("140", "14/0"),
        ("1403", "14/03"),
        ("14032", "14/03/2"),
        ("14032024", "14/03/2024"),
        ("14/03/2024", "14/03/2024"),
        ("14/032024", "14/03/2024"),  # the app's own slash, then more digits
        ("14/03", "14/03"),  # after a backspace over the year
        ("1/3/2024", "1/3/2024"),  # the reviewer's own slashes are left alone
        ("140320245", "140320245"),  # too long: left for the engine to refuse
        ("", ""),
    ],
)
def test_auto_slash(typed: str, shown: str) -> None:
    assert auto_slash(typed) == shown
