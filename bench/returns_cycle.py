"""Time a full agency-return cycle: export, fill, import, merge, export the chronology.

N agencies (default 10) each return R chronology rows (default 200), filled into the
fillable Word report the way Word does when a person types (see tests/exports/filling.py).
Prints seconds per step and in total. Fictional data only; a throwaway workspace.

    python bench/returns_cycle.py [--agencies 10] [--rows 200]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


KINDS = (
    "Home visit to the family",
    "Telephone call with the mother",
    "Clinic appointment, child weighed",
    "School attendance meeting",
    "Strategy discussion between agencies",
    "Referral received about neglect",
    "Letter sent offering support",
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=10)
    parser.add_argument("--rows", type=int, default=200)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="cspr-returns-bench-"))
    (home / "vault").mkdir()
    (home / "exports").mkdir()
    os.environ["CSPR_HOME"] = str(home)

    from cspr_tui.domain.case import AgencyReportRequest, Person
    from cspr_tui.domain.chronology import integrate_case
    from cspr_tui.domain.store import CaseStore
    from cspr_tui.exports.returns import judge_return
    from cspr_tui.exports.service import AgencyReportExport, ChronologyExport, run_export
    from cspr_tui.forms import load_forms
    from cspr_tui.settings import Settings
    from cspr_tui.vault import create_vault
    from tests.exports.filling import edit_document, fill_answers
    from tests.exports.return_fixtures import ANSWERS, TICKS

    choices = load_forms()["agency_report"].field("agency").choices
    agencies = [c for c in choices if c != "Other"][: args.agencies]
    today = date(2026, 11, 30)
    vault = create_vault(home / "vault" / "cases.vault", "an invented passphrase")
    store = CaseStore(vault, Settings(), load_forms(), clock=lambda: today)
    ref = store.create_case(agencies=agencies).ref
    store.add_person(ref, Person("Zoë Fictionalia", "Child A", "Subject child", "child"))
    store.save_record(ref, "review", {"scope_from": "2024-01-01", "scope_to": "2026-06-30"})
    for agency in agencies:
        store.request_agency_report(
            ref,
            AgencyReportRequest(agency=agency, requested_date="2026-11-02", due_date="2026-11-27"),
        )
    timings: dict[str, float] = {}

    def timed(name: str, work):
        start = time.perf_counter()
        result = work()
        timings[name] = time.perf_counter() - start
        return result

    blanks = timed(
        "export reports",
        lambda: [
            run_export(store, AgencyReportExport(ref, a, out=home / "exports")).path
            for a in agencies
        ],
    )

    def fill_all() -> list[Path]:
        filled = []
        for index, blank in enumerate(blanks):
            rows = [
                {
                    "date": (date(2024, 1, 1) + timedelta(days=(r * 4 + index) % 900)).strftime(
                        "%d/%m/%Y"
                    ),
                    "time": f"{9 + r % 8:02d}:{(r * 7) % 60:02d}",
                    "who": "Practitioner role",
                    "event": f"{KINDS[(r * 7 + index * 3) % len(KINDS)]} ({r}, {index})",
                    "significance": ("Green", "Amber", "Red")[r % 3],
                }
                for r in range(args.rows)
            ]
            change = fill_answers(ANSWERS, TICKS, {"chronology": rows})
            filled.append(edit_document(blank, change, home / f"return-{index}.docx"))
        return filled

    filled = timed("fill (as Word would)", fill_all)
    form = store.forms["agency_report"]

    def import_all() -> int:
        stored = 0
        for path in filled:
            judged = judge_return(
                path,
                form,
                lambda r: store.get(r) if r in store else None,
                today=today,
                settings=store.settings,
            )
            assert judged.result.accepted, [str(p) for p in judged.result.errors][:5]
            store.receive_agency_return(
                ref, judged.request.agency, judged.result.values, source=path.name
            )
            stored += len(judged.result.values["chronology"])
        return stored

    stored = timed("read, check and store returns", import_all)
    merged = timed("merge", lambda: integrate_case(store.get(ref)))
    timed(
        "export chronology (docx)",
        lambda: run_export(store, ChronologyExport(ref, "docx", out=home / "exports")),
    )
    timed(
        "export chronology (xlsx)",
        lambda: run_export(store, ChronologyExport(ref, "xlsx", out=home / "exports")),
    )
    vault.close()
    print(
        f"{args.agencies} agencies x {args.rows} rows: {stored} rows stored, "
        f"{len(merged.entries)} merged entries, "
        f"{sum(1 for e in merged.entries if e.same_event_as)} flagged as shared, "
        f"{len(merged.gaps)} gaps"
    )
    for name, seconds in timings.items():
        print(f"  {name:<32} {seconds:7.2f} s")
    print(f"  {'total':<32} {sum(timings.values()):7.2f} s")


if __name__ == "__main__":
    main()
