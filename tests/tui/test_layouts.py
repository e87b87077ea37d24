"""A screen that opens is laid out and drawn for what it shows, not again for the same thing.

Every whole layout of a case, form or recommendations screen is also a full redraw, 20-40 ms
a key at a real partnership's size. Two of them were Textual's and repeated nothing new: the
`Resize` a screen sends itself on its first layout (laid out again at the size it was just
laid out at) and the key bar, mounted empty and filled after the first layout. These tests
watch `Screen._refresh_layout`, the one door every whole layout goes through.
"""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest
from textual.screen import Screen

from cspr_tui.domain.store import CaseStore
from cspr_tui.settings import Settings
from cspr_tui.tui.screens.case import CaseScreen
from cspr_tui.tui.screens.dashboard import DashboardScreen
from cspr_tui.tui.screens.form import FormScreen
from cspr_tui.tui.screens.recommendations import RecommendationsScreen
from cspr_tui.tui.widgets.footer import KeysFooter
from tests.tui.conftest import build_app, seed_vault, settle, unlock


def _one_case(store: CaseStore) -> None:
    case = store.create_case(pseudonym="Child A")
    store.save_record(case.ref, "referral", {"incident_description": "Seen at school"})


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Screen, str]]:
    """Each whole layout: the screen laid out and the Textual hook that asked for it."""
    seen: list[tuple[Screen, str]] = []
    real = Screen._refresh_layout

    def watched(self, size=None, scroll: bool = False) -> None:
        # Who asked for the layout (past the app's own `StyledOnceScreen._refresh_layout`).
        callers = [frame.name for frame in traceback.extract_stack(limit=4)[:-1]]
        caller = next(name for name in reversed(callers) if name != "_refresh_layout")
        seen.append((self, caller))
        real(self, size, scroll)

    monkeypatch.setattr(Screen, "_refresh_layout", watched)
    return seen


def _labels(screen: Screen) -> str:
    footer = screen.query_one(KeysFooter)
    return " ".join(str(key.render()) for key in footer.query("FooterKey").results())


async def test_a_screen_is_not_laid_out_again_at_the_size_it_was_just_laid_out_at(
    settings: Settings, vault_path: Path, layouts: list[tuple[Screen, str]]
) -> None:
    seed_vault(vault_path, _one_case)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await settle(pilot)
        for keys, kind in ((("enter",), CaseScreen), (("2", "e"), FormScreen)):
            layouts.clear()
            await pilot.press(*keys)
            await settle(pilot)
            assert isinstance(app.screen, kind)
            assert any(screen is app.screen for screen, _ in layouts)  # it was laid out
            assert [c for _s, c in layouts if c == "_screen_resized"] == []
        await pilot.press("escape", "escape", "r")
        await settle(pilot)
        assert isinstance(app.screen, RecommendationsScreen)

        # A real change of size lays out the screen and the ones under it, at the new size.
        recs_width = app.screen.query_one("#recs").size.width
        cases_width = app.screen_stack[-2].query_one("#cases").size.width
        layouts.clear()
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        resized = {screen for screen, caller in layouts if caller == "_screen_resized"}
        assert app.screen in resized and any(isinstance(s, DashboardScreen) for s in resized)
        assert app.screen._compositor.size == (100, 30)
        assert app.screen.query_one("#recs").size.width == recs_width + 20
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.query_one("#cases").size.width == cases_width + 20


async def test_a_new_screen_shows_its_keys_from_its_first_layout(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, _one_case)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        case = app.screen
        assert isinstance(case, CaseScreen)
        # Composed with the screen: the announcement after the first layout changed nothing.
        assert case.query_one(KeysFooter).redraws == 0
        assert "Advance" in _labels(case) and "Back" in _labels(case)
        assert "Edit" not in _labels(case)  # the summary tab has no form to edit

        await pilot.press("2")  # a form's tab: "Edit" is offered, so the bar is redrawn
        await settle(pilot)
        assert case.query_one(KeysFooter).redraws == 1 and "Edit" in _labels(case)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.query_one(KeysFooter).redraws == 0 and "Save" in _labels(form)


