"""Fictional cases for the export tests, built from the dataclasses directly.

Every name here is invented. The text deliberately carries the characters that break naive
exporters: `& < > " '`, line breaks, non-ASCII names and values that look like formulas.
"""

from __future__ import annotations

from datetime import date

from cspr_tui.domain.case import (
    AgencyReportRequest,
    Case,
    Person,
    QuarterlyUpdate,
    Recommendation,
    RecommendationStatus,
    Record,
    RecordStatus,
    Stage,
)

TRICKY = "Ratio \"A & B\" < C > D, it's 'fine'"
MULTILINE = "First line of the account.\nSecond line, after a break.\nThird line."
LONG = " ".join(["A long paragraph about multi-agency practice and what it meant."] * 60)
REAL_NAMES = ("Zoë Fictionalia", "Siobhán O'Neill", "Łukasz Nowak-Imagin", "Peregrine Testworth")


def make_case(ref: str = "CSPR-2026-004") -> Case:
    """A case at the report-drafted stage with every report's answers filled in."""
    referral = Record(
        "referral",
        1,
        {
            "ack_not_cp_referral": True,
            "discussed_with_lead": True,
            "referrer_name": "Peregrine Testworth",
            "referrer_job_title": "Health visitor",
            "referrer_agency": "Health visiting",
            "referral_date": "2026-03-02",
            "referrer_phone": "0191 000 0000",
            "referrer_email": "referrals@health-visiting.example.invalid",
            "lead_name": "Named nurse for safeguarding",
            "children": [
                {
                    "name": "Zoë Fictionalia",
                    "other_names": "Zo",
                    "dob": "2019-05-04",
                    "sex": "Female",
                    "address": "1 Imaginary Row, Nowhereton NE8 1ZZ",
                    "legal_status": ["Child in need"],
                    "first_language": "Polish",
                    "disability": "Unknown",
                    "school_setting": "Imaginary Row Primary School",
                    "gp": "Nowhereton Medical Practice",
                }
            ],
            "incident_date": "2026-02-20",
            "aware_date": "2026-02-21",
            "incident_location": "In this LA area",
            "outcome": "Seriously harmed",
            "abuse_neglect": "Suspected",
            "harm_types": ["Physical", "Neglect"],
            "incident_description": (
                f"Zoë's mother, Siobhán O’Neill, told the health visitor: {TRICKY}\n"
                "Łukasz Nowak-Imagin was not at home."
            ),
            "family": [
                {"name": "Siobhán O'Neill", "relationship": "Mother", "dob": "1990-01-01"},
                {"name": "Łukasz Nowak-Imagin", "relationship": "Partner of parent"},
            ],
            "agencies": [
                {"agency": "Police", "contact_name": "Quentin Madeup", "still_involved": True}
            ],
            "criteria": ["Serious child safeguarding case"],
            "agency_concerns": "Health and police records were not shared before the incident.",
            "other_children_at_risk": "No",
            "immediate_safety": "No other children live in the household.",
            "family_told": "No",
            "family_not_told_reason": "The police investigation is ongoing.",
            "consent": "Not sought",
            "sharing_basis": "Safeguarding children at risk (Data Protection Act 2018, Schedule 8)",
            "rationale": MULTILINE,
            "chronology": [
                {"date": "2026-01-05", "time": "10:00", "event": "ZOË seen by the GP"},
                {"date": "2026-02-20", "time": "", "event": "Admitted to hospital"},
            ],
            "parallel_processes": ["Police investigation"],
            "parallel_details": LONG,
        },
        RecordStatus.COMPLETE,
    )
    rapid = Record(
        "rapid_review",
        1,
        {
            "rr_reference": "RR-2026-004",
            "key_practice_episodes": [
                {"period": "January 2026", "what_happened": TRICKY, "analysis": MULTILINE}
            ],
            "decision": "LCSPR",
            "decision_rationale": "Learning is likely about Zoë's care.",
            "signoffs": [
                {"partner": "LA", "name": "Director Imaginary", "date": "2026-03-10"},
            ],
            "rr_completed_date": "2026-03-12",
        },
        RecordStatus.COMPLETE,
    )
    review = Record(
        "review",
        1,
        {
            "review_type": "LCSPR",
            "lcspr_decision_date": "2026-03-20",
            "scope_from": "2025-04-01",
            "scope_to": "2026-02-20",
            "lines_of_enquiry": [
                {"question": "How well did agencies hear Zoë's voice?"},
                {"question": "Was Siobhán's request for help & support understood?"},
            ],
            "reviewer_name": "Ottoline Reviewer-Invented",
            "summary_of_improvements": MULTILINE,
            "systemic_analysis": f"{TRICKY}\n{LONG}",
            "findings": [{"finding": "Information about Zoë was not shared."}],
            "publication_decision": "Full report",
            "planned_publication_date": "2026-09-30",
            "published_date": "2026-09-30",
        },
        RecordStatus.DRAFT,
    )
    return Case(
        ref=ref,
        pseudonym="Child A",
        stage=Stage.REPORT_DRAFTED,
        review_type="LCSPR",
        records={"referral": referral, "rapid_review": rapid, "review": review},
        people=[
            Person("Zoë Fictionalia", "Child A", "Subject child", "child"),
            Person("Siobhán O'Neill", "Mother", "Mother", "family"),
            Person("Łukasz Nowak-Imagin", "Mother's partner", "Partner of parent", "family"),
            Person("Quentin Madeup", "Police officer 1", "Police officer", "practitioner"),
        ],
        agencies=["Police", "Health visiting", "Children's social care"],
        agency_reports=[
            AgencyReportRequest(
                "Police",
                author="Sergeant Invented",
                author_role="Review officer",
                due_date=date(2026, 4, 1),
                depth="lcspr",
                version=2,
            )
        ],
    )


def add_recommendations(case: Case, count: int) -> Case:
    """`count` actions across every status and lead agency, some with risky text."""
    statuses = list(RecommendationStatus)
    agencies = ["Police", "Health visiting", "Children's social care"]
    for i in range(count):
        number, action = i // 2 + 1, i % 2 + 1
        case.recommendations.append(
            Recommendation(
                id=f"{case.ref}-R{number}-A{action}",
                number=number,
                text='=HYPERLINK("http://example.invalid") about Zoë' if i == 0 else f"Share {i}",
                action_number=action,
                action="+44 is a prefix" if i == 1 else f"@team -{i} act",
                lead_agency=agencies[i % 3],
                lead_officer="Head of service",
                target_date=date(2026, (i % 9) + 3, 15),
                status=statuses[i % len(statuses)],
                created_date=date(2026, 10, 5) if i % 4 == 0 else date(2026, 4, 10),
                date_closed=date(2026, 11, 20)
                if statuses[i % len(statuses)].startswith("Closed")
                else None,
                updates=[
                    QuarterlyUpdate(
                        "2026-Q3",
                        date(2026, 11, 1),
                        f"Update {i} & more",
                        "In progress",
                        "In progress",
                        "Lead",
                    )
                ],
            )
        )
    return case


def reviewed(case: Case, settings=None, today=None) -> Case:
    """`case` with every redaction finding of its outputs accepted, as a reviewer would."""
    from datetime import date

    from cspr_tui.exports.redaction.review import accepting, case_findings
    from cspr_tui.settings import Settings

    found = case_findings(case, settings=settings or Settings(), today=today or date.today())
    case.redaction_decisions = [*case.redaction_decisions, *accepting(found, by="Reviewer")]
    return case
