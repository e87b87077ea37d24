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
from cspr_tui.exports.xlsx_tracker import (
    BOARD_PACK_COLUMNS,
    LIST_NAMES,
    SUMMARY_LISTING_LIMIT,
    TRACKER_COLUMNS,
    TRACKER_TABLE,
    tracker_file_name,
)
from cspr_tui.forms.loader import shared_choice_lists
from cspr_tui.settings import Settings
from tests.exports.case_fixtures import add_recommendations, make_case, reviewed
from tests.exports.xlsx_formulas import evaluate

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
        "Board pack",
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
    assert not action.quotePrefix  # it starts with "A2:", nothing to protect
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
    # Excel's quote prefix too, so F2 then Enter in Excel keeps them text.
    for name in ("Lead officer", "Evidence of completion", "Impact measure", "Oversight comments"):
        assert row[name].quotePrefix, name
    assert not row["Action"].quotePrefix and not row["Tracker ID"].quotePrefix
    with zipfile.ZipFile(path) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_validations_reject_bad_entries(workbook_path: Path) -> None:
    wb = openpyxl.load_workbook(workbook_path)
    ws = wb["Tracker"]
    by_formula = {dv.formula1: dv for dv in ws.data_validations.dataValidation}
    assert set(by_formula) == set(LIST_NAMES.values())
    for dv in by_formula.values():
        assert dv.type == "list" and dv.showErrorMessage is True and dv.errorStyle == "stop"
        assert dv.error
    status_col = openpyxl.utils.get_column_letter(_col("Status"))
    table_end = ws.tables[TRACKER_TABLE].ref.split(":")[1]
    assert table_end == "Z18"
    assert str(by_formula[LIST_NAMES["Status"]].sqref) == f"{status_col}2:{status_col}18"
    lists = wb["Lists"]
    assert [c.value for c in lists[1]] == ["Status", "Lead agency", "RAG", "Scope"]
    assert lists["A2"].value == "Not started" and lists["C2"].value == "Blue"


def _named_list(wb, name: str) -> list:
    """The cells a defined name covers, read back from its sheet."""
    sheet, cells = next(iter(wb.defined_names[name].destinations))
    return [c.value for row in wb[sheet][cells.replace("$", "")] for c in row]


def test_lists_are_exact_named_ranges_of_every_partnership_value(workbook_path: Path) -> None:
    """Every agency of choices.yaml is offered, not only those in the export: reassigning
    an action to another agency is allowed; each name covers its list and no blank cell."""
    wb = openpyxl.load_workbook(workbook_path)
    shipped = shared_choice_lists()
    assert _named_list(wb, LIST_NAMES["Lead agency"]) == list(shipped["agencies"])
    assert _named_list(wb, LIST_NAMES["Status"]) == list(shipped["recommendation_statuses"])
    assert _named_list(wb, LIST_NAMES["RAG"]) == ["Blue", "Green", "Amber", "Red", "Grey"]
    assert _named_list(wb, LIST_NAMES["Scope"]) == list(shipped["recommendation_scopes"])
    for name in LIST_NAMES.values():
        assert None not in _named_list(wb, name)


def test_lists_follow_the_workspace_choices_and_keep_exported_values(workspace: Path) -> None:
    (workspace / "form_templates").mkdir()
    (workspace / "form_templates" / "choices.yaml").write_text(
        "agencies:\n  - Imaginary Borough Police\n  - Imaginary Health Trust\n",
        encoding="utf-8",
    )
    path = write_tracker([reviewed(add_recommendations(make_case(), 3))], quarter=Q3, today=TODAY)
    wb = openpyxl.load_workbook(path)
    assert _named_list(wb, LIST_NAMES["Lead agency"]) == [
        "Imaginary Borough Police",
        "Imaginary Health Trust",
        # in the export though not in the list: kept valid, so the file opens clean
        "Police",
        "Health visiting",
        "Children's social care",
    ]


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

    # Colours and drop-downs cover exactly the same rows: the table's.
    def rows(ref: str) -> str:
        return ":".join(part.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for part in ref.split(":"))

    assert {rows(ref) for ref, _r in rules} == {"2:18"}
    assert {rows(str(dv.sqref)) for dv in ws.data_validations.dataValidation} == {"2:18"}


