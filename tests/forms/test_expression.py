"""The condition language: what it accepts, what it computes, and what it refuses."""

from __future__ import annotations

import datetime as dt

import pytest

from cspr_tui.forms.expression import (
    MAX_DEPTH,
    MAX_TREE_DEPTH,
    ExpressionError,
    evaluate_text,
    parse_expression,
)

VALUES = {
    "outcome": "Died",
    "lac_death": "No",
    "count_text": "3",
    "n": 4,
    "empty_text": "",
    "harm_types": ["Physical", "Neglect"],
    "dob": dt.date(2010, 5, 1),
    "incident_date": dt.date(2026, 4, 30),
    "children": [{"dob": dt.date(2015, 1, 1)}, {"dob": None}, {"dob": dt.date(2018, 2, 2)}],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("outcome = 'Died'", True),
        ('outcome == "Died"', True),
        ("outcome != 'Died'", False),
        ("outcome = 'Seriously harmed' or n > 3", True),
        ("outcome = 'Died' and not (n >= 4)", False),
        ("lac_death = false", True),
        ("lac_death = 'No'", True),
        ("not lac_death", True),
        ("n + 1 = 5", True),
        ("n - 10 < 0", True),
        ("-n = -4", True),
        ("2.5 < 3", True),
        ("outcome in ['Died', 'Seriously harmed']", True),
        ("outcome not in ['Died']", False),
        ("selected(harm_types, 'Neglect')", True),
        ("selected(harm_types, 'Sexual')", False),
        ("selected(outcome, 'Died')", True),
        ("count(harm_types)", 2),
        ("count(children)", 3),
        ("count(children.dob)", 2),
        ("count(missing)", 0),
        ("empty(empty_text)", True),
        ("empty(missing) and not empty(outcome)", True),
        ("missing = null", True),
        ("outcome = null", False),
        ("age_years(dob, incident_date)", 15),
        ("age_years(dob, 2026-05-01)", 16),
        ("days_between(2026-01-01, 2026-03-01)", 59),
        ("date('2026-02-01') > 2026-01-31", True),
        ("add_months(2025-08-31, 6)", dt.date(2026, 2, 28)),
        ("add_months(2024-08-31, 6)", dt.date(2025, 2, 28)),
        ("add_months(2023-08-31, 6)", dt.date(2024, 2, 29)),
        ("incident_date - 1 = 2026-04-29", True),
        ("coalesce(missing, empty_text, outcome)", "Died"),
        ("distinct_count(['LA', 'Police', 'LA'])", 2),
        ("today() >= 2026-01-01", True),
        ("true and true", True),
        ("not count(missing)", True),
        ("not 0", True),
        ("not n", False),
        ("not lac_death and outcome", True),
        ("'it\\'s' = \"it's\"", True),
    ],
)
def test_evaluates(text: str, expected: object) -> None:
    assert evaluate_text(text, VALUES) == expected


@pytest.mark.parametrize(
    "text",
    [
        "missing > 3",  # an empty answer makes an ordering unknown
        "dob < missing_date",
        "age_years(missing, incident_date) >= 18",
        "missing > 3 and outcome = 'Died'",
        "not (missing > 3)",
        "not empty_text",  # an empty answer is unknown, so a show_if on it stays hidden
    ],
)
def test_empty_answers_make_comparisons_unknown(text: str) -> None:
    assert evaluate_text(text, VALUES) is None


