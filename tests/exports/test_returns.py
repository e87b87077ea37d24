"""Returned agency reports read back from real .docx files filled as agencies fill them.

Each test exports the fillable report from a real encrypted vault, fills its content
controls the way Word does when a person types, does one of the odd things people do,
and reads it back through the same path the command line and the app use.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document

from cspr_tui.domain.form_mapping import agency_record
from cspr_tui.errors import ValidationFailed
from cspr_tui.exports.returns import judge_return, read_document
from tests.exports import filling
from tests.exports.filling import add_plain_row, controls, table_of
from tests.exports.return_fixtures import ANSWERS, ROWS, TODAY, Setting, complete


@pytest.fixture
def setting(workspace: Path):
    made = Setting(workspace)
    yield made
    made.close()


def _judge(setting: Setting, path: Path):
    store = setting.store
    return judge_return(
        path,
        store.forms["agency_report"],
        lambda ref: store.get(ref) if ref in store else None,
        today=TODAY,
        settings=store.settings,
    )


def _messages(result) -> list[str]:
    return [str(p) for p in result.problems]


def test_a_completed_return_reads_every_answer_and_is_stored(setting, tmp_path) -> None:
    filled = complete(setting.export(), tmp_path / "filled.docx")
    judged = _judge(setting, filled)
    result = judged.result
    assert result.accepted, _messages(result)
    values = result.values
    assert values["involvement_summary"] == ANSWERS["involvement_summary"]
    assert values["records_examined"] == ["Case notes", "Police systems"]  # template order
    assert values["procedures_followed"] == "Partly"
    assert values["signoff_date"] == "2026-11-21"
    assert values["due_date"] == "2026-11-23"  # from the vault, not the file
    assert [r["date"] for r in values["chronology"]] == ["2025-04-03", "2025-05-12"]
    assert values["chronology"][0]["significance"] == "Amber"
    setting.store.receive_agency_return(setting.ref, "Police", values, source=filled.name)
    case = setting.case()
    record = agency_record(case, "Police")
    assert record is not None and record.values["chronology"][1]["who"] == "Detective constable"
    request = next(r for r in case.agency_reports if r.agency == "Police")
    assert request.received_date == TODAY


def test_a_returns_protective_marking_is_the_partnerships_from_its_settings(
    setting, tmp_path
) -> None:
    """The review team's marking answer follows `settings.protective_marking`, as every
    exported page does: a partnership that marks OFFICIAL stores OFFICIAL, not a fixed
    OFFICIAL-SENSITIVE."""
    filled = complete(setting.export(), tmp_path / "filled.docx")
    assert _judge(setting, filled).result.values["protective_marking"] == "OFFICIAL-SENSITIVE"
    setting.store.settings.protective_marking = "OFFICIAL"
    judged = _judge(setting, filled)
    assert judged.result.accepted, _messages(judged.result)
    assert judged.result.values["protective_marking"] == "OFFICIAL"
    setting.store.receive_agency_return(
        setting.ref, "Police", judged.result.values, source=filled.name
    )
    record = agency_record(setting.case(), "Police")
    assert record is not None and record.values["protective_marking"] == "OFFICIAL"
    assert record.status == "complete"


def test_a_partnerships_own_marking_outside_the_list_still_finishes_a_return(
    workspace, tmp_path
) -> None:
    """A marking the shipped list lacks joins the form's choices from the settings, so the
    return is finished with it rather than kept a draft for "not one of the choices"."""
    from cspr_tui.forms import load_forms

    setting = Setting(workspace)
    try:
        own = "OFFICIAL-SENSITIVE PERSONAL"
        setting.store.settings.protective_marking = own
        setting.store.forms = load_forms(settings=setting.store.settings)
        filled = complete(setting.export(), tmp_path / "filled.docx")
        judged = _judge(setting, filled)
        assert judged.result.accepted and not judged.result.warnings, _messages(judged.result)
        setting.store.receive_agency_return(
            setting.ref, "Police", judged.result.values, source=filled.name
        )
        record = agency_record(setting.case(), "Police")
        assert record is not None and record.status == "complete"
        assert record.values["protective_marking"] == own
    finally:
        setting.close()


def test_the_document_id_matches_the_request_and_its_token(setting, tmp_path) -> None:
    blank = setting.export()
    request = next(r for r in setting.case().agency_reports if r.agency == "Police")
    raw = read_document(blank, setting.store.forms["agency_report"])
    assert raw.document_id is not None
    assert (raw.document_id.ref, raw.document_id.agency) == (setting.ref, "Police")
    assert raw.document_id.token == request.token and len(request.token) == 32
    assert raw.document_id.form_version == setting.store.forms["agency_report"].version


def test_dates_written_several_ways_are_read_and_noted(setting, tmp_path) -> None:
    rows = [
        {"date": "3.4.25", "event": "Call"},
        {"date": "3 April 2025", "event": "Second call"},
        {"date": "2025-04-04", "event": "Visit"},
        {"date": "5th May 2025", "event": "Letter"},
    ]
    answers = {**ANSWERS, "signoff_date": "21 Nov 2026"}
    filled = complete(setting.export(), tmp_path / "d.docx", rows=rows, answers=answers)
    result = _judge(setting, filled).result
    assert result.accepted, _messages(result)
    assert [r["date"] for r in result.values["chronology"]] == [
        "2025-04-03",
        "2025-04-03",
        "2025-04-04",
        "2025-05-05",
    ]
    assert result.values["signoff_date"] == "2026-11-21"
    assert any("'3.4.25' as 03/04/2025" in n for n in result.notes)


def test_rows_out_of_order_are_sorted_with_a_note(setting, tmp_path) -> None:
    rows = [{"date": "12/05/2025", "event": "Later"}, {"date": "03/04/2025", "event": "Earlier"}]
    result = _judge(setting, complete(setting.export(), tmp_path / "o.docx", rows=rows)).result
    assert result.accepted
    assert [r["event"] for r in result.values["chronology"]] == ["Earlier", "Later"]
    assert any("not in date order" in m for m in _messages(result))


def test_dates_outside_the_scope_period_are_flagged_not_refused(setting, tmp_path) -> None:
    rows = [{"date": "01/06/2024", "event": "Before the period"}, *ROWS]
    result = _judge(setting, complete(setting.export(), tmp_path / "s.docx", rows=rows)).result
    assert result.accepted
    flagged = [p for p in result.warnings if p.column == "Date"]
    assert len(flagged) == 1 and flagged[0].row == 1
    assert "outside the period covered (01/01/2025 to 20/02/2026)" in flagged[0].message


def test_extra_rows_added_without_controls_are_read(setting, tmp_path) -> None:
    rows = [*ROWS, *[{"date": f"{d:02d}/06/2025", "event": f"Extra {d}"} for d in range(1, 9)]]
    result = _judge(setting, complete(setting.export(), tmp_path / "x.docx", rows=rows)).result
    assert result.accepted, _messages(result)
    assert len(result.values["chronology"]) == 10  # 5 blank rows with controls, 5 added


def test_every_problem_is_listed_by_section_row_and_column(setting, tmp_path) -> None:
    answers = {k: v for k, v in ANSWERS.items() if k != "lived_experience"}
    answers["signoff_date"] = "31/02/2026"
    rows = [{"date": "soon", "event": "Call"}, {"date": "01/05/2025", "event": ""}]
    filled = complete(setting.export(), tmp_path / "bad.docx", answers=answers, rows=rows)
    result = _judge(setting, filled).result
    assert not result.accepted
    messages = _messages(result)
    assert any(m.startswith("7. The child's lived experience and voice") for m in messages)
    assert any("5. Chronology, row 1, Date: 'soon' is not a date" in m for m in messages)
    assert "5. Chronology, row 2: Event is required." in messages
    assert any(
        "15. Sign-off, Date signed off" in m and "February 2026 has 28 days" in m for m in messages
    )


def test_deleted_instructions_change_nothing(setting, tmp_path) -> None:
    filled = complete(setting.export(), tmp_path / "i.docx", extra=filling.delete_instructions)
    result = _judge(setting, filled).result
    assert result.accepted and len(result.values["chronology"]) == 2


def test_a_control_removed_but_its_text_kept_still_reads(setting, tmp_path) -> None:
    def unwrap(root) -> None:
        filling.unwrap_control(controls(root, "involvement_summary")[0])

    result = _judge(setting, complete(setting.export(), tmp_path / "u.docx", extra=unwrap)).result
    assert result.accepted
    assert result.values["involvement_summary"] == ANSWERS["involvement_summary"]


def test_a_control_deleted_entirely_or_emptied_is_a_missing_answer(setting, tmp_path) -> None:
    def delete(root) -> None:
        filling.delete_control(controls(root, "involvement_summary")[0])
        filling.set_control(controls(root, "equality")[0], "")

    result = _judge(setting, complete(setting.export(), tmp_path / "e.docx", extra=delete)).result
    assert not result.accepted
    messages = " | ".join(_messages(result))
    assert "Summary of your agency's contact with the child and family is required" in messages
    assert "Equality, diversity, culture, language and disability is required" in messages


def test_a_row_pasted_from_elsewhere_is_read_by_column(setting, tmp_path) -> None:
    def paste(root) -> None:
        table = table_of(root, "chronology")
        header = table.findall(filling.q("w:tr"))[0]
        pasted = add_plain_row(
            table,
            header,
            "chronology",
            {"date": "\u00a07th  June 2025 ", "event": "Strategy discussion", "who": "DI"},
            order=["date", "time", "who", "event", "action", "outcome", "source", "significance"],
        )
        # pasted with its own foreign control around the event text
        cell = pasted.findall(filling.q("w:tc"))[3]
        sdt = copy.deepcopy(controls(root, "chronology.event")[0])
        filling.set_control(sdt, "Strategy discussion")
        cell.find(filling.q("w:p")).clear()
        cell.find(filling.q("w:p")).append(sdt)

    result = _judge(setting, complete(setting.export(), tmp_path / "p.docx", extra=paste)).result
    assert result.accepted, _messages(result)
    last = result.values["chronology"][-1]
    assert last == {"date": "2025-06-07", "event": "Strategy discussion", "who": "DI"}


def test_a_foreign_document_is_refused(setting, tmp_path, workspace) -> None:
    plain = tmp_path / "random.docx"
    doc = Document()
    doc.add_paragraph("Minutes of a meeting that is not a report.")
    doc.save(str(plain))
    with pytest.raises(ValidationFailed, match="not an agency information report"):
        _judge(setting, plain)
    not_docx = tmp_path / "notes.docx"
    not_docx.write_text("just text")
    with pytest.raises(ValidationFailed, match=r"not a Word \.docx file"):
        _judge(setting, not_docx)


def test_a_report_from_another_vault_or_case_is_refused(setting, tmp_path, workspace) -> None:
    filled = complete(setting.export(), tmp_path / "ours.docx")
    # Another vault, same reference and agency, a different token.
    other_home = tmp_path / "elsewhere"
    (other_home / "vault").mkdir(parents=True)
    other = Setting(other_home)
    try:
        with pytest.raises(ValidationFailed, match="another vault"):
            _judge(other, filled)
    finally:
        other.close()

    # A case this vault does not hold.
    def retarget(root) -> None:
        for sdt in controls(root, "cspr_document_id"):
            text = sdt.find(".//" + filling.q("w:t"))
            text.text = text.text.replace(setting.ref, "CSPR-2026-999")

    moved = filling.edit_document(filled, retarget, tmp_path / "moved.docx")
    _drop_custom_property(moved)
    with pytest.raises(ValidationFailed, match="CSPR-2026-999, which is not in this vault"):
        _judge(setting, moved)


def _drop_custom_property(path: Path) -> None:
    with zipfile.ZipFile(path) as source:
        items = [(i, source.read(i.filename)) for i in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in items:
            if info.filename != "docProps/custom.xml":
                target.writestr(info, data)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_a_return_resaved_by_libreoffice_reads_the_same(setting, tmp_path) -> None:
    rows = [*ROWS, *[{"date": f"{d} June 2025", "event": f"Added row {d}"} for d in range(1, 6)]]
    filled = complete(setting.export(), tmp_path / "filled.docx", rows=rows)
    out = tmp_path / "lo"
    out.mkdir()
    profile = f"file://{tmp_path / 'lo-profile'}"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(filled),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    resaved = out / "filled.docx"
    xml = zipfile.ZipFile(resaved).read("word/document.xml")
    assert b"<w:sdt>" in xml  # the controls survive ...
    assert b'w:val="involvement_summary"' not in xml  # ... but LibreOffice drops their tags
    result = _judge(setting, resaved).result
    direct = _judge(setting, filled).result
    assert result.accepted, _messages(result)
    assert result.values == direct.values
    assert len(result.values["chronology"]) == 7  # rows added without controls too
