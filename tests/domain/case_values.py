"""Fictional, valid form answers and a real-vault store for the domain tests.

Every value is invented; dates are derived from one incident date so the forms' date-order
constraints hold. Tests change single answers to provoke each refusal.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from cspr_tui.domain.store import CaseStore
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings
from cspr_tui.vault import create_vault

TODAY = date(2026, 6, 15)  # a Monday; every date below is on or before it
INCIDENT = date(2026, 3, 2)


def make_store(folder: Path, *, today: date = TODAY, **settings: Any) -> CaseStore:
    vault = create_vault(folder / "cases.vault", "correct horse battery")
    options = {"reviewer_name": "Reviewer One", **settings}
    return CaseStore(vault, Settings(**options), load_forms(), clock=lambda: today)


def referral(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "ack_not_cp_referral": "Yes",
        "discussed_with_lead": "No",
        "referrer_name": "Sam Example",
        "referrer_job_title": "Named nurse",
        "referrer_agency": "Health visiting",
        "referrer_email": "sam@example.invalid",
        "referral_date": (INCIDENT + timedelta(days=2)).isoformat(),
        "referrer_confirmation": "Sam Example",
        "children": [
            {
                "name": "Poppy Example",
                "dob": "2024-05-01",
                "address": "1 Example Street, Sampletown",
                "la_of_residence": "Examplebury",
                "legal_status": ["None"],
            }
        ],
        "incident_date": INCIDENT.isoformat(),
        "aware_date": (INCIDENT + timedelta(days=1)).isoformat(),
        "incident_location": "In this local authority area",
        "outcome": "Seriously harmed",
        "abuse_neglect": "Suspected",
        "incident_description": "Unexplained fracture found at a hospital visit (fictional).",
        "criteria": [
            "Serious child safeguarding case (abuse or neglect known or suspected; child died "
            "or seriously harmed)"
        ],
        "rationale": "Two agencies knew of bruising that was not shared.",
    }
    values.update(changes)
    return values


def screening(decision: str = "Rapid review (after notification)", **changes: Any) -> dict:
    values = {
        "date_received": "2026-03-04",
        "date_considered": "2026-03-05",
        "considered_by": "Case review group",
        "decision": decision,
        "rationale": "The criteria for a notification appear to be met.",
    }
    values.update(changes)
    return values


def notification(**changes: Any) -> dict[str, Any]:
    values = {
        "la_aware_date": "2026-03-03",
        "sin_submitted_date": "2026-03-05",
        "sin_reference": "SIN-0001",
        "ofsted_dfe_notified": "Yes",
        "notifying_la": "Examplebury",
        "resident_la": "Examplebury",
        "lead_partnership": "Examplebury Safeguarding Children Partnership",
    }
    values.update(changes)
    return values


SIGNOFFS = [
    {
        "partner": p,
        "name": f"{p} Signatory",
        "role": "Director",
        "organisation": p,
        "date": "2026-03-25",
    }
    for p in ("LA", "Police", "ICB")
]


def rapid_review(decision: str = "LCSPR recommended", **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "rr_reference": "RR-0001",
        "partners_aware_date": "2026-03-04",
        "rr_start_date": "2026-03-06",
        "agency_involvement": [{"agency": "Police", "involved": "Yes"}],
        "key_practice_episodes": [
            {"period": "Jan 2026", "what_happened": "A bruise was seen.", "analysis": "Unshared."}
        ],
        "lived_experience": "Rarely seen alone.",
        "equality_analysis": "No barriers identified.",
        "learning": [{"point": "Share information about bruising in non-mobile babies."}],
        "immediate_actions": [{"action": "Briefing issued.", "owner": "Business manager"}],
        "decision": decision,
        "decision_rationale": "Reg 11(c) applies: agencies did not work together.",
        "reg11_criteria": ["Reg 11(c): concerns about two or more agencies working together"],
        "national_importance": "No",
        "signoffs": SIGNOFFS,
        "rr_completed_date": "2026-03-25",
        "rr_sent_to_panel_date": "2026-03-26",
    }
    if decision != "LCSPR recommended":
        values.pop("reg11_criteria")
    values.update(changes)
    return values


def review(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "review_type": "LCSPR",
        "statutory": "Yes",
        "lcspr_decision_date": "2026-04-01",
        "decision_rationale": "Agreed by the partners.",
        "reg11_criteria": ["Reg 11(c): concerns about two or more agencies working together"],
        "purpose": "Learn how agencies shared information.",
        "scope_from": "2025-01-01",
        "scope_to": "2026-03-02",
        "agencies_in_scope": ["Police"],
        "lines_of_enquiry": [{"question": "How was risk shared?"}],
        "reviewers": [{"name": "Dr Morgan Fictional"}],
        "method": "Practitioner review",
    }
    values.update(changes)
    return values


REPORT = {
    "reviewer_name": "Dr Morgan Fictional",
    "summary_of_improvements": "Share information about bruising at first contact.",
    "systemic_analysis": "Thresholds were read differently across agencies.",
}
PUBLICATION = {
    "publication_decision": "Full report",
    "planned_publication_date": "2026-06-12",
    "panel_sos_copy_sent_date": "2026-06-01",
    "published_date": "2026-06-12",
    "publication_location": "Partnership website",
    "anonymisation_checked": "Yes",
}


def case_at_stage(store: CaseStore, stage: str) -> str:
    """A fresh case walked through the workflow up to `stage` (a Stage value)."""
    order = [
        "referral_received",
        "screening",
        "notified",
        "rapid_review",
        "decision",
        "review_in_progress",
        "report_drafted",
        "published",
        "monitoring",
    ]
    ref = store.create_case().ref
    steps = [
        lambda: store.save_record(ref, "referral", referral(), finish=True),
        lambda: (
            store.save_record(ref, "screening", screening(), finish=True)
            or store.save_record(ref, "notification", notification(), finish=True)
        ),
        lambda: None,
        lambda: store.save_record(ref, "rapid_review", rapid_review(), finish=True),
        lambda: store.save_record(ref, "review", review()),
        lambda: store.save_record(ref, "review", review(**REPORT)),
        lambda: store.save_record(ref, "review", review(**REPORT, **PUBLICATION), finish=True),
        lambda: store.add_recommendation(
            ref, text="Share information.", target_date=date(2026, 12, 31)
        ),
    ]
    for step in steps[: order.index(stage)]:
        step()
        store.advance(ref)
    return ref
