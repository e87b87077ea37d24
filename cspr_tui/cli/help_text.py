"""Every help page's description, examples and the shared epilog, in British English.

Kept apart from the command modules so the whole of `cspr --help` reads as one text. A command
that gives its own `description=` keeps it; otherwise the entry here is used. A test walks
every sub-command's help page and fails on one without a description.
"""

from __future__ import annotations

import argparse
import textwrap

__all__ = ["EPILOG", "HELP", "apply_help", "command_parsers"]

EPILOG = """\
Passphrase: typed at a prompt on a terminal; otherwise read from CSPR_PASSPHRASE_FILE (a file
whose first line is the passphrase; keep it chmod 600) or CSPR_PASSPHRASE. 'cspr rekey' reads
the new passphrase from CSPR_NEW_PASSPHRASE_FILE or CSPR_NEW_PASSPHRASE the same way.

Workspace: CSPR_HOME if set; else the nearest folder from here upwards that holds vault/ or
cspr-settings.json; else your per-user data folder. 'cspr where' shows the paths in use.
CSPR_VAULT (or --vault) chooses another vault file.

Exit codes: 0 done; 1 other failure; 2 wrong usage, or something named does not exist (a
vault, case, file, backup or agency); 3 wrong passphrase; 4 vault damaged or tampered with;
5 vault in use by another program; 6 input refused by validation (nothing was changed);
141 the output was closed early (as in 'cspr cases | head -1')."""

