"""The small condition language of form templates, parsed and evaluated without `eval`.

Templates are data a partnership edits, so a condition must never run code: a hand-written
tokenizer and recursive-descent parser turn the text into a tree of a few node types, and
the evaluator knows only field references, literals, operators and a fixed set of functions.

Empty answers are `None` and make an ordering comparison *unknown* (`None`), so a constraint
such as `date_of_death >= dob` is only checked once both dates are filled in. `and`/`or`/`not`
use three-valued logic; callers decide what unknown means (hidden, not required, passes).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from cspr_tui.forms.dates import DateFormatError, iso_date, months_after

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_TREE_DEPTH",
    "Expression",
    "ExpressionError",
    "Scope",
    "parse_expression",
]

MAX_LENGTH = 2000
MAX_DEPTH = 40
# Evaluation recurses once per tree level: a long operator chain (`1+1+...+1`, `a or b or
# ...`) is deep even without brackets, and Python's recursion limit must never be reached.
MAX_TREE_DEPTH = 100


class ExpressionError(ValueError):
    """A condition that cannot be parsed or evaluated; the message says where and why."""


# --------------------------------------------------------------------------- tokens

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<date>\d{4}-\d{1,2}-\d{1,2}(?![\d.]))
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|!=|==|=|<|>|\+|-|\(|\)|\[|\]|,|\.)
    """,
    re.VERBOSE,
)

_KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}


@dataclass(frozen=True)
class _Token:
    kind: str  # date, number, string, name, keyword, op, end
    text: str
    pos: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if match is None and text[pos] in "'\"":
            raise ExpressionError(f"a text in quotes starting at position {pos + 1} is not closed")
        if match is None:
            raise ExpressionError(f"unexpected character {text[pos]!r} at position {pos + 1}")
        kind = match.lastgroup or ""
        word = match.group()
        if kind != "ws":
            if kind == "name" and word in _KEYWORDS:
                kind = "keyword"
            tokens.append(_Token(kind, word, pos))
        pos = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _unquote(word: str) -> str:
    return re.sub(r"\\(.)", r"\1", word[1:-1])


# --------------------------------------------------------------------------- tree


@dataclass(frozen=True)
class _Literal:
    value: Any


@dataclass(frozen=True)
class _Ref:
    parts: tuple[str, ...]  # ("outcome",) or ("children", "dob")


@dataclass(frozen=True)
class _Call:
    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class _List:
    items: tuple[Any, ...]


@dataclass(frozen=True)
class _Unary:
    op: str  # "not" | "-"
    operand: Any


