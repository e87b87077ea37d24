"""The quarterly workbook as a reader sees it: printed by LibreOffice, read back from the PDF.

Where `soffice` (and poppler's `pdftotext`) are on the PATH, the tracker is built from a
real vault through the store, converted to PDF by LibreOffice and checked page by page:
page counts, the printed height of every word (`pdftotext -bbox`), every column header
whole, the protective marking and "Page X of Y" on every page, no "None", the board pack's
text never cut, and the Quarter summary's formulas computed by the office program (also
after the Tracker is edited). Elsewhere the tests are skipped with the reason.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from cspr_tui.domain.case import (
    Case,
    QuarterlyUpdate,
    Recommendation,
    RecommendationStatus,
    Stage,
)
from cspr_tui.domain.quarter import Quarter
from cspr_tui.domain.rag import compute_rag
from cspr_tui.domain.store import CaseStore
from cspr_tui.exports import write_tracker
from cspr_tui.exports.xlsx_tracker import BOARD_PACK_COLUMNS, TRACKER_COLUMNS
from cspr_tui.forms import load_forms
from cspr_tui.forms.loader import shared_choice_lists
from cspr_tui.settings import Settings
from cspr_tui.vault import create_vault
from tests.exports.case_fixtures import reviewed

SOFFICE = shutil.which("soffice")
POPPLER = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(
    SOFFICE is None or POPPLER is None,
    reason="LibreOffice (soffice) or poppler (pdftotext) is not on the PATH, so the "
    "tracker's printed pages are not checked here (.ci/run installs both)",
)

Q3 = Quarter.parse("2026-Q3")
TODAY = date(2026, 11, 28)
SETTINGS = Settings(partnership_name="Imaginary Borough SCP", reviewer_name="Reviewer One")
MARKING = SETTINGS.protective_marking
MIN_WORD_HEIGHT = 6.0  # points, as printed: the floor for readable text
LONG_UPDATE = (
    "The task and finish group met three times this quarter; the revised escalation "
    "protocol went to the partnership executive, which asked for a practitioner briefing "
    "first, and the audit of twenty cases is booked for the second week of January."
)
_TEXTS = (
    "Share information about risk between agencies at the point of contact.",
    "Record the child's own words and what they mean for the plan in every assessment.",
    "Follow up every missed health appointment for a child with a child protection plan "
    "or a child in need plan, and tell the lead professional the same day.",
    "Involve fathers and male carers in assessments and plans.",
)


@pytest.fixture(scope="module")
def office_profile() -> Iterator[Path]:
    """A private LibreOffice profile, so parallel runs never share or lock one."""
    folder = Path(tempfile.mkdtemp(prefix="lo-excel-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _build_cases(folder: Path, count: int, per_case: int) -> list[Case]:
    """Cases and actions made through the store's public API, saved in one transaction."""
    vault = create_vault(folder / "render.vault", "correct horse battery")
    store = CaseStore(vault, SETTINGS, load_forms(), clock=lambda: TODAY)
    agencies = list(shared_choice_lists()["agencies"])
    try:
        with vault.transaction():
            for c in range(count):
                ref = store.create_case().ref
                for i in range(per_case):
                    n = c * per_case + i
                    rec = store.add_recommendation(
                        ref,
                        text=f"{_TEXTS[n % len(_TEXTS)]} ({n})",
                        action=f"Audit {10 + n % 20} cases and report to the executive.",
                        lead_agency=agencies[n % len(agencies)],
                        lead_officer="Head of safeguarding" if n % 2 else "Designated nurse",
                        lead_officer_name="Robin Leadwell" if n % 5 == 0 else "",
                        target_date=date(2026, 6 + n % 7, 15),
                    )
                    if n % 3:
                        store.add_quarterly_update(
                            ref,
                            rec.id,
                            LONG_UPDATE if n % 7 == 1 else "Draft guidance out for comment.",
                            "In progress",
                            quarter=Q3.code,
                            on=date(2026, 11, 2),
                        )
        return store.list_cases()
    finally:
        vault.close()


