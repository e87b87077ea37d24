"""The shipped templates: the review process's rules applied to realistic (fictional) records."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from cspr_tui.domain.case import QuarterlyUpdate, Rag, Recommendation, RecommendationStatus
from cspr_tui.forms import FORM_IDS, RELIED_ON_FIELDS, Form, FormSet, Issue, load_forms
from cspr_tui.forms.relied_on import RELIED_ON_CHOICES


@pytest.fixture(scope="module")
def forms() -> FormSet:
    return load_forms()


def referral() -> dict[str, object]:
    """A complete fictional referral."""
    return {
        "ack_not_cp_referral": "Yes",
        "discussed_with_lead": "Yes",
        "referrer_name": "Jo Fictional",
        "referrer_job_title": "Designated nurse",
        "referrer_agency": "Integrated care board (ICB)",
        "referrer_email": "jo@example.invalid",
        "lead_name": "Sam Example",
        "referral_date": "2026-03-10",
        "referrer_confirmation": "Jo Fictional",
        "children": [
            {
                "name": "Child Alpha",
                "dob": "2024-01-15",
                "date_of_death": "2026-03-02",
                "address": "1 Imaginary Row, Nowhere NE0 0AA",
                "la_of_residence": "Examplebury",
                "legal_status": ["Child in need"],
            }
        ],
        "incident_date": "2026-03-01",
        "aware_date": "2026-03-02",
        "incident_location": "In this local authority area",
        "outcome": "Died",
        "abuse_neglect": "Suspected",
        "lac_death": "No",
        "incident_description": "A fictional description.",
        "criteria": ["Reg 11(b): recurrent themes"],
        "rationale": "A fictional rationale.",
    }


def messages(issues: list[Issue]) -> list[tuple[str, str, str]]:
    return [(i.path, i.severity, i.message) for i in issues]


def test_every_form_is_shipped_with_its_version(forms: FormSet) -> None:
    assert list(forms) == list(FORM_IDS)
    # referral 2 asks about consent, the basis for sharing, whether the family has been told
    # and other children's safety now, and keeps an agency contact's name and role apart;
    # agency_report 2 adds organisational context, procedures, earlier history, the return
    # contact and the author's completion date; recommendation 2 asks the lead officer's
    # role and, apart, their name
    versions = {"referral": 2, "agency_report": 2, "recommendation": 2}
    for form in forms.values():
        assert form.version == versions.get(form.id, 1)
        assert form.sections and form.field_count() > 0


def test_recommendation_asks_the_lead_officers_role_and_optional_name(forms: FormSet) -> None:
    form = forms["recommendation"]
    role, name = form.field("lead_officer"), form.field("lead_officer_name")
    assert role.required and role.label == "Lead officer's role"
    assert not name.required and "optional" in name.label
    fields = [f.id for f in form.fields]
    assert fields.index("lead_officer_name") == fields.index("lead_officer") + 1
    # A version 1 record (role and name in one answer, no name field) still reads clean.
    old = {
        "id": "CSPR-2026-004-R1-A1",
        "number": 1,
        "text": "Fictional recommendation.",
        "action_number": 1,
        "action": "Fictional action.",
        "scope": "Multi-agency",
        "lead_agency": "Police",
        "lead_officer": "Head of safeguarding; Quinn Madeup",
        "target_date": "2026-12-31",
        "impact_measure": "Audit.",
        "status": "Not started",
    }
    assert form.validate(old, template_version=1) == []
    assert form.validate({**old, "lead_officer": ""}, template_version=1) != []


def test_referral_2_asks_about_consent_sharing_the_family_and_other_children(
    forms: FormSet,
) -> None:
    referral = forms["referral"]
    for field_id in (
        "family_told",
        "family_not_told_reason",
        "consent",
        "sharing_basis",
        "other_children_at_risk",
        "immediate_safety",
    ):
        assert referral.field(field_id) is not None, field_id
    assert "Refused" in referral.field("consent").choices
    values = {"other_children_at_risk": "Yes"}
    assert referral.field("immediate_safety").is_required(values)
    assert referral.field("family_not_told_reason").is_visible({"family_told": "No"})
    assert not referral.field("family_not_told_reason").is_visible({"family_told": "Yes"})


def test_a_referral_captured_with_version_1_stays_readable(forms: FormSet) -> None:
    """Answers of a version 1 record, without the new questions, raise no new errors."""
    from tests.domain import case_values

    old = case_values.referral()
    for field_id in ("family_told", "consent", "sharing_basis", "other_children_at_risk"):
        old.pop(field_id, None)
    issues = forms["referral"].validate(old, finishing=True, template_version=1)
    assert [i for i in issues if i.severity == "error"] == []


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_relied_on_fields_exist(forms: FormSet, form_id: str) -> None:
    form = forms[form_id]
    for path in RELIED_ON_FIELDS[form_id]:
        assert form.field(path) is not None, path


def test_recommendation_fields_match_the_domain_model(forms: FormSet) -> None:
    form = forms["recommendation"]
    assert {f.id for f in form.fields} == {f.name for f in dataclasses.fields(Recommendation)}
    updates = form.field("updates")
    assert {f.id for f in updates.fields} == {f.name for f in dataclasses.fields(QuarterlyUpdate)}


def test_shared_lists_match_the_domain_enums(forms: FormSet) -> None:
    statuses = forms["recommendation"].field("status").choices
    assert statuses == tuple(s.value for s in RecommendationStatus)
    relied = RELIED_ON_CHOICES["recommendation"]
    assert relied["status"] == statuses
    assert relied["rag_override"] == tuple(r.value for r in Rag)
    assert forms.choice_lists["rag"] == tuple(r.value for r in Rag)
    assert forms["rapid_review"].field("signoffs.partner").choices == ("LA", "Police", "ICB")
    assert forms["referral"].field("outcome").choices == ("Died", "Seriously harmed")


def test_a_complete_referral_passes(forms: FormSet) -> None:
    assert forms["referral"].validate(referral()) == []


def test_a_draft_referral_may_be_incomplete(forms: FormSet) -> None:
    form = forms["referral"]
    assert form.validate({"referrer_name": "Jo"}, finishing=False) == []
    assert len(form.validate({"referrer_name": "Jo"})) > 10


def child(**changes: object) -> dict[str, object]:
    values = referral()
    values["children"] = [{**values["children"][0], **changes}]  # type: ignore[index]
    return values


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            child(date_of_death="2023-12-31"),
            (
                "children[0].date_of_death",
                "error",
                "Date of death cannot be before the date of birth.",
            ),
        ),
        (
            child(date_of_death=None),
            ("children[0].date_of_death", "error", "Date of death is required."),
        ),
        (
            child(dob="2026-03-05", date_of_death="2026-03-06"),
            (
                "children[0].dob",
                "error",
                "Date of birth cannot be after the date of the incident "
                "(for an unborn child answer Unborn = Yes).",
            ),
        ),
        (
            {**referral(), "incident_date": "2026-03-10", "referral_date": "2026-03-11"},
            (
                "aware_date",
                "error",
                "Date your agency became aware cannot be before the date of the incident.",
            ),
        ),
        (
            {**referral(), "referrer_agency": "Other"},
            ("referrer_agency_other", "error", "Other agency or organisation is required."),
        ),
        (
            {**referral(), "ack_not_cp_referral": "No"},
            (
                "ack_not_cp_referral",
                "error",
                "Confirm that you understand this is not a child protection referral.",
            ),
        ),
        (
            {**referral(), "referrer_email": None},
            ("referrer_phone", "error", "Telephone is required."),
        ),
        (
            {**referral(), "parallel_processes": ["Police investigation"]},
            ("parallel_details", "error", "Details and contacts is required."),
        ),
        (
            {**referral(), "children": []},
            ("children", "error", "Children is required."),
        ),
    ],
)
def test_referral_rules(forms: FormSet, values: dict, expected: tuple[str, str, str]) -> None:
    form = forms["referral"]
    assert messages(form.validate(values)) == [expected]
    draft = messages(form.validate(values, finishing=False))
    assert draft == ([] if expected[2].endswith("is required.") else [expected])


def test_incident_after_the_referral_is_refused(forms: FormSet) -> None:
    values = {**referral(), "incident_date": "2026-03-02", "referral_date": "2026-03-02"}
    assert forms["referral"].validate(values) == []
    values["referral_date"] = "2026-03-01"
    assert messages(forms["referral"].validate(values)) == [
        ("incident_date", "error", "Date of incident cannot be after the date of referral."),
        (
            "aware_date",
            "error",
            "Date your agency became aware cannot be after the date of referral.",
        ),
    ]


def test_date_of_death_is_only_required_for_the_subject_child(forms: FormSet) -> None:
    values = referral()
    sibling = {**values["children"][0], "name": "Sibling Beta", "date_of_death": None}  # type: ignore[index]
    values["children"] = [values["children"][0], sibling]  # type: ignore[index]
    assert forms["referral"].validate(values) == []


def test_seriously_harmed_hides_the_death_fields(forms: FormSet) -> None:
    values = {**child(date_of_death=None), "outcome": "Seriously harmed", "lac_death": None}
    assert forms["referral"].validate(values) == []
    form = forms["referral"]
    assert "lac_death" not in [f.id for f in form.visible_fields(values)]


def test_unborn_child_may_be_due_after_the_incident(forms: FormSet) -> None:
    values = {
        **child(dob="2026-05-01", unborn="Yes", date_of_death=None),
        "outcome": "Seriously harmed",
    }
    values["lac_death"] = None
    assert forms["referral"].validate(values) == []


def test_eighteen_or_over_at_the_incident_is_a_warning(forms: FormSet) -> None:
    issues = forms["referral"].validate(child(dob="2007-01-01"))
    assert [(i.path, i.severity) for i in issues] == [("children[0].dob", "warning")]
    assert "18 or over" in issues[0].message
    assert forms["referral"].validate(child(dob="2008-03-02")) == []  # 17 on the day


def test_not_suspected_and_not_looked_after_warns_about_the_criteria(forms: FormSet) -> None:
    values = {**referral(), "abuse_neglect": "Not suspected"}
    issues = forms["referral"].validate(values)
    assert [(i.path, i.severity) for i in issues] == [("abuse_neglect", "warning")]
    assert "may not be met" in issues[0].message
    assert forms["referral"].validate({**values, "lac_death": "Yes"}) == []


def rapid_review(signoffs: int) -> dict[str, object]:
    partners = ["LA", "Police", "ICB"][:signoffs]
    return {
        "rr_reference": "RR-2026-001",
        "partners_aware_date": "2026-03-03",
        "rr_start_date": "2026-03-04",
        "agency_involvement": [{"agency": "Police", "involved": "Yes"}],
        "key_practice_episodes": [
            {"period": "Jan 2026", "what_happened": "Fictional.", "analysis": "Fictional."}
        ],
        "lived_experience": "Fictional.",
        "equality_analysis": "Fictional.",
        "learning": [{"point": "Fictional learning."}],
        "immediate_actions": [{"action": "Fictional action.", "owner": "Police"}],
        "decision": "LCSPR recommended",
        "decision_rationale": "Fictional.",
        "reg11_criteria": ["Reg 11(b): recurrent themes"],
        "national_importance": "No",
        "signoffs": [
            {
                "partner": p,
                "name": "A N Other",
                "role": "Director",
                "organisation": "Fictional",
                "date": "2026-03-20",
            }
            for p in partners
        ],
        "rr_completed_date": "2026-03-20",
        "rr_sent_to_panel_date": "2026-03-21",
    }


def test_rapid_review_cannot_be_sent_without_three_signoffs(forms: FormSet) -> None:
    form = forms["rapid_review"]
    assert form.validate(rapid_review(3)) == []
    issues = form.validate(rapid_review(2))
    assert messages(issues) == [
        (
            "rr_sent_to_panel_date",
            "error",
            "Date sent to the Panel is set, but the LA, Police and ICB "
            "have not all signed off yet.",
        )
    ]


def test_a_partner_cannot_sign_off_twice(forms: FormSet) -> None:
    values = rapid_review(3)
    values["signoffs"][2]["partner"] = "LA"  # type: ignore[index]
    paths = [i.path for i in forms["rapid_review"].validate(values)]
    assert paths == ["signoffs", "rr_sent_to_panel_date"]


def review(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "review_type": "LCSPR",
        "statutory": "Yes",
        "lcspr_decision_date": "2026-01-10",
        "decision_rationale": "Fictional.",
        "reg11_criteria": ["Reg 11(b): recurrent themes"],
        "purpose": "Fictional.",
        "scope_from": "2025-01-01",
        "scope_to": "2026-01-01",
        "agencies_in_scope": ["Police", "Housing"],
        "lines_of_enquiry": [{"question": "Fictional?"}],
        "reviewers": [{"name": "Rev Iewer"}],
        "method": "Practitioner review",
    }
    values.update(changes)
    return values


def test_review_rules(forms: FormSet) -> None:
    form = forms["review"]
    assert form.validate(review()) == []
    assert messages(form.validate(review(statutory="No"))) == [
        ("statutory", "error", "Statutory review must be Yes for an LCSPR.")
    ]
    published = review(
        published_date="2026-09-01",
        publication_decision="Full report",
        publication_location="https://example.invalid/report",
        anonymisation_checked="Yes",
        summary_of_improvements="Fictional.",
        systemic_analysis="Fictional.",
        reviewer_name="Rev Iewer",
    )
    assert messages(form.validate(published)) == [
        ("late_reason", "error", "Why the review took longer than 6 months is required.")
    ]
    assert form.validate({**published, "late_reason": "Criminal trial."}) == []
    on_time = {**published, "published_date": "2026-07-10"}
    assert form.validate(on_time) == []
    # Asked only of a late review: not of one on time, nor before publication.
    late_reason = form.field("late_reason")
    assert late_reason.is_visible(published)
    assert not late_reason.is_visible(on_time)
    assert not late_reason.is_visible(review())
    unchecked = {**on_time, "anonymisation_checked": "No"}
    assert [i.path for i in form.validate(unchecked)] == ["published_date"]
    missing = {**on_time, "reviewer_name": None, "publication_decision": "Not published"}
    assert [i.path for i in form.validate(missing)] == ["reviewer_name", "publication_reasons"]


def test_review_method_choices_come_from_the_review_methods_list(forms: FormSet) -> None:
    method = forms["review"].field("method")
    assert method.choice_list == "review_methods"
    assert method.choices == forms.choice_lists["review_methods"]
    assert "Bespoke method" not in method.choices
    assert [i.path for i in forms["review"].validate(review(method="Bespoke method"))] == ["method"]


def test_agency_report_recommendations_only_at_lcspr_depth(forms: FormSet) -> None:
    form = forms["agency_report"]
    shown = {f.id for f in form.visible_fields({"depth": "Rapid review"})}
    assert "proposed_recommendations" not in shown
    assert "proposed_recommendations" in {f.id for f in form.visible_fields({"depth": "LCSPR"})}
    assert form.initial_values(dt.date(2026, 4, 1))["date_requested"] == "2026-04-01"


def test_recommendation_status_rules(forms: FormSet) -> None:
    form = forms["recommendation"]
    values = {
        "id": "CSPR-2026-004-R1-A1",
        "number": 1,
        "text": "Fictional recommendation.",
        "action_number": 1,
        "action": "Fictional action.",
        "scope": "Multi-agency",
        "lead_agency": "Police",
        "lead_officer": "Head of safeguarding",
        "target_date": "2026-12-31",
        "impact_measure": "Audit.",
        "status": "Closed – impact evidenced",
        "evidence": "Audit report.",
        "date_completed": "2026-06-01",
    }
    assert messages(form.validate(values)) == [
        ("impact_evidence", "error", "Evidence of impact is required.")
    ]
    values["impact_evidence"] = "Re-audit shows change."
    assert form.validate(values) == []
    values["updates"] = [{"quarter": "2026-Q1", "date": "2026-06-01", "narrative": "x"}]
    assert messages(form.validate(values)) == [
        ("updates[0].updated_by", "error", "Updated by is required.")
    ]


def _label_stem(form: Form, path: str) -> str:
    return form.field(path).label.split(" (")[0].lower()


def test_every_constraint_message_names_its_field(forms: FormSet) -> None:
    worded_differently = {("referral", "ack_not_cp_referral")}
    for form in forms.values():
        for top in form.fields:
            for item in top.walk():
                if (form.id, item.path) in worded_differently:
                    continue
                for constraint in item.constraints:
                    assert _label_stem(form, item.path) in constraint.message.lower(), (
                        form.id,
                        item.path,
                        constraint.message,
                    )


def test_random_answers_never_crash_validation(forms: FormSet) -> None:
    """A seeded fuzz over every shipped form: any answer gives issues, never an exception."""
    import random

    samples = [
        None, "", "Yes", "No", "Died", "2026-02-31", "2026-03-01", "31/02/2026", 0, -1, 1.5,
        float("nan"), True, [], ["Police"], [None], [{}], [{"dob": 5}], {"x": 1}, "x" * 600,
    ]  # fmt: skip
    rng = random.Random(7)
    for form in forms.values():
        paths = [f for top in form.fields for f in top.walk() if f.is_input]
        for _ in range(60):
            values: dict[str, object] = {}
            for item in paths:
                if item.parent is None and rng.random() < 0.7:
                    values[item.id] = rng.choice(samples)
                elif item.parent is not None and rng.random() < 0.3:
                    row = {sub.id: rng.choice(samples) for sub in item.parent.fields}
                    values[item.parent.id] = [row, rng.choice(samples)]
            for finishing in (True, False):
                issues = form.validate(values, finishing=finishing)
                assert all(i.severity in ("error", "warning") and i.message for i in issues)


def test_the_reference_lists_every_relied_on_field() -> None:
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "form-templates.md").read_text(encoding="utf-8")
    section = doc.split("## Fields the code relies on", 1)[1]
    for form_id, relied in RELIED_ON_FIELDS.items():
        line = next(line for line in section.splitlines() if line.startswith(f"- **{form_id}**"))
        for path in relied:
            assert f"`{path.rsplit('.', 1)[-1]}`" in line, (form_id, path)


def test_every_relied_on_field_is_read_by_the_code() -> None:
    """A field listed as relied on is named in code outside the templates and the demo's
    data (which only writes answers): the reports draw every field from the templates, so
    a field that only a report shows must not hold a partnership's override back."""
    import re
    from pathlib import Path

    package = Path(__file__).parents[2] / "cspr_tui"
    skip = {"relied_on.py", "demo.py", "demo_stories.py"}
    code = "\n".join(
        p.read_text(encoding="utf-8") for p in package.rglob("*.py") if p.name not in skip
    )
    for form_id, relied in RELIED_ON_FIELDS.items():
        for path in relied:
            name = path.rsplit(".", 1)[-1]
            assert re.search(rf"[\"']{re.escape(name)}[\"']", code), (form_id, path)
