"""The case JSON format: schema file, lossless round trip, every problem with its path."""

from __future__ import annotations

import copy
import dataclasses
import json
import stat
from datetime import date
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from cspr_tui.domain.case import (
    AgencyReportRequest,
    Case,
    DeadlineOverride,
    Pause,
    Person,
    QuarterlyUpdate,
    Rag,
    Recommendation,
    RecommendationStatus,
    Record,
    RecordStatus,
    Stage,
    StageChange,
)
from cspr_tui.domain.case_json import (
    CASE_FILE_SCHEMA,
    case_from_data,
    case_problems,
    case_to_data,
    dump_cases,
    parse_case_file,
    read_case_file,
    write_case_file,
)
from cspr_tui.errors import UsageError, ValidationFailed
from cspr_tui.forms import load_forms

SCHEMA_DOC = Path(__file__).resolve().parents[2] / "docs" / "case-schema.json"


def rich_case() -> Case:
    """A fictional case using every part of the model."""
    return Case(
        ref="CSPR-2026-004",
        pseudonym="Child D",
        stage=Stage.MONITORING,
        created_at="2026-01-05T09:00:00+00:00",
        review_type="LCSPR",
        review_method="Practitioner review",
        records={
            "referral": Record(
                "referral",
                2,
                {"incident_date": "2026-01-02", "children": [{"name": "Pip Invented"}]},
                RecordStatus.COMPLETE,
                "2026-01-05T09:10:00+00:00",
                "Reviewer One",
            ),
            "review": Record("review", 1, {"reviewer_name": "Dr Ada Madeup"}, current_section="c"),
        },
        people=[Person("Pip Invented", "Child D", "Subject child", "child")],
        agencies=["Police", "Health visiting"],
        agency_reports=[
            AgencyReportRequest("Police", "Sgt Mock", "DS", date(2026, 1, 6), date(2026, 1, 20))
        ],
        recommendations=[
            Recommendation(
                id="CSPR-2026-004-R1-A1",
                number=1,
                text="Improve information sharing at the front door.",
                action="Audit 20 contacts by 31/03.",
                lead_agency="Police",
                target_date=date(2026, 3, 31),
                revised_target_date=date(2026, 6, 30),
                revision_reason="Audit team on leave",
                revisions=1,
                status=RecommendationStatus.IN_PROGRESS,
                rag_override=Rag.AMBER,
                rag_override_reason="Slipping",
                theme_tags=["information sharing"],
                updates=[
                    QuarterlyUpdate(
                        "2025-Q4",
                        date(2026, 2, 1),
                        "Started",
                        "Not started",
                        "In progress",
                        "Reviewer One",
                    )
                ],
            )
        ],
        pauses=[Pause(date(2026, 2, 1), "Criminal trial", date(2026, 3, 1), None)],
        overrides=[
            DeadlineOverride("T7", date(2026, 12, 1), "Inquest", "Reviewer One", "2026-02-01")
        ],
        history=[
            StageChange(None, Stage.REFERRAL_RECEIVED, "2026-01-05T09:00:00+00:00", "R1"),
            StageChange(Stage.PUBLISHED, Stage.MONITORING, "2026-05-05T09:00:00+00:00", "R1", "x"),
        ],
        paused_from=None,
        notes="Fictional.",
    )


def test_schema_document_matches_the_code_and_is_valid_2020_12() -> None:
    assert json.loads(SCHEMA_DOC.read_text(encoding="utf-8")) == CASE_FILE_SCHEMA
    Draft202012Validator.check_schema(CASE_FILE_SCHEMA)


def test_round_trip_is_lossless_and_plain_json() -> None:
    case = rich_case()
    data = case_to_data(case)
    assert json.loads(json.dumps(data)) == data  # nothing but JSON types
    assert data["stage"] == "monitoring" and data["recommendations"][0]["rag_override"] == "Amber"
    assert case_problems(data) == []
    assert case_from_data(data) == case
    assert parse_case_file(dump_cases([case])) == [case]