def _import_cases(folder: Path, count: int, per_case: int) -> list[Case]:
    """Many cases in one store call: made in memory, imported in one audited transaction.

    Adding 2,000 actions one by one would make 2,000 durable saves of a growing vault;
    the import is the public way to bring that many in at once.
    """
    vault = create_vault(folder / "render.vault", "correct horse battery")
    store = CaseStore(vault, SETTINGS, load_forms(), clock=lambda: TODAY)
    agencies = list(shared_choice_lists()["agencies"])
    cases = []
    for c in range(count):
        ref = f"CSPR-2026-{c + 1:03d}"
        recs = []
        for i in range(per_case):
            n = c * per_case + i
            updates = (
                [
                    QuarterlyUpdate(
                        Q3.code,
                        date(2026, 11, 2),
                        LONG_UPDATE if n % 7 == 1 else "Draft guidance out for comment.",
                        "Not started",
                        "In progress",
                        "Reviewer One",
                    )
                ]
                if n % 3
                else []
            )
            recs.append(
                Recommendation(
                    id=f"{ref}-R{i + 1}-A1",
                    number=i + 1,
                    text=f"{_TEXTS[n % len(_TEXTS)]} ({n})",
                    action=f"Audit {10 + n % 20} cases and report to the executive.",
                    lead_agency=agencies[n % len(agencies)],
                    lead_officer="Head of safeguarding" if n % 2 else "Designated nurse",
                    lead_officer_name="Robin Leadwell" if n % 5 == 0 else "",
                    target_date=date(2026, 6 + n % 7, 15).isoformat(),
                    status=RecommendationStatus.IN_PROGRESS
                    if updates
                    else RecommendationStatus.NOT_STARTED,
                    created_date="2026-04-10",
                    updates=updates,
                )
            )
        cases.append(
            Case(ref=ref, pseudonym=f"Child {c + 1}", stage=Stage.MONITORING, recommendations=recs)
        )
    try:
        assert store.import_cases(cases, source="render test") == (count, 0)
        return store.list_cases()
    finally:
        vault.close()


@dataclass
class Printed:
    """The PDF as read back: each page's layout text, its words and their heights."""

    pages: list[str]
    words: list[list[tuple[str, float]]]
    sheets: list[str]  # the sheet each page prints, from its footer
    boxes: list[list[tuple[str, float, float]]]  # each page's words: (text, left, top)


