"""The stored summaries and search texts (domain/stored_views.py) on real vault files: the
case list and the first search after unlock read them without parsing a case, every save
keeps them equal to the documents (whoever wrote them), a vault written before them gets
them at its first save, and `cspr verify` reports any that disagree."""

from __future__ import annotations

from pathlib import Path

import pytest
from tinydb.table import Document

from cspr_tui.domain import integrity, stored_views, word_index
from cspr_tui.domain.case import AgencyReportRequest, Stage
from cspr_tui.domain.case_json import case_to_data
from cspr_tui.domain.read_model import phrase_matcher, summary_of
from cspr_tui.domain.store import CaseStore
from cspr_tui.errors import CsprError
from cspr_tui.settings import Settings
from cspr_tui.vault import create_vault, open_vault
from tests.domain import case_values as cv

PASS = "correct horse battery"


def _open(path: Path, *, readonly: bool = False) -> CaseStore:
    vault = open_vault(path, PASS, readonly=readonly)
    settings = Settings(reviewer_name="Reviewer One")  # as cv.make_store
    return CaseStore(vault, settings, None, clock=lambda: cv.TODAY)


def _filled(tmp_path: Path) -> Path:
    store = cv.make_store(tmp_path)
    for pseudonym in ("Child A", "Baby O", "Child C"):
        store.create_case(pseudonym=pseudonym)
    store.update_case("CSPR-2026-002", {"notes": "Seen at Kiln Lane surgery (fictional)."})
    store.request_agency_report("CSPR-2026-003", AgencyReportRequest("Police"))
    store.vault.compact()  # the tables in the snapshot's segments, as a big vault's are
    store.vault.close()
    return tmp_path / "cases.vault"


def _text_views(store: CaseStore) -> list:
    """Every stored search view, whichever text table holds it."""
    names = sorted(name for name in store.db.tables() if stored_views.is_text_table(name))
    return [view for name in names for view in store.db.table(name)]


def _expected_summaries(store: CaseStore) -> list:
    docs = store.db.table("cases").all()
    return sorted((summary_of(doc) for doc in docs), key=lambda s: s.ref)


def test_the_case_list_after_unlock_parses_no_case(tmp_path: Path) -> None:
    path = _filled(tmp_path)
    store = _open(path)
    try:
        listed = store.summaries()
        assert "cases" not in store.vault.parsed_tables()
        assert [(s.ref, s.pseudonym) for s in listed] == [
            ("CSPR-2026-001", "Child A"),
            ("CSPR-2026-002", "Baby O"),
            ("CSPR-2026-003", "Child C"),
        ]
        assert "Police" in listed[2].agencies and listed[0].agencies == ()
        assert store.query_summaries(stage=Stage.REFERRAL_RECEIVED) == listed
        assert [s.ref for s in store.query_summaries(agency="police")] == ["CSPR-2026-003"]
        assert "cases" not in store.vault.parsed_tables()
        assert listed == _expected_summaries(store)  # the same as built from the documents
    finally:
        store.vault.close()


def test_one_case_opened_after_unlock_reads_only_its_own_document(tmp_path: Path) -> None:
    """Opening a case of thousands must not parse every case: the read model finds its
    document by the id its stored summary names and reads that one alone (the vault's
    `document`), and gives the same case the parsed table would."""
    path = _filled(tmp_path)
    store = _open(path)
    try:
        case = store.get("CSPR-2026-002")
        assert case.notes == "Seen at Kiln Lane surgery (fictional)."
        assert [r.agency for r in store.get("CSPR-2026-003").agency_reports] == ["Police"]
        assert "cases" not in store.vault.parsed_tables()
        assert not store.cases_loaded
        with pytest.raises(CsprError, match="there is no case CSPR-2026-009"):
            store.get("CSPR-2026-009")
        # A save then reads the table (and the case as saved is what is read after).
        store.update_case("CSPR-2026-002", {"notes": "Moved to the fictional Quay Road."})
        assert store.get("CSPR-2026-002").notes == "Moved to the fictional Quay Road."
        assert {c.ref: c for c in store.list_cases()}["CSPR-2026-001"] == store.get("CSPR-2026-001")
    finally:
        store.vault.close()
    reopened = _open(path)
    try:
        alone = [reopened.get(ref) for ref in ("CSPR-2026-001", "CSPR-2026-002", "CSPR-2026-003")]
        assert "cases" not in reopened.vault.parsed_tables()
        assert alone == reopened.list_cases()  # the same cases the whole table gives
    finally:
        reopened.vault.close()