def test_rag_and_overdue_columns_match_the_domain(workspace: Path) -> None:
    case = add_recommendations(make_case(), 16)
    path = write_tracker([reviewed(case)], quarter=Q3, today=TODAY)
    ws = openpyxl.load_workbook(path)["Tracker"]
    for index, rec in enumerate(case.recommendations, start=2):
        assert ws.cell(row=index, column=_col("Tracker ID")).value == rec.id
        assert ws.cell(row=index, column=_col("RAG")).value == str(compute_rag(rec, TODAY, Q3))
    overdue = [ws.cell(row=r, column=_col("Overdue")).value for r in range(2, 18)]
    assert set(overdue) == {"Yes", "No"}


def test_quarter_summary_counts_are_formulas_over_the_table(workbook_path: Path) -> None:
    wb = openpyxl.load_workbook(workbook_path)
    tracker, ws = wb["Tracker"], wb["Quarter summary"]
    rags = Counter(
        (
            tracker.cell(row=r, column=_col("Lead agency")).value,
            tracker.cell(row=r, column=_col("RAG")).value,
        )
        for r in range(2, 19)
    )
    rows = list(ws.iter_rows())
    values = [tuple(c.value for c in row) for row in rows]
    header = values.index(("Lead agency", "Blue", "Green", "Amber", "Red", "Grey", "Total"))
    for line in rows[header + 1 : header + 4]:
        agency = line[0].value
        assert all(c.data_type == "f" and "COUNTIFS(RecTracker[" in c.value for c in line[1:6])
        counts = [evaluate(wb, c) for c in line[1:6]]
        assert counts == [rags[(agency, rag)] for rag in ("Blue", "Green", "Amber", "Red", "Grey")]
        assert evaluate(wb, line[6]) == sum(counts)
    total = rows[header + 4]
    assert total[0].value == "Total" and evaluate(wb, total[6]) == 17
    titles = [r[0] for r in values]
    for title in ("RAG by review", "Overdue actions", "Closed this quarter", "New this quarter"):
        assert title in titles
    review_header = values.index(("Review", "Blue", "Green", "Amber", "Red", "Grey", "Total"))
    assert values[review_header + 1][0] == "CSPR-2025-011 (LCSPR)"
    assert evaluate(wb, rows[review_header + 1][6]) == 5
    new_start = titles.index("New this quarter") + 2
    assert values[new_start][0] == "CSPR-2025-011-R1-A1"  # created 05/10/2026
    assert len(ws._charts) == 1
    assert wb.calculation.fullCalcOnLoad  # Excel computes them when the file opens
    with zipfile.ZipFile(workbook_path) as archive:
        assert any(n.startswith("xl/charts/chart") for n in archive.namelist())


def test_summary_formulas_follow_an_edit_of_the_tracker(workbook_path: Path, tmp_path) -> None:
    """Reassign an action in the Tracker (as a meeting would): the counts move with it."""
    wb = openpyxl.load_workbook(workbook_path)
    tracker, ws = wb["Tracker"], wb["Quarter summary"]
    rows = list(ws.iter_rows())
    header = [r[0].value for r in rows].index("Lead agency")
    police = next(r for r in rows[header + 1 :] if r[0].value == "Police")
    before = evaluate(wb, police[6])
    moved = next(
        r for r in range(2, 19) if tracker.cell(row=r, column=_col("Lead agency")).value != "Police"
    )
    tracker.cell(row=moved, column=_col("Lead agency")).value = "Police"
    assert evaluate(wb, police[6]) == before + 1


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
    wb = openpyxl.load_workbook(path)
    summary = wb.sheetnames.index("Quarter summary") + 1
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if (
                name.startswith("xl/worksheets/sheet")
                and name != f"xl/worksheets/sheet{summary}.xml"
            ):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
    risky_cells = 0
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # only the summary's own counts are formulas
                    assert ws.title == "Quarter summary", (ws.title, cell.coordinate)
                    assert cell.value.startswith(("=COUNTIFS(RecTracker[", "=SUM(")), cell.value
                elif isinstance(cell.value, str) and cell.value.startswith(_RISKY):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
                    risky_cells += 1
    assert risky_cells > 60
    agency = wb["Quarter summary"]
    rows = list(agency.iter_rows())
    header = [r[0].value for r in rows].index("Lead agency")
    equals = next(r for r in rows[header + 1 :] if r[0].value == "=Agency 0")
    assert evaluate(wb, equals[6]) == 1  # matched as a name, not as "=" and a value
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
    wb = openpyxl.load_workbook(workbook_path)
    for ref, rag in zip(values, ("Blue", "Green", "Amber", "Red", "Grey"), strict=True):
        rng = ref.partition("!")[2].replace("$", "")
        counts = [evaluate(wb, c) for row in wb["Quarter summary"][rng] for c in row]
        assert counts == [
            sum(1 for r in rows if r[_col("Lead agency") - 1] == a and r[_col("RAG") - 1] == rag)
            for a in agencies
        ]


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
    by_formula = {dv.formula1: dv for dv in ws.data_validations.dataValidation}
    for header, source in LIST_NAMES.items():
        dv = by_formula[source]
        letter = openpyxl.utils.get_column_letter(_col(header))
        assert str(dv.sqref) == f"{letter}2:{letter}18"
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


