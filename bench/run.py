"""The benchmark: our code against the raw libraries doing the same work, on the same data.

Run `python bench/run.py` (1,000 and 10,000 cases) or `python bench/run.py --quick`
(1,000 cases; the 10k metrics run at the reduced size and say so). `--json` makes the last
line of output one JSON object with every metric. Each figure is the median of several
repetitions, ours and the baseline interleaved so drift hits both alike; ratio = ours /
baseline, lower is better. Everything happens in a temporary folder that is removed at the
end. See docs/benchmarks.md for what each metric compares and the latest figures.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:  # `python bench/run.py` puts bench/, not the root, on the path
    sys.path.insert(0, str(_ROOT))

from bench.data import TODAY, make_cases, with_chronology  # noqa: E402

PASSPHRASE = "correct horse battery staple (benchmark only)"
QUARTER = "2026-Q3"
SEARCH_WORDS = ("brackwater", "dunhollow", "lowenna", "kiln lane", "nettlecombe", "serrin")
PROBE_FLAG = "--memory-probe"
IMPORT_PROBE_FLAG = "--import-probe"
MIB = 1024 * 1024


@dataclass
class Metric:
    """One row of the table; `ours` and `baseline` are seconds unless `unit` says otherwise."""

    name: str
    ours: float | None
    baseline: float | None
    target: str
    note: str = ""
    unit: str = "s"
    ratio_max: float | None = None  # met when ours / baseline <= this
    absolute: tuple[float, float] | None = None  # met when ours lies in this range
    reps: int = 0

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.baseline:
            return None
        return self.ours / self.baseline

    @property
    def met(self) -> bool | None:
        if self.ours is None:
            return None
        if self.absolute is not None:
            low, high = self.absolute
            return low <= self.ours <= high
        if self.ratio_max is not None and self.ratio is not None:
            return self.ratio <= self.ratio_max
        return None

    def as_json(self) -> dict[str, Any]:
        ratio = self.ratio
        return {
            "name": self.name,
            "ours_s": _round(self.ours),
            "baseline_s": _round(self.baseline),
            "ratio": None if ratio is None else round(ratio, 3),
            "target": self.target,
            "met": self.met,
            "unit": self.unit,
            "note": self.note,
        }


@dataclass
class Fixture:
    """One generated data set: the vault, the same plaintext in the baseline's files, the cases."""

    size: int
    folder: Path
    vault_path: Path
    plaintext: bytes
    sealed_path: Path  # nonce + AES-GCM(plaintext), the baseline's encrypted file
    sealed_key: bytes
    tinydb_path: Path  # the same tables as TinyDB's default JSONStorage file
    refs: list[str] = field(default_factory=list)
    sqlite_path: Path | None = None  # the same cases and audit in stdlib sqlite3 (WAL, FTS5)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def _kdf_profile(value: str | None) -> Iterator[None]:
    """Run a block with CSPR_KDF_PROFILE set to `value` (None: unset), then put it back.

    The test profile needs the suite's marker too; the bench's vaults live in a temporary
    folder, the only place the weak parameters are allowed."""
    names = ("CSPR_KDF_PROFILE", "CSPR_TEST_SUITE")
    old = {name: os.environ.get(name) for name in names}
    for name, new in zip(names, (value, "1" if value else None), strict=True):
        if new is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = new
    try:
        yield
    finally:
        for name, previous in old.items():
            if previous is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = previous


