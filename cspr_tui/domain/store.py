"""The case store: the one API both front doors use to read and change cases.

Each operation is a unit of work (domain/unit_of_work.py): `with store.change(ref, action,
reason) as case:` hands out a private copy of the case, and when the block ends the case
document AND its audit entry are written in one vault transaction (nothing is written if
the block raises). Reading is the read model's (domain/read_model.py: cases, summaries,
search, deadlines). The rules live in pure modules over `Case` that the methods below call
inside such a block: case_details.py, form_record.py, stage_change.py, people.py,
agency_report.py, recommendation.py and completion.py; storable.py refuses what the vault
cannot hold.

Objects returned by `list_cases` and `query` are the read model's shared snapshots: treat
them as read-only. `get` returns a private copy. Change cases only through the store.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from copy import deepcopy
from datetime import UTC, date, datetime
from typing import Any, Unpack

from cspr_tui.domain import (
    agency_report,
    audit,
    case_details,
    form_mapping,
    form_record,
    import_plan,
    people,
    recommendation,
    stage_change,
    workflow,
)
from cspr_tui.domain.case import (
    AgencyReportRequest,
    Case,
    Person,
    Recommendation,
    RecommendationStatus,
    RedactionDecision,
)
from cspr_tui.domain.case_json import plain_json
from cspr_tui.domain.quarter import Quarter, quarter_of
from cspr_tui.domain.read_model import CaseNotFound, CaseSummary
from cspr_tui.domain.stamp import Stamp
from cspr_tui.domain.storable import need_reason, require_storable
from cspr_tui.domain.unit_of_work import UnitOfWork, VaultLike, serialised
from cspr_tui.errors import UsageError
from cspr_tui.forms.model import Form, Issue
from cspr_tui.settings import Settings

__all__ = ["CaseNotFound", "CaseStore", "CaseSummary", "VaultLike"]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class CaseStore(UnitOfWork):
    """Cases in an open vault: the read model, and every change a unit of work with its
    audit entry (domain/unit_of_work.py), its rules in the modules named above."""

    def __init__(
        self,
        vault: VaultLike,
        settings: Settings,
        forms: Mapping[str, Form],
        actor: str = "",
        *,
        clock: Callable[[], date] | None = None,
    ) -> None:
        super().__init__(vault, settings, actor, clock or date.today)
        self.forms = forms

    def stamp(self) -> Stamp:
        """Who and when, for the rule modules: the store's actor and clock."""
        return Stamp(self.actor, self.today(), _now())

    # -- cases ------------------------------------------------------------------------
    @serialised
    def create_case(
        self,
        *,
        pseudonym: str | None = None,
        ref: str | None = None,
        agencies: Iterable[str] = (),
        notes: str = "",
        year: int | None = None,
    ) -> Case:
        """A new case at "Referral received", with a generated reference and pseudonym."""
        if ref is not None:
            case_details.check_new_ref(ref, self.cases())
        pseudonym = (pseudonym or "").strip() or self.next_pseudonym()
        case = case_details.new_case(
            ref or self.next_ref(year), pseudonym, self.stamp(), agencies=agencies, notes=notes
        )
        return self.commit("case created", None, case)

    def update_case(self, ref: str, changes: Mapping[str, Any], reason: str = "") -> Case:
        """Change the pseudonym, review method, agencies or notes of a case."""
        case_details.check_detail_names(changes)
        with self.change(ref, "case updated", reason) as case:
            case_details.apply_details(case, changes)
        return case

    def _form(self, form_id: str) -> Form:
        try:
            return self.forms[form_id]
        except KeyError:
            raise UsageError(f"there is no form called {form_id!r}.") from None

    @serialised
    def save_record(
        self,
        ref: str,
        form_id: str,
        values: Mapping[str, Any],
        *,
        finish: bool = False,
        current_section: str | None = None,
        agency: str | None = None,
    ) -> list[Issue]:
        """Save a form's answers as a draft (may be incomplete) or finished record, judged
        by domain/form_record.py (ValidationFailed carries the structured issues). Returns
        the warnings (which never block). Agency reports are kept one per agency: `agency`
        (or the answers' own Agency) says whose report it is."""
        form = self._form(form_id)
        plain = form_record.checked_answers(form, values)
        cached = self.entry(ref).case
        key = form_record.record_key(cached, form_id, plain, agency)
        version, warnings = form_record.judge(
            form, cached, key, plain, finish=finish, today=self.today()
        )
        with self.change(ref, f"{key} {'finished' if finish else 'draft saved'}") as case:
            form_record.put_record(
                case, self.stamp(), key, form_id, version, plain, finish, current_section
            )
        return warnings

    # -- workflow (domain/stage_change.py) ---------------------------------------------
    @serialised
    def advance(self, ref: str, reason: str = "", *, override: bool = False) -> Case:
        """Move the case to its next stage, or raise TransitionRefused naming what is missing.
        `override` accepts a late Panel/SoS copy (T8) and needs a reason, recorded."""
        before = self.entry(ref).case
        case = self.entry(ref).private_case()
        review = int(self.forms["review"].version)
        target, reason = stage_change.advance(
            case, self.stamp(), self.settings, self.calendar, review, reason, override
        )
        return self.commit(f"stage: {before.stage.label} -> {target.label}", before, case, reason)

    def pause(self, ref: str, reason: str, *, start: date | None = None) -> Case:
        """Pause or defer the whole case (every clock stops), from any open stage."""
        with self.change(ref, "case paused", reason.strip()) as case:
            stage_change.pause(case, self.stamp(), reason, start)
        return case

    @serialised
    def defer_publication(
        self, ref: str, proceedings: str, details: str = "", *, start: date | None = None
    ) -> Case:
        """Pause a review while parallel proceedings (a criminal trial, an inquest, family
        court) run: the case reads "Publication deferred pending proceedings" until `resume`."""
        reason = workflow.deferral_reason(proceedings, details)
        stage_change.check_deferrable(self.entry(ref).case)
        return self.pause(ref, reason, start=start)

    def resume(self, ref: str, reason: str = "", *, end: date | None = None) -> Case:
        """End the case's pause and return it to the stage it left."""
        with self.change(ref, "case resumed", reason) as case:
            stage_change.resume(case, self.stamp(), reason, end)
        return case

    def override_deadline(self, ref: str, rule: str, due_date: date | str, reason: str) -> Case:
        """Replace one deadline's due date, recording who and why."""
        with self.change(ref, f"deadline {rule} overridden", reason.strip()) as case:
            stage_change.override_deadline(case, self.stamp(), rule, due_date, reason)
        return case

    def pause_deadline(
        self, ref: str, rule: str, reason: str, *, start: date | None = None
    ) -> Case:
        """Stop one deadline's clock (e.g. pending a criminal trial), with its reason."""
        with self.change(ref, f"deadline {rule} paused", reason.strip()) as case:
            stage_change.pause_deadline(case, self.stamp(), rule, reason, start)
        return case

    def resume_deadline(
        self, ref: str, rule: str, reason: str = "", *, end: date | None = None
    ) -> Case:
        with self.change(ref, f"deadline {rule} resumed", reason) as case:
            stage_change.resume_deadline(case, self.stamp(), rule, end)
        return case

    # -- people (pseudonym key; domain/people.py) --------------------------------------------
    def add_person(self, ref: str, person: Person) -> Case:
        """Add a line to the pseudonym key (real name and the pseudonym replacing it)."""
        with self.change(ref, "pseudonym key: person added") as case:
            people.add_person(case, person)
        return case

    def update_person(self, ref: str, index: int, person: Person, reason: str = "") -> Case:
        with self.change(ref, "pseudonym key: person changed", reason) as case:
            people.replace_person(case, index, person)
        return case

    def remove_person(self, ref: str, index: int, reason: str) -> Case:
        reason = need_reason(reason, "Removing a person from the pseudonym key")
        with self.change(ref, "pseudonym key: person removed", reason) as case:
            people.remove_person(case, index)
        return case

    @serialised
    def record_redaction_decisions(self, ref: str, decisions: list[RedactionDecision]) -> Case:
        """Keep reviewers' decisions on redaction findings, all in one audited change."""
        before = self.entry(ref).case
        case = self.entry(ref).private_case()
        summary = people.record_decisions(case, decisions, self.stamp())
        return self.commit("redaction decisions recorded", before, case, summary)

    # -- agency information reports (domain/agency_report.py) -------------------------------
    def request_agency_report(self, ref: str, request: AgencyReportRequest) -> Case:
        """Record that an agency was asked for its information report (one per agency)."""
        with self.change(ref, f"agency report requested: {request.agency.strip()}") as case:
            agency_report.request_report(case, request)
        return case

    def _agency_named(self, ref: str, agency: str) -> str:
        """The agency as the case's request spells it (else as given, trimmed)."""
        found = agency_report.find(self.entry(ref).case, agency)
        return found.agency if found is not None else agency.strip()

    @serialised
    def update_agency_report(
        self, ref: str, agency: str, changes: Mapping[str, Any], reason: str = ""
    ) -> Case:
        name = self._agency_named(ref, agency)
        with self.change(ref, f"agency report updated: {name}", reason) as case:
            agency_report.update_report(case, agency, changes)
        return case

    @serialised
    def record_agency_report_sent(
        self, ref: str, agency: str, *, token: str, version: int, sent: date | None = None
    ) -> Case:
        """The fillable report went out: its token, version and date, kept with the request."""
        name = self._agency_named(ref, agency)
        with self.change(ref, f"agency report sent: {name}") as case:
            day = sent or self.today()
            agency_report.mark_sent(case, agency, token=token, version=version, day=day)
        return case

    @serialised
    def receive_agency_return(
        self,
        ref: str,
        agency: str,
        values: Mapping[str, Any],
        *,
        source: str = "",
        complete: bool = True,
    ) -> Case:
        """Store a completed return as the agency's report (the previous one stays in the
        audit trail's old values) and mark the request returned, in one audited change.

        The answers must pass the agency report template in full (agency_report.judge_return
        applies the rules that judged the document again); `complete=False` is a part return
        (the Excel chronology on its own): judged as a draft, and the request stays open.
        """
        form_id = form_mapping.AGENCY_REPORT_FORM
        form = self._form(form_id)
        plain = form_record.checked_answers(form, values)
        finished = agency_report.judge_return(
            form, plain, agency=agency, complete=complete, today=self.today()
        )
        key = form_record.record_key(self.entry(ref).case, form_id, plain, agency)
        why = f"returned report read from {source}" if source else "returned report"
        with self.change(ref, f"agency report returned: {agency}", why) as case:
            agency_report.store_return(
                case, self.stamp(), agency, key, int(form.version), plain, finished, complete
            )
        return case

    # -- recommendations (domain/recommendation.py) ---------------------------------------
    @serialised
    def add_recommendation(
        self, ref: str, *, text: str, **details: Unpack[recommendation.RecommendationDetails]
    ) -> Recommendation:
        """Add one action under a recommendation; its id is <ref>-R<number>-A<action>."""
        before = self.entry(ref).case
        case = self.entry(ref).private_case()
        rec = recommendation.add_recommendation(case, self.stamp(), text=text, **details)
        self.commit(f"recommendation added: {rec.id}", before, case)
        return deepcopy(rec)

    def update_recommendation(
        self, ref: str, rec_id: str, changes: Mapping[str, Any], reason: str = ""
    ) -> Recommendation:
        """Change a recommendation; pausing, not accepting, superseding, overriding the RAG
        and revising the target date each need a reason (refused without)."""
        unknown = sorted(set(changes) - recommendation.EDITABLE_FIELDS)
        if unknown:
            raise UsageError(f"a recommendation has no editable field {', '.join(unknown)}.")
        require_storable(
            plain_json({**changes, "reason": reason}),
            lambda where: f"{rec_id}: {where.replace('_', ' ')}",
        )
        with self.change(ref, f"recommendation updated: {rec_id}", reason) as case:
            rec = recommendation.find(case, rec_id)
            recommendation.apply_changes(rec, changes, reason, self.stamp())
        return deepcopy(rec)

    @serialised
    def add_quarterly_update(
        self,
        ref: str,
        rec_id: str,
        narrative: str,
        status_after: RecommendationStatus | str,
        *,
        quarter: str | None = None,
        on: date | None = None,
        **details: Unpack[recommendation.QuarterlyDetails],
    ) -> Recommendation:
        """Append this quarter's update to the log and move the status (reason rules apply)."""
        day = on or self.today()
        code = Quarter.parse(quarter).code if quarter else quarter_of(day).code
        reason = str(details.get("reason") or "")
        with self.change(ref, f"quarterly update {code}: {rec_id}", reason) as case:
            rec = recommendation.find(case, rec_id)
            stamp = self.stamp()
            recommendation.add_quarterly_update(
                rec, stamp, code, day, narrative, status_after, **details
            )
        return deepcopy(rec)

    # -- exports and imports ---------------------------------------------------------------
    @serialised
    def record_export(
        self,
        kind: str,
        ref: str | None,
        path: str,
        redacted: bool,
        details: str = "",
        *,
        sent: Mapping[str, Any] | None = None,
    ) -> None:
        """Put an export (a plaintext file leaving the vault) in the audit trail.

        `sent` (agency, token, version) also marks that agency's request as sent, in the
        same transaction: a fillable report and the token that matches its return are
        recorded together or not at all.
        """
        changes = audit.export_changes(kind, path, redacted, details)

        def entry() -> None:
            audit.append_entry(
                self.db, who=self.actor, action=f"exported {kind}", ref=ref, changes=changes
            )

        if sent is None or ref is None:
            with self.transaction():
                entry()
            return
        agency = str(sent["agency"])
        action = f"agency report sent: {self._agency_named(ref, agency)}"
        with self.change(ref, action, also=entry) as case:
            token, version = str(sent["token"]), int(sent["version"])
            agency_report.mark_sent(case, agency, token=token, version=version, day=self.today())

    @serialised
    def import_cases(
        self,
        cases: Iterable[Case],
        *,
        source: str = "",
        progress: Callable[[str, int, int], None] | None = None,
    ) -> tuple[int, int]:
        """Add new cases and replace existing ones, all in one transaction (audited).

        Returns (added, updated). Nothing is written when anything fails. Cases and audit
        entries are written in bulk, so importing thousands of cases stays quick. With
        `progress`, the save tells how it goes: ("preparing", cases, total) as each case's
        document and audit entry are built, then the steps of `save_progress`.
        """
        cached = self.cases()
        stored = lambda ref: cached[ref].case if ref in cached else None  # noqa: E731
        planned = None if progress is None else functools.partial(progress, "preparing")
        plan = import_plan.plan_import(
            cases, stored, who=self.actor, source=source, progress=planned
        )
        with self.save_progress(progress):
            self.commit_import(plan)
        return len(plan.new_docs), len(plan.replacements)
