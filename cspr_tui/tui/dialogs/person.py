"""Add or change one person of the pseudonym key: name, pseudonym, role, identifiers."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from cspr_tui.domain.case import PersonKind
from cspr_tui.errors import CsprError
from cspr_tui.tui.dialogs.confirm import DIALOG_CSS
from cspr_tui.tui.widgets.drop_down import DropDown
from cspr_tui.tui.widgets.footer import KeysFooter
from cspr_tui.tui.widgets.line_input import LineInput

# (Person field, label); list fields are typed separated by ';'.
FIELDS: tuple[tuple[str, str], ...] = (
    ("real_name", "Real name"),
    ("pseudonym", "Pseudonym (e.g. Child A, Mother)"),
    ("role", "Role (e.g. Mother, Health visitor)"),
    ("variants", "Other names, nicknames, spellings (separate with ;)"),
    ("date_of_birth", "Date of birth (DD/MM/YYYY)"),
    ("addresses", "Addresses (separate with ;)"),
    ("postcode", "Postcode"),
    ("nhs_number", "NHS number"),
    ("school", "School or setting"),
    ("gp_practice", "GP practice"),
    ("phones", "Telephone numbers (separate with ;)"),
    ("emails", "Email addresses (separate with ;)"),
)


class PersonDialog(ModalScreen[bool]):
    """Dismisses True once the store accepted the person; its refusals stay on screen."""

    DEFAULT_CSS = DIALOG_CSS.format(name="PersonDialog").replace(
        "PersonDialog > Vertical", "PersonDialog > VerticalScroll"
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="person.cancel"),
        Binding("ctrl+s", "save", "Save", priority=True, id="person.save"),
    ]

    def __init__(self, ref: str, index: int | None) -> None:
        super().__init__()
        self.ref = ref
        self.index = index

    def compose(self) -> ComposeResult:
        from cspr_tui.domain.people import PERSON_LIST_FIELDS
        from cspr_tui.forms.dates import format_date

        case = self.app.store.get(self.ref)
        person = case.people[self.index] if self.index is not None else None
        with VerticalScroll():
            title = "Add a person to the key" if person is None else "Change this person"
            yield Static(title, classes="dialog-title")
            for name, label in FIELDS:
                value = getattr(person, name, "") if person else ""
                if name in PERSON_LIST_FIELDS:
                    value = "; ".join(value or [])
                elif name == "date_of_birth":
                    value = format_date(value) if value else ""
                yield Static(label)
                yield LineInput(str(value or ""), id=f"person-{name}", compact=True)
            yield Static("Kind")
            yield DropDown(
                [(k.label, k.value) for k in PersonKind],
                value=(person.kind.value if person else PersonKind.FAMILY.value),
                allow_blank=False,
                compact=True,
                id="person-kind",
            )
            yield Static("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield KeysFooter(compact=True)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        from cspr_tui.domain.people import person_from_options

        options = {name: self.query_one(f"#person-{name}", Input).value for name, _ in FIELDS}
        options["kind"] = str(self.query_one("#person-kind", Select).value)
        store = self.app.store
        try:
            if self.index is None:
                store.add_person(self.ref, person_from_options(options))
            else:
                base = store.get(self.ref).people[self.index]
                store.update_person(self.ref, self.index, person_from_options(options, base))
        except CsprError as exc:
            self.query_one(".dialog-error", Static).update(exc.message)
            return
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