def _screen_classes() -> list[type[Screen]]:
    """Every Screen class of the app's own modules."""
    import importlib
    import pkgutil

    import cspr_tui.tui as tui

    for module in pkgutil.walk_packages(tui.__path__, "cspr_tui.tui."):
        importlib.import_module(module.name)
    found: list[type[Screen]] = []
    todo = list(Screen.__subclasses__())
    while todo:
        kind = todo.pop()
        todo.extend(kind.__subclasses__())
        if kind.__module__.startswith("cspr_tui.tui"):
            found.append(kind)
    return found


def test_every_screens_stylesheet_is_read_with_the_app() -> None:
    from cspr_tui.tui.app import CsprApp

    listed = {str(path.resolve()) for path in _css_paths_of(CsprApp)}
    screens = [kind for kind in _screen_classes() if kind.CSS_PATH]
    assert len(screens) >= 10
    for kind in screens:
        for path in _css_paths_of(kind):
            assert str(path.resolve()) in listed, f"{kind.__name__}: {path} not in CsprApp.CSS_PATH"


def _css_paths_of(kind: type) -> list[Path]:
    """A class's CSS_PATH files, resolved as Textual resolves them: beside its module."""
    import inspect

    css = kind.CSS_PATH
    folder = Path(inspect.getfile(kind)).parent
    return [folder / path for path in ([css] if isinstance(css, (str, Path)) else css)]


