"""Every demo case exports redacted after review, and no output holds a key name."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from cspr_tui.domain.demo import DEMO_PASSPHRASE, create_demo_vault
from cspr_tui.domain.quarter import quarter_of
from cspr_tui.domain.store import CaseStore
from cspr_tui.exports import document_text, write_case_report, write_tracker
from cspr_tui.exports.context import CASE_REPORT_KINDS
from cspr_tui.exports.redaction import RedactionReviewNeeded, fold_plain
from cspr_tui.exports.redaction.key import name_parts
from cspr_tui.exports.redaction.review import accepting, case_findings
from cspr_tui.exports.redaction.words import is_ordinary
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings
from cspr_tui.vault import open_vault

TODAY = date(2026, 6, 15)


@pytest.fixture
def demo(workspace: Path) -> Iterator[CaseStore]:
    path = workspace / "vault" / "demo.vault"
    create_demo_vault(path, today=TODAY)
    vault = open_vault(path, DEMO_PASSPHRASE)
    yield CaseStore(
        vault, Settings(reviewer_name="Reviewer One"), load_forms(), clock=lambda: TODAY
    )
    vault.close()


def _key_words(store: CaseStore) -> set[str]:
    words = set()
    for case in store.list_cases():
        for person in case.people:
            # Everyday words ("Fictional") are the reviewer's call where they stand alone.
            words |= {p for p in name_parts(person.real_name) if not is_ordinary(p)}
    return words


def test_every_demo_case_exports_redacted_after_review(demo: CaseStore, workspace: Path) -> None:
    cases = demo.list_cases()
    with pytest.raises(RedactionReviewNeeded) as caught:  # nothing reviewed yet
        write_case_report(cases[0], "referral", redact=True, settings=demo.settings, today=TODAY)
    assert caught.value.details and all("«" in line for line in caught.value.details)
    for case in cases:
        found = case_findings(case, settings=demo.settings, today=TODAY)
        demo.record_redaction_decisions(case.ref, accepting(found))
    written = []
    for case in demo.list_cases():
        for kind in CASE_REPORT_KINDS:
            path = write_case_report(case, kind, redact=True, settings=demo.settings, today=TODAY)
            written.append(document_text(path))
    tracker = write_tracker(
        demo.list_cases(), quarter=quarter_of(TODAY), today=TODAY, settings=demo.settings
    )
    book = openpyxl.load_workbook(tracker)
    cells = [str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value]
    words = _key_words(demo)
    for text in [*written, "\n".join(cells)]:
        folded = f" {fold_plain(text)} "
        for word in words:
            assert f" {word} " not in folded.replace(",", " ").replace(".", " "), word
        assert "social Practitioner" not in text
    assert len(written) == 3 * len(cases)


def test_the_demo_tracker_exports_redacted_with_nothing_to_review(demo: CaseStore) -> None:
    """The first export a newcomer tries: the demo's recommendations hold no one's name, so
    the redacted tracker is written at once (it was refused over "Re-audit", "Relaunch the"
    and "Detective Inspector")."""
    tracker = write_tracker(
        demo.list_cases(), quarter=quarter_of(TODAY), today=TODAY, settings=demo.settings
    )
    assert tracker.exists()


def test_the_templates_own_words_are_not_put_to_the_reviewer(demo: CaseStore) -> None:
    """Headings, question labels and column names come from the form templates and name no
    one: a final report's "Status" column was listed as a possible name."""
    from cspr_tui.exports.redaction.review import TEMPLATE_WORDS

    paths = [
        f.path
        for case in demo.list_cases()
        for f in case_findings(case, settings=demo.settings, today=TODAY)
    ]
    assert paths  # the demo does hold names to review
    assert not [p for p in paths if p.rsplit(".", 1)[-1] in TEMPLATE_WORDS]