def test_dump_is_in_reference_order() -> None:
    a, b = rich_case(), rich_case()
    b.ref = "CSPR-2025-010"
    assert [c["ref"] for c in dump_cases([a, b])["cases"]] == ["CSPR-2025-010", "CSPR-2026-004"]


def _file(**changes) -> dict:
    data = dump_cases([rich_case()])
    case = data["cases"][0]
    for path, value in changes.items():
        target = case
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        target[keys[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "path", "words"),
    [
        (_file(stage="halfway"), "$.cases[0].stage", "is not one of"),
        (_file(ref="2026-4"), "$.cases[0].ref", "not a case reference"),
        (_file(pauses__0__start="2026-02-31"), "$.cases[0].pauses[0].start", "not a real date"),
        (_file(recommendations__0__target_date="31/03/2026"), "target_date", "not a real date"),
        (_file(recommendations__0__status="Done"), "recommendations[0].status", "not one of"),
        (_file(people="everyone"), "$.cases[0].people", "is not of type 'array'"),
        (_file(colour="blue"), "$.cases[0]", "colour"),
        ({"format": "cspr-cases", "version": 1}, "$", "'cases' is a required property"),
        ({"format": "other", "version": 1, "cases": []}, "$.format", "cspr-cases"),
        ([], "$", "is not of type 'object'"),
    ],
)
def test_each_malformed_file_names_the_path(data, path, words) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_case_file(data)
    assert caught.value.exit_code == 6
    assert any(path in d and words in d for d in caught.value.details), caught.value.details


def test_every_problem_is_listed_not_just_the_first() -> None:
    data = _file(stage="halfway", pauses__0__start="2026-02-31")
    second = copy.deepcopy(data["cases"][0])
    second["pseudonym"] = ""
    data["cases"].append(second)
    with pytest.raises(ValidationFailed) as caught:
        parse_case_file(data)
    details = caught.value.details
    assert len(details) == 6, details  # two in the first case, three in the second, the ref
    assert "$.cases[1].ref: CSPR-2026-004 appears twice (also $.cases[0])." in details
    assert any(d.startswith("$.cases[1].pseudonym") for d in details)
    assert "6 problems" in caught.value.message


def test_duplicate_references_are_refused() -> None:
    data = dump_cases([rich_case(), rich_case()])
    with pytest.raises(ValidationFailed) as caught:
        parse_case_file(data)
    assert caught.value.details == [
        "$.cases[1].ref: CSPR-2026-004 appears twice (also $.cases[0])."
    ]


def test_record_key_must_match_its_form_id() -> None:
    data = _file()
    data["cases"][0]["records"]["screening"] = data["cases"][0]["records"].pop("review")
    with pytest.raises(ValidationFailed) as caught:
        parse_case_file(data)
    assert "$.cases[0].records.screening.form_id" in caught.value.details[0]