def test_the_first_search_after_unlock_reads_only_what_its_words_need(tmp_path: Path) -> None:
    path = _filled(tmp_path)
    store = _open(path, readonly=True)
    try:
        store.summaries()
        found = store.query_summaries(text="kiln  LANE")
        parsed = set(store.vault.parsed_tables())
        assert "cases" not in parsed
        # The index tables of its two words, and the one text table of the one case holding
        # both (the phrase is confirmed on its text): no other text table.
        needed = {word_index.table_name("kiln"), word_index.table_name("lane")}
        assert needed <= parsed
        assert {n for n in parsed if stored_views.is_text_table(n)} == {
            stored_views.search_table(2)
        }
        assert [s.ref for s in found] == ["CSPR-2026-002"]
        assert store.query_summaries(text="kiln lan") == []  # whole words only
        # The same answers as scanning every document's own search text.
        matches = phrase_matcher("child")
        docs = store.db.table("cases").all()
        scanned = sorted(d["ref"] for d in docs if matches(stored_views.search_text(d)))
        assert [s.ref for s in store.query_summaries(text="child")] == scanned
    finally:
        store.vault.close()


def test_a_save_keeps_the_views_equal_to_the_documents(tmp_path: Path) -> None:
    path = _filled(tmp_path)
    store = _open(path)
    try:
        store.summaries()
        store.query_summaries(text="anything")  # the stored texts are read
        store.update_case("CSPR-2026-001", {"pseudonym": "Child Z", "notes": "Quarry Road."})
        assert store.summaries()[0].pseudonym == "Child Z"
        assert [s.ref for s in store.query_summaries(text="quarry road")] == ["CSPR-2026-001"]
        created = store.create_case(pseudonym="Child Q")
        assert created.ref in [s.ref for s in store.summaries()]
        assert integrity.check(store.db) == []
    finally:
        store.vault.close()
    store = _open(path)  # and as stored
    try:
        assert [s.pseudonym for s in store.summaries()] == [
            "Child Z",
            "Baby O",
            "Child C",
            "Child Q",
        ]
        assert [s.ref for s in store.query_summaries(text="quarry")] == ["CSPR-2026-001"]
        assert store.summaries() == _expected_summaries(store)
    finally:
        store.vault.close()


def test_a_case_written_past_the_store_still_gets_its_views(tmp_path: Path) -> None:
    path = _filled(tmp_path)
    store = _open(path)
    try:
        table = store.db.table("cases")
        doc_id = table.all()[0].doc_id
        with store.vault.transaction():
            table.update({"pseudonym": "Child Raw", "notes": "Written by hand."}, doc_ids=[doc_id])
        table.remove(doc_ids=[table.all()[-1].doc_id])
    finally:
        store.vault.close()
    store = _open(path)
    try:
        assert [s.pseudonym for s in store.summaries()] == ["Child Raw", "Baby O"]
        assert [s.ref for s in store.query_summaries(text="by hand")] == ["CSPR-2026-001"]
        assert len(store.db.table("summaries")) == len(_text_views(store)) == 2
        assert integrity.check(store.db) == []
    finally:
        store.vault.close()


