"""Random answers for any form, right and wrong: the differential tests feed them to the
fast validator and to the reference one. Every field type gets possible values, empty
ones and impossible ones (wrong type, a day the month lacks, a choice the form lacks, too
long, too many rows), so every branch of the rules (shown, required, constraints) is hit."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from cspr_tui.forms.model import Field, Form

__all__ = ["random_answers"]

WORDS = ("the", "old", "mill", "visit", "school", "Yes", "No", "", "  ", "Died", "3")


def _date(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.8:
        return (dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(12000))).isoformat()
    return rng.choice(("2026-02-30", "31/01/2026", "2026-1-5", "1850-01-01", 20260101, ""))


def _value(item: Field, rng: random.Random, depth: int) -> Any:
    kind = item.type
    if kind in ("text", "long_text"):
        roll = rng.random()
        if roll < 0.03:
            return 7  # not text
        if roll < 0.05:
            return "x" * ((item.max_length or 20000) + 1)
        return " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 6)))
    if kind == "date":
        return _date(rng)
    if kind == "number":
        return rng.choice((0, 1, 3, -2, 2.5, 10**18, "3", True, 45))
    if kind in ("yes_no", "yes_no_unknown"):
        return rng.choice(("Yes", "No", "Yes", "No", "Unknown", "maybe", True))
    if kind == "choice":
        if item.choices and rng.random() < 0.9:
            return rng.choice(item.choices)
        return rng.choice(("Not a choice", 3))
    if kind == "multi_choice":
        picked = rng.sample(item.choices, rng.randrange(0, min(4, len(item.choices)) + 1))
        roll = rng.random()
        if roll < 0.05 and picked:
            picked.append(picked[0])  # the same choice twice
        elif roll < 0.1:
            picked.append("Not a choice")
        elif roll < 0.13:
            return "a text, not a list"
        return picked
    if kind == "repeat":
        roll = rng.random()
        if roll < 0.03:
            return "not a list"
        rows: list[Any] = [
            _answers(item.fields, rng, depth + 1) for _ in range(rng.randrange(0, 4))
        ]
        if roll < 0.06:
            rows.append("not a row")
        return rows
    return None


def _answers(fields: tuple[Field, ...] | list[Field], rng: random.Random, depth: int) -> dict:
    answers: dict[str, Any] = {}
    for item in fields:
        roll = rng.random()
        if item.type == "note" or roll < 0.12:
            continue  # not answered
        if roll < 0.18:
            answers[item.id] = rng.choice((None, "", " ", []))
            continue
        answers[item.id] = _value(item, rng, depth) if depth < 3 else None
    if rng.random() < 0.1:
        answers["not_a_field"] = "kept and ignored"
    return answers


def random_answers(form: Form, rng: random.Random) -> dict[str, Any]:
    """One record's answers for `form`, some right and some wrong."""
    return _answers(form.fields, rng, 0)
