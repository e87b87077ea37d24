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
    for tag in ("report.due", "scope.from", "person.pseudonym", "line.question", "blank_rows"):
        assert tag in docs
