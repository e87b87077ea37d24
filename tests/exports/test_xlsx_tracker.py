"""The quarterly workbook written for real, opened back with openpyxl and checked."""

from __future__ import annotations

import stat
import zipfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from cspr_tui.domain.quarter import Quarter
from cspr_tui.domain.rag import compute_rag
from cspr_tui.errors import CsprError
from cspr_tui.exports import write_tracker
from cspr_tui.exports.xlsx_tracker import TRACKER_COLUMNS, TRACKER_TABLE, tracker_file_name
from cspr_tui.settings import Settings
from tests.exports.case_fixtures import add_recommendations, make_case, reviewed

Q3 = Quarter.parse("2026-Q3")
TODAY = date(2026, 11, 28)
SETTINGS = Settings(partnership_name="Imaginary Borough SCP")


@pytest.fixture
def workbook_path(workspace: Path) -> Path:
    cases = [
        add_recommendations(make_case("CSPR-2026-004"), 12),
        add_recommendations(make_case("CSPR-2025-011"), 5),
    ]
    return write_tracker([reviewed(c) for c in cases], quarter=Q3, today=TODAY, settings=SETTINGS)


def _col(header: str) -> int:
    return [name for name, _w in TRACKER_COLUMNS].index(header) + 1


def test_file_name_permissions_and_sheets(workbook_path: Path, workspace: Path) -> None:
    assert (
        workbook_path == workspace / "exports" / "Imaginary-Borough-SCP_RecTracker_2026-27_Q3.xlsx"
    )
    assert stat.S_IMODE(workbook_path.stat().st_mode) == 0o600
    wb = openpyxl.load_workbook(workbook_path)
    assert wb.sheetnames == [
        "Tracker",
        "Quarter summary",
        "Update log",
        "Reviews",
        "Lists",
        "Read me",
    ]
    assert wb["Lists"].sheet_state == "hidden"
    assert wb.active.title == "Tracker"


def test_tracker_is_a_real_table(workbook_path: Path) -> None:
    ws = openpyxl.load_workbook(workbook_path)["Tracker"]
    table = ws.tables[TRACKER_TABLE]
    last = openpyxl.utils.get_column_letter(len(TRACKER_COLUMNS))
    assert table.ref == f"A1:{last}18"
    headers = [c.value for c in ws[1]]
    assert headers == [name for name, _w in TRACKER_COLUMNS]
    assert table.column_names == headers
    assert all(isinstance(h, str) for h in headers)
    assert table.autoFilter.ref == table.ref
    assert ws.freeze_panes == "B2"
    ids = [ws.cell(row=r, column=1).value for r in range(2, 19)]
    assert ids[0] == "CSPR-2025-011-R1-A1" and ids[-1] == "CSPR-2026-004-R6-A2"


def test_dates_are_real_dates_in_uk_format(workbook_path: Path) -> None:
    ws = openpyxl.load_workbook(workbook_path)["Tracker"]
    target = ws.cell(row=2, column=_col("Target date"))
    assert isinstance(target.value, datetime) and target.value.date() == date(2026, 3, 15)
    assert target.number_format == "DD/MM/YYYY"
    published = ws.cell(row=2, column=_col("Review signed off / published"))
    assert published.value.date() == date(2026, 9, 30)
    assert published.number_format == "DD/MM/YYYY"


