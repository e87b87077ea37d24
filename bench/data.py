"""Fictional cases for the benchmarks: realistic in size and shape, deterministic, invented.

Every name, place and event here is made up by combining word lists, so a benchmark vault
looks like a partnership's real one (a few KB of narrative per case, a referral with
children, family, agencies and a chronology, ten tracked recommendations with quarterly
updates) without holding anything about a real person. The same seed gives the same cases,
so ours and the baseline always work on identical data.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

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
    StageChange,
)

__all__ = ["RECOMMENDATIONS_PER_CASE", "make_case", "make_cases", "with_chronology"]

RECOMMENDATIONS_PER_CASE = 10
TODAY = date(2026, 11, 20)

# Invented names: obviously fictional compounds, never a list of real people.
_FIRST = (
    "Ambrin", "Corwenna", "Delphis", "Elspeth", "Fenwyn", "Gethra", "Harrow", "Isolde",
    "Joryn", "Kestra", "Lowenna", "Merrick", "Nerys", "Orlin", "Perrana", "Quillon",
    "Rhosyn", "Serrin", "Tamsa", "Ulwen", "Wenna", "Yestin", "Zelric", "Brannoc",
)  # fmt: skip
_SURNAME = (
    "Brackwater", "Coldmere", "Dunsmoorly", "Elderbrook", "Fernhallow", "Gorsewick",
    "Hollinsby", "Ivyleigh", "Juniperfold", "Kettlemoor", "Larkspurr", "Mossendale",
    "Nettlecombe", "Oakhurstley", "Pebblethorn", "Quarrendon", "Rushbeck", "Sallowmere",
)  # fmt: skip
_TOWNS = ("Ashcombe Vale", "Brindlemoor", "Cresswater", "Dunhollow", "Eastmere Quay")
_STREETS = ("Larch Row", "Kiln Lane", "Mill Terrace", "Heron Close", "Quarry Walk")
AGENCIES = (
    "Children's Social Care", "Police", "Health Visiting", "GP Practice",
    "Acute Hospital Trust", "Education", "Early Help", "Probation Service",
    "Mental Health Trust", "Housing", "Ambulance Service", "Youth Justice",
)  # fmt: skip
_ROLES = ("Mother", "Father", "Stepfather", "Maternal grandmother", "Older sibling", "Aunt")
_EVENTS = (
    "Health visitor completed a new birth visit; the home was noted as cluttered and cold.",
    "School reported {child} arriving hungry and in unwashed clothes on three mornings.",
    "Police attended a reported argument at the home; no arrests; a DASH form was completed.",
    "GP saw {child} with a bruise to the upper arm; the explanation given was a fall.",
    "Early Help assessment opened with the family's agreement; a lead practitioner was named.",
    "Missed paediatric appointment; a letter was sent but no follow-up call was made.",
    "Anonymous referral to the front door about shouting and a child crying late at night.",
    "Strategy discussion held; agreed a single-agency response rather than a section 47 enquiry.",
    "Family moved to temporary accommodation in {town}; records transferred a month later.",
    "Emergency department attendance; {child} was brought in by ambulance, unresponsive.",
)
_NARRATIVE = (
    "{child} lived with {mother} and her partner in a privately rented flat on {street}, "
    "{town}. Several agencies knew the family over the two years before the incident, each "
    "holding part of the picture. ",
    "Practitioners described {mother} as warm but overwhelmed; she spoke of debt, poor sleep "
    "and low mood, and said her partner helped with the children in the evenings. ",
    "The school noticed a change in {child}'s presentation during the spring term: more "
    "absences, tiredness and a reluctance to go home at the end of the day. ",
    "Information about a history of domestic abuse held by the police was not shared with "
    "the health visiting service or the GP practice before the child protection conference. ",
    "On the evening of the incident an ambulance was called to the address and {child} was "
    "taken to hospital, where staff raised concerns about injuries of different ages. ",
    "The referrer believes the case meets the criteria because abuse or neglect is known or "
    "suspected and there are lessons about how agencies worked together. ",
)
_RECS = (
    "The partnership should assure itself that information about domestic abuse reaches "
    "every practitioner working with a child under five.",
    "Agencies should review how missed health appointments for children are followed up "
    "and escalated when a family does not engage.",
    "The partnership should strengthen practice in hearing the voice of pre-verbal children "
    "and recording their lived experience.",
    "Strategy discussions should include health and education whenever they are open to "
    "the family, with decisions and reasons recorded.",
    "The multi-agency threshold guidance should be revised so that cumulative neglect is "
    "recognised earlier.",
)
_ACTIONS = (
    "Audit 30 cases against the revised standard and report findings to the board.",
    "Deliver briefings to all front-door staff and record attendance by team.",
    "Update the escalation policy and publish it on the partnership website.",
    "Add a mandatory field to the case record system and monitor its completion monthly.",
    "Commission a multi-agency learning event and evaluate its impact after six months.",
)
_UPDATES = (
    "Briefings delivered to 80% of staff; the remainder are booked for next month.",
    "Policy drafted and consulted on; sign-off expected at the next executive meeting.",
    "Audit completed; early findings show improvement but recording remains inconsistent.",
    "Delayed by system supplier changes; a revised date has been agreed with the lead.",
)
_STATUSES = (
    RecommendationStatus.NOT_STARTED,
    RecommendationStatus.IN_PROGRESS,
    RecommendationStatus.IN_PROGRESS,
    RecommendationStatus.COMPLETED_AWAITING_EVIDENCE,
    RecommendationStatus.PAUSED,
)
_STAGES = (
    Stage.SCREENING,
    Stage.RAPID_REVIEW,
    Stage.REVIEW_IN_PROGRESS,
    Stage.REPORT_DRAFTED,
    Stage.PUBLISHED,
    Stage.MONITORING,
)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_SURNAME)}"


def _day(rng: random.Random, start: date, span: int) -> date:
    return start + timedelta(days=rng.randrange(span))


def _chronology(rng: random.Random, rows: int, start: date, fill: dict[str, str]) -> list:
    """Chronology rows in date order (a real referral lists its key dates chronologically)."""
    dates = sorted(_day(rng, start, 700) for _ in range(rows))
    return [
        {
            "date": d.isoformat(),
            "time": f"{rng.randrange(7, 23):02d}:{rng.choice(('00', '15', '30', '45'))}",
            "event": rng.choice(_EVENTS).format(**fill),
        }
        for d in dates
    ]


def _recommendations(rng: random.Random, ref: str, agencies: list[str]) -> list[Recommendation]:
    recs = []
    for index in range(RECOMMENDATIONS_PER_CASE):
        number, action_number = index // 2 + 1, index % 2 + 1
        status = rng.choice(_STATUSES)
        updates = [
            QuarterlyUpdate(
                quarter=quarter,
                date=when,
                narrative=rng.choice(_UPDATES),
                status_before=str(RecommendationStatus.NOT_STARTED),
                status_after=str(status),
                updated_by=_name(rng),
            )
            for quarter, when in (("2026-Q1", date(2026, 6, 20)), ("2026-Q2", date(2026, 9, 18)))[
                : rng.randrange(1, 3)
            ]
        ]
        recs.append(
            Recommendation(
                id=f"{ref}-R{number}-A{action_number}",
                number=number,
                text=rng.choice(_RECS),
                action_number=action_number,
                action=rng.choice(_ACTIONS),
                scope=rng.choice(("Single-agency", "Multi-agency", "Partnership")),
                lead_agency=rng.choice(agencies),
                lead_officer=_name(rng),
                target_date=_day(rng, date(2026, 3, 1), 500),
                status=status,
                status_reason="Awaiting the new case system." if status == "Paused" else "",
                theme_tags=rng.sample(["Neglect", "Domestic abuse", "Voice of the child"], 2),
                impact_measure="Fewer repeat referrals for the same concern within 12 months.",
                created_date=date(2026, 2, 10),
                updates=updates,
                last_updated=updates[-1].date,
                last_updated_by=updates[-1].updated_by,
            )
        )
    return recs


def make_case(index: int, *, seed: int = 2026, chronology_rows: int = 8) -> Case:
    """Case number `index` (CSPR-YYYY-NNN), the same every time for the same seed."""
    rng = random.Random(seed * 1_000_003 + index)
    year = 2019 + index % 8
    ref = f"CSPR-{year}-{index + 1:05d}"
    child, mother = _name(rng), _name(rng)
    fill = {
        "child": child.split()[0],
        "mother": mother,
        "town": rng.choice(_TOWNS),
        "street": f"{rng.randrange(2, 90)} {rng.choice(_STREETS)}",
    }
    agencies = rng.sample(AGENCIES, 5)
    incident = _day(rng, date(year, 1, 10), 300)
    narrative = "".join(part.format(**fill) for part in _NARRATIVE)
    family = [
        {"name": mother, "relationship": "Mother", "dob": "1994-05-12", "address": fill["street"]}
    ] + [
        {"name": _name(rng), "relationship": rng.choice(_ROLES), "dob": "", "address": ""}
        for _ in range(2)
    ]
    referral = {
        "ack_not_cp_referral": "Yes",
        "discussed_with_lead": "Yes",
        "lead_name": _name(rng),
        "referrer_phone": "0191 496 0000",
        "referrer_name": _name(rng),
        "referrer_job_title": "Designated safeguarding lead",
        "referrer_agency": agencies[0],
        "referral_date": (incident + timedelta(days=3)).isoformat(),
        "children": [
            {
                "name": child,
                "other_names": "",
                "dob": (incident - timedelta(days=rng.randrange(200, 3000))).isoformat(),
                "sex": rng.choice(("Female", "Male")),
                "ethnicity": "White British",
                "address": f"{fill['street']}, {fill['town']}",
                "la_of_residence": "Examplebury",
                "legal_status": "Child in need",
            }
        ],
        "incident_date": incident.isoformat(),
        "aware_date": (incident + timedelta(days=1)).isoformat(),
        "incident_location": "Family home",
        "outcome": rng.choice(("Died", "Seriously harmed")),
        "abuse_neglect": "Suspected",
        "lac_death": "No",
        "harm_types": rng.sample(["Physical abuse", "Neglect", "Emotional abuse"], 2),
        "incident_description": narrative,
        "family": family,
        "agencies": [
            {
                "agency": a,
                "contact_name": _name(rng),
                "contact_details": "",
                "still_involved": "Yes",
            }
            for a in agencies
        ],
        "criteria": ["Abuse or neglect known or suspected", "Serious harm or death"],
        "rationale": "Agencies held partial information that was not brought together in time.",
        "chronology": _chronology(rng, chronology_rows, incident - timedelta(days=700), fill),
        "parallel_processes": ["Criminal proceedings"],
        "parallel_details": "A police investigation is open; the CPS has been consulted.",
    }
    referral["referrer_confirmation"] = referral["referrer_name"]
    if referral["outcome"] == "Died":
        referral["children"][0]["date_of_death"] = incident.isoformat()
    stamp = f"{incident.isoformat()}T10:00:00+00:00"
    stage = rng.choice(_STAGES)
    return Case(
        ref=ref,
        pseudonym=f"Child {chr(65 + index % 26)}{index // 26 or ''}",
        stage=stage,
        created_at=stamp,
        review_type="LCSPR" if stage != Stage.SCREENING else "",
        records={
            "referral": Record(
                "referral", 1, referral, RecordStatus.COMPLETE, stamp, "Bench Reviewer"
            ),
            "screening": Record(
                "screening",
                1,
                {
                    "date_received": referral["referral_date"],
                    "date_considered": (incident + timedelta(days=10)).isoformat(),
                    "considered_by": "Partnership screening group",
                    "decision": "Rapid review (after notification)",
                    "rationale": "The notification criteria appear to be met; see the referral.",
                },
                RecordStatus.COMPLETE,
                stamp,
                "Bench Reviewer",
            ),
        },
        people=[
            Person(child, "Child A", "Subject child", "child"),
            Person(mother, "Adult A", "Mother", "family"),
            Person(family[1]["name"], "Adult B", family[1]["relationship"], "family"),
        ],
        agencies=agencies,
        agency_reports=[AgencyReportRequest(agency=a, due_date=None) for a in agencies[:3]],
        recommendations=_recommendations(rng, ref, agencies),
        history=[StageChange(None, stage, stamp, "Bench Reviewer", "imported for benchmarks")],
        notes=f"Lead reviewer {_name(rng)}; panel liaison agreed.",
    )


def make_cases(count: int, *, seed: int = 2026) -> list[Case]:
    """`count` distinct fictional cases with unique references."""
    return [make_case(i, seed=seed) for i in range(count)]


def with_chronology(rows: int, *, seed: int = 2026) -> Case:
    """One case whose referral chronology has `rows` entries (the Word-report benchmark)."""
    return make_case(0, seed=seed, chronology_rows=rows)