def test_board_pack_prints_what_a_meeting_reads(workspace: Path) -> None:
    case = add_recommendations(make_case(), 4)
    case.recommendations[0].revised_target_date = date(2027, 1, 31)
    case.recommendations[0].lead_agency = "Child and adolescent mental health services"
    path = write_tracker([reviewed(case)], quarter=Q3, today=TODAY, settings=SETTINGS)
    ws = openpyxl.load_workbook(path)["Board pack"]
    headers = [c.value for c in ws[1]]
    assert (
        headers
        == [name for name, _w in BOARD_PACK_COLUMNS]
        == [
            "Review",
            "Recommendation",
            "Action",
            "Lead agency",
            "Lead officer",
            "Target date",
            "Status",
            "RAG",
            "Latest update",
        ]
    )
    first = {h: ws.cell(row=2, column=i) for i, h in enumerate(headers, 1)}
    assert first["Review"].value == "CSPR-2026-004 (LCSPR)"
    assert first["Recommendation"].value.startswith("R1: =HYPERLINK")
    assert first["Lead officer"].value == "Head of service"
    assert first["Target date"].value.date() == date(2027, 1, 31)  # the revised target
    assert first["Target date"].number_format == "DD/MM/YYYY"
    assert first["Latest update"].value == "Q3 2026-27: Update 0 & more"
    assert first["RAG"].value == str(compute_rag(case.recommendations[0], TODAY, Q3))
    for cell in ws[2]:
        if cell.value is not None:
            assert cell.alignment.wrap_text and cell.alignment.vertical == "top"
            assert cell.font.sz >= 9
    # The row is as tall as its wrapped agency name (three lines at least).
    assert ws.row_dimensions[2].height >= 3 * 10
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    assert ws.print_options.gridLines
    # One page wide at 100 % in Excel: the columns fit A4 landscape's 10.9 printable inches.
    widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, 10)]
    assert sum(w * 7 + 5 for w in widths) <= (11.69 - 0.8) * 96
    rag = openpyxl.utils.get_column_letter(headers.index("RAG") + 1)
    assert {str(cf.sqref) for cf in ws.conditional_formatting} == {f"{rag}2:{rag}5"}


def test_every_sheet_prints_with_marking_and_page_numbers(workspace: Path) -> None:
    settings = Settings(partnership_name="Bath & Imaginary SCP", protective_marking="OFFICIAL")
    path = write_tracker(
        [reviewed(add_recommendations(make_case(), 3), settings)],
        quarter=Q3,
        today=TODAY,
        settings=settings,
    )
    wb = openpyxl.load_workbook(path)
    for ws in wb:  # the hidden Lists sheet too, should anyone unhide and print it
        assert ws.oddHeader.center.text == "OFFICIAL", ws.title
        assert ws.oddFooter.left.text == "OFFICIAL", ws.title
        assert ws.oddFooter.center.text == "Page &P of &N", ws.title
        assert ws.oddHeader.left.text == "Bath && Imaginary SCP"
        if ws.title == "Board pack":  # a snapshot, and its pages say so
            expected = "Q3 2026-27 as exported 28/11/2026, ratings as at 28/11/2026"
        else:
            expected = "Tracker Q3 2026-27, ratings as at 28/11/2026"
        assert ws.oddHeader.right.text == expected, ws.title
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert wb["Tracker"].print_title_rows == "$1:$1" and wb["Tracker"].print_title_cols == "$A:$A"
    default = write_tracker([], quarter=Q3, today=TODAY)
    assert openpyxl.load_workbook(default)["Tracker"].oddHeader.center.text == (
        Settings().protective_marking
    )


def test_tracker_headers_wrap_whole_and_widths_fit_agency_names(workspace: Path) -> None:
    case = add_recommendations(make_case(), 3)
    case.recommendations[1].lead_agency = "Child and adolescent mental health services"
    path = write_tracker([reviewed(case)], quarter=Q3, today=TODAY)
    ws = openpyxl.load_workbook(path)["Tracker"]
    for cell in ws[1]:
        assert cell.alignment.wrap_text and cell.font.b, cell.value
        width = ws.column_dimensions[cell.column_letter].width
        assert width >= max(len(word) for word in cell.value.split()) + 2, cell.value
    assert ws.row_dimensions[1].height >= 2 * 11  # "Review signed off / published" wraps
    agency = ws.column_dimensions[openpyxl.utils.get_column_letter(_col("Lead agency"))].width
    assert agency >= len("Child and adolescent mental health services")


