"""The few private library internals the code still relies on, each pinned here.

Where a library has no public way to do what the code needs, the code reaches into it. Each
such reach is listed below with the module that depends on it, so that an upgrade which
renames or reshapes one fails here, by name, instead of somewhere deep in an export or a
rollback. Anything not listed here must use the libraries' public API
(`tests/test_source_rules.py` refuses imports of private library modules elsewhere).
"""

from __future__ import annotations

import inspect
from pathlib import Path

from docxtpl import DocxTemplate
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell import _writer as cell_writer
from openpyxl.worksheet import _writer as openpyxl_writer
from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Table


def _parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def test_openpyxl_write_only_sheet_streams_the_tracker_relies_on(tmp_path: Path) -> None:
    """cspr_tui/exports/xlsx_tracker.py (`_Writer.sheet`, `_Sheet`, `_ColumnCell`) streams
    each write-only sheet into an owner-only file beside the export instead of the system
    temp folder; openpyxl offers no public setting for where that stream goes."""
    assert isinstance(openpyxl_writer.ALL_TEMP_FILES, list)
    assert _parameters(openpyxl_writer.WorksheetWriter.__init__)[:3] == ["self", "ws", "out"]
    assert callable(openpyxl_writer.WorksheetWriter.write_top)
    assert callable(openpyxl_writer.create_temporary_file)  # what the tracker test blocks
    book = Workbook(write_only=True)
    sheet = book.create_sheet("S")
    for name in ("_writer", "_rows", "_get_writer", "_values_to_row"):
        assert hasattr(sheet, name), f"openpyxl write-only sheets no longer have {name}"
    assert sheet._writer is None
    out = tmp_path / "sheet.xml"
    out.touch()
    sheet._writer = openpyxl_writer.WorksheetWriter(sheet, out=str(out))
    assert sheet._writer.out == str(out)
    cell = WriteOnlyCell(sheet, "x")
    assert hasattr(cell, "_style") and hasattr(cell, "_value")
    assert hasattr(book, "_cell_styles") and callable(book._cell_styles.add)


def test_openpyxl_row_steps_the_row_writer_overrides() -> None:
    """cspr_tui/exports/xlsx_rows.py (`RowWriter`) replaces `WorksheetWriter.write_row` and
    `get_stream`, and reads a cell's attributes with `_set_attributes` as openpyxl's own
    `lxml_write_cell` does; tests/exports/test_xlsx_rows.py compares what both write."""
    assert _parameters(openpyxl_writer.WorksheetWriter.write_row) == [
        "self",
        "xf",
        "row",
        "row_idx",
    ]
    assert _parameters(openpyxl_writer.WorksheetWriter.get_stream) == ["self"]
    assert _parameters(cell_writer._set_attributes) == ["cell", "styled"]
    assert cell_writer.write_cell is cell_writer.lxml_write_cell  # the writer compared with
    book = Workbook(write_only=True)
    cell = WriteOnlyCell(book.create_sheet("S"), "x")
    for name in ("_comment", "_hyperlink", "_value", "data_type", "column", "row"):
        assert hasattr(cell, name), f"openpyxl cells no longer have {name}"


def test_docxtpl_render_steps_the_word_renderer_overrides() -> None:
    """cspr_tui/exports/docx_report.py (`_Template`) overrides three steps of docxtpl's
    render to skip work that cannot change the output, and template_sandbox.py reads a
    template's Jinja source through `init_docx`, `get_xml` and `patch_xml`."""
    for name, wanted in (
        ("patch_xml", ["self", "src_xml"]),
        ("resolve_listing", ["self", "xml"]),
        ("fix_tables", ["self", "xml"]),
        ("get_xml", ["self"]),
    ):
        method = getattr(DocxTemplate, name, None)
        assert method is not None, f"docxtpl's DocxTemplate no longer has {name}"
        assert _parameters(method) == wanted, f"DocxTemplate.{name} changed its parameters"
    assert "reload" in _parameters(DocxTemplate.init_docx)
    assert "jinja_env" in _parameters(DocxTemplate.render)
    source = inspect.getsource(DocxTemplate)
    for call in ("self.patch_xml(", "self.resolve_listing(", "self.fix_tables(", "from_string("):
        assert call in source, f"docxtpl's render no longer calls {call}...)"


