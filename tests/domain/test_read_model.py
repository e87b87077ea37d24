"""The read model and search over an in-memory TinyDB: no vault, no encryption."""

from __future__ import annotations

from datetime import date

import pytest
from tinydb import TinyDB
from tinydb.storages import MemoryStorage

from cspr_tui.domain.case import AgencyReportRequest, Case, Record, Stage
from cspr_tui.domain.case_json import case_to_data
from cspr_tui.domain.integrity import CASES_TABLE
from cspr_tui.domain.read_model import CaseNotFound, ReadModel, phrase_matcher, search_text
from cspr_tui.settings import Settings

TODAY = date(2026, 6, 15)


def _model(*cases: Case) -> tuple[ReadModel, TinyDB]:
    db = TinyDB(storage=MemoryStorage)
    db.table(CASES_TABLE).insert_multiple(case_to_data(case) for case in cases)
    return ReadModel(lambda: db, Settings(), lambda: TODAY), db


def _cases() -> list[Case]:
    second = Case(
        "CSPR-2026-002",
        "Child B",
        Stage.SCREENING,
        agency_reports=[AgencyReportRequest("Police")],
        records={
            "referral": Record("referral", 1, {"incident_description": "Seen near\nKiln Lane"})
        },
    )
    return [Case("CSPR-2026-001", "Child A", notes="child and adolescent mental health"), second]


@pytest.mark.parametrize(
    ("phrase", "text", "found"),
    [
        ("child a", "ref\x00child a\x00notes", True),
        ("child a", "child and adolescent", False),
        ("kiln lane", "seen near\nkiln   lane", True),
        ("iln lane", "kiln lane", False),
        ("café", "le café noir", True),
        ("r1-", "cspr-2026-001-r1-a1", True),
    ],
)
def test_a_phrase_matches_whole_words_across_any_white_space(
    phrase: str, text: str, found: bool
) -> None:
    assert phrase_matcher(phrase)(text) is found


def test_search_text_holds_reference_pseudonym_notes_and_every_answer() -> None:
    text = search_text(case_to_data(_cases()[1]))
    assert "cspr-2026-002" in text and "child b" in text and "kiln lane" in text


def test_an_agency_reports_author_is_found_on_its_request_which_owns_it() -> None:
    case = _cases()[1]
    case.agency_reports[0].author, case.agency_reports[0].author_role = "Dana Fictional", "DS"
    case.records["agency_report:Police"] = Record("agency_report", 2, {"agency": "Police"})
    model, _db = _model(case)
    assert [c.ref for c in model.query(text="dana fictional")] == ["CSPR-2026-002"]
    assert "dana fictional" not in search_text(case_to_data(_cases()[1]))


def test_summaries_and_filters_read_the_documents_in_reference_order() -> None:
    model, _db = _model(*reversed(_cases()))
    assert [s.ref for s in model.summaries()] == ["CSPR-2026-001", "CSPR-2026-002"]
    assert model.summaries()[1].agencies == ("Police",)
    assert [c.ref for c in model.query(text="KILN lane")] == ["CSPR-2026-002"]
    assert [c.ref for c in model.query(text="child a")] == ["CSPR-2026-001"]
    assert [s.ref for s in model.query_summaries(agency="police")] == ["CSPR-2026-002"]
    assert model.query(stage="screening", agency="health") == []
    assert model.next_ref() == "CSPR-2026-003" and model.next_pseudonym() == "Child C"
    assert len(model) == 2 and "CSPR-2026-001" in model and "CSPR-2026-009" not in model


def test_get_is_a_private_copy_and_put_replaces_one_entry() -> None:
    model, _db = _model(*_cases())
    copy = model.get("CSPR-2026-001")
    copy.notes = "changed"
    assert model.get("CSPR-2026-001").notes != "changed"
    entry = model.entry("CSPR-2026-001")
    changed = case_to_data(Case("CSPR-2026-001", "Child Z"))
    model.put("CSPR-2026-001", entry.doc_id, changed)
    assert model.entry("CSPR-2026-001").summary.pseudonym == "Child Z"
    with pytest.raises(CaseNotFound, match="there is no case CSPR-2026-009"):
        model.get("CSPR-2026-009")


def test_refresh_reads_what_another_writer_added() -> None:
    model, db = _model(*_cases())
    assert len(model) == 2
    db.table(CASES_TABLE).insert(case_to_data(Case("CSPR-2026-003", "Child C")))
    assert len(model) == 2
    model.refresh()
    assert [s.ref for s in model.summaries()][-1] == "CSPR-2026-003"