def _timed(fn: Callable[[], Any]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _paired(
    reps: int, ours: Callable[[int], Any], baseline: Callable[[int], Any]
) -> tuple[float, float]:
    """Median seconds of `ours(i)` and `baseline(i)`, run alternately `reps` times."""
    mine, theirs = [], []
    for i in range(reps):
        mine.append(_timed(lambda i=i: ours(i)))
        theirs.append(_timed(lambda i=i: baseline(i)))
    return statistics.median(mine), statistics.median(theirs)


# -- building the data ---------------------------------------------------------------------


def build_fixture(size: int, folder: Path) -> Fixture:
    """A vault of `size` fictional cases imported through the store in one transaction, and
    the same decrypted tables as the baselines' files (an AES-GCM file and a TinyDB file)."""
    import orjson
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from cspr_tui.domain.store import CaseStore
    from cspr_tui.settings import Settings
    from cspr_tui.vault import create_vault
    from cspr_tui.vault.crypto import derive_kek, unwrap_data_key
    from cspr_tui.vault.format import parse_header
    from cspr_tui.vault.journal import parsed_tables, replay

    folder.mkdir(parents=True, exist_ok=True)
    vault_path = folder / "cases.vault"
    cases = make_cases(size)
    with create_vault(vault_path, PASSPHRASE) as vault:
        store = CaseStore(vault, Settings(), None, "Bench Reviewer")
        store.import_cases(cases, source="benchmark data")
        vault.compact()  # one snapshot, as a vault looks after its journal was compacted
    refs = [c.ref for c in cases]
    del cases
    # The database the vault holds, recovered with the raw primitives (not the vault API),
    # as one JSON object (the vault's snapshot holds the same tables as separate segments).
    blob = vault_path.read_bytes()
    header = parse_header(blob, vault_path)
    data_key = unwrap_data_key(header, derive_kek(PASSPHRASE, header.kdf, header.salt))
    state, plaintexts = replay(blob, blob[: header.size], data_key, vault_path)
    plaintext = orjson.dumps(parsed_tables(plaintexts, state.snapshot_kind))
    del plaintexts
    key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    sealed_path = folder / "baseline.sealed"
    sealed_path.write_bytes(nonce + AESGCM(key).encrypt(nonce, plaintext, None))
    tinydb_path = folder / "baseline-tinydb.json"
    # TinyDB's JSONStorage file holds exactly this shape ({table: {doc_id: document}}).
    tinydb_path.write_bytes(plaintext)
    sqlite_path = folder / "baseline.sqlite"
    build_sqlite(sqlite_path, plaintext)
    return Fixture(
        size, folder, vault_path, plaintext, sealed_path, key, tinydb_path, refs, sqlite_path
    )


# What a user would pick instead: stdlib sqlite3, durable (WAL, synchronous=FULL), one JSON
# row per case, an audit table and an FTS5 index over the fields a reviewer searches.
_SQLITE_SCHEMA = """
CREATE TABLE cases (id INTEGER PRIMARY KEY, ref TEXT UNIQUE NOT NULL, doc TEXT NOT NULL);
CREATE TABLE audit (id INTEGER PRIMARY KEY, entry TEXT NOT NULL);
CREATE VIRTUAL TABLE cases_fts USING fts5(ref, pseudonym, notes, incident);
"""


def _sqlite(path: Path) -> Any:
    import sqlite3

    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    return con


def _fts_row(doc: dict[str, Any]) -> tuple[str, str, str, str]:
    referral = (doc.get("records") or {}).get("referral") or {}
    incident = (referral.get("values") or {}).get("incident_description") or ""
    return (doc.get("ref", ""), doc.get("pseudonym", ""), doc.get("notes") or "", str(incident))


def build_sqlite(path: Path, plaintext: bytes) -> None:
    """The baseline database holding the same cases and audit entries as the vault."""
    tables = json.loads(plaintext)
    con = _sqlite(path)
    con.executescript(_SQLITE_SCHEMA)
    con.execute("BEGIN")
    for doc_id, doc in tables.get("cases", {}).items():
        con.execute(
            "INSERT INTO cases (id, ref, doc) VALUES (?, ?, ?)",
            (int(doc_id), doc["ref"], json.dumps(doc)),
        )
        con.execute(
            "INSERT INTO cases_fts (rowid, ref, pseudonym, notes, incident) VALUES (?,?,?,?,?)",
            (int(doc_id), *_fts_row(doc)),
        )
    for doc_id, entry in tables.get("audit", {}).items():
        con.execute("INSERT INTO audit (id, entry) VALUES (?, ?)", (int(doc_id), json.dumps(entry)))
    con.execute("COMMIT")
    con.close()


def _label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


# -- the metrics ---------------------------------------------------------------------------


def measure_kdf(reps: int) -> Metric:
    """The default Argon2id parameters (CSPR_KDF_PROFILE unset), alone."""
    from cspr_tui.vault.crypto import derive_kek, new_salt
    from cspr_tui.vault.format import DEFAULT_KDF

    params = DEFAULT_KDF
    salt = new_salt()
    times = [_timed(lambda: derive_kek(PASSPHRASE, params, salt)) for _ in range(reps)]
    return Metric(
        "kdf_unlock",
        statistics.median(times),
        None,
        "0.5-1.0 s",
        note=params.describe(),
        absolute=(0.5, 1.0),
        reps=reps,
    )


def _vault_kdf_seconds(fx: Fixture, reps: int) -> float:
    """What the KDF of this vault's own header costs, to take out of the unlock time."""
    from cspr_tui.vault.crypto import derive_kek
    from cspr_tui.vault.format import parse_header

    header = parse_header(fx.vault_path.read_bytes(), fx.vault_path)
    return statistics.median(
        _timed(lambda: derive_kek(PASSPHRASE, header.kdf, header.salt)) for _ in range(reps)
    )


def _baseline_unlock(fx: Fixture) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    blob = fx.sealed_path.read_bytes()
    return json.loads(AESGCM(fx.sealed_key).decrypt(blob[:12], blob[12:], None))


def measure_unlock(fx: Fixture, reps: int, note: str = "") -> list[Metric]:
    """open_vault (minus its KDF) against read + AES-GCM decrypt + json.loads; then the same
    open with the store ready to show the case list and answer a text query with the
    matching rows (the app's unlock-to-ready), against the same baseline; then, for
    information, the open with every case's next deadline (what the dashboard shows)."""
    from cspr_tui.domain.store import CaseStore
    from cspr_tui.settings import Settings
    from cspr_tui.vault import open_vault

    kdf = _vault_kdf_seconds(fx, max(reps, 5))
    words = [SEARCH_WORDS[i % len(SEARCH_WORDS)] for i in range(reps)]
    found: list[int] = []

    def ours(_i: int) -> None:
        open_vault(fx.vault_path, PASSPHRASE).close()

    def ours_ready(i: int) -> None:
        with open_vault(fx.vault_path, PASSPHRASE) as vault:
            store = CaseStore(vault, Settings(), None, "Bench Reviewer")
            if len(store.summaries()) != fx.size:
                raise RuntimeError("the store did not list every case")
            found.append(len(store.query_summaries(text=words[i])))

    def ours_dashboard(_i: int) -> None:
        with open_vault(fx.vault_path, PASSPHRASE) as vault:
            store = CaseStore(vault, Settings(), None, "Bench Reviewer", clock=lambda: TODAY)
            store.summaries(deadlines=True)

    mine, theirs = _paired(reps, ours, lambda _i: _baseline_unlock(fx))
    ready, theirs_ready = _paired(reps, ours_ready, lambda _i: _baseline_unlock(fx))
    if not any(found):
        raise RuntimeError("the unlock-to-ready query found nothing; the generated data changed?")
    few = min(reps, 2)
    dashboard = statistics.median(_timed(lambda: ours_dashboard(0)) for _ in range(few))
    label = _label(fx.size)
    extra = f"; KDF of the vault's header ({kdf * 1000:.2f} ms) subtracted"
    return [
        Metric(
            f"unlock_{label}",
            max(mine - kdf, 0.0),
            theirs,
            "<= 1.0",
            note=(note + extra).lstrip("; "),
            ratio_max=1.0,
            reps=reps,
        ),
        Metric(
            f"unlock_ready_{label}",
            max(ready - kdf, 0.0),
            theirs_ready,
            "<= 1.0",
            note=(
                note
                + "; open + CaseStore.summaries() of every case + query_summaries(text=word)"
                + extra
            ).lstrip("; "),
            ratio_max=1.0,
            reps=reps,
        ),
        Metric(
            f"unlock_deadlines_{label}",
            max(dashboard - kdf, 0.0),
            theirs,
            "(info)",
            note=(
                note + "; open + summaries(deadlines=True): every case built and its deadlines"
                f" computed (the dashboard's next-deadline column), median of {few}" + extra
            ).lstrip("; "),
            reps=few,
        ),
    ]


def measure_save_edit(fx: Fixture, reps: int, note: str = "") -> Metric:
    """One field of one case changed through the store (durable, audited) against TinyDB's
    default JSONStorage `update` of the same field (plaintext, no fsync, not atomic)."""
    from tinydb import Query, TinyDB

    from cspr_tui.domain.store import CaseStore
    from cspr_tui.settings import Settings
    from cspr_tui.vault import open_vault

    step = max(1, len(fx.refs) // (reps + 1))
    refs = [fx.refs[(i + 1) * step % len(fx.refs)] for i in range(reps)]
    with open_vault(fx.vault_path, PASSPHRASE) as vault, TinyDB(fx.tinydb_path) as db:
        store = CaseStore(vault, Settings(), None, "Bench Reviewer")
        store.summaries()  # the store is ready before the first edit, as in the app
        table = db.table("cases")
        mine, theirs = _paired(
            reps,
            lambda i: store.update_case(refs[i], {"notes": f"Edited in run {i}."}),
            lambda i: table.update({"notes": f"Edited in run {i}."}, Query().ref == refs[i]),
        )
    return Metric(
        f"save_edit_{_label(fx.size)}", mine, theirs, "<= 0.5", note, ratio_max=0.5, reps=reps
    )


def measure_search(fx: Fixture, reps: int, note: str = "") -> Metric:
    """A text filter over every case through the store against TinyDB `search` with a Query
    (the same words, any case) over the fields a user would search, on its default storage."""
    from tinydb import Query, TinyDB

    from cspr_tui.domain.store import CaseStore
    from cspr_tui.settings import Settings
    from cspr_tui.vault import open_vault

    words = [SEARCH_WORDS[i % len(SEARCH_WORDS)] for i in range(reps)]
    found: list[int] = []

    def baseline_query(word: str) -> Any:
        pattern = re.escape(word)
        case = Query()
        return (
            case.ref.search(pattern, flags=re.IGNORECASE)
            | case.pseudonym.search(pattern, flags=re.IGNORECASE)
            | case.notes.search(pattern, flags=re.IGNORECASE)
            | case.records.referral["values"].incident_description.search(
                pattern, flags=re.IGNORECASE
            )
        )

    vault = open_vault(fx.vault_path, PASSPHRASE, readonly=True)
    with vault, TinyDB(fx.tinydb_path) as db:
        store = CaseStore(vault, Settings(), None, "Bench Reviewer")
        # Warm, as the app is once its dashboard has loaded: every case built (the dashboard
        # lists them all) and every search text built (the first search); the cold path is
        # in unlock_ready.
        store.list_cases()
        store.query(text="warm")
        # A fresh query per run (different words), so TinyDB's query cache never answers.
        table = db.table("cases")
        mine, theirs = _paired(
            reps,
            lambda i: found.append(len(store.query(text=words[i]))),
            lambda i: table.search(baseline_query(words[i])),
        )
    if not any(found):
        raise RuntimeError("the search benchmark found nothing; the generated data changed?")
    return Metric(
        f"search_{_label(fx.size)}", mine, theirs, "<= 0.1", note, ratio_max=0.1, reps=reps
    )


def _sheet_values(path: Path) -> list[tuple[str, list[list[Any]]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in wb]
    finally:
        wb.close()


def _reviewed(cases: list, settings) -> None:
    """Every tracker finding accepted, as a reviewer does before the quarterly run (the
    review gate itself is timed: it scans every case's texts on each write)."""
    from cspr_tui.exports.redaction.review import accepting, case_redactor, tracker_findings

    for case in cases:
        found = tracker_findings(case_redactor(case, settings), case)
        case.redaction_decisions = [*case.redaction_decisions, *accepting(found)]


def measure_tracker(cases: list, folder: Path, reps: int, note: str = "") -> list[Metric]:
    """Our quarterly workbook against plain openpyxl writing the same cells, unstyled: in
    its normal mode (tracker_*) and in write-only mode, its fastest (tracker_vs_writeonly_*)."""
    from openpyxl import Workbook

    from cspr_tui.domain.quarter import Quarter
    from cspr_tui.exports import write_tracker
    from cspr_tui.settings import Settings

    folder.mkdir(parents=True, exist_ok=True)
    quarter = Quarter.parse(QUARTER)
    settings = Settings()
    _reviewed(cases, settings)
    first = write_tracker(
        cases, folder / "tracker-probe.xlsx", quarter=quarter, today=TODAY, settings=settings
    )
    sheets = _sheet_values(first)
    first.unlink()
    recs = sum(len(c.recommendations) for c in cases)

    def ours(i: int) -> None:
        write_tracker(
            cases, folder / f"ours-{i}.xlsx", quarter=quarter, today=TODAY, settings=settings
        )

    def baseline(i: int) -> None:
        wb = Workbook()
        wb.remove(wb.active)
        for title, rows in sheets:
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
        wb.save(folder / f"baseline-{i}.xlsx")

    def write_only(i: int) -> None:
        wb = Workbook(write_only=True)
        for title, rows in sheets:
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
        wb.save(folder / f"writeonly-{i}.xlsx")

    mine, theirs = _paired(reps, ours, baseline)
    mine_wo, theirs_wo = _paired(reps, lambda i: ours(reps + i), write_only)
    size = f"{recs // 1000}k" if recs % 1000 == 0 else str(recs)
    return [
        Metric(f"tracker_{size}", mine, theirs, "<= 1.5", note, ratio_max=1.5, reps=reps),
        Metric(
            f"tracker_vs_writeonly_{size}",
            mine_wo,
            theirs_wo,
            "<= 1.5",
            (note + "; baseline: openpyxl write-only mode").lstrip("; "),
            ratio_max=1.5,
            reps=reps,
        ),
    ]


def _minimal_template(path: Path) -> None:
    """The baseline's Word template: a title and one table looping over the rows."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("{{ title }}")
    table = doc.add_table(rows=4, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Date", "Time", "Event"), strict=True):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for r in rows %}"
    for cell, text in zip(
        table.rows[2].cells, ("{{ r.date }}", "{{ r.time }}", "{{ r.event }}"), strict=True
    ):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    doc.save(str(path))


def measure_docx(rows: int, folder: Path, reps: int) -> Metric:
    """Our referral report (the export that renders a case's chronology rows) with `rows`
    chronology rows against docxtpl rendering a minimal template with the same rows."""
    from docxtpl import DocxTemplate

    from cspr_tui.exports import write_case_report
    from cspr_tui.exports.context import format_date
    from cspr_tui.settings import Settings

    folder.mkdir(parents=True, exist_ok=True)
    case = with_chronology(rows)
    chronology = case.records["referral"].values["chronology"]
    ctx = {
        "title": "Chronology of key dates",
        "rows": [
            {"date": format_date(e["date"]), "time": e["time"], "event": e["event"]}
            for e in chronology
        ],
    }
    template = folder / "minimal.docx"
    _minimal_template(template)
    settings = Settings()

    def ours(i: int) -> None:
        write_case_report(
            case, "referral", folder / f"ours-{i}.docx", settings=settings, today=TODAY
        )

    def baseline(i: int) -> None:
        tpl = DocxTemplate(str(template))
        tpl.render(ctx, autoescape=True)
        tpl.save(str(folder / f"baseline-{i}.docx"))

    mine, theirs = _paired(reps, ours, baseline)
    name = f"docx_{_label(rows)}_rows"
    return Metric(name, mine, theirs, "<= 1.5", "referral report", ratio_max=1.5, reps=reps)


# -- against what a user would pick instead: stdlib sqlite3 ------------------------------


def measure_fsync_floor(folder: Path, reps: int) -> Metric:
    """This disk's floor for a small durable write: write + fsync + rename + folder fsync."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "floor.bin"

    def durable_write(i: int) -> None:
        tmp = folder / f".floor-{i}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, os.urandom(2048))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    times = [_timed(lambda i=i: durable_write(i)) for i in range(max(reps, 5))]
    return Metric("fsync_floor", statistics.median(times), None, "(info)", reps=len(times))


def _sqlite_save(con: Any, ref: str, text: str, actor: str) -> None:
    """The same durable, audited one-field edit in sqlite: the case's JSON, an audit row
    and its FTS row, in one transaction committed with synchronous=FULL."""
    con.execute("BEGIN IMMEDIATE")
    row = con.execute("SELECT id, doc FROM cases WHERE ref = ?", (ref,)).fetchone()
    doc = json.loads(row[1])
    old = doc.get("notes")
    doc["notes"] = text
    con.execute("UPDATE cases SET doc = ? WHERE id = ?", (json.dumps(doc), row[0]))
    entry = {"who": actor, "action": "case updated", "ref": ref, "changes": [
        {"field": "notes", "old": old, "new": text}]}  # fmt: skip
    con.execute("INSERT INTO audit (entry) VALUES (?)", (json.dumps(entry),))
    con.execute("DELETE FROM cases_fts WHERE rowid = ?", (row[0],))
    con.execute(
        "INSERT INTO cases_fts (rowid, ref, pseudonym, notes, incident) VALUES (?,?,?,?,?)",
        (row[0], *_fts_row(doc)),
    )
    con.execute("COMMIT")


def measure_save_vs_sqlite(fx: Fixture, reps: int, note: str = "") -> list[Metric]:
    """A durable, audited one-field edit through the store against the same in sqlite3
    (WAL, synchronous=FULL, JSON row, audit row, FTS5 update); and the bytes our save
    appends to the vault file (information)."""
    from cspr_tui.domain.store import CaseStore
    from cspr_tui.settings import Settings
    from cspr_tui.vault import open_vault

    assert fx.sqlite_path is not None
    step = max(1, len(fx.refs) // (reps + 1))
    refs = [fx.refs[(i + 2) * step % len(fx.refs)] for i in range(reps)]
    appended: list[int] = []
    con = _sqlite(fx.sqlite_path)
    with open_vault(fx.vault_path, PASSPHRASE) as vault:
        store = CaseStore(vault, Settings(), None, "Bench Reviewer")
        store.summaries()

        def ours(i: int) -> None:
            before = fx.vault_path.stat().st_size
            store.update_case(refs[i], {"notes": f"Edited against sqlite {i}."})
            appended.append(fx.vault_path.stat().st_size - before)

        mine, theirs = _paired(
            reps,
            ours,
            lambda i: _sqlite_save(con, refs[i], f"Edited against sqlite {i}.", "Bench Reviewer"),
        )
    con.close()
    label = _label(fx.size)
    grew = [n for n in appended if n > 0]
    return [
        Metric(f"save_vs_sqlite_{label}", mine, theirs, "<= 3", note, ratio_max=3.0, reps=reps),
        Metric(
            f"save_bytes_{label}",
            float(statistics.median(grew)) if grew else 0.0,
            None,
            "(info)",
            (note + "; bytes one save appends to the vault file").lstrip("; "),
            unit="B",
            reps=len(grew),
        ),
    ]


def measure_ready_vs_sqlite(fx: Fixture, reps: int, note: str = "") -> Metric:
    """Unlock (KDF excluded) to a listed dashboard against sqlite open + list every case."""
    from cspr_tui.domain.store import CaseStore
    from cspr_tui.settings import Settings
    from cspr_tui.vault import open_vault

    kdf = _vault_kdf_seconds(fx, max(reps, 5))
    assert fx.sqlite_path is not None

    def ours(_i: int) -> None:
        with open_vault(fx.vault_path, PASSPHRASE) as vault:
            store = CaseStore(vault, Settings(), None, "Bench Reviewer")
            if len(store.summaries()) != fx.size:
                raise RuntimeError("the store did not list every case")

    def baseline(_i: int) -> None:
        con = _sqlite(fx.sqlite_path)
        rows = con.execute(
            "SELECT ref, json_extract(doc, '$.pseudonym'), json_extract(doc, '$.stage') "
            "FROM cases ORDER BY ref"
        ).fetchall()
        con.close()
        if len(rows) != fx.size:
            raise RuntimeError("sqlite did not list every case")

    mine, theirs = _paired(reps, ours, baseline)
    return Metric(
        f"ready_vs_sqlite_{_label(fx.size)}",
        max(mine - kdf, 0.0),
        theirs,
        "<= 1.5",
        (note + f"; KDF ({kdf * 1000:.2f} ms) subtracted").lstrip("; "),
        ratio_max=1.5,
        reps=reps,
    )


def _fts_query(word: str) -> str:
    return " ".join(f'"{part}"' for part in word.split())


def measure_search_vs_fts5(fx: Fixture, reps: int, note: str = "") -> list[Metric]:
    """Text search through the store against FTS5 MATCH returning the rows: warm (after a
    first search) and the first search after unlock (store built from the vault; sqlite on
    a fresh connection)."""
    from cspr_tui.domain.store import CaseStore
    from cspr_tui.settings import Settings
    from cspr_tui.vault import open_vault

    assert fx.sqlite_path is not None
    words = [SEARCH_WORDS[i % len(SEARCH_WORDS)] for i in range(reps)]
    found: list[int] = []

    def fts(con: Any, word: str) -> list[Any]:
        return con.execute(
            "SELECT c.ref, c.doc FROM cases_fts f JOIN cases c ON c.id = f.rowid "
            "WHERE cases_fts MATCH ?",
            (_fts_query(word),),
        ).fetchall()

    con = _sqlite(fx.sqlite_path)
    with open_vault(fx.vault_path, PASSPHRASE, readonly=True) as vault:
        store = CaseStore(vault, Settings(), None, "Bench Reviewer")
        store.summaries()
        store.query_summaries(text="warm")
        # Warm: after a first search. The stored word index needs nothing more; a vault
        # without it would have its in-memory index completed here.
        store.index_search()
        fts(con, "warm")
        warm, warm_base = _paired(
            reps,
            lambda i: found.append(len(store.query_summaries(text=words[i]))),
            lambda i: fts(con, words[i]),
        )
    con.close()
    if not any(found):
        raise RuntimeError("the search benchmark found nothing; the generated data changed?")
    # First search after unlock: the store just built, the sqlite connection just opened.
    firsts, first_base = [], []
    for i in range(reps):
        vault = open_vault(fx.vault_path, PASSPHRASE, readonly=True)
        with vault:
            store = CaseStore(vault, Settings(), None, "Bench Reviewer")
            store.summaries()
            firsts.append(_timed(lambda i=i, s=store: s.query_summaries(text=words[i])))
        fresh = _sqlite(fx.sqlite_path)
        first_base.append(_timed(lambda i=i, c=fresh: fts(c, words[i])))
        fresh.close()
    label = _label(fx.size)
    return [
        Metric(
            f"search_vs_fts5_{label}", warm, warm_base, "<= 1.0", note, ratio_max=1.0, reps=reps
        ),
        Metric(
            f"first_search_vs_fts5_{label}",
            statistics.median(firsts),
            statistics.median(first_base),
            "<= 3",
            (note + "; after the dashboard listed every case").lstrip("; "),
            ratio_max=3.0,
            reps=reps,
        ),
    ]


# -- peak memory, each run in a fresh process ------------------------------------------------


def _status_kib(field_name: str) -> int:
    """A memory figure of this process from /proc/self/status (Linux), in KiB."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field_name}; the memory metric needs Linux")


def memory_probe(kind: str, path: str) -> None:
    """Child-process side: import, note RSS, unlock once, print peak minus post-import RSS.

    The peak is VmHWM, the high-water mark of this process's own memory. `ru_maxrss` would
    be wrong here: Linux carries the parent's peak across fork and exec, so every child of
    a big benchmark process would report the parent's size.
    """
    import cryptography.hazmat.primitives.ciphers.aead  # noqa: F401

    import cspr_tui.vault

    settled = _status_kib("VmRSS")
    if kind == "ours":
        vault = cspr_tui.vault.open_vault(path, os.environ["CSPR_BENCH_PASSPHRASE"])
        held = vault.db.storage.read()
    else:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        key = bytes.fromhex(os.environ["CSPR_BENCH_KEY"])
        blob = Path(path).read_bytes()
        held = json.loads(AESGCM(key).decrypt(blob[:12], blob[12:], None))
    peak = _status_kib("VmHWM")
    print(json.dumps({"tables": len(held), "extra_kib": peak - settled}))


def _probe(kind: str, fx: Fixture) -> float:
    env = dict(os.environ, CSPR_BENCH_PASSPHRASE=PASSPHRASE, CSPR_BENCH_KEY=fx.sealed_key.hex())
    path = fx.vault_path if kind == "ours" else fx.sealed_path
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), PROBE_FLAG, kind, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"memory probe {kind} failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])["extra_kib"] * 1024 / MIB


def measure_memory(fx: Fixture, reps: int, name: str, note: str = "") -> Metric:
    mine, theirs = [], []
    for _ in range(reps):
        mine.append(_probe("ours", fx))
        theirs.append(_probe("baseline", fx))
    return Metric(
        name,
        statistics.median(mine),
        statistics.median(theirs),
        "<= 1.3",
        note,
        unit="MiB",
        ratio_max=1.3,
        reps=reps,
    )


# -- importing, in a fresh process -----------------------------------------------------------


def _reset_peak() -> None:
    """Start VmHWM again from the current RSS (Linux 4.0+: `5` to /proc/self/clear_refs)."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
        handle.write("5")


def import_probe(path: str) -> None:
    """Child-process side: `cspr import FILE` as the command line runs it (the workspace
    and passphrase from the environment); prints seconds and two peaks above the RSS after
    the imports: the raw one, and one that leaves out the KDF.

    Argon2id's 256 MiB is allocated and freed while the vault unlocks, whatever the import
    does (2.8x a 92 MiB file on its own). So the high-water mark is read just before the
    KDF and reset to the RSS just after it: the import's own peak is the larger of the
    mark before and the mark at the end. The raw peak (the KDF's included) is kept too."""
    import cspr_tui.cli
    import cspr_tui.domain.import_stream
    import cspr_tui.domain.store
    import cspr_tui.forms
    import cspr_tui.vault.vault as vault_module

    derive = vault_module.derive_kek
    marks = {"before_kdf": 0, "raw": 0}

    def measured_kdf(*args: Any, **kwargs: Any) -> bytes:
        marks["before_kdf"] = max(marks["before_kdf"], _status_kib("VmHWM"))
        key = derive(*args, **kwargs)
        marks["raw"] = max(marks["raw"], _status_kib("VmHWM"))
        _reset_peak()
        return key

    vault_module.derive_kek = measured_kdf  # type: ignore[assignment]
    settled = _status_kib("VmRSS")
    start, cpu = time.perf_counter(), time.process_time()
    try:
        code = cspr_tui.cli.main(["import", path])
    finally:
        vault_module.derive_kek = derive  # type: ignore[assignment]
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    if code != 0:
        raise RuntimeError(f"cspr import exited {code}")
    peak = _status_kib("VmHWM")
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "cpu_seconds": cpu,
                "extra_kib": max(marks["before_kdf"], peak) - settled,
                "raw_extra_kib": max(marks["raw"], peak) - settled,
            }
        )
    )


def measure_import(size: int, folder: Path, note: str = "") -> list[Metric]:
    """`cspr import` of `size` new cases (one case JSON file, as an export gives) into an
    empty vault, in a fresh process: seconds, and peak memory against the file's size."""
    from cspr_tui.domain.case_json import dump_cases
    from cspr_tui.vault import create_vault

    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"import-{size}.json"
    source.write_bytes(orjson_dumps(dump_cases(make_cases(size))))
    workspace = folder / "workspace"
    (workspace / "vault").mkdir(parents=True, exist_ok=True)
    create_vault(workspace / "vault" / "cases.vault", PASSPHRASE).close()
    env = dict(os.environ, CSPR_HOME=str(workspace), CSPR_PASSPHRASE=PASSPHRASE)
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), IMPORT_PROBE_FLAG, str(source)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"import probe failed: {done.stderr.strip()[-500:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    plaintext = source.stat().st_size / MIB
    label = _label(size)
    baseline = _timed(lambda: _sqlite_import(source, folder / "import.sqlite"))
    return [
        Metric(
            f"import_{label}",
            result["seconds"],
            baseline,
            "<= 5 s",
            (
                note + f"; {size:,} new cases, {plaintext:.0f} MiB of JSON; "
                f"{result['cpu_seconds']:.1f} s of CPU (the rest is waiting for a core or the "
                "disk: the load average says how busy the machine was); baseline (for "
                "information): the same file into sqlite3 (parse, one JSON row and FTS5 row "
                "per case, one durable transaction, no checks)"
            ).lstrip("; "),
            absolute=(0.0, 5.0),
            reps=1,
        ),
        Metric(
            f"import_{label}_peak_memory",
            result["extra_kib"] / 1024,
            plaintext,
            "<= 2x plaintext",
            (
                note + "; peak above the process before the import (the vault starts empty), "
                "the Argon2id KDF's own 256 MiB left out (the high-water mark is reset after "
                f"it); raw peak with the KDF: {result['raw_extra_kib'] / 1024:.0f} MiB; "
                "baseline: the import file's size"
            ).lstrip("; "),
            unit="MiB",
            ratio_max=2.0,
            reps=1,
        ),
    ]


def _sqlite_import(source: Path, path: Path) -> None:
    import orjson

    data = orjson.loads(source.read_bytes())
    con = _sqlite(path)
    con.executescript(_SQLITE_SCHEMA)
    con.execute("BEGIN")
    for doc in data["cases"]:
        row = con.execute(
            "INSERT INTO cases (ref, doc) VALUES (?, ?)", (doc["ref"], orjson.dumps(doc).decode())
        ).lastrowid
        con.execute(
            "INSERT INTO cases_fts (rowid, ref, pseudonym, notes, incident) VALUES (?,?,?,?,?)",
            (row, *_fts_row(doc)),
        )
    con.execute("COMMIT")
    con.close()


def orjson_dumps(data: Any) -> bytes:
    import orjson

    return orjson.dumps(data)


# -- running and printing ------------------------------------------------------------------


def tui_metrics(quick: bool, cases: int = 1000, reps: int | None = None) -> list[Metric]:
    """The app's key-to-settled latencies (`tui_*`), each against its 150 ms target."""
    from bench.tui_latency import run as run_tui

    return [
        Metric(
            m["name"],
            m["seconds"],
            None,
            m["target"],
            note=m["note"],
            absolute=(0.0, m["target_seconds"]),
            reps=m["reps"],
        )
        for m in run_tui(quick, cases=cases, reps=reps)
    ]


def _wanted(only: tuple[str, ...], *names: str) -> bool:
    """Does `--only` (metric names or their beginnings; empty: everything) ask for any of
    `names`?"""
    return not only or any(name.startswith(prefix) for name in names for prefix in only)


def _group_wanted(only: tuple[str, ...], stem: str) -> bool:
    """Is any metric of the group whose names all begin with `stem` asked for?"""
    return not only or any(p.startswith(stem) or stem.startswith(p) for p in only)


def run(
    *,
    quick: bool,
    folder: Path,
    reps: int | None = None,
    cases: int = 1000,
    rows: int = 1000,
    only: tuple[str, ...] = (),
) -> list[Metric]:
    """Every metric (or those `only` names), in one process, on data generated under `folder`.

    `cases` and `rows` shrink the data below the real sizes (1,000 cases, 1,000 rows) only
    for the smoke test; the metric names then no longer match their sizes. `only` holds
    metric names or beginnings of them (`save_vs_sqlite`, `import_5k`): only the data those
    need is built, so one metric can be measured on its own while working on it.
    """
    reps = reps or (3 if quick else 5)
    few = min(reps, 2 if quick else 3)  # for the metrics that take seconds per run
    metrics: list[Metric] = []
    label = _label(cases)
    small_names = (f"unlock_{label}", f"unlock_ready_{label}", f"unlock_deadlines_{label}")
    versus_10k = (
        "save_vs_sqlite_10k",
        "ready_vs_sqlite_10k",
        "search_vs_fts5_10k",
        "first_search_vs_fts5_10k",
    )
    large_names = (
        "unlock_10k",
        "unlock_ready_10k",
        "unlock_deadlines_10k",
        "save_edit_10k",
        "search_10k",
        "unlock_peak_memory_10k",
        "save_bytes_10k",
        *versus_10k,
    )
    if _wanted(only, "kdf_unlock"):
        _say("kdf: default parameters")
        metrics.append(measure_kdf(few))
    with _kdf_profile("test"):  # cheap KDF to build and open the data vaults (subtracted)
        small_wanted = _wanted(
            only, *small_names, f"save_edit_{label}", f"save_vs_sqlite_{label}",
            f"save_bytes_{label}",
        ) or (quick and _wanted(only, *large_names))  # fmt: skip
        small = None
        if small_wanted:
            _say(f"building {cases:,} cases")
            small = build_fixture(cases, folder / "small")
            _say(f"unlock and save at {cases:,} cases")
        if small is not None and _wanted(only, *small_names):
            metrics += measure_unlock(small, reps)
        if small is not None and _wanted(only, f"save_edit_{label}"):
            metrics.append(measure_save_edit(small, reps))
        if _wanted(only, "fsync_floor"):
            metrics.append(measure_fsync_floor(folder / "floor", reps))
        if small is not None and _wanted(only, f"save_vs_sqlite_{label}", f"save_bytes_{label}"):
            metrics += measure_save_vs_sqlite(small, reps)
        tracker_cases = min(200 if quick else 1000, cases)
        if _group_wanted(only, "tracker_"):
            _say(f"tracker: {tracker_cases * 10:,} recommendations")
            trackers = measure_tracker(make_cases(tracker_cases), folder / "xlsx", few)
            if quick:
                names = ("tracker_10k", "tracker_vs_writeonly_10k")
                for tracker, name in zip(trackers, names, strict=True):
                    tracker.name = name
                    tracker.note = (
                        f"reduced to {tracker_cases * 10:,} recommendations (--quick); "
                        f"{tracker.note}"
                    ).rstrip("; ")
            metrics += trackers
        if _group_wanted(only, "docx_"):
            _say(f"Word report: {rows:,} chronology rows")
            metrics.append(measure_docx(rows, folder / "docx", few))
        imported = min(1000 if quick else 5000, cases * 5)
        if _group_wanted(only, "import_5k"):
            _say(f"cspr import: {imported:,} cases")
            imports = measure_import(imported, folder / "import")
            if imported != 5000:
                for metric, name in zip(
                    imports, ("import_5k", "import_5k_peak_memory"), strict=True
                ):
                    metric.name = name
                    metric.note = f"reduced to {imported:,} cases; {metric.note}"
            metrics += imports
        if _group_wanted(only, "tui_"):
            _say("app latencies at 1,000 cases (bench/tui_latency.py)")
            metrics += tui_metrics(quick, cases, reps)
        if quick and small is not None:
            reduced = f"reduced to {cases:,} cases (--quick)"
            if _wanted(only, "search_10k"):
                search = measure_search(small, reps, reduced)
                search.name = "search_10k"
                metrics.append(search)
            if _wanted(only, "unlock_peak_memory_10k"):
                metrics.append(measure_memory(small, 1, "unlock_peak_memory_10k", reduced))
            versus = []
            if _wanted(only, "save_vs_sqlite_10k"):
                versus += measure_save_vs_sqlite(small, reps, reduced)
            if _wanted(only, "ready_vs_sqlite_10k"):
                versus.append(measure_ready_vs_sqlite(small, reps, reduced))
            if _wanted(only, "search_vs_fts5_10k", "first_search_vs_fts5_10k"):
                versus += measure_search_vs_fts5(small, reps, reduced)
            for metric in versus:
                metric.name = re.sub(r"_[0-9k]+$", "_10k", metric.name)
            metrics += [m for m in versus if not m.name.startswith("save_bytes")]
        elif not quick and _wanted(only, *large_names):
            _say("building 10,000 cases")
            large = build_fixture(10_000, folder / "10k")
            _say("unlock, save, search, memory at 10,000 cases")
            if _wanted(only, "unlock_10k", "unlock_ready_10k", "unlock_deadlines_10k"):
                metrics += measure_unlock(large, few)
            if _wanted(only, "save_edit_10k"):
                metrics.append(measure_save_edit(large, few))
            if _wanted(only, "search_10k"):
                metrics.append(measure_search(large, reps))
            if _wanted(only, "unlock_peak_memory_10k"):
                metrics.append(measure_memory(large, few, "unlock_peak_memory_10k"))
            _say("against sqlite3 at 10,000 cases")
            if _wanted(only, "save_vs_sqlite_10k", "save_bytes_10k"):
                metrics += measure_save_vs_sqlite(large, reps)
            if _wanted(only, "ready_vs_sqlite_10k"):
                metrics.append(measure_ready_vs_sqlite(large, few))
            if _wanted(only, "search_vs_fts5_10k", "first_search_vs_fts5_10k"):
                metrics += measure_search_vs_fts5(large, reps)
    return [m for m in metrics if _wanted(only, m.name)]


def _cell(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 10 else f"{value:.1f} s"
    return f"{value:.1f} {unit}"


def format_table(metrics: list[Metric]) -> str:
    header = ("metric", "ours", "baseline", "ratio", "target", "met")
    rows = [header]
    for m in metrics:
        met = "-" if m.met is None else ("yes" if m.met else "NO")
        ratio = "-" if m.ratio is None else f"{m.ratio:.2f}"
        rows.append(
            (m.name, _cell(m.ours, m.unit), _cell(m.baseline, m.unit), ratio, m.target, met)
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {m.name}: {m.note}" for m in metrics if m.note]
    return "\n".join([*lines, "", "notes:", *notes])


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            names = [ln.split(":", 1)[1].strip() for ln in handle if ln.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [PROBE_FLAG]:
        memory_probe(argv[1], argv[2])
        return 0
    if argv[:1] == [IMPORT_PROBE_FLAG]:
        import_probe(argv[1])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 cases only (under 60 s)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument("--reps", type=int, default=None, help="repetitions per metric")
    parser.add_argument("--debug", action="store_true", help="show the traceback of a failure")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="only this metric, or those whose names begin so (repeatable, or comma-separated)",
    )
    parser.add_argument("--cases", type=int, default=1000, help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=1000, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if min(args.cases, args.rows, 1 if args.reps is None else args.reps) < 1:
        parser.error("--cases, --rows and --reps must be at least 1")
    only = tuple(name.strip() for names in args.only for name in names.split(",") if name.strip())
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="cspr-bench-") as tmp:
        os.environ["CSPR_HOME"] = str(Path(tmp) / "workspace")  # nothing lands in a real one
        (Path(tmp) / "workspace").mkdir()
        try:
            metrics = run(
                quick=args.quick,
                folder=Path(tmp),
                reps=args.reps,
                cases=args.cases,
                rows=args.rows,
                only=only,
            )
        except Exception as exc:
            if args.debug:
                raise
            _say(
                f"bench: failed ({exc.__class__.__name__}: {exc}); rerun with --debug for details."
            )
            return 1
    print(f"cspr-tui benchmark ({'quick' if args.quick else 'full'}), {date.today():%d/%m/%Y}")
    print(f"machine: {machine()}")
    # Other work on the machine slows both sides but not always alike: say how busy it was.
    print(
        f"load average (1 min): {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    )
    print(format_table(metrics))
    print(f"finished in {time.perf_counter() - started:.0f} s")
    if args.json:
        print(json.dumps({"metrics": [m.as_json() for m in metrics]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