def test_readme_dates_sit_at_the_start_of_their_column(workbook_path: Path) -> None:
    ws = openpyxl.load_workbook(workbook_path)["Read me"]
    rows = {r[0].value: r[1] for r in ws.iter_rows(max_col=2) if r[0].value}
    for label in ("Quarter starts", "Quarter ends", "Ratings as at", "Produced"):
        assert rows[label].alignment.horizontal == "left", label
    assert rows["Protective marking"].value == "OFFICIAL-SENSITIVE"


def test_lead_officer_role_and_name_reach_the_tracker_and_board_pack(workspace: Path) -> None:
    case = add_recommendations(make_case(), 3)
    case.recommendations[0].lead_officer_name = "Robin Leadwell"
    case.recommendations[1].lead_officer, case.recommendations[1].lead_officer_name = "", "Robin"
    case.recommendations[2].lead_officer_name = "Siobhán O'Neill"  # a name in the key
    path = write_tracker([reviewed(case)], quarter=Q3, today=TODAY)
    wb = openpyxl.load_workbook(path)
    tracker = [wb["Tracker"].cell(row=r, column=_col("Lead officer")).value for r in (2, 3, 4)]
    pack_col = [name for name, _w in BOARD_PACK_COLUMNS].index("Lead officer") + 1
    pack = [wb["Board pack"].cell(row=r, column=pack_col).value for r in (2, 3, 4)]
    assert (
        tracker
        == pack
        == [
            "Head of service (Robin Leadwell)",
            "Robin",
            "Head of service (Mother)",  # redacted like every typed text
        ]
    )


def test_board_pack_prints_a_recommendation_once_then_points_back(workspace: Path) -> None:
    """Each recommendation's text is on its first action's row; its later actions say
    "as above", so the pack is not the same paragraph over and over."""
    case = add_recommendations(make_case(), 6)  # R1, R2 and R3, two actions each
    path = write_tracker([reviewed(case)], quarter=Q3, today=TODAY, settings=SETTINGS)
    ws = openpyxl.load_workbook(path)["Board pack"]
    names = [name for name, _w in BOARD_PACK_COLUMNS]
    column = names.index("Recommendation") + 1
    shown = [ws.cell(row=r, column=column).value for r in range(2, 8)]
    assert shown[1::2] == ["R1: as above", "R2: as above", "R3: as above"]
    assert shown[2] == "R2: Share 2" and shown[4] == "R3: Share 4"
    actions = [ws.cell(row=r, column=names.index("Action") + 1).value for r in range(2, 8)]
    assert actions[1] == "A2: +44 is a prefix" and actions[5] == "A2: @team -5 act"


def test_quarter_summary_lists_the_longest_overdue_first_and_counts_the_rest(
    workspace: Path,
) -> None:
    """Past SUMMARY_LISTING_LIMIT the listing stops and says how many the Tracker holds."""
    from cspr_tui.domain.case import RecommendationStatus

    extra = SUMMARY_LISTING_LIMIT + 7
    case = add_recommendations(make_case(), extra)
    for index, rec in enumerate(case.recommendations):
        rec.status = RecommendationStatus.IN_PROGRESS
        rec.revised_target_date = None
        rec.target_date = date(2026, (index % 9) + 1, (index % 27) + 1)  # all past
    path = write_tracker([reviewed(case)], quarter=Q3, today=TODAY, settings=SETTINGS)
    values = [
        tuple(c.value for c in row) for row in openpyxl.load_workbook(path)["Quarter summary"]
    ]
    titles = [v[0] for v in values]
    start = titles.index(f"Overdue actions ({extra})")
    listed = values[start + 2 : start + 2 + SUMMARY_LISTING_LIMIT]
    targets = [row[3] for row in listed]
    assert targets == sorted(targets) and len(targets) == SUMMARY_LISTING_LIMIT
    assert min(targets).date() == min(r.target_date for r in case.recommendations)
    assert values[start + 2 + SUMMARY_LISTING_LIMIT][0] == (
        f"The first {SUMMARY_LISTING_LIMIT} of {extra}; filter the Tracker to see them all."
    )


