"""`cspr init/verify/rekey/backups/restore` as real subprocesses: output, exit codes, no change
on failure, never a traceback."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from cspr_tui.cli.vault_commands import _backups_count
from cspr_tui.errors import CsprError
from cspr_tui.vault import check_backups, create_vault, list_backups, open_vault
from tests.cli_run import run_cspr
from tests.vault import corpus
from tests.vault.holder import holding


def assert_one_line_failure(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    first, *rest = result.stderr.splitlines()
    assert first.startswith("cspr: ")
    assert all(line.startswith("  ") for line in rest)
    return first


def cspr(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_cspr(*args, env=env)


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    return workspace / "vault" / "cases.vault"


@pytest.fixture
def filled(vault_path: Path) -> Path:
    with create_vault(vault_path, "pw") as vault:
        # Tables the domain's integrity check accepts without full case documents. Each
        # compaction keeps the file as it was as a backup (three), then three change
        # records follow the snapshot (what the tamper corpus needs).
        drafts = vault.db.table("drafts")
        drafts.insert({"form": "referral", "ref": "CSPR-2026-001"})
        vault.compact()
        drafts.insert({"form": "referral", "ref": "CSPR-2026-002"})
        vault.compact()
        vault.db.table("meta").insert({"key": "reviewer_note", "value": "fictional"})
        vault.compact()
        for n, doc_id in enumerate((1, 2, 1)):
            drafts.update({"note": f"fictional note {n}"}, doc_ids=[doc_id])
    return vault_path


def test_init_creates_an_empty_vault_and_refuses_to_overwrite(vault_path: Path) -> None:
    result = cspr("init", CSPR_PASSPHRASE="correct horse")
    assert result.returncode == 0, result.stderr
    assert str(vault_path) in result.stdout and "Argon2id" in result.stdout
    assert oct(vault_path.stat().st_mode & 0o777) == "0o600"
    with open_vault(vault_path, "correct horse") as vault:
        assert vault.db.tables() == set()
    before = vault_path.read_bytes()
    again = cspr("init", CSPR_PASSPHRASE="another passphrase")
    assert "already exists" in assert_one_line_failure(again, 1)
    assert vault_path.read_bytes() == before


def test_init_without_a_passphrase_is_a_usage_error(vault_path: Path) -> None:
    result = cspr("init")
    assert "CSPR_PASSPHRASE_FILE" in assert_one_line_failure(result, 2)
    assert "at least 8" in assert_one_line_failure(cspr("init", CSPR_PASSPHRASE="short"), 2)
    assert not vault_path.exists()
    assert list(vault_path.parent.iterdir()) == []


def test_init_honours_vault_option_env_and_passphrase_file(workspace: Path) -> None:
    secret = workspace / "secret.txt"
    secret.write_text("from a file\nignored second line\n")
    other = workspace / "elsewhere" / "team.vault"
    # A folder that does not exist is created only when asked (issue 14).
    refused = cspr("--vault", str(other), "init", CSPR_PASSPHRASE_FILE=str(secret))
    assert refused.returncode == 2 and "--parents" in refused.stderr
    result = cspr("--vault", str(other), "init", "--parents", CSPR_PASSPHRASE_FILE=str(secret))
    assert result.returncode == 0, result.stderr
    open_vault(other, "from a file").close()
    by_env = workspace / "env.vault"
    assert cspr("init", CSPR_VAULT=str(by_env), CSPR_PASSPHRASE="long enough").returncode == 0
    assert by_env.exists()


def test_verify_prints_a_summary(filled: Path) -> None:
    result = cspr("verify", CSPR_PASSPHRASE="pw")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "version 2" in out and "AES-256-GCM" in out and "Argon2id" in out
    assert "drafts 2" in out and "meta 1" in out
    assert re.search(r"backups: 3 \(3 open with this passphrase\), newest \d\d/\d\d/\d{4}", out)
    assert re.search(r"last saved \d\d/\d\d/\d{4} \d\d:\d\d", out)
    assert "integrity" in out


def test_verify_wrong_passphrase_exits_3(filled: Path) -> None:
    before = filled.read_bytes()
    result = cspr("verify", CSPR_PASSPHRASE="nope")
    assert "wrong passphrase" in assert_one_line_failure(result, 3)
    assert filled.read_bytes() == before


def test_verify_reports_integrity_problems_with_exit_4(filled: Path) -> None:
    with open_vault(filled, "pw") as vault:
        vault.db.table("audit").insert({"seq": 7, "prev_hash": "0", "hash": "edited"})
    result = cspr("verify", CSPR_PASSPHRASE="pw")
    assert "integrity" in assert_one_line_failure(result, 4)
    assert "audit entry" in result.stderr


@pytest.mark.parametrize("broken", corpus.cases(), ids=lambda b: b.name)
def test_tamper_corpus_through_the_cli(filled: Path, broken: corpus.Broken) -> None:
    blob = broken.build(filled.read_bytes())
    filled.write_bytes(blob)
    names = sorted(p.name for p in filled.parent.iterdir())
    result = cspr("verify", CSPR_PASSPHRASE="pw")
    line = assert_one_line_failure(result, broken.exit_code)
    if broken.exit_code == 4:
        assert "damaged" in line
        assert "opens with this passphrase" in line  # a backup is named
    assert filled.read_bytes() == blob
    assert sorted(p.name for p in filled.parent.iterdir()) == names


def test_rekey_changes_the_passphrase(filled: Path) -> None:
    result = cspr("rekey", CSPR_PASSPHRASE="pw", CSPR_NEW_PASSPHRASE="new passphrase")
    assert result.returncode == 0, result.stderr
    assert "3 backup(s) re-encrypted: they open with the new passphrase only" in result.stdout
    assert_one_line_failure(cspr("verify", CSPR_PASSPHRASE="pw"), 3)
    assert cspr("verify", CSPR_PASSPHRASE="new passphrase").returncode == 0
    with open_vault(filled, "new passphrase") as vault:
        assert len(vault.db.table("drafts")) == 2


def test_rekey_failures_change_nothing(filled: Path) -> None:
    before = filled.read_bytes()
    assert "CSPR_NEW_PASSPHRASE" in assert_one_line_failure(cspr("rekey", CSPR_PASSPHRASE="pw"), 2)
    assert_one_line_failure(
        cspr("rekey", CSPR_PASSPHRASE="x", CSPR_NEW_PASSPHRASE="long enough"), 3
    )
    assert "at least 8" in assert_one_line_failure(
        cspr("rekey", CSPR_PASSPHRASE="pw", CSPR_NEW_PASSPHRASE="short"), 2
    )
    assert_one_line_failure(cspr("rekey", CSPR_PASSPHRASE="pw", CSPR_NEW_PASSPHRASE="pw"), 2)
    assert filled.read_bytes() == before


@pytest.mark.parametrize(
    "where", [corpus.HEADER2_SIZE + corpus.PREFIX_SIZE + 3, -3], ids=["snapshot", "last-record"]
)
def test_rekey_never_writes_over_a_vault_that_fails_to_decrypt(filled: Path, where: int) -> None:
    damaged = corpus.flip(where)(filled.read_bytes())
    filled.write_bytes(damaged)
    files = {p.name: p.read_bytes() for p in filled.parent.iterdir()}
    result = cspr("rekey", CSPR_PASSPHRASE="pw", CSPR_NEW_PASSPHRASE="another passphrase")
    assert "damaged" in assert_one_line_failure(result, 4)
    assert {p.name: p.read_bytes() for p in filled.parent.iterdir()} == files
    # The backups still open with the old passphrase: nothing was rewrapped either.
    assert set(check_backups(filled, "pw").values()) == {"opens"}


def test_backups_lists_time_and_size(filled: Path) -> None:
    result = cspr("backups")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if ".bak-" in line]
    assert len(rows) == 3
    for row, info in zip(rows, list_backups(filled), strict=True):
        assert info.name in row
        assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", row)
        assert re.search(r"\d+ B|KiB", row)


def test_backups_of_a_new_vault(vault_path: Path) -> None:
    create_vault(vault_path, "long enough").close()
    result = cspr("backups")
    assert result.returncode == 0 and "No backups" in result.stdout


def test_restore_brings_back_a_backup_and_keeps_the_current(filled: Path) -> None:
    oldest = list_backups(filled)[-1]
    result = cspr("restore", oldest.name, CSPR_PASSPHRASE="pw")
    assert result.returncode == 0, result.stderr
    assert "kept as the backup" in result.stdout
    with open_vault(filled, "pw") as vault:
        # The file as it was at the first compaction: one draft in its journal.
        assert [d["ref"] for d in vault.db.table("drafts")] == ["CSPR-2026-001"]
    kept = list_backups(filled)[0]
    with open_vault(kept.path, "pw", readonly=True) as previous:
        assert len(previous.db.table("drafts")) == 2


def test_restore_keeps_as_many_backups_as_the_settings_say(filled: Path, workspace: Path) -> None:
    (workspace / "cspr-settings.json").write_text('{"backups_count": 2}', encoding="utf-8")
    newest_before = list_backups(filled)[0]
    result = cspr("restore", list_backups(filled)[-1].name, CSPR_PASSPHRASE="pw")
    assert result.returncode == 0, result.stderr
    after = list_backups(filled)
    assert len(after) == 2
    assert after[1] == newest_before  # the kept current vault and the newest before it


@pytest.mark.parametrize("bad", ['"ten"', "-1", "true", "2.5"])
def test_bad_backups_count_settings_are_refused(workspace: Path, bad: str) -> None:
    (workspace / "cspr-settings.json").write_text(f'{{"backups_count": {bad}}}', encoding="utf-8")
    with pytest.raises(CsprError, match="the setting backups_count must be a whole number"):
        _backups_count()


def test_a_bad_backups_count_setting_is_one_line_and_changes_nothing(
    filled: Path, workspace: Path
) -> None:
    (workspace / "cspr-settings.json").write_text('{"backups_count": "ten"}', encoding="utf-8")
    files = {p.name: p.read_bytes() for p in filled.parent.iterdir()}
    for args in (["restore", list_backups(filled)[-1].name], ["rekey"]):
        result = cspr(*args, CSPR_PASSPHRASE="pw", CSPR_NEW_PASSPHRASE="another passphrase")
        assert "backups_count" in assert_one_line_failure(result, 1)
    assert {p.name: p.read_bytes() for p in filled.parent.iterdir()} == files
    other = workspace / "vault" / "other.vault"
    result = cspr("--vault", str(other), "init", CSPR_PASSPHRASE="long enough")
    assert "backups_count" in assert_one_line_failure(result, 1)
    assert not other.exists()


def test_restore_failures_change_nothing(filled: Path) -> None:
    names = sorted(p.name for p in filled.parent.iterdir())
    before = filled.read_bytes()
    assert "no backup named" in assert_one_line_failure(
        cspr("restore", "cases.vault.bak-nothing", CSPR_PASSPHRASE="pw"), 2
    )  # not found: exit 2, as everywhere
    assert_one_line_failure(cspr("restore", list_backups(filled)[0].name, CSPR_PASSPHRASE="bad"), 3)
    assert sorted(p.name for p in filled.parent.iterdir()) == names
    assert filled.read_bytes() == before


def test_a_second_process_gets_exit_5_naming_the_holder(filled: Path) -> None:
    with holding(filled) as holder:
        before = filled.read_bytes()
        for args in (["rekey"], ["restore", list_backups(filled)[0].name]):
            result = cspr(*args, CSPR_PASSPHRASE="pw", CSPR_NEW_PASSPHRASE="another passphrase")
            line = assert_one_line_failure(result, 5)
            assert f"process {holder.pid}" in line
        assert cspr("verify", CSPR_PASSPHRASE="pw").returncode == 0  # read-only: allowed
        assert filled.read_bytes() == before
        assert holder.poll() is None  # still holding: the refusals were not a race


def test_missing_vault_is_one_line(vault_path: Path) -> None:
    assert "no vault at" in assert_one_line_failure(cspr("verify", CSPR_PASSPHRASE="pw"), 2)


def test_damaged_vault_recovery_flow(filled: Path) -> None:
    damaged = corpus.flip(-5)(filled.read_bytes())
    filled.write_bytes(damaged)
    line = assert_one_line_failure(cspr("verify", CSPR_PASSPHRASE="pw"), 4)
    name = re.search(r"cspr restore (\S+?)'", line).group(1)
    assert name == list_backups(filled)[0].name
    assert cspr("restore", name, CSPR_PASSPHRASE="pw").returncode == 0
    result = cspr("verify", CSPR_PASSPHRASE="pw")
    assert result.returncode == 0, result.stderr
    assert "drafts 2" in result.stdout and "1 damaged" not in result.stdout
    assert "damaged" in result.stdout  # the kept copy of the broken file is listed as such
    assert any(info.path.read_bytes() == damaged for info in list_backups(filled))
