"""`cspr import` shows its progress on stderr (a terminal, or --progress) and stays all or
nothing: a bad case at the end of a long file leaves the vault's bytes as they were."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from cspr_tui.domain import import_stream
from cspr_tui.domain.case_json import case_to_data, dump_cases, parse_case_file
from cspr_tui.domain.store import CaseStore
from cspr_tui.errors import ValidationFailed
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings
from cspr_tui.vault import create_vault, open_vault
from tests.cli_run import folder_digest, one_case_vault

PASS = "an invented passphrase"
COUNT = 250


def cspr(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CSPR_PASSPHRASE": PASS}
    return subprocess.run(
        [sys.executable, "-m", "cspr_tui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )


def _file_of(tmp_path: Path, count: int = COUNT) -> tuple[Path, dict]:
    """An import file of `count` new cases (CSPR-2026-101 onwards), built through the store."""
    vault = create_vault(tmp_path / "source.vault", PASS)
    store = CaseStore(vault, Settings(reviewer_name="Reviewer One"), load_forms())
    for n in range(count):
        store.create_case(notes=f"Case note {n} near the old mill")
    data = dump_cases(store.list_cases())
    vault.close()
    for n, item in enumerate(data["cases"]):
        item["ref"] = f"CSPR-2026-{101 + n:03d}"
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path, data


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    return one_case_vault(workspace)


def test_progress_flag_reports_checking_and_saving(
    vault_path: Path, tmp_path: Path, workspace: Path
) -> None:
    source, _data = _file_of(tmp_path)
    done = cspr("import", "--progress", str(source))
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == "Checked 100 of 250 case(s)"
    assert "Checked 250 of 250 case(s)" in lines
    assert lines[-2:] == ["Saving 250 case(s) to the vault...", "Saved 250 case(s)"]
    assert "250 new, 0 updated" in done.stdout
    quiet = cspr("import", str(source))  # not a terminal, no flag: nothing on stderr
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert "0 new, 250 updated" in quiet.stdout
    vault = open_vault(vault_path, PASS)
    try:
        assert len(CaseStore(vault, Settings(), load_forms())) == 251
    finally:
        vault.close()


def test_progress_is_redrawn_on_a_terminal(vault_path: Path, tmp_path: Path) -> None:
    source, _data = _file_of(tmp_path, 120)
    env = {**os.environ, "CSPR_PASSPHRASE": PASS}
    parent, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cspr_tui", "import", str(source)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=child,
        env=env,
    )
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(parent, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    out, _ = proc.communicate(timeout=180)
    os.close(parent)
    shown = b"".join(chunks).decode()
    assert proc.returncode == 0, shown
    assert "\r\x1b[KChecked 100 of 120 case(s)" in shown
    assert "\r\x1b[KSaved 120 case(s)\r\n" in shown or "\r\x1b[KSaved 120 case(s)\n" in shown
    assert b"120 new" in out


def test_a_bad_last_case_imports_nothing(vault_path: Path, tmp_path: Path) -> None:
    source, data = _file_of(tmp_path)
    data["cases"][-1]["stage"] = "not_a_stage"
    source.write_text(json.dumps(data), encoding="utf-8")
    before = folder_digest(vault_path.parent)
    done = cspr("import", "--progress", str(source))
    assert done.returncode == 6
    assert f"$.cases[{COUNT - 1}].stage: 'not_a_stage' is not one of" in done.stderr
    assert "Traceback" not in done.stderr
    assert folder_digest(vault_path.parent) == before


def test_checking_gives_what_parse_case_file_gives(tmp_path: Path) -> None:
    _source, data = _file_of(tmp_path, 30)
    forms = load_forms()
    seen: list[tuple[str, int, int]] = []
    cases = import_stream.check_cases(data, forms, progress=lambda *a: seen.append(a))
    assert [c.ref for c in cases] == [c.ref for c in parse_case_file(data, forms)]
    assert seen == [("checking", 30, 30)]
    data["cases"][12]["ref"] = data["cases"][3]["ref"]  # a repeat
    data["cases"][20]["records"] = {"referral": {"form_id": "screening", "values": {}}}
    with pytest.raises(ValidationFailed) as streamed:
        import_stream.check_cases(data, forms)
    with pytest.raises(ValidationFailed) as whole:
        parse_case_file(data, forms)
    assert streamed.value.details == whole.value.details and len(whole.value.details) >= 2
    data["version"] = 99
    with pytest.raises(ValidationFailed):
        import_stream.check_cases(data, forms)


def test_a_consumed_file_is_refused_word_for_word_as_the_whole_file(tmp_path: Path) -> None:
    """Handed over (`consume=True`, as `cspr import` does), each checked case is replaced by
    a stand-in as it is built, so the parsed file and the cases are not all alive at once;
    a refusal further on still lists exactly the whole file's problems (a reference repeated
    from a case already let go, a record and a stage wrong), and a good file gives the same
    cases as `parse_case_file`."""
    import copy

    _source, data = _file_of(tmp_path, 30)
    forms = load_forms()
    good = copy.deepcopy(data)
    expected = [case_to_data(c) for c in parse_case_file(good, forms)]
    cases = import_stream.check_cases(good, forms, consume=True)
    assert [case_to_data(c) for c in cases] == expected
    assert all(set(item) == {"ref", "pseudonym", "stage"} for item in good["cases"])
    data["cases"][25]["ref"] = data["cases"][3]["ref"]  # repeats a case checked before
    data["cases"][27]["records"] = {"referral": {"form_id": "screening", "values": {}}}
    data["cases"][29]["stage"] = "not_a_stage"
    with pytest.raises(ValidationFailed) as whole:
        parse_case_file(copy.deepcopy(data), forms)
    with pytest.raises(ValidationFailed) as consumed:
        import_stream.check_cases(data, forms, consume=True)
    assert consumed.value.details == whole.value.details
    assert len(whole.value.details) >= 3
    assert any("appears twice (also $.cases[3])" in line for line in whole.value.details)
    assert not isinstance(data["cases"][3].get("records"), dict)  # it had been let go


def _on_a_terminal(source: Path) -> tuple[int, str, bytes]:
    """Run `cspr import SOURCE` with stderr on a pseudo-terminal: (exit code, what the
    terminal showed, stdout)."""
    env = {**os.environ, "CSPR_PASSPHRASE": PASS}
    parent, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cspr_tui", "import", str(source)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=child,
        env=env,
    )
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(parent, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    out, _ = proc.communicate(timeout=180)
    os.close(parent)
    return proc.returncode, b"".join(chunks).decode(), out


def test_the_save_shows_its_steps_in_place_on_a_terminal_only(
    vault_path: Path, tmp_path: Path
) -> None:
    """A large import's save is not one silent line: on a terminal the same line is
    redrawn with the cases prepared, then indexed, then the MiB of the vault written, and
    ends with "Saved"; into a file with --progress those steps are left out (the lines are
    the checking's and the save's start and end, as before)."""
    from bench.data import make_cases

    source = tmp_path / "many.json"
    source.write_text(json.dumps(dump_cases(make_cases(150))), encoding="utf-8")
    code, shown, out = _on_a_terminal(source)
    assert code == 0, shown
    assert b"150 new, 0 updated" in out
    saving = "\r\x1b[KSaving 150 case(s) to the vault"
    assert f"{saving}...\r\x1b[K" in shown
    assert f"{saving}: preparing 100 of 150 case(s)\r\x1b[K" in shown
    assert f"{saving}: preparing 150 of 150 case(s)\r\x1b[K" in shown
    assert f"{saving}: indexing 150 of 150 case(s)\r\x1b[K" in shown
    size = vault_path.stat().st_size / (1 << 20)
    assert f"{saving}: writing {size:,.1f} of {size:,.1f} MiB\r\x1b[K" in shown
    assert shown.index(": preparing") < shown.index(": indexing") < shown.index(": writing")
    assert shown.rstrip("\r\n").endswith("\r\x1b[KSaved 150 case(s)")
    assert "\n" not in shown.rstrip("\r\n")  # one line, redrawn in place
    logged = cspr("import", "--progress", str(source))
    assert logged.returncode == 0, logged.stderr
    assert logged.stderr.splitlines()[-3:] == [
        "Checked 150 of 150 case(s)",
        "Saving 150 case(s) to the vault...",
        "Saved 150 case(s)",
    ]
    assert not any(step in logged.stderr for step in ("preparing", "indexing", "writing"))


# In the child: `cspr import --progress FILE`, stopped (asleep) once half the new snapshot
# has been sealed into its temporary file, and saying so, for the test to SIGKILL it there.
HALF_WRITTEN = """
import sys, time
from cspr_tui.cli import case_commands, main
shown = case_commands._ProgressPrinter.__call__
def stopping(self, stage, done, total):
    if stage == "writing" and 2 * done >= total:
        print("half written", flush=True)
        time.sleep(600)
    return shown(self, stage, done, total)
