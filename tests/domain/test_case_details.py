"""A case's own details over a plain `Case`: no vault."""

from __future__ import annotations

from datetime import date

import pytest

from cspr_tui.domain import case_details as rules
from cspr_tui.domain.case import Stage
from cspr_tui.domain.stamp import Stamp
from cspr_tui.errors import UsageError, ValidationFailed

STAMP = Stamp("Reviewer One", date(2026, 6, 1), "2026-06-01T09:00:00+00:00")


def test_a_new_case_starts_at_referral_with_its_creation_in_the_history() -> None:
    case = rules.new_case("CSPR-2026-001", "Child A", STAMP, agencies=["Police", " Police", ""])
    assert case.stage is Stage.REFERRAL_RECEIVED and case.agencies == ["Police"]
    (created,) = case.history
    assert (created.from_stage, created.to_stage, created.by) == (
        None,
        Stage.REFERRAL_RECEIVED,
        "Reviewer One",
    )
    assert case.created_at == created.at == STAMP.now


def test_a_chosen_reference_must_be_well_formed_and_free() -> None:
    rules.check_new_ref("CSPR-2026-010", {"CSPR-2026-001"})
    with pytest.raises(ValidationFailed, match="not a case reference"):
        rules.check_new_ref("2026/10", ())
    with pytest.raises(ValidationFailed, match="already exists"):
        rules.check_new_ref("CSPR-2026-001", {"CSPR-2026-001"})


def test_details_change_but_not_the_workflow_and_never_to_a_blank_pseudonym() -> None:
    case = rules.new_case("CSPR-2026-001", "Child A", STAMP)
    rules.apply_details(case, {"pseudonym": " Baby O ", "agencies": ["Health", "Health"]})
    assert case.pseudonym == "Baby O" and case.agencies == ["Health"]
    with pytest.raises(ValidationFailed, match="cannot be empty"):
        rules.apply_details(case, {"pseudonym": "  "})
    with pytest.raises(UsageError, match="cannot change stage"):
        rules.apply_details(case, {"stage": "closed"})
    assert case.pseudonym == "Baby O" and case.stage is Stage.REFERRAL_RECEIVED
