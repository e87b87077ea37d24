"""The committed Word templates are what the build script makes, and their tags are sound."""

from __future__ import annotations

import importlib.util
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docxtpl import DocxTemplate

from cspr_tui import paths
from cspr_tui.exports.docx_report import TEMPLATE_FILES

DOCX_DIR = paths.shipped_templates_dir() / "docx"
_TAG = re.compile(r"\{[{%][^{}]*[}%]\}")


def _load_builder():
    spec = importlib.util.spec_from_file_location(
        "build_templates", DOCX_DIR / "build_templates.py"
    )
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _word_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: archive.read(name)
            for name in archive.namelist()
            if name.startswith("word/") or name == "[Content_Types].xml"
        }


def test_builder_and_exporter_agree_on_file_names() -> None:
    assert _load_builder().TEMPLATE_FILES == TEMPLATE_FILES


@pytest.mark.parametrize("file_name", sorted(TEMPLATE_FILES.values()))
def test_committed_template_matches_the_script(file_name: str, tmp_path: Path) -> None:
    _load_builder().build_all(tmp_path)
    committed, rebuilt = _word_parts(DOCX_DIR / file_name), _word_parts(tmp_path / file_name)
    assert committed.keys() == rebuilt.keys()
    for name in committed:
        assert committed[name] == rebuilt[name], f"{file_name}:{name} differs; rerun the script"


def _runs(doc):
    parts = [doc, doc.sections[0].header, doc.sections[0].footer]
    for part in parts:
        yield from part.paragraphs
        for table in part.tables:
            for row in table.rows:
                for cell in row.cells:
                    yield from cell.paragraphs


@pytest.mark.parametrize("file_name", sorted(TEMPLATE_FILES.values()))
def test_every_tag_sits_in_one_run_with_straight_quotes(file_name: str) -> None:
    doc = Document(str(DOCX_DIR / file_name))
    tags = 0
    for paragraph in _runs(doc):
        for run in paragraph.runs:
            # A tag split over runs would leave an unbalanced opener in one of them.
            assert run.text.count("{{") == run.text.count("}}"), run.text
            assert run.text.count("{%") == run.text.count("%}"), run.text
            tags += len(_TAG.findall(run.text))
        assert "“" not in paragraph.text or "{" not in paragraph.text
    assert tags > 10


@pytest.mark.parametrize("file_name", sorted(TEMPLATE_FILES.values()))
def test_templates_use_only_known_top_level_names(file_name: str) -> None:
    names = DocxTemplate(str(DOCX_DIR / file_name)).get_undeclared_template_variables()
    known = {"title", "marking", "partnership", "generated", "case", "a", "rows"}
    known |= {"recommendations", "agency", "report", "scope", "subjects"}
    known |= {"lines_of_enquiry", "blank_rows", "sections"}
    assert names and names <= known, names - known


def test_docs_list_every_tag() -> None:
    from cspr_tui.exports.context import CASE_REPORT_KINDS

    docs = (Path(__file__).resolve().parents[2] / "docs" / "templates.md").read_text("utf-8")
    for spec in CASE_REPORT_KINDS.values():
        for part in spec.parts:
            assert f"`{part.form_id}`" in docs, part.form_id
    for tag in ("section.heading", "block.kind", "block.columns", "block.entries", "a.<form>"):
        assert tag in docs, tag
    # The agency report has no Word template (it is built from its form template).
    assert "`form_templates/agency_report.yaml`" in docs
    assert "agency_report" not in TEMPLATE_FILES


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _xml(path: Path, part: str):
    from lxml import etree

    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(part))


@pytest.mark.parametrize("file_name", sorted(TEMPLATE_FILES.values()))
def test_every_style_is_british_english(file_name: str) -> None:
    styles = _xml(DOCX_DIR / file_name, "word/styles.xml")
    langs = styles.findall(f".//{W}lang")
    assert langs and {lang.get(f"{W}val") for lang in langs} == {"en-GB"}
    for style in styles.findall(f"{W}style"):
        if style.get(f"{W}type") != "numbering":
            assert style.find(f"{W}rPr/{W}lang") is not None, style.get(f"{W}styleId")
    settings = _xml(DOCX_DIR / file_name, "word/settings.xml")
    assert settings.find(f"{W}themeFontLang").get(f"{W}val") == "en-GB"


@pytest.mark.parametrize("file_name", sorted(TEMPLATE_FILES.values()))
def test_template_package_is_honest_and_carries_no_stock_parts(file_name: str) -> None:
    with zipfile.ZipFile(DOCX_DIR / file_name) as archive:
        names = archive.namelist()
        app = archive.read("docProps/app.xml").decode("utf-8")
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert not [n for n in names if n.startswith("customXml/") or "thumbnail" in n]
    assert "<Application>cspr-tui</Application>" in app and "Microsoft" not in app
    assert "python-docx" not in core and "<dc:title>" in core


@pytest.mark.parametrize("file_name", sorted(TEMPLATE_FILES.values()))
def test_tables_never_split_rows_never_touch_and_repeat_their_headers(file_name: str) -> None:
    body = _xml(DOCX_DIR / file_name, "word/document.xml").find(f"{W}body")
    tables = body.findall(f".//{W}tbl")
    assert tables
    for table in tables:
        for row in table.findall(f"{W}tr"):
            assert row.find(f"{W}trPr/{W}cantSplit") is not None
        following = table.getnext()
        assert following is not None and following.tag == f"{W}p", "two tables glued together"
        first = table.find(f"{W}tr")
        bold_first_row = first.find(f".//{W}b") is not None and first.find(f".//{W}shd") is not None
        if bold_first_row:
            assert first.find(f"{W}trPr/{W}tblHeader") is not None


CASE_REPORT_FILES = sorted(v for k, v in TEMPLATE_FILES.items() if k != "agency_report")


@pytest.mark.parametrize("file_name", CASE_REPORT_FILES)
def test_headings_are_numbered_by_their_styles(file_name: str) -> None:
    styles = _xml(DOCX_DIR / file_name, "word/styles.xml")
    by_name = {s.find(f"{W}name").get(f"{W}val"): s for s in styles.findall(f"{W}style")}
    numbering = _xml(DOCX_DIR / file_name, "word/numbering.xml")
    for level, name in enumerate(("heading 1", "heading 2", "heading 3")):
        num_pr = by_name[name].find(f"{W}pPr/{W}numPr")
        assert num_pr is not None, name
        assert int(num_pr.find(f"{W}ilvl").get(f"{W}val")) == level
        num_id = num_pr.find(f"{W}numId").get(f"{W}val")
        assert numbering.find(f"{W}num[@{W}numId='{num_id}']") is not None
        assert by_name[name].find(f"{W}pPr/{W}keepNext") is not None
    document = Document(str(DOCX_DIR / file_name))
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading"):
            assert not re.match(r"^([A-Z]|\d+)\. ", paragraph.text), paragraph.text


@pytest.mark.parametrize("file_name", sorted(TEMPLATE_FILES.values()))
def test_templates_open_in_word_every_measure_is_a_number(file_name: str) -> None:
    """Tags live in text only: a tag in an attribute would make Word call the file corrupt."""
    document = _xml(DOCX_DIR / file_name, "word/document.xml")
    for element in document.iter():
        for name, value in element.attrib.items():
            assert "{{" not in value and "{%" not in value, (element.tag, name, value)
            if name == f"{W}w":
                assert value.isdigit(), (element.tag, value)