@dataclass(frozen=True)
class _Binary:
    op: str
    left: Any
    right: Any


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def accept(self, kind: str, text: str | None = None) -> _Token | None:
        token = self.current
        if token.kind == kind and (text is None or token.text == text):
            return self.advance()
        return None

    def expect(self, kind: str, text: str) -> _Token:
        token = self.accept(kind, text)
        if token is None:
            raise ExpressionError(f"expected {text!r} {self._where()}")
        return token

    def _where(self) -> str:
        token = self.current
        if token.kind == "end":
            return "but the condition ended"
        return f"at position {token.pos + 1} (found {token.text!r})"

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"the condition is nested more than {MAX_DEPTH} levels deep")

    def parse(self) -> Any:
        node = self.parse_or()
        if self.current.kind != "end":
            raise ExpressionError(f"unexpected {self.current.text!r} {self._where()}")
        return node

    def parse_or(self) -> Any:
        node = self.parse_and()
        while self.accept("keyword", "or"):
            node = _Binary("or", node, self.parse_and())
        return node

    def parse_and(self) -> Any:
        node = self.parse_not()
        while self.accept("keyword", "and"):
            node = _Binary("and", node, self.parse_not())
        return node

    def parse_not(self) -> Any:
        if self.accept("keyword", "not"):
            self.nest()
            node = _Unary("not", self.parse_not())
            self.depth -= 1
            return node
        return self.parse_comparison()

    def parse_comparison(self) -> Any:
        node = self.parse_additive()
        token = self.current
        if token.kind == "op" and token.text in {"=", "==", "!=", "<", "<=", ">", ">="}:
            self.advance()
            op = "=" if token.text == "==" else token.text
            return _Binary(op, node, self.parse_additive())
        if self.accept("keyword", "in"):
            return _Binary("in", node, self.parse_additive())
        if token.kind == "keyword" and token.text == "not":
            following = self.tokens[self.index + 1]
            if following.kind == "keyword" and following.text == "in":
                self.index += 2
                return _Binary("not in", node, self.parse_additive())
        return node

    def parse_additive(self) -> Any:
        node = self.parse_unary()
        while self.current.kind == "op" and self.current.text in {"+", "-"}:
            op = self.advance().text
            node = _Binary(op, node, self.parse_unary())
        return node

    def parse_unary(self) -> Any:
        if self.accept("op", "-"):
            self.nest()
            node = _Unary("-", self.parse_unary())
            self.depth -= 1
            return node
        return self.parse_primary()

    def parse_primary(self) -> Any:
        token = self.current
        if token.kind == "number":
            self.advance()
            return _Literal(float(token.text) if "." in token.text else int(token.text))
        if token.kind == "string":
            self.advance()
            return _Literal(_unquote(token.text))
        if token.kind == "date":
            self.advance()
            return _Literal(_date_literal(token.text))
        if token.kind == "keyword" and token.text in {"true", "false", "null"}:
            self.advance()
            return _Literal({"true": True, "false": False, "null": None}[token.text])
        if token.kind == "name":
            self.advance()
            if self.accept("op", "("):
                return self.parse_call(token)
            parts = [token.text]
            while self.accept("op", "."):
                part = self.accept("name")
                if part is None:
                    raise ExpressionError(f"expected a field name after '.' {self._where()}")
                parts.append(part.text)
            if len(parts) > 2:
                raise ExpressionError(f"{'.'.join(parts)!r} has too many parts (use group.field)")
            return _Ref(tuple(parts))
        if self.accept("op", "("):
            self.nest()
            node = self.parse_or()
            self.expect("op", ")")
            self.depth -= 1
            return node
        if self.accept("op", "["):
            self.nest()
            items = []
            if not self.accept("op", "]"):
                items.append(self.parse_or())
                while self.accept("op", ","):
                    items.append(self.parse_or())
                self.expect("op", "]")
            self.depth -= 1
            return _List(tuple(items))
        if token.kind == "end":
            raise ExpressionError("the condition is incomplete")
        raise ExpressionError(f"unexpected {token.text!r} at position {token.pos + 1}")

    def parse_call(self, name: _Token) -> Any:
        spec = FUNCTIONS.get(name.text)
        if spec is None:
            known = ", ".join(sorted(FUNCTIONS))
            raise ExpressionError(f"unknown function {name.text!r} (known: {known})")
        self.nest()
        args = []
        if not self.accept("op", ")"):
            args.append(self.parse_or())
            while self.accept("op", ","):
                args.append(self.parse_or())
            self.expect("op", ")")
        self.depth -= 1
        low, high = spec.arity
        if not low <= len(args) <= high:
            wanted = str(low) if low == high else f"{low} to {high}"
            raise ExpressionError(f"{name.text}() takes {wanted} argument(s), {len(args)} given")
        return _Call(name.text, tuple(args))


def _children(node: Any) -> tuple[Any, ...]:
    if isinstance(node, _Call):
        return node.args
    if isinstance(node, _List):
        return node.items
    if isinstance(node, _Unary):
        return (node.operand,)
    if isinstance(node, _Binary):
        return (node.left, node.right)
    return ()


def _tree_depth(root: Any) -> int:
    """The tree's depth, measured without recursion (it may be too deep to recurse)."""
    deepest = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in _children(node))
    return deepest


def _date_literal(text: str) -> dt.date:
    # `2026-1-5` is read as a date written wrongly, never as the sum 2026 - 1 - 5 = 2020
    # (which would make the rule compare a date with a number and silently never apply).
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ExpressionError(f"write the date {text} as YYYY-MM-DD, with two-digit month and day")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ExpressionError(f"{text} is not a real date") from None


# --------------------------------------------------------------------------- evaluation


