"""Column widths that follow the screen's width: every heading whole at 80 columns, and what
a wider screen has to spare shared among the columns whose text runs long."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text


def fitted_widths(screen_width: int, columns: Sequence[tuple[int, int]]) -> list[int]:
    """Each column's width: `columns` gives (minimum, share) per column; a share of 0 keeps
    the column at its minimum, the others split what the minimums leave by their shares.

    A DataTable cell has one column of padding either side and the scrollbar takes two, so
    at 80 columns the minimums are all there is; cut cells end in an ellipsis (`cut_to_fit`)."""
    spare = max(0, screen_width - 2 - 2 * len(columns) - sum(m for m, _ in columns))
    shares = sum(share for _, share in columns)
    if not shares:
        return [minimum for minimum, _ in columns]
    widths = [minimum + spare * share // shares for minimum, share in columns]
    last = max(i for i, (_, share) in enumerate(columns) if share)
    widths[last] += spare - sum(spare * share // shares for _, share in columns)
    return widths


def cut_to_fit(text: str) -> Text:
    """A cell's whole text, drawn cut to its column with an ellipsis (never silently), and
    never read as markup: "[email withheld]" is shown as written, not taken for a style."""
    return Text(" ".join(text.split()), overflow="ellipsis", no_wrap=True)
