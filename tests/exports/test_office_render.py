"""The case reports as a reader sees them: converted to PDF by LibreOffice, read back by poppler.

Word's XML can be perfect and the printed page still wrong (a date broken over two lines, a
header cut, a tag left in). So each report, plain and redacted, goes through a real office
program and the words on the pages are checked: where a column is too narrow, a header or a
date comes out split into pieces and the test names it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import date
from html import unescape
from typing import Any

import pytest

from cspr_tui.exports import write_case_report
from cspr_tui.exports.context import case_report_context
from cspr_tui.exports.redaction.review import PUBLISHED_MARKING
from cspr_tui.settings import Settings
from tests.exports.case_fixtures import REAL_NAMES, add_recommendations, make_case, reviewed

TOOLS = ("soffice", "pdftotext", "pdfinfo")
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"LibreOffice/poppler not installed ({', '.join(MISSING)} missing): "
    "the rendered-page checks need a real office program (.ci/run installs it)",
)

TODAY = date(2026, 12, 1)
SETTINGS = Settings(partnership_name="Imaginary Borough Safeguarding Partnership")
# (kind, redacted) -> the page counts a reader should get for the fixture case
PAGES = {
    ("referral", False): range(2, 6),
    ("referral", True): range(2, 6),
    ("rapid-review", False): range(1, 5),
    ("rapid-review", True): range(1, 5),
    ("final", False): range(3, 9),
    ("final", True): range(3, 9),
}
_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")
_WORD = re.compile(r"<word [^>]*>([^<]*)</word>")


def _case():
    """The fixture case with forty actions, its redaction findings reviewed and accepted."""
    return reviewed(add_recommendations(make_case(), 40), SETTINGS, TODAY)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[tuple[str, bool], Any]]:
    """Every report written and converted once, in one LibreOffice run with its own profile."""
    folder = tmp_path_factory.mktemp("office")
    home = folder / "workspace"
    (home / "exports").mkdir(parents=True)
    out: dict[tuple[str, bool], Any] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CSPR_HOME", str(home))
        patch.chdir(home)
        for kind, redact in PAGES:
            name = f"{kind}{'-redacted' if redact else ''}.docx"
            write_case_report(
                _case(), kind, home / name, redact=redact, settings=SETTINGS, today=TODAY
            )
        profile = folder / f"lo-profile-{uuid.uuid4().hex}"
        docs = sorted(str(p) for p in home.glob("*.docx"))
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                *docs,
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    for kind, redact in PAGES:
        pdf = folder / f"{kind}{'-redacted' if redact else ''}.pdf"
        assert pdf.is_file(), f"LibreOffice did not convert {pdf.name}"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
        layout = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        bbox = subprocess.run(
            ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        words = [unescape(w) for w in _WORD.findall(bbox)]
        out[(kind, redact)] = {"pdf": pdf, "pages": pages, "text": layout, "words": words}
    shutil.rmtree(profile, ignore_errors=True)
    yield out


def _context(kind: str, redact: bool) -> dict[str, Any]:
    """The values the report was rendered from, redacted as the exporter redacts them."""
    from cspr_tui.exports.redaction import case_redactor
    from cspr_tui.exports.redaction.review import published_context, redact_context

    case = _case()
    ctx = case_report_context(case, kind, settings=SETTINGS, today=TODAY)
    if redact:
        redactor = case_redactor(case, SETTINGS)
        ctx = published_context(redact_context(redactor, ctx, f"{kind} report"), SETTINGS)
    return ctx


def _table_headers(ctx: dict[str, Any]) -> list[str]:
    headers = []
    for section in ctx["sections"]:
        for block in section["blocks"]:
            if block["kind"] == "table":
                headers.extend(str(c["label"]) for c in block["columns"])
    return headers


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str) or hasattr(value, "xml"):
        yield str(value)


CASES = sorted(PAGES, key=lambda k: (k[0], k[1]))
IDS = [f"{k}{'-redacted' if r else ''}" for k, r in CASES]


@pytest.mark.parametrize(("kind", "redact"), CASES, ids=IDS)
def test_page_count_is_what_a_reader_expects(rendered, kind: str, redact: bool) -> None:
    pages = rendered[(kind, redact)]["pages"]
    assert pages in PAGES[(kind, redact)], f"{kind}: {pages} pages"


@pytest.mark.parametrize(("kind", "redact"), CASES, ids=IDS)
def test_every_page_is_marked_and_numbered(rendered, kind: str, redact: bool) -> None:
    report = rendered[(kind, redact)]
    pages = report["text"].split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) == report["pages"]
    # the internal marking, or the publication version's own line (settings decide)
    marking = PUBLISHED_MARKING if redact else "OFFICIAL-SENSITIVE"
    for number, page in enumerate(pages, start=1):
        assert marking in page, f"page {number} has no protective marking"
        assert f"Page {number} of {report['pages']}" in page, f"page {number} is not numbered"


@pytest.mark.parametrize(("kind", "redact"), CASES, ids=IDS)
def test_no_software_nulls_or_template_tags_reach_the_page(
    rendered, kind: str, redact: bool
) -> None:
    text = rendered[(kind, redact)]["text"]
    for tag in ("{{", "}}", "{%", "%}"):
        assert tag not in text
    assert not re.search(r"\bNone\b", text), "a software null is printed"
    assert "Not recorded" not in text  # unanswered fields are left out of the reports
    assert "Not-a-child" not in text  # no raw field ids or made-up labels either


@pytest.mark.parametrize(("kind", "redact"), CASES, ids=IDS)
def test_every_column_header_and_date_is_printed_whole(rendered, kind: str, redact: bool) -> None:
    words = set(rendered[(kind, redact)]["words"])
    ctx = _context(kind, redact)
    headers = _table_headers(ctx)
    assert headers, "the fixture case fills at least one table"
    for header in headers:
        for word in header.split():
            assert word in words, f"column header {header!r} is broken at {word!r}"
    dates = {d for s in _strings(ctx) for d in _DATE.findall(s)}
    assert dates
    for day in dates:
        assert day in words, f"the date {day} is split over two lines"


@pytest.mark.parametrize("kind", ["referral", "rapid-review", "final"])
def test_redacted_pages_hold_pseudonyms_only(rendered, kind: str) -> None:
    text = rendered[(kind, True)]["text"].casefold()
    for name in (*REAL_NAMES, "Zoë", "Siobhán", "Fictionalia"):
        assert name.casefold() not in text, name
    assert "child a" in text


def test_recommendations_are_one_table_whose_header_repeats_on_every_page(rendered) -> None:
    pages = [p for p in rendered[("final", False)]["text"].split("\f") if p.strip()]
    row = re.compile(r"^\s*(\d+\.\d+)\s{2,}\S.*\d{2}/\d{2}/\d{4}", re.M)
    with_rows = [p for p in pages if row.search(p)]
    assert len(with_rows) >= 2, "forty actions should run over a page break"
    for page in with_rows:
        assert re.search(r"^\s*No\.\s{2,}Recommendation", page, re.M), "a page without the header"
    numbers = row.findall("\n".join(with_rows))
    assert numbers[:4] == ["1.1", "1.2", "2.1", "2.2"] and len(numbers) == 40


@pytest.mark.parametrize(("kind", "redact"), CASES, ids=IDS)
def test_no_heading_or_label_is_left_alone_at_the_foot_of_a_page(
    rendered, kind: str, redact: bool
) -> None:
    headings = set()
    for section in _context(kind, redact)["sections"]:
        headings.add(section["heading"])
        for block in section["blocks"]:
            headings.add(str(block["heading"]))  # answer labels and table headings
            for entry in block["entries"]:
                headings.add(str(entry["title"]))  # "Child 1", "Recommendation 1.1"
                headings.update(str(part["heading"]) for part in entry["blocks"])
    headings.discard("")
    pages = [p for p in rendered[(kind, redact)]["text"].split("\f") if p.strip()]
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        body = [line for line in lines if not re.search(r"OFFICIAL-SENSITIVE|Page \d+ of", line)]
        body = [line for line in body if line != PUBLISHED_MARKING]
        last = re.sub(r"^([A-Z]|\d+(\.\d+)*)\.?\s+", "", body[-1]) if body else ""
        assert last not in headings, f"page {number} ends with the heading {last!r}"
