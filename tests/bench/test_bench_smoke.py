"""The benchmark script cannot rot: its data generator and every metric run end to end at a
tiny size against the real vault, store and exporters. No timing is asserted here; speed
is what `bench/run.py` reports, not what tests decide."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import run as bench_run  # noqa: E402
from bench.data import RECOMMENDATIONS_PER_CASE, make_cases, with_chronology  # noqa: E402
from cspr_tui.domain.case_json import (  # noqa: E402
    case_problems,
    case_to_data,
    dump_cases,
    parse_case_file,
)
from cspr_tui.domain.store import CaseStore  # noqa: E402
from cspr_tui.forms import load_forms  # noqa: E402
from cspr_tui.settings import Settings  # noqa: E402
from cspr_tui.vault import DEFAULT_KDF, open_vault  # noqa: E402

TUI_METRICS = [
    "tui_unlock_to_dashboard",
    "tui_open_case",
    "tui_switch_tab",
    "tui_open_form",
    "tui_next_step",
    "tui_typed_key",
    "tui_save_draft",
    "tui_back_to_dashboard",
    "tui_open_recommendations",
    "tui_toggle_filter",
]
METRIC_KEYS = {"name", "ours_s", "baseline_s", "ratio", "target", "met"}


def test_generator_is_deterministic_valid_and_sized() -> None:
    cases = make_cases(4)
    again = make_cases(4)
    assert [case_to_data(c) for c in cases] == [case_to_data(c) for c in again]
    assert len({c.ref for c in cases}) == 4
    for case in cases:
        data = case_to_data(case)
        assert case_problems(data) == [], case.ref
        assert len(case.recommendations) == RECOMMENDATIONS_PER_CASE
        assert len({r.id for r in case.recommendations}) == RECOMMENDATIONS_PER_CASE
        # "A few KB" of narrative, family and chronology besides the recommendations.
        without_recs = {k: v for k, v in data.items() if k != "recommendations"}
        assert len(orjson.dumps(without_recs)) > 3000
    assert make_cases(2, seed=1)[0].ref == cases[0].ref
    assert case_to_data(make_cases(1, seed=1)[0]) != case_to_data(cases[0])


def test_bench_data_passes_the_current_form_templates() -> None:
    """Every generated record is one the app's own forms accept (as an import would)."""
    cases = make_cases(60)
    assert len(parse_case_file(dump_cases(cases), load_forms())) == 60


def test_chronology_case_has_the_rows_asked_for() -> None:
    chronology = with_chronology(37).records["referral"].values["chronology"]
    assert len(chronology) == 37
    assert [e["date"] for e in chronology] == sorted(e["date"] for e in chronology)