def test_formula_like_text_stays_text(workbook_path: Path) -> None:
    ws = openpyxl.load_workbook(workbook_path)["Tracker"]
    rec = ws.cell(row=2, column=_col("Recommendation"))
    assert rec.data_type == "s"
    assert rec.value == 'R1: =HYPERLINK("http://example.invalid") about Child A'
    action = ws.cell(row=3, column=_col("Action"))
    assert action.value == "A2: +44 is a prefix" and action.data_type == "s"
    with zipfile.ZipFile(workbook_path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet


def test_leading_formula_characters_are_written_as_text(workspace: Path) -> None:
    case = add_recommendations(make_case(), 1)
    rec = case.recommendations[0]
    rec.text, rec.action, rec.lead_officer = "x", "=1+1", "@SUM(A1)"
    rec.evidence, rec.impact_measure, rec.oversight_comments = "+1", "-1", "\tTab"
    path = write_tracker([reviewed(case)], quarter=Q3, today=TODAY)
    ws = openpyxl.load_workbook(path)["Tracker"]
    row = {name: ws.cell(row=2, column=_col(name)) for name, _w in TRACKER_COLUMNS}
    assert row["Action"].value == "A1: =1+1"  # prefixed, so shown as typed
    assert row["Lead officer"].value == "@SUM(A1)" and row["Lead officer"].data_type == "s"
    assert row["Evidence of completion"].value == "+1"
    assert row["Impact measure"].value == "-1"
    assert row["Oversight comments"].value == "\tTab"
    with zipfile.ZipFile(path) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_validations_reject_bad_entries(workbook_path: Path) -> None:
    ws = openpyxl.load_workbook(workbook_path)["Tracker"]
    by_formula = {dv.formula1: dv for dv in ws.data_validations.dataValidation}
    assert set(by_formula) == {
        "Lists!$A$2:$A$200",
        "Lists!$B$2:$B$200",
        "Lists!$C$2:$C$200",
        "Lists!$D$2:$D$200",
    }
    for dv in by_formula.values():
        assert dv.type == "list" and dv.showErrorMessage is True and dv.errorStyle == "stop"
        assert dv.error
    status_col = openpyxl.utils.get_column_letter(_col("Status"))
    assert str(by_formula["Lists!$A$2:$A$200"].sqref) == f"{status_col}2:{status_col}518"
    lists = openpyxl.load_workbook(workbook_path)["Lists"]
    assert [c.value for c in lists[1]] == ["Status", "Lead agency", "RAG", "Scope"]
    assert lists["A2"].value == "Not started" and lists["C2"].value == "Blue"
    agencies = {lists.cell(row=r, column=2).value for r in range(2, 10)} - {None}
    assert agencies == {"Police", "Health visiting", "Children's social care"}


def test_conditional_formatting_for_rag_and_overdue(workbook_path: Path) -> None:
    ws = openpyxl.load_workbook(workbook_path)["Tracker"]
    rules = [(str(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules]
    rag_col = openpyxl.utils.get_column_letter(_col("RAG"))
    rag_rules = [r for ref, r in rules if ref == f"{rag_col}2:{rag_col}18"]
    assert sorted(r.formula[0] for r in rag_rules) == sorted(
        ['"Blue"', '"Green"', '"Amber"', '"Red"', '"Grey"']
    )
    overdue = [r for _ref, r in rules if r.type == "expression"]
    assert overdue and "DATE(2026,11,28)" in overdue[0].formula[0]


def test_rag_and_overdue_columns_match_the_domain(workspace: Path) -> None:
    case = add_recommendations(make_case(), 16)
    path = write_tracker([reviewed(case)], quarter=Q3, today=TODAY)
    ws = openpyxl.load_workbook(path)["Tracker"]
    for index, rec in enumerate(case.recommendations, start=2):
        assert ws.cell(row=index, column=_col("Tracker ID")).value == rec.id
        assert ws.cell(row=index, column=_col("RAG")).value == str(compute_rag(rec, TODAY, Q3))
    overdue = [ws.cell(row=r, column=_col("Overdue")).value for r in range(2, 18)]
    assert set(overdue) == {"Yes", "No"}


def test_quarter_summary_counts_and_chart(workbook_path: Path) -> None:
    wb = openpyxl.load_workbook(workbook_path)
    tracker, ws = wb["Tracker"], wb["Quarter summary"]
    rags = Counter(
        (
            tracker.cell(row=r, column=_col("Lead agency")).value,
            tracker.cell(row=r, column=_col("RAG")).value,
        )
        for r in range(2, 19)
    )
    rows = list(ws.iter_rows(values_only=True))
    header = rows.index(("Lead agency", "Blue", "Green", "Amber", "Red", "Grey", "Total"))
    for line in rows[header + 1 : header + 4]:
        agency, *counts, total = line
        assert counts == [rags[(agency, rag)] for rag in ("Blue", "Green", "Amber", "Red", "Grey")]
        assert total == sum(counts) and all(isinstance(c, int) for c in counts)
    assert rows[header + 4][0] == "Total" and rows[header + 4][-1] == 17
    titles = [r[0] for r in rows]
    for title in ("RAG by review", "Overdue actions", "Closed this quarter", "New this quarter"):
        assert title in titles
    review_header = rows.index(("Review", "Blue", "Green", "Amber", "Red", "Grey", "Total"))
    assert rows[review_header + 1][0] == "CSPR-2025-011 (LCSPR)"
    new_start = titles.index("New this quarter") + 2
    assert rows[new_start][0] == "CSPR-2025-011-R1-A1"  # created 05/10/2026
    assert len(ws._charts) == 1
    with zipfile.ZipFile(workbook_path) as archive:
        assert any(n.startswith("xl/charts/chart") for n in archive.namelist())


def test_update_log_reviews_and_readme(workbook_path: Path) -> None:
    wb = openpyxl.load_workbook(workbook_path)
    log = list(wb["Update log"].iter_rows(values_only=True))
    assert log[0][:3] == ("Tracker ID", "Review", "Quarter")
    assert len(log) == 18 and log[1][4] == "Update 0 & more"
    reviews = list(wb["Reviews"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in reviews] == ["CSPR-2025-011", "CSPR-2026-004"]
    decided, six_months, published, twelve = (
        reviews[0][4],
        reviews[0][5],
        reviews[0][8],
        reviews[0][9],
    )
    assert decided.date() == date(2026, 3, 20) and six_months.date() == date(2026, 9, 20)
    assert published.date() == date(2026, 9, 30) and twelve.date() == date(2027, 9, 30)
    assert wb["Reviews"]["F2"].number_format == "DD/MM/YYYY"
    readme = "\n".join(
        str(v) for row in wb["Read me"].iter_rows(values_only=True) for v in row if v is not None
    )
    assert "This file is not encrypted" in readme
    assert "Q3 2026-27" in readme and "2026-10-01" in readme and "2026-12-31" in readme
    for word in ("Blue", "Green", "Amber", "Red", "Grey", "Off track"):
        assert word in readme


def test_no_real_names_in_the_workbook(workbook_path: Path) -> None:
    with zipfile.ZipFile(workbook_path) as archive:
        text = "".join(
            archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")
        )
    for name in ("Zoë", "Fictionalia", "Siobhán"):
        assert name not in text
    assert "Child A" in text


def test_past_quarter_rates_at_its_end_and_leaves_out_later_actions(workspace: Path) -> None:
    case = add_recommendations(make_case(), 8)
    q1 = Quarter.parse("2026-Q1")
    path = write_tracker([reviewed(case)], quarter=q1, today=TODAY)
    assert path.name == "Safeguarding-Children-Partnership_RecTracker_2026-27_Q1.xlsx"
    ws = openpyxl.load_workbook(path)["Tracker"]
    ids = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    later = {r.id for r in case.recommendations if r.created_date == "2026-10-05"}
    assert ids and not later & set(ids)
    readme = [r for r in openpyxl.load_workbook(path)["Read me"].iter_rows(values_only=True)]
    as_at = next(r[1] for r in readme if r[0] == "Ratings as at")
    assert as_at.date() == date(2026, 6, 30)
    log = list(openpyxl.load_workbook(path)["Update log"].iter_rows(values_only=True))
    assert len(log) == 1  # the Q3 updates came after Q1


def test_empty_tracker_is_still_a_valid_table(workspace: Path) -> None:
    path = write_tracker([reviewed(make_case())], quarter=Q3, today=TODAY)
    ws = openpyxl.load_workbook(path)["Tracker"]
    assert ws.tables[TRACKER_TABLE].ref.endswith("2")
    assert ws["A2"].value.startswith("No recommendations")


def test_versions_out_and_force(workspace: Path) -> None:
    first = write_tracker([], quarter=Q3, today=TODAY)
    second = write_tracker([], quarter=Q3, today=TODAY)
    assert second.name == tracker_file_name(Settings(), Q3, 2) == first.stem + "_v2.xlsx"
    out = workspace / "board.xlsx"
    write_tracker([], out, quarter=Q3, today=TODAY)
    with pytest.raises(CsprError, match="already exists"):
        write_tracker([], out, quarter=Q3, today=TODAY)
    write_tracker([], out, quarter=Q3, today=TODAY, force=True)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_progress_and_a_large_tracker(workspace: Path) -> None:
    case = add_recommendations(make_case(), 2000)
    seen: list[tuple[int, int]] = []
    path = write_tracker(
        [reviewed(case)], quarter=Q3, today=TODAY, progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (2000, 2000) and len(seen) == 4
    ws = openpyxl.load_workbook(path, read_only=True)["Tracker"]
    assert sum(1 for _row in ws.iter_rows(values_only=True)) == 2001


_RISKY = ("=", "+", "-", "@", "\t", "\r")


def test_no_text_anywhere_in_the_workbook_becomes_a_formula(workspace: Path) -> None:
    """Every text a user can type, in every sheet, starts with a formula character: all text."""
    case = add_recommendations(make_case(), 4)
    case.pseudonym, case.review_type = "=Child A", "+LCSPR"
    case.records["review"].values["publication_decision"] = "@publish"
    for i, rec in enumerate(case.recommendations):
        risky = _RISKY[i % len(_RISKY)]
        rec.text, rec.action, rec.scope = f"{risky}text", f"{risky}act", f"{risky}scope"
        rec.lead_agency, rec.lead_officer = f"{risky}Agency {i}", f"{risky}officer"
        rec.theme_tags = [f"{risky}theme"]
        rec.evidence, rec.impact_measure, rec.impact_evidence = (f"{risky}e", f"{risky}m", "=i")
        rec.oversight_comments, rec.revision_reason = f"{risky}c", f"{risky}r"
        rec.last_updated_by = f"{risky}by"
        for update in rec.updates:
            update.narrative, update.updated_by = f"{risky}narrative", f"{risky}who"
            update.status_before, update.status_after = "=before", "-after"
    settings = Settings(partnership_name='=HYPERLINK("http://example.invalid","Borough")')
    path = write_tracker([reviewed(case)], quarter=Q3, today=TODAY, settings=settings)
    assert path.name.startswith("HYPERLINK-http-example-invalid-Borough_RecTracker")
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
    wb = openpyxl.load_workbook(path)
    risky_cells = 0
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(_RISKY):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    risky_cells += 1
    assert risky_cells > 60
    assert wb["Read me"]["A1"].value.startswith('=HYPERLINK("http://example.invalid"')
    assert wb["Update log"]["E2"].value.endswith("narrative")


def test_chart_references_the_summary_counts(workbook_path: Path) -> None:
    """The chart's series and categories point at the RAG-by-agency cells, names as text."""
    import re

    with zipfile.ZipFile(workbook_path) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode()
    titles = re.findall(r"<tx><strRef><f>(.*?)</f>", chart)
    cats = set(re.findall(r"<cat><strRef><f>(.*?)</f>", chart))
    values = re.findall(r"<val><numRef><f>(.*?)</f>", chart)
    assert "<cat><numRef>" not in chart and len(titles) == len(values) == 5 and len(cats) == 1
    ws = openpyxl.load_workbook(workbook_path)["Quarter summary"]

    def cells(ref: str) -> list:
        sheet, _, rng = ref.partition("!")
        assert sheet == "'Quarter summary'"
        return (
            [c.value for row in ws[rng.replace("$", "")] for c in row]
            if ":" in rng
            else [ws[rng.replace("$", "")].value]
        )

    assert [cells(t)[0] for t in titles] == ["Blue", "Green", "Amber", "Red", "Grey"]
    agencies = cells(cats.pop())
    assert agencies == ["Children's social care", "Health visiting", "Police"]
    tracker = openpyxl.load_workbook(workbook_path)["Tracker"]
    rows = list(tracker.iter_rows(min_row=2, values_only=True))
    for ref, rag in zip(values, ("Blue", "Green", "Amber", "Red", "Grey"), strict=True):
        counts = cells(ref)
        assert counts == [
            sum(1 for r in rows if r[_col("Lead agency") - 1] == a and r[_col("RAG") - 1] == rag)
            for a in agencies
        ]
        assert all(isinstance(c, int) for c in counts)


def test_readme_shows_the_quarters_dates_as_uk_dates(workbook_path: Path) -> None:
    ws = openpyxl.load_workbook(workbook_path)["Read me"]
    rows = {r[0].value: r[1] for r in ws.iter_rows(max_col=2) if r[0].value}
    expected = {
        "Quarter starts": date(2026, 10, 1),
        "Quarter ends": date(2026, 12, 31),
        "Ratings as at": TODAY,
        "Produced": TODAY,
    }
    for label, day in expected.items():
        assert rows[label].value.date() == day and rows[label].number_format == "DD/MM/YYYY"
    assert rows["Quarter"].value == "Q3 2026-27 (2026-Q3)"


def test_every_list_validation_blocks_and_explains(workbook_path: Path) -> None:
    ws = openpyxl.load_workbook(workbook_path)["Tracker"]
    columns = {
        "Status": "Lists!$A$2:$A$200",
        "Lead agency": "Lists!$B$2:$B$200",
        "RAG": "Lists!$C$2:$C$200",
        "Scope": "Lists!$D$2:$D$200",
    }
    by_formula = {dv.formula1: dv for dv in ws.data_validations.dataValidation}
    for header, source in columns.items():
        dv = by_formula[source]
        letter = openpyxl.utils.get_column_letter(_col(header))
        assert str(dv.sqref) == f"{letter}2:{letter}518"
        assert dv.showErrorMessage and dv.errorStyle == "stop" and not dv.showDropDown
        assert dv.errorTitle and "from the list" in dv.error and dv.showInputMessage
        assert dv.allow_blank


def test_characters_excel_cannot_hold_are_dropped_not_fatal(workspace: Path) -> None:
    """U+FFFE/U+FFFF, controls and lone surrogates would make openpyxl raise mid-export."""
    case = add_recommendations(make_case(), 1)
    rec = case.recommendations[0]
    rec.text = "Keep\ufffe this\uffff \x0bline\x00 \ud800here"
    rec.updates[0].narrative = "tab\tand\nnewline stay"
    path = write_tracker([reviewed(case)], quarter=Q3, today=TODAY)
    wb = openpyxl.load_workbook(path)
    assert wb["Tracker"].cell(row=2, column=_col("Recommendation")).value == (
        "R1: Keep this line here"
    )
    assert wb["Update log"]["E2"].value == "tab\tand\nnewline stay"


def test_role_naming_the_child_is_redacted_in_the_workbook(workspace: Path) -> None:
    case = add_recommendations(make_case(), 2)
    case.people[1].pseudonym, case.people[1].role = "", "Zoë's mother"
    case.recommendations[0].text = "Offer Siobhán O'Neill a carer's assessment"
    path = write_tracker([reviewed(case)], quarter=Q3, today=TODAY)
    ws = openpyxl.load_workbook(path)["Tracker"]
    assert ws.cell(row=2, column=_col("Recommendation")).value == (
        "R1: Offer Child A's mother a carer's assessment"
    )


def test_a_pseudonym_that_names_the_child_stops_the_workbook(workspace: Path) -> None:
    """Word exports refuse this after their scan; the workbook must not write it either."""
    from cspr_tui.errors import ValidationFailed

    case = add_recommendations(make_case(), 2)
    case.pseudonym = case.people[0].pseudonym = "Zoë"
    with pytest.raises(ValidationFailed) as caught:
        write_tracker([reviewed(case)], quarter=Q3, today=TODAY)
    assert "no file was written" in caught.value.message
    assert any("Zoë" in line for line in caught.value.details)
    assert list((workspace / "exports").iterdir()) == []
    case.pseudonym = "Child A"  # only the key's pseudonym names her, used in a recommendation
    with pytest.raises(ValidationFailed) as caught:
        write_tracker([reviewed(case)], quarter=Q3, today=TODAY)
    assert any("'Zoë'" in line for line in caught.value.details)
    assert list((workspace / "exports").iterdir()) == []


def test_sheets_never_stream_through_the_system_temp_folder(workspace: Path, monkeypatch) -> None:
    """openpyxl's default scratch files sit in /tmp in the clear; ours stay beside the export."""
    from openpyxl.worksheet import _writer

    def no_system_temp(*_args, **_kwargs):
        raise AssertionError("openpyxl wrote a scratch file to the system temp folder")

    monkeypatch.setattr(_writer, "create_temporary_file", no_system_temp)
    path = write_tracker([reviewed(add_recommendations(make_case(), 3))], quarter=Q3, today=TODAY)
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    assert openpyxl.load_workbook(path)["Tracker"]["A2"].value == "CSPR-2026-004-R1-A1"


def test_a_failure_mid_workbook_leaves_no_scratch_or_partial_file(
    workspace: Path, monkeypatch
) -> None:
    import gc

    from cspr_tui.exports import xlsx_tracker

    seen: dict[str, int] = {}

    def broken_readme(*_args, **_kwargs) -> None:
        for item in (workspace / "exports").iterdir():
            seen[item.name] = stat.S_IMODE(item.stat().st_mode)
        raise RuntimeError("disk trouble")

    monkeypatch.setattr(xlsx_tracker, "_readme_sheet", broken_readme)
    with pytest.raises(RuntimeError, match="disk trouble"):
        write_tracker([reviewed(add_recommendations(make_case(), 3))], quarter=Q3, today=TODAY)
    gc.collect()
    assert sum(name.endswith(".sheet1") for name in seen) == 1  # the Tracker sheet's stream
    assert set(seen.values()) == {0o600}
    assert list((workspace / "exports").iterdir()) == []