class Scope:
    """What a condition can see: the form's values, and the repeat row it sits in, if any.

    `lookup(parts)` returns the typed value (dates as `datetime.date`, empty as None); the
    form engine provides one that knows each field's type.
    """

    def __init__(
        self,
        lookup: Callable[[tuple[str, ...]], Any],
        *,
        position: int | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.lookup = lookup
        self.position = position
        self._today = today

    @property
    def today(self) -> dt.date:
        """The day `today()` and `age_years` count from; the clock is read only when a
        condition asks (most never do, and a scope is made for every field checked)."""
        if self._today is None:
            self._today = dt.date.today()
        return self._today


@dataclass(frozen=True)
class _Function:
    arity: tuple[int, int]
    call: Callable[..., Any]


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


def _fn_selected(scope: Scope, value: Any, choice: Any) -> bool | None:
    if _is_empty(value):
        return False
    if isinstance(value, list | tuple):
        return choice in value
    return _equal(value, choice)


def _fn_count(scope: Scope, value: Any) -> int:
    if _is_empty(value):
        return 0
    if isinstance(value, list | tuple):
        return sum(1 for item in value if not _is_empty(item))
    return 1


def _fn_empty(scope: Scope, value: Any) -> bool:
    return _is_empty(value)


def _fn_today(scope: Scope) -> dt.date:
    return scope.today


def _as_date(value: Any, name: str) -> dt.date | None:
    """A function's date argument: answers reach the scope as dates (`typed_value`); text is
    read by the one reader of stored dates, and text that is not one is unknown (None)."""
    if _is_empty(value):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return iso_date(value)
        except DateFormatError:
            return None
    raise ExpressionError(f"{name}() needs dates")


def _fn_age_years(scope: Scope, born: Any, on: Any = None) -> int | None:
    start = _as_date(born, "age_years")
    end = _as_date(on, "age_years") if on is not None else scope.today
    if start is None or end is None:
        return None
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    return years


def _fn_days_between(scope: Scope, first: Any, second: Any) -> int | None:
    start, end = _as_date(first, "days_between"), _as_date(second, "days_between")
    if start is None or end is None:
        return None
    return (end - start).days


def _fn_date(scope: Scope, text: Any) -> dt.date | None:
    return _as_date(text, "date")


def _fn_coalesce(scope: Scope, *values: Any) -> Any:
    for value in values:
        if not _is_empty(value):
            return value
    return None


def _fn_position(scope: Scope) -> int | None:
    return scope.position


def _fn_add_months(scope: Scope, start: Any, months: Any) -> dt.date | None:
    """Calendar months on; a day the target month lacks becomes its last day (31/08 + 6)."""
    base = _as_date(start, "add_months")
    if base is None or months is None:
        return None
    if isinstance(months, bool) or not isinstance(months, int):
        raise ExpressionError("add_months() needs a whole number of months")
    return months_after(base, months)


def _fn_distinct_count(scope: Scope, value: Any) -> int:
    if _is_empty(value):
        return 0
    if not isinstance(value, list | tuple):
        return 1
    return len({item for item in value if not _is_empty(item)})


FUNCTIONS: dict[str, _Function] = {
    "selected": _Function((2, 2), _fn_selected),
    "count": _Function((1, 1), _fn_count),
    "empty": _Function((1, 1), _fn_empty),
    "today": _Function((0, 0), _fn_today),
    "age_years": _Function((1, 2), _fn_age_years),
    "days_between": _Function((2, 2), _fn_days_between),
    "date": _Function((1, 1), _fn_date),
    "coalesce": _Function((1, 8), _fn_coalesce),
    "position": _Function((0, 0), _fn_position),
    "add_months": _Function((2, 2), _fn_add_months),
    "distinct_count": _Function((1, 1), _fn_distinct_count),
}


def _normalise(value: Any) -> Any:
    """Yes/No answers compare equal to true/false, so `lac_death = true` reads naturally."""
    if value == "Yes":
        return True
    if value == "No":
        return False
    return value


def _equal(left: Any, right: Any) -> bool:
    if _is_empty(left) or _is_empty(right):
        return _is_empty(left) and _is_empty(right)
    if isinstance(left, bool) or isinstance(right, bool):
        return bool(_normalise(left) == _normalise(right))
    return bool(left == right)


def _order(op: str, left: Any, right: Any) -> bool | None:
    if _is_empty(left) or _is_empty(right):
        return None
    if isinstance(left, dt.date) and isinstance(right, str):
        right = _as_date(right, "comparison")
    elif isinstance(right, dt.date) and isinstance(left, str):
        left = _as_date(left, "comparison")
    try:
        if op == "<":
            return bool(left < right)
        if op == "<=":
            return bool(left <= right)
        if op == ">":
            return bool(left > right)
        return bool(left >= right)
    except TypeError:
        raise ExpressionError(
            f"cannot compare {type(left).__name__} with {type(right).__name__}"
        ) from None


def _truth(value: Any) -> bool | None:
    """A value as a condition: Yes/No as true/false, 0 and empty as false, None unknown."""
    if value is None:
        return None
    value = _normalise(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return not _is_empty(value)


_Run = Callable[[Scope], Any]


def _compile(node: Any) -> _Run:
    """The tree as nested closures that give exactly what `_evaluate` gives (the same
    values, the same errors), without walking the node types on every evaluation: a form's
    conditions are parsed once and evaluated for every field of every record checked."""
    if isinstance(node, _Literal):
        value = node.value
        return lambda scope: value
    if isinstance(node, _Ref):
        parts = node.parts
        return lambda scope: scope.lookup(parts)
    if isinstance(node, _List):
        items = tuple(_compile(item) for item in node.items)
        return lambda scope: [item(scope) for item in items]
    if isinstance(node, _Call):
        name, args = node.name, tuple(_compile(arg) for arg in node.args)
        return lambda scope: FUNCTIONS[name].call(scope, *[arg(scope) for arg in args])
    if isinstance(node, _Unary):
        return _compile_unary(node.op, _compile(node.operand))
    return _compile_binary(node.op, _compile(node.left), _compile(node.right))


def _compile_unary(op: str, operand: _Run) -> _Run:
    if op == "not":

        def negate(scope: Scope) -> Any:
            truth = _truth(operand(scope))
            return None if truth is None else not truth

        return negate

    def minus(scope: Scope) -> Any:
        value = operand(scope)
        if value is None:
            return None
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ExpressionError("'-' needs a number")
        return -value

    return minus


def _compile_binary(op: str, left: _Run, right: _Run) -> _Run:
    if op == "and":

        def both(scope: Scope) -> Any:
            first = _truth(left(scope))
            if first is False:
                return False
            second = _truth(right(scope))
            if second is False:
                return False
            return None if first is None or second is None else True

        return both
    if op == "or":

        def either(scope: Scope) -> Any:
            first = _truth(left(scope))
            if first is True:
                return True
            second = _truth(right(scope))
            if second is True:
                return True
            return None if first is None or second is None else False

        return either
    if op == "=":
        return lambda scope: _equal(left(scope), right(scope))
    if op == "!=":
        return lambda scope: not _equal(left(scope), right(scope))

    def other(scope: Scope) -> Any:
        return _apply(op, left(scope), right(scope))

    return other


def _apply(op: str, left: Any, right: Any) -> Any:
    """A binary operator other than and/or/=/!= on its two evaluated sides."""
    if op in {"in", "not in"}:
        if _is_empty(left):
            return None
        if not isinstance(right, list | tuple):
            raise ExpressionError("'in' needs a list on its right, e.g. x in ['a', 'b']")
        found = any(_equal(left, item) for item in right)
        return found if op == "in" else not found
    if op in {"+", "-"}:
        if left is None or right is None:
            return None
        if isinstance(left, dt.date) and isinstance(right, int) and not isinstance(right, bool):
            delta = dt.timedelta(days=right)
            return left + delta if op == "+" else left - delta
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right))
        if not numeric:
            raise ExpressionError(f"'{op}' needs numbers (or a date and a number of days)")
        return left + right if op == "+" else left - right
    return _order(op, left, right)


