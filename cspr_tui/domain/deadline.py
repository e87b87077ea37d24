"""Statutory and guidance time limits of a case, worked out from the anchor dates it holds.

Every limit in docs/deadlines.md is a `TimeLimit` with a default, a unit, an anchor and the
source tag of the fact behind it; a partnership changes one through `Settings.time_limits`
(e.g. `{"T4": {"amount": 20}}`) rather than code, because several timescales are recalled
rather than verified [R] and have been relaxed before (T12). Cases store anchor dates,
never computed deadlines (docs/deadlines.md), so a changed setting or calendar moves
every due date at once. The rules are written out in docs/deadlines.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from cspr_tui.domain.calendar import WorkingCalendar, add_months, calendar_from_settings
from cspr_tui.domain.case import Case, DeadlineOverride, ReviewType
from cspr_tui.errors import CsprError
from cspr_tui.forms.dates import DateFormatError, iso_date
from cspr_tui.settings import Settings

UNITS = ("working_days", "calendar_days", "months")
DIRECTIONS = ("after", "before")
RAPID_REVIEW_ANCHORS = ("sin_submitted_date", "la_aware_date")

# Where each anchor or completion date is read, in order of preference: (form id, field id).
# The referral's awareness date stands in for the LA's until the notification records it.
DATE_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "la_aware_date": (("notification", "la_aware_date"), ("referral", "aware_date")),
    "sin_submitted_date": (("notification", "sin_submitted_date"),),
    "partners_aware_date": (("rapid_review", "partners_aware_date"),),
    "rr_completed_date": (("rapid_review", "rr_completed_date"),),
    "rr_sent_to_panel_date": (("rapid_review", "rr_sent_to_panel_date"),),
    "panel_response_date": (("rapid_review", "panel_response_date"),),
    "lcspr_decision_date": (("review", "lcspr_decision_date"),),
    "planned_publication_date": (("review", "planned_publication_date"),),
    "panel_sos_copy_sent_date": (("review", "panel_sos_copy_sent_date"),),
    "published_date": (("review", "published_date"),),
}

FIELD_LABELS: dict[str, str] = {
    "la_aware_date": "the date the LA became aware",
    "sin_submitted_date": "the date the SIN was sent to the Panel",
    "partners_aware_date": "the date the partners were told",
    "rr_completed_date": "the date the rapid review was completed",
    "rr_sent_to_panel_date": "the date the rapid review was sent to the Panel",
    "panel_response_date": "the date of the Panel's response",
    "lcspr_decision_date": "the date of the decision to hold an LCSPR",
    "planned_publication_date": "the planned publication date",
    "panel_sos_copy_sent_date": "the date the report was sent to the Panel and SoS",
    "published_date": "the publication date",
}


@dataclass(frozen=True)
class TimeLimit:
    """One time limit: N units after (or before) an anchor date, met by a completion date.

    `anchor` is a date field id from `DATE_FIELDS`, or another rule's id (T5 runs from the
    rapid review's due date). `minimum` marks a period that must at least pass (T9);
    `informational` one that binds someone else (T6, the Panel's own reply).
    """

    id: str
    label: str
    amount: int
    unit: str
    anchor: str
    direction: str
    source: str
    completed_by: str | None = None
    statutory_only: bool = False
    informational: bool = False
    minimum: bool = False
    enabled: bool = True

    @property
    def describe(self) -> str:
        """The rule in plain words for help text, e.g. "within 5 working days of ..."."""
        unit = self.unit.replace("_", " ")
        if self.amount == 1:
            unit = unit.rstrip("s")
        anchor = FIELD_LABELS.get(self.anchor, f"the {self.anchor} due date")
        if self.direction == "before":
            return f"no later than {self.amount} {unit} before {anchor}"
        if self.minimum:
            return f"at least {self.amount} {unit} from {anchor}"
        if self.amount == 0:
            return f"by {anchor}"
        return f"within {self.amount} {unit} of {anchor}"


DEFAULT_TIME_LIMITS: dict[str, TimeLimit] = {
    limit.id: limit
    for limit in (
        TimeLimit(
            id="T1",
            label="Serious incident notification to the Panel",
            amount=5,
            unit="working_days",
            anchor="la_aware_date",
            direction="after",
            source="[V] S2, S3, S17; duty stated in a partnership's brief [V] S1",
            completed_by="sin_submitted_date",
        ),
        TimeLimit(
            id="T2",
            label="Incident reported to the safeguarding partners",
            amount=5,
            unit="working_days",
            anchor="la_aware_date",
            direction="after",
            source="[V] S2, S3, S17",
            completed_by="partners_aware_date",
        ),
        TimeLimit(
            id="T4",
            label="Rapid review completed",
            amount=15,
            unit="working_days",
            anchor="sin_submitted_date",  # replaced by Settings.rapid_review_anchor
            direction="after",
            source=(
                "[V] S4, S5, S7, S12, S18, S65; anchor varies by source (S4 awareness, "
                "S5 SIN date); non-statutory expectation per S8"
            ),
            completed_by="rr_completed_date",
        ),
        TimeLimit(
            id="T5",
            label="Rapid review sent to the Panel",
            amount=0,
            unit="working_days",
            anchor="T4",
            direction="after",
            source="[V] S4 (as soon as the rapid review is complete)",
            completed_by="rr_sent_to_panel_date",
        ),
        TimeLimit(
            id="T6",
            label="Panel's response to the rapid review (expected)",
            amount=10,
            unit="calendar_days",
            anchor="rr_sent_to_panel_date",
            direction="after",
            source="[V] S12 (one partnership; unit not stated); informational [I]",
            completed_by="panel_response_date",
            informational=True,
        ),
        TimeLimit(
            id="T7",
            label="LCSPR completed and published",
            amount=6,
            unit="months",
            anchor="lcspr_decision_date",
            direction="after",
            source="[V] S8, S60",
            completed_by="published_date",
            statutory_only=True,
        ),
        TimeLimit(
            id="T8",
            label="Final report sent to the Panel and the Secretary of State",
            amount=7,
            unit="working_days",
            anchor="planned_publication_date",
            direction="before",
            source="[R] WT 2018 / WT 2023; advance notice confirmed by S8 [V]",
            completed_by="panel_sos_copy_sent_date",
            statutory_only=True,
        ),
        TimeLimit(
            id="T9",
            label="Published report kept available",
            amount=12,
            unit="months",
            anchor="published_date",
            direction="after",
            source="partnership brief; [V] S22, S23",
            minimum=True,
        ),
    )
}

_OVERRIDABLE = {"amount", "unit", "label", "enabled"}


class DeadlineStatus(StrEnum):
    ON_TRACK = "on track"
    DUE_SOON = "due soon"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met late"
    PAUSED = "paused"
    NOT_STARTED = "not started"
    # Past the expected date of someone else's step (T6, the Panel's reply): chase, not late.
    AWAITED = "awaited"

    @property
    def label(self) -> str:
        return self.value.capitalize()


OPEN_STATUSES = frozenset(
    {
        DeadlineStatus.ON_TRACK,
        DeadlineStatus.DUE_SOON,
        DeadlineStatus.OVERDUE,
        DeadlineStatus.PAUSED,
        DeadlineStatus.AWAITED,
    }
)


@dataclass
class Deadline:
    """One time limit as it stands for one case on one day.

    `due` is None only while the deadline has not started (its anchor is not recorded).
    `days_left` counts working days to `due` (0 on the day, negative once overdue: at least
    -1 the day after); it is None for a met or unstarted deadline.
    """

    rule: str
    label: str
    due: date | None
    status: DeadlineStatus
    anchor_date: date | None = None
    met_on: date | None = None
    days_left: int | None = None
    note: str = ""
    alternative_due: date | None = None
    case_ref: str = ""
    source: str = ""
    informational: bool = False
    paused_days: int = 0
    override: DeadlineOverride | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


# --- settings ---------------------------------------------------------------------------


def _override_value(rule: str, key: str, value: Any) -> Any:
    where = f"Settings time_limits.{rule}.{key}"
    if key == "amount":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
            raise CsprError(f"{where} must be a whole number from 0 to 1000, not {value!r}.")
    elif key == "unit":
        if value not in UNITS:
            raise CsprError(f"{where} must be one of {', '.join(UNITS)}, not {value!r}.")
    elif key == "label":
        if not isinstance(value, str) or not value.strip():
            raise CsprError(f"{where} must be some text.")
        value = value.strip()
    elif key == "enabled" and not isinstance(value, bool):
        raise CsprError(f"{where} must be true or false, not {value!r}.")
    return value


_LIMITS: dict[str, dict[str, TimeLimit]] = {}  # the settings' text -> their time limits


def time_limits(settings: Settings) -> dict[str, TimeLimit]:
    """The defaults with the partnership's overrides applied; a bad override is named.
    (Worked out once per settings: a save works out every case's deadlines.)"""
    text = repr((settings.rapid_review_anchor, settings.time_limits))
    known = _LIMITS.get(text)
    if known is None:
        known = _time_limits(settings)
        if len(_LIMITS) > 16:
            _LIMITS.clear()
        _LIMITS[text] = known
    return dict(known)  # (a TimeLimit is frozen; the mapping is the caller's)


def _time_limits(settings: Settings) -> dict[str, TimeLimit]:
    anchor = settings.rapid_review_anchor
    if anchor not in RAPID_REVIEW_ANCHORS:
        raise CsprError(
            f"Settings rapid_review_anchor must be {' or '.join(RAPID_REVIEW_ANCHORS)}, "
            f"not {anchor!r}."
        )
    overrides = settings.time_limits
    if not isinstance(overrides, dict):
        raise CsprError("Settings time_limits must map rule ids (e.g. T4) to their changes.")
    limits = dict(DEFAULT_TIME_LIMITS)
    limits["T4"] = replace(limits["T4"], anchor=anchor)
    for rule, changes in overrides.items():
        if rule not in limits:
            raise CsprError(
                f"Settings time_limits.{rule} is not a time limit; known: {', '.join(limits)}."
            )
        if not isinstance(changes, dict):
            raise CsprError(
                f"Settings time_limits.{rule} must be an object such as {{amount: 20}}."
            )
        for key in changes:
            if key not in _OVERRIDABLE:
                raise CsprError(
                    f"Settings time_limits.{rule}.{key} cannot be changed; "
                    f"use {', '.join(sorted(_OVERRIDABLE))}."
                )
        clean = {key: _override_value(rule, key, value) for key, value in changes.items()}
        limits[rule] = replace(limits[rule], **clean)
    return limits


def _due_soon_days(settings: Settings) -> int:
    value = settings.due_soon_working_days
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CsprError(
            f"Settings due_soon_working_days must be a whole number of 0 or more, not {value!r}."
        )
    return value


# --- reading the case -------------------------------------------------------------------


def stored_date(value: Any) -> date | None:
    """A form's stored answer as a date (the one reader, `forms.dates.iso_date`), or None
    when blank or not a date: a rule with no readable date waits, and says so."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return iso_date(value.strip())
    except DateFormatError:
        return None


def _read_date(case: Case, field_id: str, notes: list[str]) -> tuple[date | None, str | None]:
    """The first recorded value for a date field, and the form it came from."""
    for form_id, form_field in DATE_FIELDS.get(field_id, ()):
        raw = case.value(form_id, form_field)
        if raw in (None, ""):
            continue
        parsed = stored_date(raw)
        if parsed is None:
            notes.append(f"{form_id}.{form_field} holds {raw!r}, which is not a date.")
            continue
        return parsed, form_id
    return None, None


def is_statutory(case: Case) -> bool | None:
    """Whether the review is an LCSPR: the review record's answer, else the case type."""
    raw = case.value("review", "statutory")
    if isinstance(raw, bool):
        return raw
    answer = str(raw).strip().lower() if isinstance(raw, str) else ""
    if answer in {"yes", "y", "true"}:
        return True
    if answer in {"no", "n", "false"}:
        return False
    if case.review_type:
        return case.review_type == ReviewType.LCSPR
    return None


# --- arithmetic -------------------------------------------------------------------------


def _shift(calendar: WorkingCalendar, limit: TimeLimit, anchor: date, amount: int) -> date:
    if limit.direction == "before":
        amount = -amount
    if limit.unit == "working_days":
        return calendar.add_working_days(anchor, amount)
    if limit.unit == "calendar_days":
        return anchor + timedelta(days=amount)
    return add_months(anchor, amount)


@dataclass(frozen=True)
class _Interval:
    start: date
    end: date | None  # the day the clock runs again; None while the pause is open
    reason: str
    rule: str | None  # None: the whole case is paused


def _pauses_for(
    case: Case, rule: str, include_case_wide: bool, notes: list[str]
) -> list[_Interval]:
    found: list[_Interval] = []
    for pause in case.pauses:
        if pause.deadline is None and not include_case_wide:
            continue
        if pause.deadline is not None and pause.deadline != rule:
            continue
        start, end = pause.start, pause.end
        if end is not None and end < start:
            notes.append(f"A pause ({pause.reason}) ends before it starts; ignored.")
            continue
        found.append(_Interval(start, end, pause.reason, pause.deadline))
    return sorted(found, key=lambda p: p.start)


def _extend_for_pauses(
    calendar: WorkingCalendar,
    limit: TimeLimit,
    anchor: date,
    due: date,
    pauses: list[_Interval],
    today: date,
    met_on: date | None,
) -> tuple[date, int]:
    """Move a due date later by the time its clock stood still; see docs/deadlines.md.

    A pause counts from its start up to (not including) its end, the day the clock runs
    again; an open pause counts up to today. Only days after the anchor and before the
    deadline was met count, only pauses that began on or before the (already extended) due
    date, and overlapping pauses count once. Working-day limits move by paused working days,
    the others by paused calendar days.
    """
    counted: set[date] = set()
    extended = due
    for pause in pauses:
        if pause.start > extended or (met_on is not None and pause.start > met_on):
            continue
        stop = pause.end or max(today, pause.start)
        if met_on is not None:
            stop = min(stop, met_on)  # the work was done; later paused days do not count
        day = max(pause.start, anchor + timedelta(days=1))
        while day < stop:
            if limit.unit != "working_days" or calendar.is_working_day(day):
                counted.add(day)
            day += timedelta(days=1)
        if limit.unit == "working_days":
            extended = calendar.add_working_days(due, len(counted))
        else:
            extended = due + timedelta(days=len(counted))
    return extended, len(counted)


# --- evaluation -------------------------------------------------------------------------


def _latest_override(
    case: Case, rule: str, notes: list[str]
) -> tuple[DeadlineOverride, date] | None:
    """The most recent override of a rule (by its `at` time)."""
    latest: tuple[DeadlineOverride, date] | None = None
    for override in sorted(
        (o for o in case.overrides if o.deadline == rule), key=lambda o: o.at or ""
    ):
        latest = (override, override.due_date)
    return latest


def _open_pause(pauses: list[_Interval], today: date) -> _Interval | None:
    for pause in pauses:
        if pause.start <= today and (pause.end is None or pause.end > today):
            return pause
    return None


def _due_for(
    calendar: WorkingCalendar,
    limit: TimeLimit,
    anchor: date,
    pauses: list[_Interval],
    today: date,
    met_on: date | None,
) -> tuple[date, int]:
    due = _shift(calendar, limit, anchor, limit.amount)
    if limit.direction == "before" or limit.minimum:
        return due, 0
    return _extend_for_pauses(calendar, limit, anchor, due, pauses, today, met_on)


def _evaluate(
    case: Case,
    limit: TimeLimit,
    limits: dict[str, TimeLimit],
    earlier: dict[str, Deadline],
    calendar: WorkingCalendar,
    today: date,
    due_soon: int,
) -> Deadline:
    notes: list[str] = []
    base = Deadline(
        rule=limit.id,
        label=limit.label,
        due=None,
        status=DeadlineStatus.NOT_STARTED,
        case_ref=case.ref,
        source=limit.source,
        informational=limit.informational,
    )
    all_pauses = _pauses_for(case, limit.id, True, notes)
    if limit.anchor in limits:
        parent = earlier.get(limit.anchor)
        anchor_date = parent.due if parent is not None else None
        # The parent's due date already moved for case-wide pauses; count only this rule's.
        pauses = [p for p in all_pauses if p.rule == limit.id]
        waiting_for = f"{limit.anchor} has a due date"
    else:
        anchor_date, anchor_form = _read_date(case, limit.anchor, notes)
        pauses = all_pauses
        waiting_for = f"{FIELD_LABELS.get(limit.anchor, limit.anchor)} is recorded"
        if limit.anchor == "la_aware_date" and anchor_form == "referral":
            notes.append(
                "Counted from the referral's awareness date until the notification has one."
            )
    met_on = None
    if limit.completed_by:
        met_on, _ = _read_date(case, limit.completed_by, notes)
    base.anchor_date = anchor_date
    base.met_on = met_on

    if limit.id == "T4":
        other = next(a for a in RAPID_REVIEW_ANCHORS if a != limit.anchor)
        other_date, _ = _read_date(case, other, [])
        if other_date is not None:
            alternative, _ = _due_for(calendar, limit, other_date, pauses, today, met_on)
            base.alternative_due = alternative
            notes.append(
                f"Counted from {FIELD_LABELS[other]} it would be due {alternative:%d/%m/%Y}."
            )

    found = _latest_override(case, limit.id, notes)
    if found is not None:
        override, due = found
        base.override = override
        notes.append(f"Due date set by {override.by or 'an unnamed user'}: {override.reason}.")
    elif anchor_date is None:
        notes.insert(0, f"Starts when {waiting_for}.")
        if met_on is not None:
            notes.append(f"Recorded as done on {met_on:%d/%m/%Y}, which cannot be judged yet.")
        base.note = " ".join(notes)
        return base
    else:
        due, base.paused_days = _due_for(calendar, limit, anchor_date, pauses, today, met_on)
        if base.paused_days:
            unit = "working days" if limit.unit == "working_days" else "days"
            notes.append(f"Moved {base.paused_days} {unit} later for pauses.")
    base.due = due
    if base.alternative_due == due:
        base.alternative_due = None
        notes[:] = [n for n in notes if not n.startswith("Counted from ")]

    if limit.minimum:
        if today >= due:
            base.status, base.met_on = DeadlineStatus.MET, due
            notes.insert(0, f"May be removed from {due:%d/%m/%Y}.")
        else:
            base.status = DeadlineStatus.ON_TRACK
            base.days_left = calendar.working_days_between(today, due)
            notes.insert(0, f"Must stay published until at least {due:%d/%m/%Y}.")
        base.note = " ".join(notes)
        return base

    if limit.informational:
        notes.insert(0, "Informational: the Panel's own timescale, not the partnership's.")
    paused = _open_pause(all_pauses, today)
    if met_on is not None:
        base.status = DeadlineStatus.MET if met_on <= due else DeadlineStatus.MET_LATE
        if base.status is DeadlineStatus.MET_LATE and limit.id == "T7":
            notes.append("Published more than 6 months after the decision: record why.")
    else:
        left = calendar.working_days_between(today, due)
        if paused is not None:
            base.status = DeadlineStatus.PAUSED
            notes.insert(0, f"Paused since {paused.start:%d/%m/%Y}: {paused.reason}.")
            if limit.direction == "before":
                notes.append("A pause does not move this date; change the publication date.")
        elif today > due and limit.informational:
            base.status = DeadlineStatus.AWAITED
            left = min(left, -1)
            notes.append(f"Expected by {due:%d/%m/%Y} and not yet received: chase it.")
        elif today > due:
            base.status = DeadlineStatus.OVERDUE
            left = min(left, -1)
        elif left <= due_soon:
            base.status = DeadlineStatus.DUE_SOON
        else:
            base.status = DeadlineStatus.ON_TRACK
        base.days_left = left
    base.note = " ".join(notes)
    return base


def case_deadlines(
    case: Case, settings: Settings, today: date, calendar: WorkingCalendar | None = None
) -> list[Deadline]:
    """Every time limit that applies to the case, in rule order, as it stands on `today`.

    T7 and T8 apply to statutory reviews (LCSPRs) only; they are left out once the case
    says the review is not statutory. Disabled rules (`enabled: false`) are left out.
    """
    calendar = calendar or calendar_from_settings(settings)
    limits = time_limits(settings)
    due_soon = _due_soon_days(settings)
    statutory = is_statutory(case)
    results: dict[str, Deadline] = {}
    for limit in limits.values():
        if not limit.enabled or (limit.statutory_only and statutory is False):
            continue
        results[limit.id] = _evaluate(case, limit, limits, results, calendar, today, due_soon)
    return [*results.values(), *return_deadlines(case, calendar, today, due_soon)]


RETURN_RULE_PREFIX = "AR"  # AR1, AR2...: the case's requests in order


def return_deadlines(
    case: Case, calendar: WorkingCalendar, today: date, due_soon: int
) -> list[Deadline]:
    """Each agency's information report, due by the date the request set: a deadline like
    the others (due soon, overdue, met or met late once the return is in)."""
    found = []
    for number, request in enumerate(case.agency_reports, 1):
        due = request.due_date
        if due is None:
            continue
        met_on = request.received_date
        deadline = Deadline(
            rule=f"{RETURN_RULE_PREFIX}{number}",
            label=f"Information report from {request.agency}",
            due=due,
            status=DeadlineStatus.ON_TRACK,
            anchor_date=request.requested_date,
            met_on=met_on,
            case_ref=case.ref,
            source="the request's due date",
        )
        if met_on is not None:
            deadline.status = DeadlineStatus.MET if met_on <= due else DeadlineStatus.MET_LATE
        else:
            left = calendar.working_days_between(today, due)
            if today > due:
                deadline.status = DeadlineStatus.OVERDUE
                left = min(left, -1)
                deadline.note = f"Not returned; chase {request.agency}."
            elif left <= due_soon:
                deadline.status = DeadlineStatus.DUE_SOON
            deadline.days_left = left
        found.append(deadline)
    return found


def next_deadline(
    case: Case, settings: Settings, today: date, calendar: WorkingCalendar | None = None
) -> Deadline | None:
    """The case's earliest open deadline (on track, due soon, overdue or paused), if any."""
    return earliest_open(case_deadlines(case, settings, today, calendar))


def earliest_open(deadlines: Iterable[Deadline]) -> Deadline | None:
    """The earliest open one of a case's deadlines (what `next_deadline` picks)."""
    open_ones = [d for d in deadlines if d.is_open]
    return min(open_ones, key=lambda d: d.due or date.max, default=None)


def all_deadlines(
    cases: Iterable[Case],
    settings: Settings,
    today: date,
    calendar: WorkingCalendar | None = None,
    *,
    include_closed: bool = False,
) -> list[Deadline]:
    """Open deadlines of many cases, overdue first, then by due date (then case, rule).

    `include_closed` adds met and not-started ones (after the rest, by due date).
    """
    calendar = calendar or calendar_from_settings(settings)
    found = [
        deadline
        for case in cases
        for deadline in case_deadlines(case, settings, today, calendar)
        if include_closed or deadline.is_open
    ]
    return in_order(found, settings)


def in_order(found: Iterable[Deadline], settings: Settings) -> list[Deadline]:
    """Deadlines overdue first, then open ones, then the rest; each by due date, case and
    the order of the time limits (what `all_deadlines` returns)."""
    order = {rule: index for index, rule in enumerate(time_limits(settings))}

    def key(d: Deadline) -> tuple[int, date, str, int]:
        rank = 0 if d.status is DeadlineStatus.OVERDUE else 1 if d.is_open else 2
        return (rank, d.due or date.max, d.case_ref, order.get(d.rule, len(order)))

    return sorted(found, key=key)


# --- the stored plan: what the dashboard reads instead of every case --------------------
#
# A case's deadlines change with the day only through their status and days left, except
# while a pause is open (it moves the due dates every day). So a save stores, per case, its
# deadlines that can be open on some day, due dates worked out (`deadline_plan`), and the
# dashboard finishes them as of its day (`planned_open`) with no `Case` built. The plan
# depends on the case and on the settings that move due dates (`plan_key`); a plan made
# under other settings is not used.

PLAN_VERSION = 1  # bumped whenever what a plan holds or how it is read changes
# Kinds of planned deadline: "n" a time limit or an agency report, "i" informational (the
# Panel's own step: awaited once past), "m" a minimum period (open until it has passed).
_PLAN_KINDS = ("n", "i", "m")
_PLAN_KEYS: dict[str, str] = {}  # the settings' text -> their key (a few microseconds each)


def plan_key(settings: Settings) -> str:
    """What a stored plan was worked out with: the settings that move due dates (the
    rapid-review anchor, the time limits, the closure days), the bank-holiday table's
    version and `PLAN_VERSION`, as a short hash."""
    text = repr((settings.rapid_review_anchor, settings.time_limits, settings.closure_days))
    key = _PLAN_KEYS.get(text)
    if key is None:
        import hashlib

        import holidays

        source = repr((text, getattr(holidays, "__version__", ""), PLAN_VERSION))
        key = hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
        if len(_PLAN_KEYS) > 16:
            _PLAN_KEYS.clear()
        _PLAN_KEYS[text] = key
    return key


def deadline_plan(
    case: Case, settings: Settings, today: date, calendar: WorkingCalendar | None = None
) -> list[list[Any]] | None:
    """The case's deadlines that can be open on some day, as plain JSON, in the order of
    `case_deadlines`: [rule, label, due (ISO), kind, pauses ([start, end] ISO)]. None
    while a pause of the case is open: its due dates move every day, so they are worked
    out from the case as of the day asked for. `today` does not change the result
    otherwise (tests/domain/test_dashboard_plan.py checks it against `case_deadlines`)."""
    if any(pause.end is None for pause in case.pauses):
        return None
    limits = time_limits(settings)
    plan: list[list[Any]] = []
    for deadline in case_deadlines(case, settings, today, calendar):
        if deadline.due is None:
            continue  # not started: never open until the case changes
        limit = limits.get(deadline.rule)
        if limit is not None and limit.minimum:
            kind = "m"
        elif deadline.met_on is not None:
            continue  # met (or met late): never open again until the case changes
        else:
            kind = "i" if deadline.informational else "n"
        pauses: list[list[str]] = []
        if limit is not None and kind != "m":
            pauses = [
                [p.start.isoformat(), p.end.isoformat()]
                for p in _pauses_for(case, limit.id, True, [])
                if p.end is not None
            ]
        plan.append([deadline.rule, deadline.label, deadline.due.isoformat(), kind, pauses])
    return plan


def planned_open(
    ref: str,
    plan: Iterable[list[Any]],
    today: date,
    calendar: WorkingCalendar,
    due_soon: int,
) -> list[Deadline]:
    """The case's open deadlines as of `today` from its stored plan (`deadline_plan`): the
    rule, label, due date, status and days left `case_deadlines` gives them that day (the
    notes and dates behind them are not in the plan; the case screen builds the case)."""
    found: list[Deadline] = []
    for rule, label, due_text, kind, pauses in plan:
        if kind not in _PLAN_KINDS:
            raise ValueError(f"unknown planned deadline kind {kind!r}")
        due = date.fromisoformat(due_text)
        left = calendar.working_days_between(today, due)
        if kind == "m":
            if today >= due:
                continue  # the period has passed: met
            status = DeadlineStatus.ON_TRACK
        elif any(
            date.fromisoformat(start) <= today < date.fromisoformat(end) for start, end in pauses
        ):
            status = DeadlineStatus.PAUSED
        elif today > due:
            status = DeadlineStatus.AWAITED if kind == "i" else DeadlineStatus.OVERDUE
            left = min(left, -1)
        elif left <= due_soon:
            status = DeadlineStatus.DUE_SOON
        else:
            status = DeadlineStatus.ON_TRACK
        found.append(
            Deadline(
                rule=rule,
                label=label,
                due=due,
                status=status,
                days_left=left,
                case_ref=ref,
                informational=kind == "i",
            )
        )
    return found


def due_soon_days(settings: Settings) -> int:
    """`Settings.due_soon_working_days`, checked (a bad value is named)."""
    return _due_soon_days(settings)