def test_tinydb_table_internals_the_vault_relies_on() -> None:
    """cspr_tui/vault/storage.py (`TrackedTable`) overrides `Table._update_table` to learn
    which documents a write touched, and vault.py (`_forget_table_state`) empties each
    open table's id counter through `TinyDB._tables` and `Table._next_id` after a rollback.
    It also overrides `Table._read_table` (a snapshot's table is parsed on first use), which
    every read of TinyDB's goes through."""
    assert _parameters(Table._update_table) == ["self", "updater"]
    assert _parameters(Table._read_table) == ["self"]
    for reader in (Table.search, Table.get, Table.__len__, Table.__iter__):  # all: iter
        assert "self._read_table()" in inspect.getsource(reader), reader.__name__
    db = TinyDB(storage=MemoryStorage)
    table = db.table("cases")
    table.insert({"ref": "CSPR-2026-001"})
    assert db._tables == {"cases": table}
    assert table._next_id == 2
    table._next_id = None
    assert table.insert({"ref": "CSPR-2026-002"}) == 2  # recomputed from the documents


def test_textual_worker_fields_the_lock_empties() -> None:
    """cspr_tui/tui/session.py (`forget_finished_workers`) empties a finished worker's
    `_work`, `_result` and `_error` on lock; were they renamed, it would set new attributes
    and leave the real ones (a store, a passphrase holder) alive, so their names are pinned
    where the worker sets them."""
    from textual.worker import Worker

    source = inspect.getsource(Worker.__init__)
    for assignment in ("self._work = ", "self._result", "self._error"):
        assert assignment in source, f"textual's Worker no longer sets {assignment.strip()}"
    assert inspect.getsource(Worker).count("self._work") >= 3  # and runs what it holds


def test_textual_select_overlay_the_choice_drop_down_extends() -> None:
    """cspr_tui/tui/widgets/choice_select.py (`ChoiceOverlay`, `ChoiceSelect`) replaces
    Select's list with its own, whose type-to-search skips the blank prompt and keeps the
    typed word longer: it subclasses the private `SelectOverlay`, overrides its search and
    reads Select's settings, none of which Textual offers publicly."""
    from textual.widgets import Select
    from textual.widgets._select import SelectCurrent, SelectOverlay

    assert "type_to_search" in _parameters(SelectOverlay.__init__)
    assert _parameters(SelectOverlay._find_search_match) == ["self", "query"]
    assert "self._search_reset_delay" in inspect.getsource(SelectOverlay.__init__)
    assert "placeholder" in _parameters(SelectCurrent.__init__)
    select_init = inspect.getsource(Select.__init__)
    assert "self._type_to_search" in select_init and "self._allow_blank" in select_init
    compose = inspect.getsource(Select.compose)
    assert "SelectCurrent(" in compose and "SelectOverlay(" in compose  # what ours replaces


