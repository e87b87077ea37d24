"""Conditions compiled to closures give exactly what walking their tree gave: the same
value (and type), or an ExpressionError both ways, for thousands of random conditions over
random answers, and for every condition in the shipped templates. The reference is the
tree walker as it was (`tests/forms/reference_expression.py`)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from cspr_tui.forms import load_forms
from cspr_tui.forms.expression import FUNCTIONS, ExpressionError, Scope, parse_expression
from tests.forms.reference_expression import reference_evaluate

NAMES = ("a", "b", "n", "d", "rows.x", "rows.d", "missing")
LITERALS = ("1", "0", "2.5", "'Yes'", "'No'", "'x'", "true", "false", "null", "2026-03-01")
OPERATORS = ("and", "or", "=", "!=", "<", "<=", ">", ">=", "+", "-", "in", "not in")
VALUES: tuple[Any, ...] = (
    None, "", "Yes", "No", "x", 0, 1, 3, 2.5, True, False,
    dt.date(2026, 3, 1), dt.date(2020, 1, 1), "2026-03-01", "not a date", [], ["x", "Yes"],
)  # fmt: skip


def _expression(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth > 3 or roll < 0.3:
        return rng.choice(NAMES + LITERALS)
    if roll < 0.4:
        return f"not {_expression(rng, depth + 1)}"
    if roll < 0.45:
        return f"-{_expression(rng, depth + 1)}"
    if roll < 0.55:
        items = ", ".join(_expression(rng, depth + 1) for _ in range(rng.randrange(0, 3)))
        return f"[{items}]"
    if roll < 0.7:
        name = rng.choice(sorted(FUNCTIONS))
        low, high = FUNCTIONS[name].arity
        args = ", ".join(_expression(rng, depth + 1) for _ in range(rng.randint(low, high)))
        return f"{name}({args})"
    op = rng.choice(OPERATORS)
    return f"({_expression(rng, depth + 1)} {op} {_expression(rng, depth + 1)})"


def _scope(rng: random.Random) -> Scope:
    answers = {name: rng.choice(VALUES) for name in ("a", "b", "n", "d")}
    rows = [rng.choice(VALUES) for _ in range(rng.randrange(0, 3))]

    def lookup(parts: tuple[str, ...]) -> Any:
        if parts[0] == "rows":
            return [value for value in rows if value is not None]
        return answers.get(parts[0])

    return Scope(lookup, position=rng.choice((None, 1, 2)), today=dt.date(2026, 12, 1))


def _outcome(run: Any) -> tuple[str, Any]:
    try:
        value = run()
    except ExpressionError:
        return ("error", None)
    return (type(value).__name__, value)


def test_random_conditions_give_what_the_tree_walker_gave() -> None:
    rng = random.Random("compiled-conditions")
    compared = errors = 0
    for _ in range(3000):
        try:
            expression = parse_expression(_expression(rng))
        except ExpressionError:
            continue
        for _ in range(4):
            scope = _scope(rng)
            mine = _outcome(lambda: expression.evaluate(scope))  # noqa: B023
            theirs = _outcome(lambda: reference_evaluate(expression.tree, scope))  # noqa: B023
            assert mine == theirs, expression.source
            compared += 1
            errors += mine[0] == "error"
    assert compared > 5000 and 0 < errors < compared  # both outcomes were exercised


def _conditions() -> list[Any]:
    found = []
    for form in load_forms().values():
        for section in form.sections:
            found += [section.show_if] if section.show_if else []
        for top in form.fields:
            for item in top.walk():
                found += [e for e in (item.show_if, item.required_if) if e is not None]
                found += [c.rule for c in item.constraints]
    return found


@pytest.mark.parametrize("index", range(4))
def test_every_shipped_condition_gives_what_the_tree_walker_gave(index: int) -> None:
    conditions = _conditions()
    assert len(conditions) > 50
    rng = random.Random(f"shipped-{index}")
    for expression in conditions:
        for _ in range(20):
            scope = Scope(
                lambda parts: rng.choice(VALUES),
                position=rng.choice((None, 1)),
                today=dt.date(2026, 12, 1),
            )
            rng_state = rng.getstate()
            mine = _outcome(lambda: expression.evaluate(scope))  # noqa: B023
            rng.setstate(rng_state)  # the same answers for the reference
            theirs = _outcome(lambda: reference_evaluate(expression.tree, scope))  # noqa: B023
            assert mine == theirs, expression.source


def _tested(expression: Any, scope: Scope) -> tuple[str, Any]:
    """What `check_condition` gave before `Expression.truth`: `test`, an ExpressionError
    as unknown (None), any other error raised."""
    try:
        return ("value", expression.test(scope))
    except ExpressionError:
        return ("value", None)
    except Exception as exc:  # compared, not swallowed
        return ("raised", type(exc).__name__)


def _truth_of(expression: Any, scope: Scope) -> tuple[str, Any]:
    try:
        return ("value", expression.truth(scope))
    except Exception as exc:  # compared, not swallowed
        return ("raised", type(exc).__name__)


def test_truth_in_one_call_is_what_test_gave_with_errors_unknown() -> None:
    """`Expression.truth` (what `check_condition` runs) is `test` with an error in the
    evaluation as unknown: the same true, false or None for random conditions over random
    answers, and the errors that are not the condition's own are not swallowed."""
    rng = random.Random("truth-in-one-call")
    seen: set[Any] = set()
    for _ in range(3000):
        try:
            expression = parse_expression(_expression(rng))
        except ExpressionError:
            continue
        for _ in range(4):
            scope = _scope(rng)
            mine, theirs = _truth_of(expression, scope), _tested(expression, scope)
            assert mine == theirs, expression.source
            seen.add(mine)
    assert {("value", True), ("value", False), ("value", None)} <= seen

    class Odd:
        def __eq__(self, other: object) -> bool:
            raise RuntimeError("not comparable")

        __hash__ = object.__hash__

    odd = parse_expression("a")
    scope = Scope(lambda parts: Odd())
    assert _truth_of(odd, scope) == _tested(odd, scope) == ("raised", "RuntimeError")