def test_a_vault_written_before_the_views_gets_them_at_its_first_save(tmp_path: Path) -> None:
    path = tmp_path / "old.vault"
    maker = cv.make_store(tmp_path / "made")
    cases = [maker.create_case(pseudonym=f"Child {c}") for c in "AB"]
    maker.vault.close()
    with create_vault(path, PASS) as vault:  # no store: the documents alone, as before
        vault.db.table("cases").insert_multiple(case_to_data(case) for case in cases)
    store = _open(path)
    try:
        assert "summaries" not in store.db.tables()
        assert [s.pseudonym for s in store.summaries()] == ["Child A", "Child B"]
        assert integrity.check(store.db) == []  # missing views are not damage
        store.update_case("CSPR-2026-002", {"notes": "First save after the upgrade."})
        store.vault.compact()
    finally:
        store.vault.close()
    store = _open(path)
    try:
        assert [s.pseudonym for s in store.summaries()] == ["Child A", "Child B"]
        assert "cases" not in store.vault.parsed_tables()
        assert [s.ref for s in store.query_summaries(text="upgrade")] == ["CSPR-2026-002"]
    finally:
        store.vault.close()


def test_views_of_another_version_are_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _filled(tmp_path)
    monkeypatch.setattr(stored_views, "VIEWS_VERSION", stored_views.VIEWS_VERSION + 1)
    store = _open(path)
    try:
        assert not stored_views.present(store.db)
        assert len(store.summaries()) == 3  # from the documents meanwhile
        store.update_case("CSPR-2026-001", {"notes": "Saved by the newer version."})
        assert stored_views.present(store.db)
        assert {v["v"] for v in _text_views(store)} == {stored_views.VIEWS_VERSION}
        assert "search" not in store.db.tables()  # the old version's table went
        assert len(store.db.table("summaries")) == 3
    finally:
        store.vault.close()


def test_verify_reports_views_that_disagree_with_the_documents(tmp_path: Path) -> None:
    path = _filled(tmp_path)
    store = _open(path)
    try:
        summaries = store.db.table("summaries")
        first = summaries.all()[0].doc_id
        with store.vault.transaction():  # the views alone: no case is touched
            summaries.update({"pseudonym": "Child Wrong"}, doc_ids=[first])
            store.db.table(stored_views.search_table(4)).insert(
                Document({"ref": "CSPR-2026-099", "text": "x", "v": 1}, doc_id=4)
            )
        problems = integrity.check(store.db)
    finally:
        store.vault.close()
    assert problems == [
        "the stored summary of case CSPR-2026-001 does not match its document; it is "
        "written again at the case's next save.",
        "the search texts hold document 4 (CSPR-2026-099), which is no case.",
    ]


def test_a_one_field_save_rewrites_only_that_part_of_the_search_text(tmp_path: Path) -> None:
    path = _filled(tmp_path)
    store = _open(path)
    try:
        long_answer = "Fictional chronology entry about the Kiln Lane visit. " * 400
        table = store.db.table("cases")
        with store.vault.transaction():  # a large referral record (about 22 KB of answers)
            table.update(
                {
                    "records": {
                        "referral": {
                            "form_id": "referral",
                            "template_version": 1,
                            "values": {"incident_description": long_answer},
                            "status": "draft",
                        }
                    }
                },
                doc_ids=[1],
            )
        store.refresh()
        store.update_case("CSPR-2026-001", {"notes": "First."})  # the record as the store writes it
        size = path.stat().st_size
        store.update_case("CSPR-2026-001", {"notes": "One new note."})
        appended = path.stat().st_size - size
        assert appended < 4096, appended  # the note, its audit entry and the views' parts
        assert [s.ref for s in store.query_summaries(text="one new note")] == ["CSPR-2026-001"]
        assert len(store.query_summaries(text="kiln lane visit")) == 1
        assert integrity.check(store.db) == []
    finally:
        store.vault.close()


def test_a_saved_case_leaves_the_search_index_with_its_old_words(tmp_path: Path) -> None:
    path = _filled(tmp_path)
    store = _open(path)
    try:
        assert [s.ref for s in store.query_summaries(text="kiln")] == ["CSPR-2026-002"]
        assert store.index_search()  # every case indexed, from the stored texts
        store.update_case("CSPR-2026-002", {"notes": "Moved to Orchard Row."})
        assert store.query_summaries(text="kiln") == []
        assert [s.ref for s in store.query_summaries(text="orchard")] == ["CSPR-2026-002"]
    finally:
        store.vault.close()