# command path -> (description, examples)
HELP: dict[str, tuple[str, tuple[str, ...]]] = {
    "": (
        "An offline, encrypted case vault for child safeguarding practice reviews: guided "
        "forms, statutory deadlines and Word and Excel exports. With no command it opens the "
        "app on the workspace's vault.",
        ("cspr demo", "cspr --vault vault/demo.vault cases", "cspr where"),
    ),
    "tui": (
        "Open the app (the same as 'cspr' with no command) on the workspace's vault, or on "
        "--vault. A missing vault is offered for creation.",
        ("cspr tui", "cspr --vault vault/demo.vault tui"),
    ),
    "demo": (
        "Create the demo vault vault/demo.vault (passphrase 'demo') filled with fictional "
        "cases at every stage, then open the app on it.",
        ("cspr demo", "cspr demo --create-only"),
    ),
    "init": (
        "Create a new, empty encrypted vault (at the workspace's vault/cases.vault, or "
        "--vault). The passphrase is asked twice; there is no way to recover a lost one.",
        ("cspr init", "cspr --vault ~/reviews/team.vault init --parents"),
    ),
    "verify": (
        "Decrypt the vault, check its structure, its backups and the audit trail's hash "
        "chain, and print a summary. Nothing is changed.",
        ("cspr verify", "CSPR_PASSPHRASE_FILE=~/.cspr-pass cspr verify"),
    ),
    "rekey": (
        "Change the vault's passphrase. The current one is read as usual; the new one from "
        "a prompt (asked twice) or CSPR_NEW_PASSPHRASE_FILE / CSPR_NEW_PASSPHRASE.",
        ("cspr rekey", "CSPR_NEW_PASSPHRASE_FILE=new.txt cspr rekey"),
    ),
    "backups": (
        "List the vault's automatic encrypted backups (one is kept at each compaction: the "
        "file as it was), newest first, with their times and sizes.",
        ("cspr backups",),
    ),
    "restore": (
        "Make a backup the vault again. The vault as it was is kept as a backup, so a "
        "restore can itself be undone.",
        ("cspr backups", "cspr restore cases.vault.bak-20261128T101500Z"),
    ),
    "import": (
        "Add new cases and update existing ones from a file in the documented case JSON "
        "format (docs/case-schema.json). The whole file is checked first: every problem is "
        "listed with its JSON path and nothing is imported unless all of it is valid. "
        "Progress goes to stderr when it is a terminal (one line, redrawn: the cases "
        "checked, then the save preparing, indexing and writing them), or always with "
        "--progress (a line a report, the save's start and end without its steps).",
        (
            "cspr import cases.json",
            "cspr export json --out all.json && cspr import all.json",
            "cspr import --progress big.json 2> progress.log",
        ),
    ),
    "cases": (
        "List the cases: reference, pseudonym, stage and next deadline (working days).",
        ("cspr cases", "cspr cases --json", "cspr cases | head -5"),
    ),
    "deadlines": (
        "List statutory and planned deadlines, overdue first, in working days.",
        ("cspr deadlines", "cspr deadlines --json"),
    ),
    "templates": (
        "Work with the form templates (form_templates/ in the workspace overrides the "
        "shipped ones).",
        ("cspr templates check",),
    ),
    "templates check": (
        "Check every form template and Word template, shipped and the workspace's "
        "overrides, and report each problem as file: field: problem (exit 6). Word templates "
        "may use only plain tags: no code, no attribute names starting with '_'.",
        ("cspr templates check",),
    ),
    "export": (
        "Write an export into the workspace's exports/ folder, or --out (a file, or a folder "
        "for the default name). Exports are NOT encrypted: each is written owner-only and "
        "recorded in the audit trail.",
        (
            "cspr export tracker --quarter 2026-Q3",
            "cspr export report CSPR-2026-004 --kind final --redact",
        ),
    ),
    "export tracker": (
        "Write the quarterly recommendations workbook (.xlsx) for a board sub-group.",
        ("cspr export tracker", "cspr export tracker --quarter 2026-Q2 --out board/"),
    ),
    "export agency-report": (
        "Write one agency's information report (.docx), prefilled with pseudonyms only.",
        ("cspr export agency-report CSPR-2026-004 --agency Police",),
    ),
    "export report": (
        "Write a case report (.docx): the referral, the rapid review or the final report; "
        "--redact gives the publication-safe version with pseudonyms.",
        (
            "cspr export report CSPR-2026-004 --kind referral",
            "cspr export report CSPR-2026-004 --kind final --redact --out reports/",
        ),
    ),
    "export json": (
        "Write cases (all, or the references given) in the import format; the file is "
        "plaintext, so keep it safe and delete it when done.",
        ("cspr export json --out all.json", "cspr export json CSPR-2026-004 --out exports/"),
    ),
    "export chronology": (
        "Write the integrated multi-agency chronology of a case (.docx or .xlsx).",
        ("cspr export chronology CSPR-2026-004 --format xlsx",),
    ),
    "export chronology-template": (
        "Write an Excel chronology template for an agency that prefers Excel to the Word "
        "information report; it is read back like the Word report.",
        ("cspr export chronology-template CSPR-2026-004 --agency Police",),
    ),
    "export referral-form": (
        "Write the blank referral form as a fillable Word document.",
        ("cspr export referral-form --out referral-form.docx",),
    ),
    "where": (
        "Print the workspace, vault, exports, settings and templates paths in use, and how "
        "the workspace was found.",
        ("cspr where", "CSPR_HOME=~/reviews cspr where"),
    ),
    "completion": (
        "Print a shell completion script for bash, zsh or fish.",
        (
            "cspr completion bash > ~/.local/share/bash-completion/completions/cspr",
            "cspr completion zsh > ~/.zfunc/_cspr",
            "cspr completion fish > ~/.config/fish/completions/cspr.fish",
        ),
    ),
    "people": (
        "Show a case's pseudonym key: the people, their pseudonyms, roles and identifiers.",
        ("cspr people CSPR-2026-004", "cspr people CSPR-2026-004 --json"),
    ),
    "redaction": ("Review redaction findings of a case.", ("cspr redaction review CSPR-2026-004",)),
    "redaction review": (
        "List the findings awaiting a redaction decision, or accept or reject one with a reason.",
        ("cspr redaction review CSPR-2026-004",),
    ),
    "redact": (
        "Redact any Word document against a case's pseudonym key.",
        ("cspr redact draft.docx --case CSPR-2026-004",),
    ),
    "referral": (
        "Work with completed Word referral forms.",
        ("cspr referral import completed.docx",),
    ),
    "referral import": (
        "Read a completed Word referral form into a new draft case.",
        ("cspr referral import completed.docx",),
    ),
    "returns": (
        "Work with completed agency information reports.",
        ("cspr returns import police.docx",),
    ),
    "returns import": (
        "Read completed agency information reports back into their cases.",
        ("cspr returns import police.docx health.docx",),
    ),
    "compact": (
        "Rewrite the vault's journal into a fresh snapshot (smaller and faster to open); the "
        "file as it was is kept as a backup.",
        ("cspr compact",),
    ),
}


def command_parsers(
    parser: argparse.ArgumentParser, path: str = ""
) -> list[tuple[str, argparse.ArgumentParser]]:
    """Every parser under `parser` with its command path ("" for cspr itself)."""
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.extend(command_parsers(sub, f"{path} {name}".strip()))
    return found


def _examples(lines: tuple[str, ...]) -> str:
    return "Examples:\n" + "\n".join(f"  {line}" for line in lines)


def apply_help(parser: argparse.ArgumentParser) -> None:
    """Give every page its description (unless it has one), examples and the epilog."""
    for path, sub in command_parsers(parser):
        description, examples = HELP.get(path, ("", ()))
        if not sub.description and description:
            sub.description = textwrap.fill(description, width=92)
        parts = [_examples(examples)] if examples else []
        parts.append(EPILOG)
        sub.epilog = "\n\n".join(parts)