def test_three_valued_logic_short_circuits_on_a_known_answer() -> None:
    assert evaluate_text("missing > 3 and outcome = 'Seriously harmed'", VALUES) is False
    assert evaluate_text("missing > 3 or outcome = 'Died'", VALUES) is True


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("__import__('os')", "unknown function '__import__'"),
        ("__import__('os').system('rm -rf /')", "unknown function"),
        ("eval('1')", "unknown function 'eval'"),
        ("open('/etc/passwd')", "unknown function 'open'"),
        ("outcome.__class__.__mro__", "too many parts"),
        ("lambda: 1", "unexpected character ':'"),
        ("outcome = = 'Died'", "unexpected '='"),
        ("outcome = 'Died", "not closed"),
        ("(outcome = 'Died'", "expected ')'"),
        ("outcome = 'Died')", "unexpected ')'"),
        ("outcome =", "incomplete"),
        ("", "empty"),
        ("   ", "empty"),
        ("selected(outcome)", "takes 2 argument"),
        ("today(1)", "takes 0 argument"),
        ("2026-02-31 > dob", "not a real date"),
        ("incident_date >= 2026-1-5", "write the date 2026-1-5 as YYYY-MM-DD"),
        ("dob < 2026-03-7", "write the date 2026-03-7 as YYYY-MM-DD"),
        ("outcome; import os", "unexpected character ';'"),
        ("`ls`", "unexpected character"),
        ("a.", "expected a field name"),
        ("[1, 2", "expected ']'"),
        ("x" * 3000, "longer than"),
    ],
)
def test_refuses_bad_or_hostile_conditions(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    assert fragment in str(caught.value)


def test_deep_nesting_is_refused_not_a_crash() -> None:
    deep = "(" * 500 + "1" + ")" * 500
    with pytest.raises(ExpressionError, match="nested more than"):
        parse_expression(deep)
    notted = "not " * 200 + "true"
    with pytest.raises(ExpressionError, match="nested more than"):
        parse_expression(notted)
    calls = "count(" * 100 + "x" + ")" * 100
    with pytest.raises(ExpressionError, match="nested more than"):
        parse_expression(calls)


@pytest.mark.parametrize(
    "chain",
    [
        "+".join(["1"] * 999),  # 1997 characters, no brackets, 998 levels deep
        " or ".join(["n"] * 300),
        " and ".join(["true"] * 200),
        "-".join(["n"] * 700) + " < 0",
    ],
    ids=["plus", "or", "and", "minus"],
)
def test_long_operator_chains_are_refused_not_a_recursion_crash(chain: str) -> None:
    with pytest.raises(ExpressionError, match="chains more than"):
        parse_expression(chain)


def test_operator_chains_within_the_limit_evaluate() -> None:
    chain = " or ".join(["n = 1"] * (MAX_TREE_DEPTH - 2)) + " or n = 4"
    assert evaluate_text(chain, VALUES) is True
    assert evaluate_text("+".join(["1"] * 90) + " = 90", VALUES) is True


def test_nesting_within_the_limit_is_fine() -> None:
    depth = MAX_DEPTH - 1
    assert evaluate_text("(" * depth + "n" + ")" * depth + " = 4", VALUES) is True


def test_a_condition_is_never_evaluated_by_python(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("eval or exec was called")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    assert evaluate_text("count(harm_types) = 2 and outcome in ['Died']", VALUES) is True


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("outcome > 3", "cannot compare"),
        ("outcome + 1", "needs numbers"),
        ("n in outcome", "needs a list"),
        ("-outcome", "needs a number"),
    ],
)
def test_type_mistakes_raise_expression_errors(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionError, match=fragment):
        evaluate_text(text, VALUES)


def test_references_lists_every_field_read() -> None:
    parsed = parse_expression("selected(children.legal_status, 'x') or dob <= incident_date")
    assert parsed.references() == [("children", "legal_status"), ("dob",), ("incident_date",)]


def test_random_input_only_ever_raises_expression_errors() -> None:
    """A seeded fuzz: whatever a template author types, the parser answers with one error."""
    import random

    pieces = [
        "outcome", "children.dob", "dob", "(", ")", "[", "]", ",", ".", "'a'", '"b"', "'",
        "1", "2.5", "2026-02-30", "2026-02-01", "=", "!=", "<", ">=", "+", "-", "and", "or",
        "not", "in", "true", "null", "count(", "selected(", "today()", "age_years(", "__",
        "import", "@", "$", "\\", "\n", " ",
    ]  # fmt: skip
    rng = random.Random(20260307)
    values = {**VALUES, "children": [{"dob": "2020-01-01"}]}
    for _ in range(3000):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        try:
            evaluate_text(text, values)
        except ExpressionError as exc:
            assert str(exc) and "\n" not in str(exc)