async def test_opening_each_screen_the_first_time_parses_no_stylesheet_again(
    settings: Settings, vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.css.stylesheet import Stylesheet

    seed_vault(vault_path, _one_case)
    app = build_app(settings, vault_path)
    parsed: list[object] = []
    real = Stylesheet.reparse

    def counted(self) -> None:
        parsed.append(self)
        real(self)

    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await settle(pilot)
        monkeypatch.setattr(Stylesheet, "reparse", counted)
        for keys, kind in (
            (("enter",), CaseScreen),
            (("2", "e"), FormScreen),
            (("escape", "escape", "r"), RecommendationsScreen),
        ):
            await pilot.press(*keys)
            await settle(pilot)
            assert isinstance(app.screen, kind)
            assert parsed == [], f"{kind.__name__} made Textual parse the stylesheet again"
        # and they are styled from their own files (a rule of recommendations.tcss)
        assert app.screen.query_one("#recs-filters").styles.height.value == 1


async def test_a_layout_is_not_repeated_for_the_sizes_it_set(
    settings: Settings, vault_path: Path, layouts: list[tuple[Screen, str]]
) -> None:
    """A layout sets each widget's virtual size from the arrangement it made; Textual then
    asked for a whole layout again for every size that changed (half the cost of opening
    a screen). A change of terminal size lays the screen out once."""
    seed_vault(vault_path, _one_case)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await settle(pilot)
        # (The case screen redraws its stage bar for a new width: laid out again for that.)
        for keys, kind in (((), DashboardScreen), (("r",), RecommendationsScreen)):
            if keys:
                await pilot.press(*keys)
                await settle(pilot)
            assert isinstance(app.screen, kind)
            for size in ((100, 30), (80, 24)):
                layouts.clear()
                await pilot.resize_terminal(*size)
                await settle(pilot)
                mine = [caller for screen, caller in layouts if screen is app.screen]
                assert mine == ["_screen_resized"], (kind, size)


async def test_a_long_form_step_is_laid_out_once_as_it_opens(
    settings: Settings, vault_path: Path, layouts: list[tuple[Screen, str]]
) -> None:
    """The referral's second step (a dozen questions and a long answer) opened from a draft:
    one whole layout. Before, Textual laid it out again for requests the first layout had
    already served (widgets' layout messages read after it, its wait for the mount), for
    the step's scroll bar found only by that layout, and for the long answer's rewrap."""
    from textual.app import App
    from textual.reactive import Reactive
    from textual.widget import AwaitMount, Widget

    from cspr_tui.tui.widgets.form_field import AnswerArea
    from tests.tui.conftest import burst, new_referral, type_into

    # Textual's private names the app relies on here (styled_screen.py, form_field.py).
    assert callable(App._get_screen) and callable(Screen._on_layout)
    assert {"_parent", "_widgets"} <= set(vars(AwaitMount(Screen(), [])))
    assert hasattr(Widget(), "_layout_required")
    assert isinstance(Widget.virtual_size, Reactive) and hasattr(Widget.virtual_size, "_layout")

    async with new_referral(settings, vault_path) as (app, pilot):
        form = app.screen
        await burst(pilot, "ctrl+n")
        await settle(pilot)
        await type_into(pilot, form.editors["referrer_name"].input, "Sam")
        await burst(pilot, "ctrl+s", "escape")
        await settle(pilot)
        layouts.clear()
        await app.push_screen(FormScreen(form.ref, "referral"))
        await settle(pilot)
        again = app.screen
        assert isinstance(again, FormScreen) and again.step == 1
        assert [caller for screen, caller in layouts if screen is again] == ["_on_screen_resume"]
        fields = again.query_one("#form-fields")
        assert fields.show_vertical_scrollbar  # the step is taller than the screen
        assert list(again.query(AnswerArea).results())  # and has a long answer
        # Still right: every question is there and the last one can be scrolled to.
        last = list(again.editors.values())[-1]
        again.set_focus(last.input)
        await settle(pilot)
        assert fields.scroll_y > 0 and last.region.bottom <= fields.region.bottom


async def test_a_tab_is_shown_with_one_layout(
    settings: Settings, vault_path: Path, layouts: list[tuple[Screen, str]]
) -> None:
    """A tab switch is one change of the case screen. A first visit used to lay it out three
    times (the panes shown and hidden, the tab's widgets once mounted, the key bar's keys for
    the tab), and a record taller than the tab once more for its scroll bar."""
    from textual.containers import VerticalScroll

    def long_referral(store: CaseStore) -> None:
        case = store.create_case(pseudonym="Child A")
        store.save_record(case.ref, "referral", {"incident_description": "Seen at school. " * 200})

    seed_vault(vault_path, long_referral)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        case = app.screen
        assert isinstance(case, CaseScreen)
        footer = case.query_one(KeysFooter)
        # (key, tab, redraws of the key bar so far): first visits, then tabs built already.
        for key, tab_id, redraws in (
            ("2", "referral", 1),  # a long record: "Edit" joins the keys
            ("3", "screening", 1),  # not started: the same keys
            ("1", "summary", 2),  # no form: "Edit" goes, "Dates" comes
            ("2", "referral", 3),
        ):
            keys_before = {str(k.render()): k for k in footer.query("FooterKey").results()}
            layouts.clear()
            await pilot.press(key)
            await settle(pilot)
            assert case.current_tab()[0] == tab_id
            assert [screen for screen, _caller in layouts if screen is case] == [case], key
            assert footer.redraws == redraws, key
            # The bar shows the keys offered, in order; a key still offered is not rebuilt.
            keys = list(footer.query("FooterKey").results())
            offered = footer.offered(case)[0]
            assert len(keys) == len(offered)
            assert all(o[1] in str(k.render()) for k, o in zip(keys, offered, strict=True))
            assert all(keys_before.get(str(k.render()), k) is k for k in keys)
            # The scroll bar is the one Textual gives what the tab holds.
            scroller = case.query_one(f"#tab-{tab_id} .tab-body", VerticalScroll)
            tall = scroller.virtual_size.height > scroller.container_size.height
            assert scroller.show_vertical_scrollbar == tall, key
            assert tall or tab_id != "referral"
            assert not tall or tab_id != "screening"
            assert case.focused is scroller

        # Chosen on the tab row (where the focus starts), a first visit is laid out once too.
        await pilot.press("escape", "enter")
        await settle(pilot)
        case = app.screen
        assert isinstance(case, CaseScreen)
        assert type(case.focused).__name__ == "ContentTabs"
        for key, tab_id in (("right", "referral"), ("right", "screening"), ("left", "referral")):
            layouts.clear()
            await pilot.press(key)
            await settle(pilot)
            assert case.current_tab()[0] == tab_id
            assert [screen for screen, _caller in layouts if screen is case] == [case], key
            assert "Edit" in _labels(case)
            scroller = case.query_one(f"#tab-{tab_id} .tab-body", VerticalScroll)
            tall = scroller.virtual_size.height > scroller.container_size.height
            assert scroller.show_vertical_scrollbar == tall


async def test_a_list_taller_than_the_terminal_has_its_bar_from_the_first_layout(
    settings: Settings, vault_path: Path, layouts: list[tuple[Screen, str]]
) -> None:
    """The recommendations, more than a screenful: one layout of the screen as it opens.
    Textual found the table's scroll bar only by laying it out, and laid the whole screen
    out and drew it again for it."""
    from cspr_tui.tui.widgets.paged_table import PagedTable

    def many_recs(store: CaseStore) -> None:
        ref = store.create_case(pseudonym="Child A").ref
        for number in range(30):
            store.add_recommendation(ref, text=f"Recommendation {number}", lead_agency="Police")

    seed_vault(vault_path, many_recs)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await settle(pilot)
        layouts.clear()
        await pilot.press("r")
        await settle(pilot)
        recs = app.screen
        assert isinstance(recs, RecommendationsScreen)
        assert [screen for screen, _caller in layouts if screen is recs] == [recs]
        table = recs.query_one("#recs", PagedTable)
        assert table.row_count == 30
        assert table.show_vertical_scrollbar  # the one Textual gives it
        assert table.virtual_size.height > table.container_size.height
        assert not table.show_horizontal_scrollbar


@pytest.mark.parametrize("rows", [16, 24, 60])
async def test_a_case_opens_with_one_layout_its_summary_scroll_bar_shown_if_it_needs_one(
    settings: Settings, vault_path: Path, layouts: list[tuple[Screen, str]], rows: int
) -> None:
    """Opening a case whose summary is taller than its tab laid the screen out twice:
    Textual found the text's scroll bar only in the first layout. The room is now worked
    out from the screen before it, so one layout shows the bar exactly when it is needed."""
    from textual.containers import VerticalScroll

    seed_vault(vault_path, _one_case)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, rows)) as pilot:
        await unlock(pilot)
        await settle(pilot)
        layouts.clear()
        await pilot.press("enter")
        await settle(pilot)
        case = app.screen
        assert isinstance(case, CaseScreen)
        assert [screen for screen, _ in layouts if screen is case] == [case]
        scroller = case.query_one("#tab-summary VerticalScroll", VerticalScroll)
        needs_bar = scroller.virtual_size.height > scroller.scrollable_content_region.height
        assert scroller.show_vertical_scrollbar == needs_bar
        assert needs_bar == (rows < 60)  # the case's summary: taller than 16 or 24 rows


