"""The report's column widths: the faster share-out gives exactly the widths of the one it
replaced (which measured every column of every row again for each trial step)."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from cspr_tui.exports import form_report
from cspr_tui.exports.form_report import (
    _BOLD_CHAR_TWIPS,
    _CHAR_TWIPS,
    _SAMPLED_ROWS,
    _STEP,
    _lines,
    column_widths,
)


def reference_share_out(
    least: list[int],
    wanted: list[int],
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    total: int,
) -> list[int]:
    """From the narrowest widths, give each step of room to the column that makes the
    table shortest, so prose gets the space and short answers wrap only when they must."""
    widths = list(least)
    sample = rows[:: max(1, len(rows) // _SAMPLED_ROWS)][:_SAMPLED_ROWS]
    cells = [[[len(p) for p in cell.split("\n")] for cell in row] for row in sample]
    head = [[len(header)] for header in headers]

    def height(candidate: list[int]) -> int:
        lines = max(_lines(head[c], w, _BOLD_CHAR_TWIPS) for c, w in enumerate(candidate))
        for row in cells:
            lines += max(
                _lines(row[c], w, _CHAR_TWIPS) for c, w in enumerate(candidate) if c < len(row)
            )
        return lines

    current = height(widths)
    while total - sum(widths) >= _STEP:
        best, best_height = None, current
        for column in range(len(widths)):
            if widths[column] >= wanted[column]:
                continue
            trial = list(widths)
            trial[column] += _STEP
            trial_height = height(trial)
            if trial_height < best_height:
                best, best_height = column, trial_height
        if best is None:  # nothing gets shorter: hand out one step where most is wanted
            gaps = [w - c for w, c in zip(wanted, widths, strict=True)]
            if max(gaps) <= 0:
                break
            best = gaps.index(max(gaps))
        widths[best] += _STEP
        current = best_height if best_height < current else height(widths)
    spare = total - sum(widths)
    weights = [max(w, 1) for w in wanted]
    widths = [w + spare * g // sum(weights) for w, g in zip(widths, weights, strict=True)]
    widths[-1] += total - sum(widths)
    return widths


WORDS = [
    "a",
    "the",
    "health",
    "visitor",
    "strategy",
    "12/06/2026",
    "No.",
    "Police",
    "safeguarding",
    "children's",
    "multi-agency",
    "x" * 30,
]


def random_table(rng: random.Random) -> tuple[list[str], list[list[str]]]:
    columns = rng.randint(1, 6)
    headers = [" ".join(rng.choices(WORDS, k=rng.randint(1, 3))) for _ in range(columns)]
    rows = []
    for _ in range(rng.randint(0, 400)):
        width = rng.randint(1, columns) if rng.random() < 0.1 else columns
        rows.append(
            [
                "\n".join(
                    " ".join(rng.choices(WORDS, k=rng.randint(0, 40)))
                    for _ in range(rng.randint(1, 3))
                )
                for _ in range(width)
            ]
        )
    return headers, rows


@pytest.mark.parametrize("seed", range(60))
def test_the_share_out_matches_the_one_it_replaced(seed: int, monkeypatch) -> None:
    rng = random.Random(seed)
    headers, rows = random_table(rng)
    total = rng.choice([9000, form_report.PAGE_WIDTH_TWIPS, 14000])
    ours = column_widths(headers, rows, total)
    monkeypatch.setattr(form_report, "_share_out", reference_share_out)
    theirs = column_widths(headers, rows, total)
    assert ours == theirs
