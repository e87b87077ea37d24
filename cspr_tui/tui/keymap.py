"""The keyboard map, written once: the help screen shows it and docs/keyboard.md copies it.

A test checks that every key listed here is bound on its screen and that the document
matches, so the map cannot drift from the code.
"""

from __future__ import annotations

from rich.text import Text

# (where, keys, what) in the order a new reviewer meets them.
KEYBOARD_MAP: tuple[tuple[str, str, str], ...] = (
    ("Everywhere", "ctrl+l", "Lock now: close the vault and forget decrypted data"),
    ("Everywhere", "f1", "This help (in a form: help for the focused question)"),
    ("Everywhere", "ctrl+p", "Command palette: every action by name (case: new, ...)"),
    ("Everywhere", "ctrl+q", "Quit (an open form saves its draft first)"),
    ("Everywhere", "tab / shift+tab", "Next / previous field or button"),
    ("Unlock", "enter", "Unlock (or create the vault)"),
    ("Unlock", "ctrl+r", "Open the latest backup when the vault is damaged"),
    ("Dashboard", "/ or ctrl+f", "Filter cases as you type; escape clears"),
    ("Dashboard", "enter", "Open the highlighted case"),
    ("Dashboard", "n", "New case (then its referral form)"),
    ("Dashboard", "s", "Sort by next deadline, reference, stage or pseudonym"),
    ("Dashboard", "[ / ]", "Previous / next page of cases"),
    ("Dashboard", "d", "Dates: go to the deadlines panel (overdue first)"),
    ("Dashboard", "r", "Recommendations across cases"),
    ("Dashboard", "x", "Export"),
    ("Dashboard", "i", "Import cases from a JSON file (escape cancels)"),
    ("Dashboard", "o", "Setup: settings, passphrase and backups"),
    ("Case", "1-9", "Tabs: summary, referral, screening, ... audit"),
    ("Case", "0", "People tab: the pseudonym key (e there edits it)"),
    ("Case", "a", "Advance to the next stage (refused with what is missing)"),
    ("Case", "e", "Edit the form of this tab (Agencies: the highlighted agency's report)"),
    ("Case", "p", "Pause (asks why; a review may be deferred pending proceedings) or resume"),
    ("Case", "r", "Agencies tab: request an agency's report (agency, author, due date)"),
    ("Case", "d", "Dates (Summary tab): override a deadline's due date (asks why)"),
    ("Case", "m", "Add a recommendation"),
    ("Case", "u", "Recs tab: quarterly update of the highlighted one (or enter)"),
    ("Case", "x", "Export a report for this case"),
    ("Case", "i", "Agencies tab: import a returned agency report (.docx or .xlsx)"),
    ("Case", "c", "The integrated chronology of the agencies' returns"),
    ("Case", "k", "Pseudonym key: people, pseudonyms and identifiers"),
    ("Case", "escape", "Back"),
    ("Chronology", "f", "Filter by agency and period (from, to)"),
    ("Chronology", "x", "Export it as a Word table (Excel and redacted: cspr export chronology)"),
    ("Chronology", "escape", "Back to the case"),
    ("Guided form", "ctrl+n / ctrl+b", "Next step / back a step (next on the last step finishes)"),
    ("Guided form", "ctrl+g", "Steps: done, needing answers or with errors; jump to any"),
    ("Guided form", "y / n / u", "Yes / No / Unknown; short lists: the shown key or 1-5"),
    (
        "Guided form",
        "space",
        "Tick list: tick or untick the highlighted option (letters are refused there)",
    ),
    ("Guided form", "ctrl+s", "Save the draft (also saved when you leave)"),
    ("Guided form", "ctrl+t", "Finish: check every answer and mark the form complete"),
    ("Guided form", "f1", "Help for the focused question"),
    ("Guided form", "ctrl+o / ctrl+r", "Add / remove an entry in a repeatable group"),
    ("Guided form", "alt+up / alt+down", "Move the entry up / down"),
    ("Guided form", "escape", "Save the draft and close"),
    ("Recommendations", "f", "Filters: agency, status, RAG, review, overdue (kept)"),
    ("Recommendations", "u or enter", "Quarterly update (asks a reason when the status needs one)"),
    ("Recommendations", "n", "Add a recommendation"),
    ("Recommendations", "t", "Revise the target date (asks why)"),
    ("Recommendations", "g", "Override the RAG rating, or give it back (asks why)"),
    ("Recommendations", "x", "Export the quarterly tracker"),
    ("People", "n", "Add a person to the pseudonym key"),
    ("People", "e or enter", "Edit the highlighted person (ctrl+s saves)"),
    ("People", "v", "Redaction review of this case"),
    ("People", "w", "Redact a Word document against this key (review, then write)"),
    ("Redaction review", "a", "Accept the highlighted finding"),
    ("Redaction review", "r", "Reject it (asks why)"),
    ("Redaction review", "A", "Accept every open finding listed"),
    (
        "Redaction review",
        "f",
        "From a held export: list every finding, not only those that held it",
    ),
    ("Redaction review", "k", "Pseudonym key, to add a person"),
    ("Settings", "ctrl+s", "Save settings"),
    ("Settings", "ctrl+t", "Change the passphrase"),
    ("Settings", "ctrl+b", "Restore the highlighted backup"),
    ("Dialogs", "enter / escape", "Confirm / cancel"),
    ("Dialogs", "ctrl+s", "Save, record or export (the footer names it)"),
)


def keyboard_map_markdown() -> str:
    lines = ["## Keys", "", "| Where | Keys | What |", "| --- | --- | --- |"]
    lines += [f"| {where} | `{keys}` | {what} |" for where, keys, what in KEYBOARD_MAP]
    return "\n".join(lines) + "\n"


def keyboard_map_text() -> Text:
    """The map for the help screen: a heading per screen, then key and action per line."""
    text = Text()
    where_before = ""
    for where, keys, what in KEYBOARD_MAP:
        if where != where_before:
            if where_before:
                text.append("\n")
            text.append(f"{where}\n", style="bold underline")
            where_before = where
        text.append(f"  {keys:<18}", style="bold")
        text.append(f"{what}\n")
    return text