def _print(profile: Path, xlsx: Path) -> Printed:
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(xlsx.parent),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=900,
    )
    pdf = xlsx.with_suffix(".pdf")
    layout = subprocess.run(
        [POPPLER, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = layout.split("\f")[:-1]
    bbox = subprocess.run(
        [POPPLER, "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    found = [
        re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
            page,
        )
        for page in bbox.split("<page ")[1:]
    ]
    words = [[(_unescape(t), float(y2) - float(y1)) for _x, y1, y2, t in page] for page in found]
    boxes = [[(_unescape(t), float(x), float(y1)) for x, y1, _y2, t in page] for page in found]
    assert len(words) == len(pages)
    sheets = []
    for number, page in enumerate(pages, 1):
        footers = re.findall(r"Page (\d+) of (\d+)\s+(\S.*?)\s*$", page, re.MULTILINE)
        footer = next((f for f in footers if f[0] == str(number)), None)
        assert footer, f"page {number} has no 'Page X of Y' footer"
        assert int(footer[1]) == len(pages), footer
        sheets.append(footer[2])
    return Printed(pages, words, sheets, boxes)


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&apos;", "'").replace("&quot;", '"')


def _check_every_page(printed: Printed) -> None:
    for number, (page, words) in enumerate(zip(printed.pages, printed.words, strict=True), 1):
        assert page.count(MARKING) >= 2, f"page {number}: marking missing from header or footer"
        assert not re.search(r"\bNone\b", page), f"page {number} prints 'None'"
        small = [(w, h) for w, h in words if h < MIN_WORD_HEIGHT]
        assert not small, f"page {number} ({printed.sheets[number - 1]}): {small[:5]}"


def _sheet_words(printed: Printed, sheet: str) -> list[str]:
    return [
        w
        for page, words in zip(printed.sheets, printed.words, strict=True)
        if page == sheet
        for w, _h in words
    ]


def _check_headers_whole(printed: Printed) -> None:
    """Every word of every column header is printed whole on its sheet (never cut)."""
    for sheet, columns in (("Tracker", TRACKER_COLUMNS), ("Board pack", BOARD_PACK_COLUMNS)):
        words = set(_sheet_words(printed, sheet))
        for header, _width in columns:
            for word in header.split():
                assert word in words, f"{sheet}: header {header!r} printed without {word!r}"


def _board_pack_columns(printed: Printed) -> dict[str, str]:
    """Each board pack column's printed text, read down the column page after page.

    A column runs from its header's left edge to the next header's; words are read top to
    bottom, left to right within it, so a wrapped cell reads back as one text.
    """
    names = [name for name, _w in BOARD_PACK_COLUMNS]
    columns: dict[str, list[str]] = {name: [] for name in names}
    for sheet, boxes in zip(printed.sheets, printed.boxes, strict=True):
        if sheet != "Board pack":
            continue
        header_top = next(top for text, _x, top in boxes if text == "Review")
        edges: list[float] = []
        for name in names:  # left to right: "Lead agency" then "Lead officer"
            first = name.split()[0]
            after = edges[-1] if edges else -1.0
            edges.append(
                min(
                    x for text, x, top in boxes if text == first and top == header_top and x > after
                )
            )
        edges.append(float("inf"))
        footer_top = max(top for _t, _x, top in boxes)
        body = sorted((top, x, text) for text, x, top in boxes if header_top + 5 < top < footer_top)
        for _top, x, text in body:
            for name, left, right in zip(names, edges, edges[1:], strict=False):
                if left - 2 <= x < right - 2:
                    columns[name].append(text)
    return {name: " ".join(words) for name, words in columns.items()}


def _board_pack_heights(printed: Printed) -> list[float]:
    return [
        h
        for page, words in zip(printed.sheets, printed.words, strict=True)
        if page == "Board pack"
        for _w, h in words
    ]


@pytest.fixture(scope="module")
def small(tmp_path_factory, office_profile: Path) -> tuple[Path, Printed, list[Case]]:
    folder = tmp_path_factory.mktemp("render50")
    # The reviewer accepts the redaction findings (the lead officers' names) first.
    cases = [reviewed(c, SETTINGS, TODAY) for c in _build_cases(folder, 5, 10)]
    path = write_tracker(
        cases, folder / "tracker50.xlsx", quarter=Q3, today=TODAY, settings=SETTINGS
    )
    return path, _print(office_profile, path), cases


def test_fifty_actions_print_readably(small) -> None:
    _path, printed, _cases = small
    _check_every_page(printed)
    _check_headers_whole(printed)
    pack = printed.sheets.count("Board pack")
    assert 3 <= pack <= 8, pack
    assert printed.sheets.count("Quarter summary") <= 4
    assert printed.sheets.count("Read me") == 1  # on one page, no two lines left over
    assert 10 <= len(printed.pages) <= 30, len(printed.pages)
    assert min(_board_pack_heights(printed)) >= 8.0  # the meeting's print: well above 6 pt
    assert {"Tracker", "Board pack", "Quarter summary", "Update log", "Reviews", "Read me"} == (
        set(printed.sheets)
    )
    assert "Lists" not in printed.sheets  # hidden, never printed


def test_the_board_pack_prints_every_word_of_its_text(small) -> None:
    """Wrapped cells are tall enough: a long update and every agency print in full."""
    _path, printed, cases = small
    columns = _board_pack_columns(printed)
    assert " ".join(f"{Q3.title}: {LONG_UPDATE}".split()) in columns["Latest update"]
    for case in cases:
        for rec in case.recommendations:
            assert f"R{rec.number}: {rec.text}" in columns["Recommendation"], rec.id
            assert rec.lead_agency in columns["Lead agency"], rec.id
    assert "Designated nurse (Robin Leadwell)" in columns["Lead officer"]
    assert columns["RAG"].split()[0] in ("Blue", "Green", "Amber", "Red", "Grey")


def test_the_office_program_computes_the_summary_from_the_table(small, office_profile) -> None:
    """LibreOffice's own numbers match the domain's, and follow an edit of the Tracker."""
    path, printed, cases = small
    rags = [
        (rec.lead_agency, str(compute_rag(rec, TODAY, Q3)))
        for case in cases
        for rec in case.recommendations
    ]

    def rows_printed(printed: Printed) -> dict[str, list[int]]:
        page = next(
            p for p, s in zip(printed.pages, printed.sheets, strict=True) if s == "Quarter summary"
        )
        block = page.split("RAG by lead agency", 1)[1].split("RAG by review", 1)[0]
        found = {}
        for line in block.splitlines():
            # The label, its six counts, then perhaps the chart's text beside the table.
            match = re.match(r"^\s*(\S.*?)\s+((?:\d+\s+){5}\d+)(?:\s{2,}.*)?$", line)
            if match:
                found[match[1]] = [int(n) for n in match[2].split()]
        return found

    order = ("Blue", "Green", "Amber", "Red", "Grey")
    shown = rows_printed(printed)
    for agency in {a for a, _r in rags}:
        counts = [sum(1 for a, r in rags if a == agency and r == rag) for rag in order]
        assert shown[agency] == [*counts, sum(counts)], agency
    assert shown["Total"][-1] == len(rags) == 50

    # Reassign one action in the Tracker, as a meeting would, and print again.
    wb = openpyxl.load_workbook(path)
    tracker = wb["Tracker"]
    column = [c.value for c in tracker[1]].index("Lead agency") + 1
    moved_from = tracker.cell(row=2, column=column).value
    moved_to = next(a for a, _r in rags if a != moved_from)
    tracker.cell(row=2, column=column).value = moved_to
    edited = path.with_name("edited.xlsx")
    wb.save(edited)
    after = rows_printed(_print(office_profile, edited))
    assert after[moved_to][-1] == shown[moved_to][-1] + 1
    assert after.get(moved_from, [0] * 6)[-1] == shown[moved_from][-1] - 1
    assert after["Total"] == shown["Total"]


@pytest.mark.slow  # LibreOffice lays out some 500 pages: about 75 s of CPU
def test_two_thousand_actions_print_readably(tmp_path: Path, office_profile: Path) -> None:
    cases = [reviewed(c, SETTINGS, TODAY) for c in _import_cases(tmp_path, 100, 20)]
    path = write_tracker(
        cases, tmp_path / "tracker2000.xlsx", quarter=Q3, today=TODAY, settings=SETTINGS
    )
    printed = _print(office_profile, path)
    _check_every_page(printed)
    _check_headers_whole(printed)
    pack = printed.sheets.count("Board pack")
    # The meeting's print stays lean: 231 board pack pages (286 before a recommendation's
    # text printed once and the pack went to 9 pt) and a summary of a few pages (47 before
    # its listings stopped at SUMMARY_LISTING_LIMIT).
    assert 100 <= pack <= 250, pack
    assert printed.sheets.count("Quarter summary") <= 10, printed.sheets.count("Quarter summary")
    assert min(_board_pack_heights(printed)) >= 8.0
    # The board pack's header row is repeated at the top of every one of its pages.
    for page, sheet in zip(printed.pages, printed.sheets, strict=True):
        if sheet == "Board pack":
            assert re.search(r"Review\s+Recommendation\s+Action\s+Lead agency", page)