async def test_the_dashboard_is_laid_out_and_drawn_whole_once_on_unlock(
    settings: Settings, vault_path: Path, layouts: list[tuple[Screen, str]], monkeypatch
) -> None:
    """The unlock's dashboard was laid out twice and drawn whole three times: the
    deadlines panel's scroll bar found only by a first layout, the cases caption written
    again (the same words) by the page's message, Textual's 50 ms hold of a mode switch
    that ends by drawing the whole screen again, and the resume's own whole redraw after
    a layout that had drawn every cell. Now once each, whatever the size of the vault."""
    from bench.data import make_cases

    seed_vault(vault_path, lambda store: store.import_cases(make_cases(40)))
    drawn: list[int] = []
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # Every whole drawing of a screen goes through its compositor's `render_full_update`
        # (the class reached through a screen: its module is Textual's private one).
        compositor = type(app.screen._compositor)
        real = compositor.render_full_update

        def counted(self, *args, **kwargs):
            if isinstance(app.screen, DashboardScreen):  # (not the unlock screen's own)
                drawn.append(1)
            return real(self, *args, **kwargs)

        monkeypatch.setattr(compositor, "render_full_update", counted)
        layouts.clear()
        drawn.clear()
        await unlock(pilot)
        await settle(pilot)
        await pilot.pause(0.1)  # past Textual's hold, had it been asked for
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen) and len(dashboard.rows) == 40
        deadlines = dashboard.query_one("#deadlines")
        assert deadlines.row_count > deadlines.size.height  # (its bar is needed)
        assert deadlines.show_vertical_scrollbar
        assert [screen for screen, _ in layouts if screen is dashboard] == [dashboard]
        assert len(drawn) == 1


async def test_the_unlock_screens_spinner_is_not_redrawn_behind_the_dashboard(
    settings: Settings, vault_path: Path, monkeypatch
) -> None:
    """The unlock screen keeps its spinner shown behind the dashboard, and Textual redrew
    it sixteen times a second for the whole session."""
    from cspr_tui.tui.widgets.busy import BusyIndicator

    seed_vault(vault_path, _one_case)
    redraws: list[BusyIndicator] = []
    real = BusyIndicator.refresh

    def counted(self, *args, **kwargs):
        redraws.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(BusyIndicator, "refresh", counted)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        redraws.clear()
        await pilot.pause(0.5)
        assert redraws == []