case_commands._ProgressPrinter.__call__ = stopping
sys.exit(main(sys.argv[1:]))
"""


def test_an_import_killed_while_its_snapshot_is_written_leaves_the_vault_as_it_was(
    vault_path: Path, tmp_path: Path, workspace: Path
) -> None:
    """SIGKILLed half way through writing the new snapshot (a real process, a real vault),
    the import has changed nothing: the vault file and its backups are byte for byte as
    before, the half-written temporary file (sealed, so it holds no case text) and the
    dead process's lock are all that is new, the next open removes them and finds only the
    case that was there, and the same import then succeeds."""
    import signal

    from bench.data import make_cases

    source = tmp_path / "many.json"
    incoming = make_cases(150)
    source.write_text(json.dumps(dump_cases(incoming)), encoding="utf-8")
    before = folder_digest(vault_path.parent)
    env = {**os.environ, "CSPR_PASSPHRASE": PASS}
    proc = subprocess.Popen(
        [sys.executable, "-c", HALF_WRITTEN, "import", "--progress", str(source)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "half written\n"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=60)
    after = folder_digest(vault_path.parent)
    new = sorted(set(after) - set(before))
    assert {name: after[name] for name in before} == before
    temps = [name for name in new if ".tmp-" in name]
    assert len(temps) == 1 and set(new) - set(temps) <= {"cases.vault.lock"}, new
    leftover = (vault_path.parent / temps[0]).read_bytes()
    assert leftover and incoming[0].pseudonym.encode() not in leftover
    assert incoming[0].ref.encode() not in leftover
    vault = open_vault(vault_path, PASS)
    try:
        assert [case.ref for case in CaseStore(vault, Settings(), load_forms()).list_cases()] == [
            "CSPR-2026-001"
        ]
    finally:
        vault.close()
    assert folder_digest(vault_path.parent) == before  # the temp file (and the lock) went
    done = cspr("import", str(source))
    assert done.returncode == 0, done.stderr
    assert "150 new, 0 updated" in done.stdout
