"""Tables that use the width and cut with an ellipsis, and screens in a reviewer's words:
"1 case", "Q3 2026-27 (Oct-Dec)" for the quarter to export, steps not numbered twice."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from textual.widgets import DataTable, Select, Static

from cspr_tui.domain.case import AgencyReportRequest
from cspr_tui.domain.quarter import Quarter
from cspr_tui.settings import Settings
from cspr_tui.tui.dialogs.export import ExportDialog, available_kinds, quarter_choices
from cspr_tui.tui.screens.case import CaseScreen
from cspr_tui.tui.screens.chronology import CHRONOLOGY_COLUMNS, ChronologyScreen
from cspr_tui.tui.screens.redaction_review import FINDING_COLUMNS
from cspr_tui.tui.widgets.columns import fitted_widths
from cspr_tui.tui.words import step_title
from tests.tui.conftest import build_app, seed_vault, settle, unlock

LONG_EVENT = (
    "Strategy discussion with police, health visiting and children's social care about the "
    "bruising seen at nursery, and the plan agreed"
)


def _screen_lines(app) -> list[str]:
    """The text on screen, a line per terminal row (from Textual's own screenshot)."""
    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    for match in re.finditer(r'<text [^>]*x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        text = html.unescape(match[3]).replace("\xa0", " ")
        rows.setdefault(float(match[2]), []).append((float(match[1]), text))
    return ["".join(text for _x, text in sorted(parts)) for _y, parts in sorted(rows.items())]


@pytest.mark.parametrize("columns", [CHRONOLOGY_COLUMNS, FINDING_COLUMNS])
@pytest.mark.parametrize("width", [80, 100, 120, 200])
def test_columns_fill_the_width_and_never_shrink_below_their_headings(columns, width) -> None:
    widths = fitted_widths(width, columns)
    assert all(w >= minimum for w, (minimum, _share) in zip(widths, columns, strict=True))
    assert sum(widths) + 2 * len(columns) + 2 == width  # each cell's padding, the scrollbar
    fixed = [w for w, (minimum, share) in zip(widths, columns, strict=True) if not share]
    assert fixed == [minimum for minimum, share in columns if not share]


def _returned(store) -> None:
    case = store.create_case(agencies=["Police"])
    store.request_agency_report(
        case.ref, AgencyReportRequest(agency="Police", due_date="2026-06-01")
    )
    rows = [{"date": "2026-01-10", "event": LONG_EVENT, "who": "Response officer"}]
    store.save_record(
        case.ref, "agency_report", {"agency": "Police", "chronology": rows}, agency="Police"
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_long_chronology_entry_is_cut_with_an_ellipsis_and_shown_whole_below(
    vault_path: Path, size: tuple[int, int]
) -> None:
    seed_vault(vault_path, _returned)
    app = build_app(Settings(reviewer_name="Reviewer One"), vault_path)
    async with app.run_test(size=size) as pilot:
        await unlock(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChronologyScreen)
        table = screen.query_one("#chronology", DataTable)
        widths = [column.width for column in table.ordered_columns]
        assert sum(widths) + 2 * len(widths) + 2 == size[0]  # the table uses the width
        lines = _screen_lines(app)
        row = next(line for line in lines if "10/01/2026" in line)
        assert "Response officer: S" in row and "…" in row and "plan agreed" not in row
        detail = str(screen.query_one("#chronology-detail", Static).content)
        assert f"Response officer: {LONG_EVENT}" in " ".join(detail.split())


def test_a_step_is_not_numbered_twice() -> None:
    assert step_title("0. Cover") == "Cover"
    assert step_title("10. Learning and recommendations") == "Learning and recommendations"
    assert step_title("2.1 Sources") == "Sources"
    assert step_title("Referral details") == "Referral details"
    assert step_title("2026 review") == "2026 review"  # a year is not a typed step number


def test_the_quarters_to_export_are_offered_in_words() -> None:
    choices = quarter_choices(Quarter.parse("2026-Q3"))
    assert choices[:3] == [
        ("Q4 2026-27 (Jan-Mar)", "2026-Q4"),
        ("Q3 2026-27 (Oct-Dec)", "2026-Q3"),
        ("Q2 2026-27 (Jul-Sep)", "2026-Q2"),
    ]
    assert len(choices) == 10 and not any("-Q" in label for label, _code in choices)


def _one(store) -> None:
    store.create_case(pseudonym="Child A")


async def test_one_case_is_one_case_and_the_export_quarter_reads_as_words(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, _one)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await settle(pilot)
        caption = str(app.screen.query_one("#cases-caption", Static).content)
        assert caption.startswith("1 case ·"), caption
        if "tracker" not in available_kinds():
            return
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        quarter = dialog.query_one("#quarter", Select)
        assert quarter.value == "2026-Q1"  # 15/06/2026 is in April to June
        shown = " ".join(_screen_lines(app))
        assert "Q1 2026-27 (Apr-Jun)" in shown and "YYYY" not in shown
