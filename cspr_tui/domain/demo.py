"""A demonstration vault: a dozen fictional cases at every stage, built through the store.

Everything is invented (see `demo_stories`): the partnership and its area (Examplebury),
and the people, named with placeholder surnames (Example, Sample, Specimen...) so nobody
could mistake them for real families. Each case tells one story: the agencies that knew
the child, what the review found and what those agencies were asked to do. Dates are set
relative to `today`, so the demo always shows overdue, due-soon and on-track deadlines.
Because every case is built through the `CaseStore` API, the demo obeys each rule a
reviewer's own data must obey.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from cspr_tui.domain.calendar import add_months, calendar_from_settings
from cspr_tui.domain.case import AgencyReportRequest, Person, PersonKind, RecommendationStatus
from cspr_tui.domain.demo_stories import (
    CHILDREN,
    DEMO_AREA,
    DEMO_PARTNERSHIP,
    REFERRER_TITLES,
    Child,
)
from cspr_tui.domain.store import CaseStore
from cspr_tui.settings import Settings

__all__ = [
    "CHILDREN",
    "DEMO_AREA",
    "DEMO_PARTNERSHIP",
    "DEMO_PASSPHRASE",
    "DEMO_REVIEWER",
    "build_demo_cases",
    "create_demo_vault",
]

DEMO_PASSPHRASE = "demo"
DEMO_REVIEWER = "Demo Reviewer (fictional)"

S = RecommendationStatus


class _Clock:
    """The store's idea of today while the demo replays months of work in a moment."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


_BY_PSEUDONYM = {child.pseudonym: child for child in CHILDREN}


def create_demo_vault(
    path: Path | str, passphrase: str = DEMO_PASSPHRASE, today: date | None = None
) -> Path:
    """Create a new vault at `path` filled with the demo cases; refuses to overwrite."""
    from cspr_tui.forms import load_forms
    from cspr_tui.vault import create_vault

    settings = Settings(reviewer_name=DEMO_REVIEWER)
    forms = load_forms(settings=settings)
    vault = create_vault(Path(path), passphrase)
    try:
        with vault.transaction():  # one durable save for the whole demo
            build_demo_cases(CaseStore(vault, settings, forms, DEMO_REVIEWER), today)
    finally:
        vault.close()
    return Path(path)


