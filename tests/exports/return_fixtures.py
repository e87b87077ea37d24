"""A real encrypted vault with a case whose agencies have been asked for reports, and a
completed return filled the way an agency fills it in Word. Every name is invented."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from cspr_tui.domain.case import AgencyReportRequest, Person
from cspr_tui.domain.store import CaseStore
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings
from cspr_tui.vault import create_vault
from tests.exports.filling import edit_document, fill_answers

PASS = "an invented passphrase"
TODAY = date(2026, 11, 30)
AGENCIES = ("Police", "Health visiting")
PRACTITIONER = "Quentin Madeup"

ANSWERS: dict[str, str] = {
    "author_name": "DS Invented",
    "author_role": "Detective sergeant, review officer",
    "involved": "Yes",
    "involvement_summary": "Two calls to the address.\nOne joint visit with the health visitor.",
    "procedures_followed": "Partly",
    "procedures_details": "The second call was not shared with children's social care.",
    "staffing": "Two vacancies in the team at the time.",
    "lived_experience": "Child A was rarely seen on their own.",
    "equality": "The family's first language was not English; no interpreter was used.",
    "author_completed_date": "20/11/2026",
    "signoff_name": "Ch Supt Made Up",
    "signoff_role": "Head of public protection",
    "signoff_date": "21/11/2026",
    "signoff_confirmed": "Yes",
}
TICKS = {"records_examined": ["Police systems", "Case notes"]}
ROWS: list[dict[str, str]] = [
    {
        "date": "03/04/2025",
        "time": "10:15",
        "who": "Response officer",
        "event": "Call from a neighbour about shouting at the address",
        "significance": "Amber",
        "source": "CAD 123",
    },
    {
        "date": "12/05/2025",
        "time": "14:00",
        "who": "Detective constable",
        "event": "Joint home visit with the health visitor",
        "significance": "Green",
    },
]


class Setting:
    """The vault, its store and the case reference, closed by the test's finaliser."""

    def __init__(self, workspace: Path) -> None:
        self.path = workspace / "vault" / "cases.vault"
        self.settings = Settings(reviewer_name="Reviewer One")
        self.vault = create_vault(self.path, PASS)
        self.store = CaseStore(self.vault, self.settings, load_forms())
        self.store.today = lambda: TODAY  # type: ignore[method-assign]
        case = self.store.create_case(agencies=list(AGENCIES))
        self.ref = case.ref
        for person in (
            Person("Zoë Fictionalia", "Child A", "Subject child", "child"),
            Person("Siobhán O'Neill", "Mother", "Mother", "family"),
            Person(PRACTITIONER, "Health visitor 1", "Health visitor", "practitioner"),
        ):
            self.store.add_person(self.ref, person)
        self.store.save_record(
            self.ref,
            "review",
            {
                "scope_from": "2025-01-01",
                "scope_to": "2026-02-20",
                "lines_of_enquiry": [{"question": "How well was Child A's voice heard?"}],
            },
        )
        for agency in AGENCIES:
            self.store.request_agency_report(
                self.ref,
                AgencyReportRequest(
                    agency=agency,
                    author="DS Invented" if agency == "Police" else "HV lead",
                    requested_date=date(2026, 11, 2),
                    due_date=date(2026, 11, 23),
                    return_contact="Business manager",
                    return_address="Invented Partnership, 1 Nowhere Street, NE0 0ZZ",
                ),
            )

    def case(self) -> Any:
        return self.store.get(self.ref)

    def export(self, agency: str = "Police") -> Path:
        from cspr_tui.exports.service import AgencyReportExport, run_export

        folder = self.path.parent.parent / "exports"
        return run_export(self.store, AgencyReportExport(self.ref, agency, out=folder)).path

    def close(self) -> None:
        self.vault.close()


def complete(
    blank: Path,
    out: Path,
    *,
    answers: Mapping[str, str] | None = None,
    ticks: Mapping[str, Sequence[str]] | None = None,
    rows: Sequence[Mapping[str, str]] | None = None,
    extra: Any = None,
) -> Path:
    """The blank report filled in as an agency would; `extra` changes the XML afterwards."""
    change = fill_answers(
        ANSWERS if answers is None else answers,
        TICKS if ticks is None else ticks,
        {"chronology": ROWS if rows is None else rows},
    )

    def both(root: Any) -> None:
        change(root)
        if extra is not None:
            extra(root)

    return edit_document(blank, both, out)