def test_write_is_owner_only_and_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    write_case_file([rich_case()], target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert parse_case_file(read_case_file(target)) == [rich_case()]
    with pytest.raises(UsageError, match="already exists"):
        write_case_file([], target)
    assert len(read_case_file(target)["cases"]) == 1
    write_case_file([], target, force=True)
    assert read_case_file(target)["cases"] == []
    assert not list(tmp_path.glob(".*tmp"))


def test_unreadable_json_is_one_validation_failure(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "cspr-cases",', encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        read_case_file(bad)
    assert caught.value.details[0].startswith("$: ")
    with pytest.raises(UsageError, match="does not exist"):
        read_case_file(tmp_path / "missing.json")


def _agency_record(agency: str | None) -> dict:
    values = {"author_name": "An Author"} | ({"agency": agency} if agency else {})
    return {"form_id": "agency_report", "template_version": 1, "values": values, "status": "draft"}


def test_agency_reports_round_trip_one_per_agency() -> None:
    case = rich_case()
    for agency in ("Police", "GP / primary care"):
        case.records[f"agency_report:{agency}"] = Record(
            "agency_report", 1, {"agency": agency, "involvement_summary": "Two calls."}
        )
    data = dump_cases([case])
    assert parse_case_file(json.loads(json.dumps(data))) == [case]
    assert dump_cases(parse_case_file(data)) == data
    only = Case("CSPR-2026-001", "Child A", records={})
    only.records = {k: v for k, v in case.records.items() if k.startswith("agency_report:")}
    assert parse_case_file(dump_cases([only]), load_forms()) == [only]  # checked by its form


def test_an_old_single_agency_report_reads_under_its_agency() -> None:
    data = case_to_data(rich_case())
    data["records"]["agency_report"] = _agency_record("Police")
    case = case_from_data(data)
    assert "agency_report" not in case.records
    assert case.records["agency_report:Police"].values["agency"] == "Police"
    again = case_to_data(case)
    assert case_from_data(again) == case  # stable from then on
    unnamed = case_to_data(rich_case())
    unnamed["records"]["agency_report"] = _agency_record(None)
    assert "agency_report" in case_from_data(unnamed).records  # kept, still readable
    both = case_to_data(rich_case())
    both["records"]["agency_report"] = _agency_record("Police")
    both["records"]["agency_report:Police"] = _agency_record("Police")
    assert set(case_from_data(both).records) >= {"agency_report", "agency_report:Police"}


def test_agency_report_key_must_match_its_agency() -> None:
    data = _file()
    data["cases"][0]["records"]["agency_report:Police"] = _agency_record("Midwifery")
    with pytest.raises(ValidationFailed) as caught:
        parse_case_file(data)
    assert caught.value.details == [
        "$.cases[0].records['agency_report:Police'].values.agency: must be 'Police', the "
        "agency of the key it is stored under."
    ]


def test_fast_builder_fills_defaults_fresh_and_in_field_order() -> None:
    """case_from_data builds the dataclasses without their __init__: it must still give
    what the constructors give (defaults, fresh lists, field order for the JSON)."""
    data = {
        "ref": "CSPR-2026-010",
        "pseudonym": "Child J",
        "recommendations": [{"id": "R1", "number": 1, "text": "Share plans.", "status": "Paused"}],
        "people": [{"pseudonym": "Mother", "real_name": "Ann Example", "role": "Mother"}],
    }
    one, two = case_from_data(data), case_from_data(copy.deepcopy(data))
    assert one == Case(
        ref="CSPR-2026-010",
        pseudonym="Child J",
        recommendations=[
            Recommendation(
                id="R1", number=1, text="Share plans.", status=RecommendationStatus.PAUSED
            )
        ],
        people=[Person(real_name="Ann Example", pseudonym="Mother", role="Mother")],
    )
    assert one.recommendations[0].theme_tags is not two.recommendations[0].theme_tags
    assert list(vars(one.people[0])) == [f.name for f in dataclasses.fields(Person)]
    assert list(case_to_data(one)) == list(case_to_data(Case("CSPR-2026-010", "Child J")))


@pytest.mark.parametrize(
    "change",
    [
        {"people": [{"real_name": "A", "pseudonym": "B", "role": "C", "shoe_size": 9}]},
        {"people": [{"real_name": "A", "role": "C"}]},
        {"pauses": [{"start": "2026-01-01"}]},
        {"stage": "nowhere"},
        {"recommendations": [{"id": "R1", "number": 1, "text": "T", "status": "Done-ish"}]},
    ],
)
def test_fast_builder_refuses_what_the_constructors_refuse(change: dict) -> None:
    data = {"ref": "CSPR-2026-010", "pseudonym": "Child J", **change}
    with pytest.raises((TypeError, ValueError)):
        case_from_data(data)
