"""A case's names are matched as the one pattern holding titles, initials and names did.

The title before a name is matched apart from a case's compiled names (halving what each
case compiles); `_name_matches` must give what `finditer` of the whole pattern gave, match
for match and group for group. Compared here on random texts built from titles (with and
without their stop, one space or two), initials, the key's names written every way, their
plurals, words that begin like titles ("Drew", "Mistry") and separators.
"""

from __future__ import annotations

import random
import re

from cspr_tui.domain.case import PersonKind
from cspr_tui.exports.redaction import Redactor, Subject
from cspr_tui.exports.redaction.engine import _name_matches
from cspr_tui.exports.redaction.key import TITLES

_LOOK_BEHIND = r"(?<![^\W\d_])(?<!')"
_TITLE = rf"(?P<title>(?:{'|'.join(sorted(TITLES, key=len, reverse=True))})\.?[ ]+)?"


def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The case's compiled names, and the whole pattern they were part of."""
    redactor = Redactor(
        [
            Subject("Child A", "Subject child", PersonKind.CHILD, names=["Zoë Fictionalia"]),
            Subject("Mother", "Mother", PersonKind.FAMILY, names=["Siobhán O'Neill"]),
            Subject("Aunt", "Aunt", PersonKind.FAMILY, names=["Mary-Jane Okonkwo"]),
            Subject("Uncle", "Uncle", PersonKind.FAMILY, names=["Drew Mistry", "Jo Sir"]),
            Subject("Gran", "Gran", PersonKind.FAMILY, names=["Rose Walsh"]),
        ]
    )
    redactor._cover(set(redactor._name_keys))
    names = redactor._names
    assert names is not None and names.pattern.startswith(_LOOK_BEHIND)
    whole = re.compile(_LOOK_BEHIND + _TITLE + names.pattern[len(_LOOK_BEHIND) :])
    return names, whole


_WORDS = [
    *sorted(TITLES),
    "zoe", "fictionalia", "siobhan", "o'neill", "oneill", "o neill", "neill", "mary-jane",
    "mary", "jane", "okonkwo", "drew", "mistry", "jo", "sir", "rose", "walsh", "walshes",
    "roses", "zoes", "fictionalias", "mr", "mrs", "miss", "missed", "drive", "the", "said",
    "a", "i", "j", "z", "f", "m", "s", "es", "'s", "and", "dr", "prof", "sister",
]  # fmt: skip
_SEPARATORS = [" ", " ", " ", "  ", ". ", ".", "", ", ", "'", "-", " . ", "\n"]


def _texts(count: int, seed: int) -> list[str]:
    pick = random.Random(seed)
    texts = []
    for _ in range(count):
        words = [pick.choice(_WORDS) for _ in range(pick.randint(1, 9))]
        text = ""
        for word in words:
            text += word + pick.choice(_SEPARATORS)
        texts.append(text)
    return texts


def _described(m: re.Match[str] | object) -> tuple[object, ...]:
    return (
        m.start(),  # type: ignore[attr-defined]
        m.end(),  # type: ignore[attr-defined]
        *(
            (m.group(g), m.start(g), m.end(g))  # type: ignore[attr-defined]
            for g in ("title", "init", "name", "plural")
        ),
    )


def test_names_with_their_titles_are_matched_as_the_whole_pattern_matched() -> None:
    names, whole = _patterns()
    texts = _texts(4000, seed=13)
    matched = 0
    titled = 0
    for text in texts:
        expected = [_described(m) for m in whole.finditer(text)]
        assert [_described(m) for m in _name_matches(names, text)] == expected, text
        matched += len(expected)
        titled += sum(1 for e in expected if e[2][0] is not None)
    assert matched > 2000 and titled > 300  # the texts exercise both kinds of match


def test_a_title_with_no_name_after_it_is_not_a_match() -> None:
    names, whole = _patterns()
    for text in ("mrs and mr said", "dr. drive", "miss  missed", "sir", "mr jones"):
        assert [_described(m) for m in _name_matches(names, text)] == [
            _described(m) for m in whole.finditer(text)
        ]