class _Builder:
    """Replays each fictional case's history through the store, day by day."""

    def __init__(self, store: CaseStore, today: date) -> None:
        self.store = store
        self.today = today
        self.clock = _Clock(today)
        store._clock = self.clock  # the demo moves the store's clock as it replays
        self.cal = calendar_from_settings(store.settings)

    def wd_before(self, n: int, day: date | None = None) -> date:
        return self.cal.subtract_working_days(day or self.today, n)

    def wd_after(self, day: date, n: int) -> date:
        return self.cal.add_working_days(day, n)

    def at(self, day: date) -> _Builder:
        self.clock.day = min(day, self.today)
        return self

    # -- stage by stage ---------------------------------------------------------------
    def referral(self, child: Child, incident: date, *, finish: bool = True) -> str:
        dob = incident - timedelta(days=365 * child.age_years + 120)
        aware = incident + timedelta(days=1)
        referral_date = aware + timedelta(days=1)
        self.at(referral_date)
        case = self.store.create_case(pseudonym=child.pseudonym, agencies=child.agencies)
        for name, pseudonym, role, kind in (
            (f"{child.first} {child.surname}", child.pseudonym, "Subject child", PersonKind.CHILD),
            (child.mother, "Mother", "Mother", PersonKind.FAMILY),
            (child.father, "Father", "Father", PersonKind.FAMILY),
            (
                f"Alex {child.surname}-Worker",
                "Practitioner 1",
                "Lead practitioner",
                PersonKind.PRACTITIONER,
            ),
        ):
            self.store.add_person(case.ref, Person(name, pseudonym, role, kind))
        child_row: dict[str, Any] = {
            "name": f"{child.first} {child.surname}",
            "dob": dob.isoformat(),
            "sex": child.sex,
            "address": f"{10 + len(child.first)} Example Street, Sampletown",
            "la_of_residence": DEMO_AREA,
            "legal_status": ["Child in need"] if child.age_years % 2 else ["None"],
        }
        if child.outcome == "Died":
            child_row["date_of_death"] = incident.isoformat()
        values: dict[str, Any] = {
            "ack_not_cp_referral": "Yes",
            "discussed_with_lead": "Yes",
            "lead_name": "Pat Sample",
            "lead_title": "Designated safeguarding lead",
            "lead_contact": "pat.sample@example.invalid",
            "referrer_name": "Sam Example",
            "referrer_job_title": REFERRER_TITLES.get(child.agencies[0], "Safeguarding lead"),
            "referrer_agency": child.agencies[0],
            "referrer_email": "sam.example@example.invalid",
            "referral_date": referral_date.isoformat(),
            "referrer_confirmation": "Sam Example",
            "children": [child_row],
            "incident_date": incident.isoformat(),
            "aware_date": aware.isoformat(),
            "incident_location": "In this local authority area",
            "outcome": child.outcome,
            "abuse_neglect": "Suspected",
            "harm_types": child.harm,
            "incident_description": child.story,
            "family": [
                {"name": child.mother, "relationship": "Mother"},
                {"name": child.father, "relationship": "Father"},
            ],
            "agencies": [{"agency": a, "still_involved": "Yes"} for a in child.agencies],
            "criteria": [
                "Serious child safeguarding case (abuse or neglect known or suspected; child "
                "died or seriously harmed)",
                "Reg 11(c): concerns about two or more agencies working together",
            ],
            "rationale": "Several agencies knew the family and there are early signs that "
            "information was not shared; the case may show improvements needed.",
            "chronology": [
                {"date": incident.isoformat(), "event": "Incident; emergency services called."}
            ],
        }
        if child.outcome == "Died":
            values["lac_death"] = "No"
        self.store.save_record(case.ref, "referral", values, finish=finish)
        return case.ref

    def screen(self, ref: str, decision: str, *, advance_first: bool = True) -> None:
        case = self.store.get(ref)
        received = date.fromisoformat(case.value("referral", "referral_date"))
        considered = self.wd_after(received, 1)
        self.at(considered)
        if advance_first:
            self.store.advance(ref)
        self.store.save_record(
            ref,
            "screening",
            {
                "date_received": received.isoformat(),
                "date_considered": considered.isoformat(),
                "considered_by": "Case review group",
                "decision": decision,
                "rationale": "The group agreed the criteria appear to be met: the child was "
                "seriously harmed and abuse or neglect is suspected.",
            },
            finish=True,
        )

    def notify(self, ref: str, sin_submitted: date | None = None) -> None:
        case = self.store.get(ref)
        aware = date.fromisoformat(case.value("referral", "aware_date"))
        sin_submitted = sin_submitted or self.wd_after(aware, 2)
        self.at(sin_submitted)
        self.store.save_record(
            ref,
            "notification",
            {
                "la_aware_date": aware.isoformat(),
                "sin_submitted_date": sin_submitted.isoformat(),
                "sin_reference": f"SIN-{ref[5:]}",
                "ofsted_dfe_notified": "Yes",
                "notifying_la": DEMO_AREA,
                "resident_la": DEMO_AREA,
                "lead_partnership": DEMO_PARTNERSHIP,
            },
            finish=True,
        )
        self.store.advance(ref)  # screening -> notified

    def rapid_review(
        self,
        ref: str,
        child: Child,
        *,
        decision: str,
        finish: bool,
        signed: int = 3,
        panel_reply: bool = True,
    ) -> None:
        case = self.store.get(ref)
        sin = date.fromisoformat(case.value("notification", "sin_submitted_date"))
        start = self.wd_after(sin, 1)
        self.at(start)
        self.store.advance(ref)  # notified -> rapid review
        for agency in child.agencies:
            self.store.request_agency_report(
                ref,
                AgencyReportRequest(
                    agency,
                    author=f"{agency} safeguarding lead",
                    requested_date=start,
                    due_date=self.wd_after(start, 8),
                    received_date=self.wd_after(start, 7) if finish else None,
                ),
            )
        completed = self.wd_after(sin, 14)
        values: dict[str, Any] = {
            "rr_reference": f"RR-{ref[5:]}",
            "partners_aware_date": case.value("referral", "aware_date"),
            "rr_start_date": start.isoformat(),
            "agency_involvement": [
                {"agency": a, "involved": "Yes", "summary": "Regular contact with the family."}
                for a in child.agencies
            ],
            "key_practice_episodes": [
                {
                    "period": child.episode[0],
                    "what_happened": child.episode[1],
                    "analysis": "Practitioners were unclear about thresholds and each assumed "
                    "another agency was leading.",
                }
            ],
            "lived_experience": f"{child.pseudonym}'s daily life was shaped by instability at "
            "home; professionals rarely spoke to the child alone.",
            "equality_analysis": "The family's circumstances and any barriers to services were "
            "considered; no assumption was made about culture.",
            "learning": [{"point": child.learning[0], "theme": child.learning[1]}],
            "immediate_actions": [
                {
                    "action": "Circulate a learning briefing to staff.",
                    "owner": "Partnership business manager",
                    "status": "Done",
                }
            ],
            "decision": decision,
            "decision_rationale": "The partners considered the Regulation 11 criteria and "
            "agreed on this route; the reasons are recorded in the minutes.",
            "national_importance": "No",
        }
        if decision == "LCSPR recommended":
            values["reg11_criteria"] = [
                "Reg 11(a): improvements needed, including ones already identified",
                "Reg 11(c): concerns about two or more agencies working together",
            ]
        if finish:
            partners = [
                ("LA", "Director of children's services"),
                ("Police", "Chief Supt"),
                ("ICB", "Director of nursing"),
            ][:signed]
            values["signoffs"] = [
                {
                    "partner": partner,
                    "name": f"{partner} Signatory (fictional)",
                    "role": role,
                    "organisation": f"{partner} partner",
                    "date": completed.isoformat(),
                }
                for partner, role in partners
            ]
            values["rr_completed_date"] = completed.isoformat()
            values["rr_sent_to_panel_date"] = completed.isoformat()
            replied = completed + timedelta(days=9)
            if panel_reply and replied <= self.today:
                values.update(
                    {
                        "panel_response_date": replied.isoformat(),
                        "panel_agrees": "Yes",
                        "panel_national_review": "No",
                        "panel_comments": "The Panel agrees with the partners' decision.",
                    }
                )
            self.at(completed)
        self.store.save_record(ref, "rapid_review", values, finish=finish)
        if finish:
            self.store.advance(ref)  # rapid review -> decision (sent to the Panel)

    def review(self, ref: str, decided: date, *, review_type: str = "LCSPR") -> None:
        """Decision made on `decided`: the review record starts the six-month clock."""
        self.at(decided)
        statutory = "Yes" if review_type == "LCSPR" else "No"
        case = self.store.get(ref)
        incident = date.fromisoformat(case.value("referral", "incident_date"))
        values: dict[str, Any] = {
            "review_type": review_type,
            "statutory": statutory,
            "decision_rationale": "Agreed by the three safeguarding partners.",
            "purpose": "To understand how agencies worked together and what would improve "
            "practice.",
            "scope_from": (incident - timedelta(days=540)).isoformat(),
            "scope_to": incident.isoformat(),
            "agencies_in_scope": case.agencies or ["Police"],
            "lines_of_enquiry": [
                {"question": "How well was information about risk shared between agencies?"},
                {"question": "How was the child's voice heard?"},
            ],
            "reviewers": [{"name": "Dr Morgan Fictional", "accreditation": "SILP"}],
            "method": "Practitioner review",
        }
        if statutory == "Yes":
            values["lcspr_decision_date"] = decided.isoformat()
            values["reg11_criteria"] = [
                "Reg 11(c): concerns about two or more agencies working together"
            ]
            values["tor_approved_date"] = decided.isoformat()
        self.store.save_record(ref, "review", values)
        self.store.advance(ref)  # decision -> review in progress

    def draft_report(self, ref: str, on: date) -> None:
        self.at(on)
        case = self.store.get(ref)
        child = _BY_PSEUDONYM[case.pseudonym]
        values = dict(case.records["review"].values)
        values.update(
            {
                "findings": [{"finding": finding} for finding in child.findings],
                "summary_of_improvements": child.improvements,
                "systemic_analysis": "Thresholds were understood differently across agencies, "
                "and high caseloads meant that practitioners rarely had time to reflect.",
                "reviewer_name": "Dr Morgan Fictional",
            }
        )
        self.store.save_record(ref, "review", values)
        self.store.advance(ref)  # -> report drafted

    def publish(self, ref: str, planned: date, copy_sent: date, published: date | None) -> None:
        values = dict(self.store.get(ref).records["review"].values)
        values.update(
            {
                "publication_decision": "Full report",
                "planned_publication_date": planned.isoformat(),
                "panel_sos_copy_sent_date": copy_sent.isoformat(),
            }
        )
        if published is not None:
            values.update(
                {
                    "published_date": published.isoformat(),
                    "publication_location": "Partnership website, reviews page",
                    "anonymisation_checked": "Yes",
                }
            )
            decided = values.get("lcspr_decision_date")
            if decided and published > add_months(date.fromisoformat(decided), 6):
                values["late_reason"] = "Publication waited for the end of criminal proceedings."
            self.at(published)
        self.store.save_record(ref, "review", values, finish=published is not None)
        if published is not None:
            self.store.advance(ref)  # -> published

    def recommendations(self, ref: str, plans: list[tuple[S, str]]) -> None:
        """Add the child's actions, each given a final status and RAG flavour by `plans`."""
        child = _BY_PSEUDONYM[self.store.get(ref).pseudonym]
        actions = child.actions
        if len(actions) != len(plans):
            raise ValueError(f"{child.pseudonym}: {len(actions)} actions for {len(plans)} plans")
        for (rec, item), (status, flavour) in zip(actions, plans, strict=True):
            created = self.today - timedelta(days=200)
            self.at(created)
            target = {
                "overdue": self.today - timedelta(days=40),
                "soon": self.today + timedelta(days=20),
                "later": self.today + timedelta(days=150),
                "past": self.today - timedelta(days=60),
            }.get(flavour, self.today + timedelta(days=120))
            added = self.store.add_recommendation(
                ref,
                text=rec.text,
                action=item.action,
                lead_agency=item.agency,
                lead_officer=item.officer,
                target_date=target,
                theme_tags=list(rec.themes),
                impact_measure="A dip-sample audit shows the change in at least 8 of 10 cases.",
                scope="Multi-agency"
                if len({a.agency for a in rec.actions}) > 1
                else "Single-agency",
            )
            self._progress(ref, added.id, status, flavour)

    def _progress(self, ref: str, rec_id: str, status: S, flavour: str) -> None:
        store = self.store
        first = self.today - timedelta(days=150)
        last_quarter = self.today - timedelta(days=95)
        recent = self.today - timedelta(days=5)
        if status == S.NOT_STARTED:
            return
        if flavour == "revised" or flavour == "revised twice":
            self.at(first)
            store.update_recommendation(
                ref,
                rec_id,
                {"revised_target_date": self.today + timedelta(days=25)},
                reason="The lead officer changed and the new one needs time to take it on.",
            )
            if flavour == "revised twice":
                store.update_recommendation(
                    ref,
                    rec_id,
                    {"revised_target_date": self.today + timedelta(days=90)},
                    reason="Waiting for the new case recording system.",
                )
        self.at(first)
        store.add_quarterly_update(
            ref,
            rec_id,
            "Work has started; a task and finish group has met twice.",
            S.IN_PROGRESS,
            on=first,
        )
        when = last_quarter if flavour == "stale" else recent
        self.at(when)
        if status == S.IN_PROGRESS:
            store.add_quarterly_update(
                ref,
                rec_id,
                "Training dates are booked; the blocker is staff release."
                if flavour == "barrier"
                else "Good progress: the draft guidance is out for consultation.",
                S.IN_PROGRESS,
                on=when,
                barrier=flavour == "barrier",
            )
        elif status == S.COMPLETED_AWAITING_EVIDENCE:
            store.add_quarterly_update(
                ref,
                rec_id,
                "The new procedure is live; evidence will follow the audit.",
                status,
                on=when,
            )
        elif status in (S.COMPLETED_EVIDENCE_ACCEPTED, S.CLOSED_IMPACT_EVIDENCED):
            store.add_quarterly_update(
                ref,
                rec_id,
                "Completed; the oversight group has seen the evidence.",
                S.COMPLETED_EVIDENCE_ACCEPTED,
                on=when,
                evidence="Procedure v2 (published on the partnership intranet); audit report.",
            )
            if status == S.CLOSED_IMPACT_EVIDENCED:
                store.add_quarterly_update(
                    ref,
                    rec_id,
                    "A re-audit shows the change is embedded in practice.",
                    status,
                    on=when,
                    impact_evidence="Re-audit: 9 of 10 cases show the new practice.",
                )
        elif status in (S.PAUSED, S.NOT_ACCEPTED, S.SUPERSEDED):
            reasons = {
                S.PAUSED: "Paused while the national review on the same topic reports.",
                S.NOT_ACCEPTED: "Partners agreed the existing protocol already covers this.",
                S.SUPERSEDED: "Merged into the partnership's neglect strategy action 4.",
            }
            store.add_quarterly_update(
                ref, rec_id, reasons[status], status, on=when, reason=reasons[status]
            )
        if flavour == "override":
            store.update_recommendation(
                ref,
                rec_id,
                {"rag_override": "Red"},
                reason="The oversight group is not assured by the evidence offered so far.",
            )


