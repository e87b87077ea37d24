"""The case's pseudonym key: who redaction looks for, and what replaces them.

One row per person; `n` adds a person and `e` (or enter) edits one in `PersonDialog`. The
key's rules (a valid NHS number, a unique pseudonym) are the domain's (`domain.people`),
shown here as it words them.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from cspr_tui.tui.widgets.footer import KeysFooter


class PeopleScreen(Screen[None]):
    """The pseudonym key of one case."""

    ALLOW_SELECT = False
    CSS_PATH = "people.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "add", "Add person", id="people.add"),
        Binding("e", "edit", "Edit", id="people.edit"),
        Binding("v", "review", "Redaction review", id="people.review"),
        Binding("w", "redact_document", "Redact a .docx", id="people.redact_document"),
        Binding("escape", "app.pop_screen", "Back", id="people.back"),
    ]

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref

    def compose(self) -> ComposeResult:
        yield Static(f"Pseudonym key: {self.ref}", id="people-title")
        yield DataTable(id="people", cursor_type="row", zebra_stripes=True)
        yield Static(
            "Everyone here is replaced by their pseudonym in redacted exports, with every "
            "identifier held for them. n adds a person, e edits, v opens the redaction review, "
            "w redacts a Word document against this key.",
            id="people-help",
        )
        # Their actions fill 80 columns: the palette hint gives way (ctrl+p still opens it).
        yield KeysFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#people", DataTable)
        table.add_columns("#", "Real name", "Pseudonym", "Role", "Kind", "Identifiers held")
        self.reload()

    def reload(self) -> None:
        from cspr_tui.domain.people import person_summary

        table = self.query_one("#people", DataTable)
        table.clear()
        case = self.app.store.get(self.ref)
        for number, person in enumerate(case.people, 1):
            table.add_row(
                str(number),
                person.real_name,
                person.pseudonym,
                person.role,
                person.kind.label,
                person_summary(person),
                key=str(number - 1),
            )

    def _index(self) -> int | None:
        table = self.query_one("#people", DataTable)
        if not table.row_count:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return int(str(key.value))

    def action_add(self) -> None:
        from cspr_tui.tui.dialogs.person import PersonDialog

        self.app.push_screen(PersonDialog(self.ref, None), lambda _saved: self.reload())

    def action_edit(self) -> None:
        from cspr_tui.tui.dialogs.person import PersonDialog

        index = self._index()
        if index is not None:
            self.app.push_screen(PersonDialog(self.ref, index), lambda _saved: self.reload())

    @on(DataTable.RowSelected, "#people")
    def _chosen(self) -> None:
        self.action_edit()

    def action_review(self) -> None:
        self.app.action_review_redaction(self.ref)

    def action_redact_document(self) -> None:
        from cspr_tui.tui.dialogs.redact_document import RedactDocumentDialog

        self.app.push_screen(RedactDocumentDialog(self.ref))