def test_the_board_pack_keeps_the_reviewers_decision_on_an_update(workspace: Path) -> None:
    """The review gate reads each update's narrative; the board pack prints it after its
    quarter ("Q3 2026-27: ..."). A reviewer's decision on a word in the narrative must hold
    there too: had the label been redacted with the narrative, the finding would have been
    another one (its sentence differs), left undecided and the name printed as written."""
    from cspr_tui.domain.case import RedactionOutcome
    from cspr_tui.exports.redaction import case_redactor, decision
    from cspr_tui.exports.redaction.review import tracker_findings

    case = add_recommendations(make_case(), 2)
    case.recommendations[0].updates[0].narrative = "Met Gracie Quill about the plan."
    found = [
        f
        for f in tracker_findings(case_redactor(case), case)
        if f.path.endswith("narrative") and f.hit in ("Gracie", "Quill")
    ]
    assert len(found) == 2 and not any(f.withhold for f in found)  # listed, proposed kept
    case.redaction_decisions = [decision(f, RedactionOutcome.REJECTED, "a relative") for f in found]
    path = write_tracker([reviewed(case)], quarter=Q3, today=TODAY)
    wb = openpyxl.load_workbook(path)
    printed = [str(cell.value) for ws in wb for row in ws.iter_rows() for cell in row if cell.value]
    assert not any("Gracie" in text or "Quill" in text for text in printed)
    assert any(text.startswith("Q3 2026-27: Met [name withheld]") for text in printed)


def test_the_gate_still_names_every_unreviewed_field_and_writes_nothing(workspace: Path) -> None:
    """The workbook's gate asks only whether a finding is open; when one is, the refusal
    still names each open finding with its field, as `tracker_findings` lists it, and an
    unknown word in "updated by" (the partnership's own staff) is still no finding."""
    from cspr_tui.domain.case import QuarterlyUpdate
    from cspr_tui.exports.redaction import RedactionReviewNeeded, case_redactor
    from cspr_tui.exports.redaction.review import open_findings, tracker_findings, tracker_open

    case = reviewed(add_recommendations(make_case(), 3))
    redactor = case_redactor(case, SETTINGS)
    assert not tracker_open(redactor, case) and not open_findings(tracker_findings(redactor, case))
    rec = case.recommendations[1]
    rec.updates.append(
        QuarterlyUpdate(
            "2026-Q3", date(2026, 11, 2), "Agreed", "In progress", "In progress", "Quorvath"
        )
    )
    redactor = case_redactor(case, SETTINGS)
    assert not tracker_open(redactor, case)  # a possible name in "updated by" is not asked
    write_tracker([case], workspace / "staff.xlsx", quarter=Q3, today=TODAY, settings=SETTINGS)
    rec.evidence = "Signed off by Quorvath Brindleshaw at the panel."
    rec.oversight_comments = "Quorvath Brindleshaw to confirm."
    redactor = case_redactor(case, SETTINGS)
    waiting = open_findings(tracker_findings(redactor, case))
    assert tracker_open(redactor, case) and waiting
    with pytest.raises(RedactionReviewNeeded) as caught:
        write_tracker([case], workspace / "open.xlsx", quarter=Q3, today=TODAY, settings=SETTINGS)
    assert [f.id for f in caught.value.findings] == [f.id for f in waiting]
    fields = {f"{rec.id}.evidence", f"{rec.id}.oversight_comments"}
    assert {f.path for f in caught.value.findings} == fields
    assert all(any(field in line for line in caught.value.details) for field in fields)
    assert not (workspace / "open.xlsx").exists()


def test_cycle_collection_waits_for_the_export_and_is_restored(workspace: Path) -> None:
    """Each full collection would walk every case again; paused for the export only, and
    left as it was afterwards, whether the export succeeds, is refused or was paused."""
    import gc

    from cspr_tui.exports.redaction import RedactionReviewNeeded

    seen: list[bool] = []
    case = reviewed(add_recommendations(make_case(), 3))
    assert gc.isenabled()
    write_tracker(
        [case], quarter=Q3, today=TODAY, settings=SETTINGS,
        progress=lambda _d, _t: seen.append(gc.isenabled()),
    )  # fmt: skip
    assert seen and not any(seen) and gc.isenabled()
    case.recommendations[0].evidence = "Quorvath Brindleshaw signed it off."
    with pytest.raises(RedactionReviewNeeded):
        write_tracker([case], quarter=Q3, today=TODAY, settings=SETTINGS)
    assert gc.isenabled()
    gc.disable()
    try:
        case.recommendations[0].evidence = ""
        write_tracker([case], quarter=Q3, today=TODAY, settings=SETTINGS, force=True)
        assert not gc.isenabled()
    finally:
        gc.enable()