# (status, flavour) plans: flavours pick the target date and update pattern behind each RAG.
_MONITORING_PLAN: list[tuple[S, str]] = [
    (S.NOT_STARTED, "later"),
    (S.NOT_STARTED, "overdue"),
    (S.IN_PROGRESS, "later"),
    (S.IN_PROGRESS, "soon"),
    (S.IN_PROGRESS, "overdue"),
    (S.IN_PROGRESS, "revised"),
    (S.IN_PROGRESS, "revised twice"),
    (S.IN_PROGRESS, "barrier"),
    (S.IN_PROGRESS, "stale"),
    (S.IN_PROGRESS, "override"),
    (S.COMPLETED_AWAITING_EVIDENCE, "soon"),
    (S.COMPLETED_EVIDENCE_ACCEPTED, "past"),
    (S.CLOSED_IMPACT_EVIDENCED, "past"),
    (S.SUPERSEDED, "later"),
    (S.PAUSED, "later"),
    (S.NOT_ACCEPTED, "later"),
]
_CLOSED_PLAN: list[tuple[S, str]] = [
    (S.CLOSED_IMPACT_EVIDENCED, "past"),
    (S.CLOSED_IMPACT_EVIDENCED, "past"),
    (S.SUPERSEDED, "past"),
    (S.NOT_ACCEPTED, "past"),
]