def test_fixture_holds_the_same_data_for_ours_and_the_baselines(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    fx = bench_run.build_fixture(6, tmp_path / "fx")
    with open_vault(fx.vault_path, bench_run.PASSPHRASE, readonly=True) as vault:
        # Every table read through TinyDB (a snapshot's tables are parsed on first use).
        tables = {
            name: {str(doc.doc_id): dict(doc) for doc in vault.db.table(name).all()}
            for name in vault.db.tables()
        }
        store = CaseStore(vault, Settings(), None, "Bench Reviewer")
        assert sorted(c.ref for c in store.list_cases()) == sorted(fx.refs)
    assert json.loads(fx.plaintext) == tables
    assert json.loads(fx.tinydb_path.read_bytes()) == tables
    blob = fx.sealed_path.read_bytes()
    assert AESGCM(fx.sealed_key).decrypt(blob[:12], blob[12:], None) == fx.plaintext
    # The vault itself never holds the narrative in the clear.
    assert b"Brackwater" not in fx.vault_path.read_bytes()


def test_store_metrics_edit_and_search_through_the_store(tmp_path: Path) -> None:
    """In-process, so the edits can be checked; the exporters and the memory probe run in
    the end-to-end test of the script below."""
    fx = bench_run.build_fixture(12, tmp_path / "fx")
    metrics = [
        *bench_run.measure_unlock(fx, 1),
        bench_run.measure_save_edit(fx, 2),
        bench_run.measure_search(fx, 2),
    ]
    names = [m.name for m in metrics]
    assert names == [
        "unlock_12",
        "unlock_ready_12",
        "unlock_deadlines_12",
        "save_edit_12",
        "search_12",
    ]
    assert metrics[1].ratio_max == 1.0 and metrics[2].ratio_max is None
    for metric in metrics:
        assert metric.ours is not None and metric.ours >= 0, metric.name
        assert metric.baseline is not None and metric.baseline > 0, metric.name
        assert set(metric.as_json()) >= METRIC_KEYS
    # The edits went through the store: durable, audited, readable after a reopen.
    with open_vault(fx.vault_path, bench_run.PASSPHRASE, readonly=True) as vault:
        store = CaseStore(vault, Settings(), None, "Bench Reviewer")
        notes = {c.notes for c in store.list_cases()}
        assert {"Edited in run 0.", "Edited in run 1."} <= notes
        assert any(e.action == "case updated" for e in store.audit_trail())
    table = bench_run.format_table(metrics)
    assert table.splitlines()[0].split() == ["metric", "ours", "baseline", "ratio", "target", "met"]


@pytest.mark.parametrize(
    ("ours", "baseline", "ratio_max", "absolute", "met"),
    [
        (1.0, 2.0, 0.5, None, True),
        (1.1, 2.0, 0.5, None, False),
        (0.7, None, None, (0.5, 1.0), True),
        (1.2, None, None, (0.5, 1.0), False),
        (1.0, 1.0, None, None, None),
    ],
)
def test_met_follows_the_target(ours, baseline, ratio_max, absolute, met) -> None:
    metric = bench_run.Metric("m", ours, baseline, "t", ratio_max=ratio_max, absolute=absolute)
    assert metric.met is met


def test_script_quick_json_end_to_end(tmp_path: Path) -> None:
    """The real script in a subprocess: a table, then one JSON line last; no temp left."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch))
    env.pop("CSPR_KDF_PROFILE", None)  # as a user runs it: the KDF metric uses the defaults
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--quick",
            "--json",
            "--reps",
            "1",
            "--cases",
            "10",
            "--rows",
            "10",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    lines = done.stdout.strip().splitlines()
    report = json.loads(lines[-1])
    names = [m["name"] for m in report["metrics"]]
    assert names[0] == "kdf_unlock"
    assert names == [
        "kdf_unlock",
        "unlock_10",
        "unlock_ready_10",
        "unlock_deadlines_10",
        "save_edit_10",
        "fsync_floor",
        "save_vs_sqlite_10",
        "save_bytes_10",
        "tracker_10k",
        "tracker_vs_writeonly_10k",
        "docx_10_rows",
        "import_5k",
        "import_5k_peak_memory",
        *TUI_METRICS,
        "search_10k",
        "unlock_peak_memory_10k",
        "save_vs_sqlite_10k",
        "ready_vs_sqlite_10k",
        "search_vs_fts5_10k",
        "first_search_vs_fts5_10k",
    ]
    by_name = {m["name"]: m for m in report["metrics"]}
    assert "reduced" in by_name["tracker_10k"]["note"]
    assert "reduced" in by_name["search_vs_fts5_10k"]["note"]
    assert 0 < by_name["save_bytes_10"]["ours_s"] < 64 * 1024  # a save appends a few KB
    assert by_name["unlock_peak_memory_10k"]["unit"] == "MiB"
    assert "reduced to 50 cases" in by_name["import_5k"]["note"]
    assert by_name["import_5k"]["ours_s"] > 0 and by_name["import_5k"]["target"] == "<= 5 s"
    assert by_name["import_5k_peak_memory"]["unit"] == "MiB"
    assert by_name["import_5k_peak_memory"]["baseline_s"] > 0  # the file's size
    # the KDF's own peak is left out of the figure, and the raw peak is still given
    assert "KDF's own 256 MiB left out" in by_name["import_5k_peak_memory"]["note"]
    assert "raw peak with the KDF:" in by_name["import_5k_peak_memory"]["note"]
    for name in names[1:]:
        if name in TUI_METRICS:  # the app's latencies have a target, not a baseline
            assert by_name[name]["ours_s"] > 0 and by_name[name]["target"] == "<= 150 ms"
            continue
        if by_name[name]["target"] == "(info)":  # the fsync floor, bytes per save
            assert by_name[name]["ours_s"] > 0, name
            continue
        assert by_name[name]["ours_s"] >= 0 and by_name[name]["baseline_s"] > 0, name
    assert all(set(m) >= METRIC_KEYS for m in report["metrics"])
    kdf = report["metrics"][0]
    assert kdf["note"] == DEFAULT_KDF.describe()  # the defaults, not the test profile's
    assert any(line.startswith("metric") for line in lines)
    assert list(scratch.iterdir()) == []


def test_only_runs_the_metrics_named_or_begun(tmp_path: Path) -> None:
    """`--only` (names or their beginnings, repeatable or comma-separated) measures those
    alone, so one metric can be worked on without the whole run."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--json", "--reps", "1",
         "--cases", "10", "--only", "save_vs_sqlite,fsync", "--only", "import_5k_peak"],
        capture_output=True, text=True, env=dict(os.environ, TMPDIR=str(scratch)),
        timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    names = [m["name"] for m in json.loads(done.stdout.strip().splitlines()[-1])["metrics"]]
    assert names == [
        "fsync_floor", "save_vs_sqlite_10", "import_5k_peak_memory", "save_vs_sqlite_10k",
    ]  # fmt: skip
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("bad", [["--cases", "0"], ["--reps", "0"], ["--rows", "-1"]])
def test_bad_arguments_are_one_line_and_exit_2(bad: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), *bad],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_memory_probe_reports_the_child_not_the_parent(tmp_path: Path) -> None:
    """Linux carries a parent's peak RSS into its children's ru_maxrss; the probe must
    measure the child's own unlock, so a big parent cannot inflate (or equalise) it."""
    fx = bench_run.build_fixture(3, tmp_path / "fx")
    ballast = bytearray(400 * 1024 * 1024)  # touched pages: the parent's RSS grows by 400 MiB
    for offset in range(0, len(ballast), 4096):
        ballast[offset] = 1
    metric = bench_run.measure_memory(fx, 1, "unlock_peak_memory")
    del ballast
    assert metric.unit == "MiB"
    assert 0 < metric.ours < 100
    assert 0 < metric.baseline < 100


def test_import_memory_leaves_the_kdf_out_and_keeps_the_raw_peak(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the real Argon2id (256 MiB), a tiny import's metric stays small: the KDF's
    high-water mark is reset after it, so only the import's own peak counts. The raw peak
    in the note still holds the KDF, so the reset is not hiding anything else."""
    import re

    monkeypatch.delenv("CSPR_KDF_PROFILE")  # the default parameters, as a user's vault
    _speed, memory = bench_run.measure_import(20, tmp_path / "import")
    raw = re.search(r"raw peak with the KDF: (\d+) MiB", memory.note)
    assert raw is not None, memory.note
    assert int(raw.group(1)) >= DEFAULT_KDF.memory_kib // 1024 * 0.9
    assert 0 < memory.ours < 100
