"""The stored document of a case is pinned: the same case always gives the same bytes.

`stored_case.json` is the document `case_to_data` gives for a case holding every date the
model has. Whatever the dataclasses hold in memory (text today, `datetime.date` when issue
10's dates part lands), the vault and the JSON case files must keep these exact bytes, and
an old document must read back and save as itself.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from cspr_tui.domain.case import (
    AgencyReportRequest,
    Case,
    DeadlineOverride,
    Pause,
    Person,
    PersonKind,
    QuarterlyUpdate,
    Rag,
    Recommendation,
    RecommendationStatus,
    Record,
    RecordStatus,
    ReportDepth,
    Stage,
    StageChange,
)
from cspr_tui.domain.case_json import case_from_data, case_to_data

GOLDEN = Path(__file__).with_name("stored_case.json")


def dated_case() -> Case:
    """A fictional case with every date field of the model filled."""
    return Case(
        ref="CSPR-2026-007",
        pseudonym="Child G",
        stage=Stage.MONITORING,
        created_at="2026-01-05T09:00:00+00:00",
        records={
            "referral": Record(
                "referral",
                2,
                {"referral_date": "2026-01-02", "incident_description": "Invented."},
                RecordStatus.COMPLETE,
                "2026-01-05T09:10:00+00:00",
                "Reviewer One",
            ),
            "agency_report:Police": Record("agency_report", 2, {"agency": "Police"}),
        },
        people=[
            Person(
                "Pip Madeup",
                "Child G",
                "Subject child",
                PersonKind.CHILD,
                date_of_birth=date(2019, 4, 30),
            )
        ],
        agencies=["Police"],
        agency_reports=[
            AgencyReportRequest(
                "Police",
                "Sgt Mock",
                "DS",
                date(2026, 1, 6),
                date(2026, 1, 20),
                date(2026, 1, 19),
                ReportDepth.LCSPR,
                2,
                date(2026, 1, 7),
                "token-invented",
            )
        ],
        recommendations=[
            Recommendation(
                id="CSPR-2026-007-R1-A1",
                number=1,
                text="Share information at the front door.",
                target_date=date(2026, 3, 31),
                revised_target_date=date(2026, 6, 30),
                revision_reason="Leave",
                revisions=1,
                status=RecommendationStatus.CLOSED_IMPACT_EVIDENCED,
                rag_override=Rag.GREEN,
                evidence="Audit.",
                impact_evidence="Fewer repeat contacts.",
                date_completed=date(2026, 5, 1),
                date_closed=date(2026, 5, 20),
                created_date=date(2026, 2, 1),
                updates=[
                    QuarterlyUpdate(
                        "2026-Q1",
                        date(2026, 5, 1),
                        "Done",
                        "In progress",
                        "Closed – impact evidenced",
                        "Reviewer One",
                    )
                ],
                last_updated=date(2026, 5, 20),
                last_updated_by="Reviewer One",
            )
        ],
        pauses=[
            Pause(date(2026, 2, 1), "Criminal trial", date(2026, 3, 1)),
            Pause(date(2026, 4, 1), "Inquest", None, "T7"),
        ],
        overrides=[
            DeadlineOverride("T7", date(2026, 12, 1), "Inquest", "Reviewer One", "2026-02-01")
        ],
        history=[StageChange(None, Stage.REFERRAL_RECEIVED, "2026-01-05T09:00:00+00:00", "R1")],
    )


def _bytes(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)  # key order kept, as the vault keeps it


def test_a_case_gives_the_pinned_document_byte_for_byte() -> None:
    assert _bytes(case_to_data(dated_case())) == _bytes(
        json.loads(GOLDEN.read_text(encoding="utf-8"))
    )


def test_the_pinned_document_reads_back_and_saves_as_itself() -> None:
    stored = json.loads(GOLDEN.read_text(encoding="utf-8"))
    case = case_from_data(stored)
    assert case == dated_case()
    assert _bytes(case_to_data(case)) == _bytes(stored)


def _model_dates(case: Case) -> list[object]:
    """Every value the model holds in a date field (None where it holds none)."""
    found: list[object] = [p.date_of_birth for p in case.people]
    for request in case.agency_reports:
        found += [request.requested_date, request.due_date, request.received_date]
        found.append(request.sent_date)
    for rec in case.recommendations:
        found += [rec.target_date, rec.revised_target_date, rec.date_completed]
        found += [rec.date_closed, rec.created_date, rec.last_updated]
        found += [u.date for u in rec.updates]
    for pause in case.pauses:
        found += [pause.start, pause.end]
    found += [o.due_date for o in case.overrides]
    return found


def test_every_stored_date_is_a_date_in_memory() -> None:
    case = case_from_data(json.loads(GOLDEN.read_text(encoding="utf-8")))
    held = [value for value in _model_dates(case) if value is not None]
    assert len(held) == 16  # every date field of the golden document but an open pause's end
    assert all(type(value) is date for value in held), held


@pytest.mark.parametrize(
    ("where", "bad"),
    [
        (("people", 0, "date_of_birth"), "30/04/2019"),
        (("agency_reports", 0, "due_date"), "2026-1-20"),
        (("agency_reports", 0, "sent_date"), "2026-01-07T10:00:00"),
        (("recommendations", 0, "target_date"), "2026-02-30"),
        (("recommendations", 0, "updates", 0, "date"), "soon"),
        (("pauses", 0, "start"), "20260201"),
        (("pauses", 0, "end"), "2026-W09-1"),
        (("overrides", 0, "due_date"), ""),
    ],
)
def test_a_stored_date_that_is_not_exactly_iso_is_refused_where_it_is_read(
    where: tuple[object, ...], bad: str
) -> None:
    stored = json.loads(GOLDEN.read_text(encoding="utf-8"))
    holder = stored
    for step in where[:-1]:
        holder = holder[step]
    holder[where[-1]] = bad
    refused = r"is not a date in the form YYYY-MM-DD|is not a real date"
    with pytest.raises(ValueError, match=refused):
        case_from_data(stored)