def test_a_record_taken_out_of_a_case_leaves_its_search_text(tmp_path: Path) -> None:
    path = _filled(tmp_path)
    store = _open(path)
    try:
        table = store.db.table("cases")
        record = {"form_id": "referral", "template_version": 1, "status": "draft"}
        with store.vault.transaction():
            table.update(
                {"records": {"referral": {**record, "values": {"where": "Larkspur Close"}}}},
                doc_ids=[1],
            )
        view = stored_views.stored_search(store.db, 1)
        assert view is not None and len(view) == 6  # ref, v and four parts
        with store.vault.transaction():
            table.update({"records": {}}, doc_ids=[1])
        store.refresh()
        assert store.query_summaries(text="larkspur") == []
        assert "p:record:referral" not in (stored_views.stored_search(store.db, 1) or {})
        assert integrity.check(store.db) == []
    finally:
        store.vault.close()


def test_a_case_document_that_cannot_be_summarised_is_reported_not_left_out(
    tmp_path: Path,
) -> None:
    path = _filled(tmp_path)
    store = _open(path)
    try:
        table = store.db.table("cases")
        with store.vault.transaction():
            table.update(lambda doc: doc.pop("pseudonym"), doc_ids=[2])
        assert store.db.table("summaries").get(doc_id=2) == {
            "unreadable": True,
            "v": stored_views.VIEWS_VERSION,
        }
        store.vault.compact()
    finally:
        store.vault.close()
    store = _open(path)
    try:
        with pytest.raises(CsprError) as caught:
            store.summaries()
        assert "cannot be read" in caught.value.message and "cspr verify" in caught.value.message
        with pytest.raises(CsprError):
            store.query_summaries(text="child")
        problems = integrity.check(store.db)
        assert any("case CSPR-2026-002 does not read back" in p for p in problems), problems
        assert not any("stored" in p for p in problems), problems  # named once, as a case
    finally:
        store.vault.close()


def _as_version_1(path: Path) -> None:
    """Rewrite a vault's views as version 1 wrote them: one `search` table of texts, the
    summaries marked 1, no word index."""
    with open_vault(path, PASS) as vault:
        db = vault.db
        with vault.transaction():
            views = {}
            for name in list(db.tables()):
                if stored_views.is_text_table(name):
                    views.update({view.doc_id: dict(view, v=1) for view in db.table(name)})
                if stored_views.is_text_table(name) or word_index.is_word_table(name):
                    db.drop_table(name)
            db.table("search").insert_multiple(
                Document(view, doc_id=doc_id) for doc_id, view in sorted(views.items())
            )
            db.table("summaries").update({"v": 1})
        vault.compact()


def test_a_vault_with_version_1_views_searches_and_gets_the_index_at_its_first_save(
    tmp_path: Path,
) -> None:
    path = _filled(tmp_path)
    _as_version_1(path)
    store = _open(path, readonly=True)  # read-only: searched through the documents
    try:
        assert not any(word_index.is_word_table(n) for n in store.db.tables())
        assert [s.ref for s in store.query_summaries(text="kiln lane")] == ["CSPR-2026-002"]
        assert len(store.query_summaries(text="child")) == 2
        assert integrity.check(store.db) == []  # old views are not damage
    finally:
        store.vault.close()
    store = _open(path)
    try:
        store.update_case("CSPR-2026-001", {"notes": "Orchard Row."})
        assert stored_views.present(store.db)
        assert "search" not in store.db.tables()
        assert any(word_index.is_word_table(n) for n in store.db.tables())
        # every case is in the index, not only the one saved
        assert word_index.postings(store.db, "kiln") == {2}
        assert integrity.check(store.db) == []
        store.vault.compact()
    finally:
        store.vault.close()
    store = _open(path, readonly=True)
    try:
        store.summaries()
        assert [s.ref for s in store.query_summaries(text="kiln lane")] == ["CSPR-2026-002"]
        assert [s.ref for s in store.query_summaries(text="orchard row")] == ["CSPR-2026-001"]
        assert "cases" not in store.vault.parsed_tables()
        assert len(store._search) == 0  # answered from the stored index
    finally:
        store.vault.close()
