"""An export's shared memo of scans (`SharedScans`) changes no case's findings.

The tracker lets the cases of one export share what they find in a text no part of their
keys can touch. Each test here is a text that one case's key touches in only one way (a
name spelled out, a number, a date of birth, an address, a place, initials, a run-together
word, its own allowlist, a role it protects) and that another case's key does not touch:
the findings differ between the two, so a memo that let the second case reuse the first
case's findings would fail the test.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from cspr_tui.domain.case import PersonKind, RedactionOutcome
from cspr_tui.exports.redaction import Redactor, SharedScans, Subject, decision

ALLOW = ("Nowhereton", "Children's social care")


def _child(**extra: Any) -> Subject:
    return Subject("Child A", "Subject child", PersonKind.CHILD, names=["Zoë Fictionalia"], **extra)


def _other_key() -> list[Subject]:
    """A case whose key touches none of the texts below."""
    return [Subject("Child B", "Subject child", PersonKind.CHILD, names=["Harrow Quillbeck"])]


# (what the memo must not hide, the touching case's key, its own allowlist, the text)
TOUCHED = [
    ("a name in the key", lambda: [_child()], (), "Zoe came to the clinic"),
    ("a name spelled out", lambda: [_child()], (), "Z o e  F i c t i o n a l i a rang"),
    (
        "a service number in the key",
        lambda: [_child(phones=["0808 800 5000"])],
        (),
        "Ring 0808 800 5000 for advice",
    ),
    (
        "a landline's local number in the key",
        lambda: [_child(phones=["0191 496 0123"])],
        (),
        "Ring 496 0123 after six",
    ),
    (
        "a postcode in the key written like an ordinal",
        lambda: [_child(postcodes=["NE8 1ST"])],
        (),
        "Moved to ne8 1st of the month",
    ),
    (
        "a date of birth",
        lambda: [_child(dates_of_birth={date(2016, 3, 14)})],
        (),
        "Born 14/03/2016 at home",
    ),
    (
        "an address",
        lambda: [_child(addresses=["22 Station Road, Gatesford"])],
        (),
        "Seen at 22 Station Road last week",
    ),
    (
        "a school",
        lambda: [_child(places=[("school", "Sunnyfield Primary School")])],
        (),
        "Staff at Sunnyfield Primary School noticed",
    ),
    ("initials", lambda: [_child()], (), "Z.F. was seen by the nurse"),
    ("a title and an initial", lambda: [_child()], (), "We spoke to Mrs F about it"),
    ("a run-together word", lambda: [_child()], (), "Posts tagged #JusticeForZoe appeared"),
    (
        "the case's own allowlist",
        lambda: [_child()],
        ("Brackenford",),
        "The Brackenford team reviewed it",
    ),
    (
        "a role the case protects",
        lambda: [
            _child(),
            Subject(
                "Quennell outreach worker",
                "Quennell outreach worker",
                PersonKind.PRACTITIONER,
                names=["Tamsin Yarrowby"],
            ),
        ],
        (),
        "The Quennell outreach worker rang",
    ),
]


def _redactor(key: list[Subject], also: tuple[str, ...], scans: SharedScans | None) -> Redactor:
    return Redactor(key, allow=ALLOW, also_allow=also, scans=scans)


@pytest.mark.parametrize(("route", "key", "also", "text"), TOUCHED, ids=[t[0] for t in TOUCHED])
@pytest.mark.parametrize("touched_first", [True, False], ids=["touched-first", "other-first"])
def test_a_text_one_key_touches_is_never_answered_from_the_other_case(
    route: str,
    key: Callable[[], list[Subject]],
    also: tuple[str, ...],
    text: str,
    touched_first: bool,
) -> None:
    alone_touched = _redactor(key(), also, None).scan(text)
    alone_other = _redactor(_other_key(), (), None).scan(text)
    assert alone_touched != alone_other, f"{route}: the two cases find the same"
    shared = SharedScans(ALLOW)
    touched = _redactor(key(), also, shared)
    other = _redactor(_other_key(), (), shared)
    if touched_first:
        assert touched.scan(text) == alone_touched
        assert other.scan(text) == alone_other
    else:
        assert other.scan(text) == alone_other
        assert touched.scan(text) == alone_touched


def test_a_text_no_key_touches_is_scanned_once_for_every_case() -> None:
    text = "The Trust will re-audit the Quarrendale protocol by the end of the year"
    shared = SharedScans(ALLOW)
    first = _redactor([_child()], (), shared)
    second = _redactor(_other_key(), (), shared)
    before = len(shared.hits)
    found = first.scan(text)
    assert [f.hit for f in found] == ["Quarrendale"]  # a possible name, the same in both
    assert len(shared.hits) == before + 1
    assert second.scan(text) == _redactor(_other_key(), (), None).scan(text) == found
    assert len(shared.hits) == before + 1  # the second case found it in the memo


def test_each_case_keeps_its_own_decisions_on_a_shared_text() -> None:
    text = "Quarrendale was mentioned at the meeting"
    shared = SharedScans(ALLOW)
    undecided = _redactor(_other_key(), (), shared)
    found = undecided.scan(text)
    assert len(found) == 1 and found[0].open
    deciding = Redactor(
        [_child()],
        [decision(found[0], RedactionOutcome.REJECTED, reason="a person")],
        allow=ALLOW,
        scans=shared,
    )
    (decided,) = deciding.scan(text)
    assert not decided.open and decided.withheld != found[0].withheld
    assert undecided.scan(text)[0].open  # the first case's finding is still waiting


def test_a_memo_is_only_shared_by_redactors_on_the_same_allowlist() -> None:
    shared = SharedScans(ALLOW)
    with pytest.raises(ValueError, match="same allowlist"):
        Redactor(_other_key(), allow=("Elsewhere",), scans=shared)