def test_textual_footer_keys_the_key_bar_keeps() -> None:
    """cspr_tui/tui/widgets/footer.py (`KeysFooter.recompose`) keeps the keys still offered
    and mounts or removes only the others: it tells Textual's keys (the private `FooterKey`,
    which Textual does not export) from its groups and compares what each shows and does."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    assert _parameters(FooterKey.__init__)[:5] == [
        "self",
        "key",
        "key_display",
        "description",
        "action",
    ]
    init = inspect.getsource(FooterKey.__init__)
    assert all(f"self.{name} = {name}" in init for name in ("key", "key_display", "action"))
    assert "self.description = description" in init
    compose = inspect.getsource(Footer.compose)
    assert "yield FooterKey(" in compose and "grid_size_columns" in compose


def test_textual_reads_a_newline_from_the_terminal_as_ctrl_j() -> None:
    """cspr_tui/tui/key_gate.py (`as_typed`) turns ctrl+j into Enter: until Textual takes the
    terminal over at start-up, the terminal's line mode turns the Enter a reviewer types into
    a newline, which Textual's parser reads as ctrl+j (tests/tui/test_unlock_typed_ahead.py
    posts those events)."""
    from textual._xterm_parser import XTermParser

    def keys(typed: str) -> list[tuple[str, str | None]]:
        parser = XTermParser()
        found = [*parser.feed(typed), *parser.feed("")]
        return [(e.key, e.character) for e in found]

    assert keys("a\n") == [("a", "a"), ("ctrl+j", "\n")]
    assert keys("a\r") == [("a", "a"), ("enter", "\r")]


def test_textual_data_table_measures_new_rows_where_the_paged_table_skips_it() -> None:
    """cspr_tui/tui/widgets/paged_table.py overrides DataTable's private
    `_update_dimensions(new_rows)` to skip measuring a page whose columns all have a width:
    it must still be the method that measures the new rows' cells and sets the table's
    virtual size."""
    from textual.widgets import DataTable

    assert _parameters(DataTable._update_dimensions) == ["self", "new_rows"]
    source = inspect.getsource(DataTable._update_dimensions)
    assert "measure(" in source and "self.virtual_size" in source


def test_textual_screen_resize_and_footer_readiness_the_layouts_rely_on() -> None:
    """cspr_tui/tui/styled_screen.py (`StyledOnceScreen._screen_resized`) skips the layout a
    screen's own `Resize` asks for at the size its compositor was just laid out at, and
    cspr_tui/tui/widgets/footer.py (`KeysFooter.compose`) marks Textual's footer ready to
    compose its keys with the screen. Textual offers neither publicly; were they renamed,
    both changes would silently stop working (tests/tui/test_layouts.py watches the
    effect), so the names are pinned here."""
    from textual._compositor import Compositor
    from textual.screen import Screen
    from textual.widgets import Footer

    assert _parameters(Screen._screen_resized) == ["self", "size"]
    assert "self._screen_resized(event.size)" in inspect.getsource(Screen._on_resize)
    assert "self._refresh_layout(size)" in inspect.getsource(Screen._screen_resized)
    assert "self.size = size" in inspect.getsource(Compositor.reflow)
    assert "if not self._bindings_ready" in inspect.getsource(Footer.compose)
    assert "self._bindings_ready = True" in inspect.getsource(Footer.bindings_changed)


def test_textual_option_list_lines_the_tick_list_draws_from() -> None:
    """cspr_tui/tui/widgets/ticks.py (`TickList.render_line`, `get_content_height`) draws an
    option's box on its first line and indents the lines it wraps onto: it reads which
    option a line belongs to from OptionList's private line map (`_lines`, pairs of option
    index and line within it), measures options with its private `_get_visual`, and asks
    SelectionList for the box's width (`_get_left_gutter_width`) and the ticked values
    (`_selected`)."""
    from textual.widgets import OptionList, SelectionList

    lines = inspect.getsource(OptionList._lines.fget)  # type: ignore[attr-defined]
    assert "self._line_cache.lines" in lines
    assert "(index, line_no)" in inspect.getsource(OptionList._update_lines)
    assert _parameters(OptionList._get_visual) == ["self", "option"]
    assert _parameters(SelectionList._get_left_gutter_width) == ["self"]
    assert "self._selected" in inspect.getsource(SelectionList.__init__)
    # What ours replaces: Textual's takes line y for option y, wrong once options wrap.
    assert "selection_index = scroll_y + y" in inspect.getsource(SelectionList.render_line)


def test_textual_internals_the_quicker_redraws_rely_on() -> None:
    """Pinned for the redraws left out in session 15 (each watched by a test of its effect,
    tests/tui/test_layouts.py and tests/tui/test_form_speed.py): `LineInput` lifts the
    virtual size's layout flag while Textual's value watcher runs; `StyledOnceScreen` drops
    a widget's `Update` sent before a whole drawing and the resume handler's closing
    redraw; the app leaves out `switch_mode`'s `delay_update` at unlock; `BusyIndicator`
    keeps Textual's spinner quiet behind another screen."""
    from textual.app import App
    from textual.reactive import Reactive
    from textual.screen import Screen
    from textual.widget import Widget
    from textual.widgets import Input, LoadingIndicator

    assert isinstance(Widget.virtual_size, Reactive) and hasattr(Widget.virtual_size, "_layout")
    assert "self.virtual_size = Size(" in inspect.getsource(Input._watch_value)
    assert _parameters(Screen._on_update) == ["self", "message"]
    assert "self._dirty_widgets.add(widget)" in inspect.getsource(Screen._on_update)
    resume = inspect.getsource(Screen._on_screen_resume)
    assert "self._refresh_layout(size)" in resume and resume.rstrip().endswith("self.refresh()")
    assert "self.delay_update()" in inspect.getsource(App.switch_mode)
    assert "self.screen.refresh()" in inspect.getsource(App.delay_update)
    assert "self.refresh()" in inspect.getsource(LoadingIndicator.automatic_refresh)