def build_demo_cases(store: CaseStore, today: date | None = None) -> list[str]:
    """Fill an (empty) store with the demo cases; returns their references in order."""
    today = today or date.today()
    b = _Builder(store, today)
    c = CHILDREN
    refs: list[str] = []
    notify = "Rapid review (after notification)"
    lcspr = "LCSPR recommended"

    # 1. Referral received, the form still a draft.
    refs.append(b.referral(c[0], b.wd_before(2), finish=False))
    # 2. Screening: referral finished, awaiting the case review group.
    ref = b.referral(c[1], b.wd_before(4))
    b.at(b.wd_before(3))
    store.advance(ref)
    refs.append(ref)
    # 3. Notified, the rapid review clock running and on track.
    ref = b.referral(c[2], b.wd_before(6))
    b.screen(ref, notify)
    b.notify(ref, b.wd_before(3))
    aware = store.get(ref).value("referral", "aware_date")
    store.save_record(
        ref, "rapid_review", {"rr_reference": f"RR-{ref[5:]}", "partners_aware_date": aware}
    )
    refs.append(ref)
    # 4. Rapid review overdue (notification 20 working days ago), sign-offs missing.
    ref = b.referral(c[3], b.wd_before(24))
    b.screen(ref, notify)
    b.notify(ref, b.wd_before(20))
    b.rapid_review(ref, c[3], decision=lcspr, finish=False)
    refs.append(ref)
    # 5. Rapid review due soon (notification 13 working days ago).
    ref = b.referral(c[4], b.wd_before(16))
    b.screen(ref, notify)
    b.notify(ref, b.wd_before(13))
    b.rapid_review(ref, c[4], decision="Other learning review", finish=False)
    refs.append(ref)
    # 6. Decision: the rapid review went to the Panel; the partners decide on an LCSPR.
    ref = b.referral(c[5], b.wd_before(40))
    b.screen(ref, notify)
    b.notify(ref, b.wd_before(36))
    b.rapid_review(ref, c[5], decision=lcspr, finish=True, panel_reply=False)
    refs.append(ref)
    # 7. LCSPR in progress, decided two months ago: on track.
    ref = b.referral(c[6], today - timedelta(days=110))
    b.screen(ref, notify)
    b.notify(ref)
    b.rapid_review(ref, c[6], decision=lcspr, finish=True)
    b.review(ref, today - timedelta(days=60))
    refs.append(ref)
    # 8. LCSPR decided seven months ago and not yet published: overdue.
    ref = b.referral(c[7], today - timedelta(days=270))
    b.screen(ref, notify)
    b.notify(ref)
    b.rapid_review(ref, c[7], decision=lcspr, finish=True)
    b.review(ref, today - timedelta(days=215))
    b.recommendations(ref, [(S.IN_PROGRESS, "soon"), (S.NOT_STARTED, "later")])
    refs.append(ref)
    # 9. Report drafted; publication planned in three weeks, the Panel copy due soon.
    ref = b.referral(c[8], today - timedelta(days=200))
    b.screen(ref, notify)
    b.notify(ref)
    b.rapid_review(ref, c[8], decision=lcspr, finish=True)
    b.review(ref, today - timedelta(days=150))
    b.draft_report(ref, today - timedelta(days=10))
    values = dict(store.get(ref).records["review"].values)
    values.update(
        {
            "publication_decision": "Full report",
            "planned_publication_date": (today + timedelta(days=21)).isoformat(),
        }
    )
    store.save_record(ref, "review", values)
    refs.append(ref)
    # 10. Published last month, recommendations being set up.
    ref = b.referral(c[9], today - timedelta(days=260))
    b.screen(ref, notify)
    b.notify(ref)
    b.rapid_review(ref, c[9], decision=lcspr, finish=True)
    b.review(ref, today - timedelta(days=205))
    b.draft_report(ref, today - timedelta(days=60))
    published = today - timedelta(days=30)
    b.publish(ref, published, b.wd_before(10, published), published)
    b.recommendations(
        ref,
        [
            (S.NOT_STARTED, "later"),
            (S.NOT_STARTED, "soon"),
            (S.NOT_STARTED, "overdue"),
            (S.IN_PROGRESS, "revised"),
            (S.IN_PROGRESS, "barrier"),
            (S.IN_PROGRESS, "override"),
            (S.COMPLETED_AWAITING_EVIDENCE, "soon"),
            (S.PAUSED, "later"),
            (S.IN_PROGRESS, "later"),
            (S.IN_PROGRESS, "stale"),
        ],
    )
    refs.append(ref)
    # 11. Recommendations monitoring: the full range of statuses and RAG ratings.
    ref = b.referral(c[10], today - timedelta(days=500))
    b.screen(ref, notify)
    b.notify(ref)
    b.rapid_review(ref, c[10], decision=lcspr, finish=True)
    b.review(ref, today - timedelta(days=450))
    b.draft_report(ref, today - timedelta(days=300))
    published = today - timedelta(days=280)
    b.publish(ref, published, b.wd_before(9, published), published)
    b.recommendations(ref, _MONITORING_PLAN + _MONITORING_PLAN[2:12])
    b.at(today)
    store.advance(ref)  # -> monitoring
    refs.append(ref)
    # 12. Closed: every recommendation closed, superseded or not accepted.
    ref = b.referral(c[11], today - timedelta(days=720))
    b.screen(ref, notify)
    b.notify(ref)
    b.rapid_review(ref, c[11], decision=lcspr, finish=True)
    b.review(ref, today - timedelta(days=680))
    b.draft_report(ref, today - timedelta(days=520))
    published = today - timedelta(days=500)
    b.publish(ref, published, b.wd_before(8, published), published)
    b.recommendations(ref, _CLOSED_PLAN)
    b.at(today)
    store.advance(ref)  # -> monitoring
    store.advance(ref)  # -> closed
    refs.append(ref)
    # 13. Paused pending a criminal trial, from review in progress.
    ref = b.referral(c[12], today - timedelta(days=160))
    b.screen(ref, notify)
    b.notify(ref)
    b.rapid_review(ref, c[12], decision=lcspr, finish=True)
    b.review(ref, today - timedelta(days=120))
    b.recommendations(ref, [(S.PAUSED, "later"), (S.IN_PROGRESS, "revised")])
    b.at(today - timedelta(days=30))
    store.defer_publication(
        ref,
        "Criminal trial",
        "trial of the father listed for next spring; the police asked that practitioner "
        "interviews wait.",
    )
    refs.append(ref)
    b.at(today)
    return refs
