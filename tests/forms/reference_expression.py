"""The condition evaluator as it was before conditions were compiled to closures (session
5), kept verbatim as the reference the differential test compares with."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cspr_tui.forms.expression import (
    FUNCTIONS,
    ExpressionError,
    Scope,
    _Call,
    _equal,
    _is_empty,
    _List,
    _Literal,
    _order,
    _Ref,
    _truth,
    _Unary,
)

__all__ = ["reference_evaluate"]


def reference_evaluate(node: Any, scope: Scope) -> Any:
    """What `Expression.evaluate` gave, with its wrapping of Python's own errors."""
    try:
        return _evaluate(node, scope)
    except ExpressionError:
        raise
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:
        raise ExpressionError(f"cannot evaluate: {exc}") from None


def _evaluate(node: Any, scope: Scope) -> Any:
    if isinstance(node, _Literal):
        return node.value
    if isinstance(node, _Ref):
        return scope.lookup(node.parts)
    if isinstance(node, _List):
        return [_evaluate(item, scope) for item in node.items]
    if isinstance(node, _Call):
        args = [_evaluate(arg, scope) for arg in node.args]
        return FUNCTIONS[node.name].call(scope, *args)
    if isinstance(node, _Unary):
        value = _evaluate(node.operand, scope)
        if node.op == "not":
            truth = _truth(value)
            return None if truth is None else not truth
        if value is None:
            return None
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ExpressionError("'-' needs a number")
        return -value
    op = node.op
    if op == "and":
        left = _truth(_evaluate(node.left, scope))
        if left is False:
            return False
        right = _truth(_evaluate(node.right, scope))
        if right is False:
            return False
        return None if left is None or right is None else True
    if op == "or":
        left = _truth(_evaluate(node.left, scope))
        if left is True:
            return True
        right = _truth(_evaluate(node.right, scope))
        if right is True:
            return True
        return None if left is None or right is None else False
    left, right = _evaluate(node.left, scope), _evaluate(node.right, scope)
    if op == "=":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
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