def _references(node: Any) -> list[tuple[str, ...]]:
    if isinstance(node, _Ref):
        return [node.parts]
    refs: list[tuple[str, ...]] = []
    for child in _children(node):
        refs.extend(_references(child))
    return refs


@dataclass(frozen=True)
class Expression:
    """A parsed condition: keep its source for messages, evaluate it many times."""

    source: str
    tree: Any
    _run: _Run = dataclass_field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_run", _compile(self.tree))

    def evaluate(self, scope: Scope) -> Any:
        try:
            return self._run(scope)
        except ExpressionError:
            raise
        except (TypeError, ValueError, OverflowError, RecursionError) as exc:
            raise ExpressionError(f"cannot evaluate {self.source!r}: {exc}") from None

    def test(self, scope: Scope) -> bool | None:
        """The condition as true, false or unknown (an empty answer was involved)."""
        return _truth(self.evaluate(scope))

    def truth(self, scope: Scope) -> bool | None:
        """`test` with a condition that cannot be evaluated as unknown (None), in one call:
        what `answers.check_condition` gives, for every rule of every field checked."""
        try:
            value = self._run(scope)
        except (ExpressionError, TypeError, ValueError, OverflowError, RecursionError):
            return None
        try:
            return _truth(value)
        except ExpressionError:
            return None

    def references(self) -> list[tuple[str, ...]]:
        """Every field the condition reads, so a template check can flag unknown names."""
        return _references(self.tree)


def parse_expression(text: Any) -> Expression:
    """Parse a condition, or raise ExpressionError naming the problem (never runs code)."""
    if isinstance(text, bool | int | float):
        return Expression(str(text).lower(), _Literal(text))
    if not isinstance(text, str):
        raise ExpressionError("a condition must be written as text")
    if not text.strip():
        raise ExpressionError("the condition is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the condition is longer than {MAX_LENGTH} characters")
    tree = _Parser(text).parse()
    if _tree_depth(tree) > MAX_TREE_DEPTH:
        raise ExpressionError(
            f"the condition chains more than {MAX_TREE_DEPTH} operations; split it up "
            "(or use x in [...] instead of many x = ... or x = ...)"
        )
    return Expression(text, tree)


def evaluate_text(text: str, values: Mapping[str, Any]) -> Any:
    """Evaluate a condition against plain values (tests and quick checks)."""

    def lookup(parts: tuple[str, ...]) -> Any:
        value = values.get(parts[0])
        if len(parts) == 2:
            rows = value if isinstance(value, list) else []
            found = [row.get(parts[1]) for row in rows if isinstance(row, Mapping)]
            return [item for item in found if not _is_empty(item)]
        return None if _is_empty(value) else value

    return parse_expression(text).evaluate(Scope(lookup))
