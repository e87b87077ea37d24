"""Opening a screen styles each widget once: no whole-screen restyle straight after mounting,
none of a widget that is not mounted yet, none of a container the focus only passed through.

Textual applies the whole stylesheet to a widget (and everything in it) whenever a class or
pseudo-class changes; each such pass over a case or form screen costs tens of milliseconds a
key at a real partnership's size. These tests watch `App.update_styles`, the one door every
such restyle goes through, and check that the screens still look styled afterwards.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.screen import Screen
from textual.widgets import DataTable, Input

from cspr_tui.domain.store import CaseStore
from cspr_tui.settings import Settings
from cspr_tui.tui.app import CsprApp
from cspr_tui.tui.screens.case import CaseScreen
from cspr_tui.tui.screens.dashboard import DashboardScreen
from cspr_tui.tui.screens.form import FormScreen
from cspr_tui.tui.widgets.footer import KeysFooter
from tests.tui.conftest import build_app, seed_vault, settle, unlock


def _one_case(store: CaseStore) -> None:
    case = store.create_case(pseudonym="Child A")
    store.save_record(case.ref, "referral", {"incident_description": "Seen at school"})


@pytest.fixture
def restyled(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, bool]]:
    """Every node handed to the app for restyling, and whether it went to the stylesheet."""
    seen: list[tuple[object, bool]] = []
    real = CsprApp.update_styles
    stylesheet_calls: list[object] = []

    def watched(self, node, animate: bool = True) -> None:
        before = len(stylesheet_calls)
        real_update = self.stylesheet.update_nodes

        def counted(nodes, animate: bool = False) -> None:
            stylesheet_calls.append(node)
            real_update(nodes, animate=animate)

        self.stylesheet.update_nodes = counted
        try:
            real(self, node, animate)
        finally:
            del self.stylesheet.update_nodes
        seen.append((node, len(stylesheet_calls) > before))

    monkeypatch.setattr(CsprApp, "update_styles", watched)
    return seen


def _styled(seen: list[tuple[object, bool]]) -> list[object]:
    return [node for node, went in seen if went]


async def test_opening_a_case_and_its_form_restyles_no_whole_screen(
    settings: Settings, vault_path: Path, restyled: list[tuple[object, bool]]
) -> None:
    seed_vault(vault_path, _one_case)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        restyled.clear()
        await unlock(pilot)
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen not in _styled(restyled)  # shown by the unlock, styled as it mounted
        restyled.clear()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("2", "e")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        styled = _styled(restyled)
        assert not [n for n in styled if isinstance(n, Screen)]
        # The step's container only held the focus before its first question did.
        assert not [n for n in styled if getattr(n, "id", None) == "form-fields"]
        # Still styled as the stylesheet says: the form's own rules, a focused question.
        assert app.screen.query_one("#form-fields").styles.padding.left == 1
        assert app.screen.query_one("#form-title").styles.text_style.bold
        focused = app.screen.focused
        assert focused is not None and focused.has_pseudo_class("focus")


async def test_a_widget_changed_before_it_is_mounted_is_styled_when_it_mounts(
    settings: Settings, vault_path: Path, restyled: list[tuple[object, bool]]
) -> None:
    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        field = Input("not yet mounted", id="probe")
        field.add_class("-probe")
        assert restyled and restyled[-1][0] is field and not restyled[-1][1]
        await app.screen.mount(field)
        await settle(pilot)
        # Mounting styled it with the classes it had: Input's own CSS and the class above.
        assert field.has_class("-probe")
        assert field.styles.height.value == 3  # Input's default height (a bordered line)
        field.add_class("-later")  # once mounted, a change is restyled at once
        assert restyled[-1] == (field, True)


async def test_the_key_bar_is_drawn_without_restyling_each_key(
    settings: Settings, vault_path: Path, restyled: list[tuple[object, bool]]
) -> None:
    seed_vault(vault_path, _one_case)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await settle(pilot)
        restyled.clear()
        await pilot.press("enter")  # the case screen's own key bar is built
        await settle(pilot)
        footer = app.screen.query_one(KeysFooter)
        keys = [k for k in footer.walk_children() if hasattr(type(k), "compact")]
        assert keys and all(k.has_class("-compact") for k in keys)
        assert not [n for n in _styled(restyled) if n in keys]


async def test_a_resumed_screen_is_restyled_when_the_theme_changed_while_it_was_hidden(
    settings: Settings, vault_path: Path, restyled: list[tuple[object, bool]]
) -> None:
    seed_vault(vault_path, _one_case)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await settle(pilot)
        dashboard = app.screen
        restyled.clear()
        dashboard.post_message(events.ScreenResume())  # nothing changed: kept as it is
        await settle(pilot)
        assert dashboard not in _styled(restyled)
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settle(pilot)
        restyled.clear()
        app._invalidate_css()  # a stylesheet version the dashboard was not styled with
        dashboard.post_message(events.ScreenResume())
        await settle(pilot)
        assert dashboard in _styled(restyled)


async def test_a_case_builds_only_the_tab_it_opens_on_and_each_other_when_opened(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, _one_case)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CaseScreen)
        assert not screen.query("#table-audit") and not screen.query("#body-referral")
        assert "Deadlines" in str(screen.bodies["summary"].content)
        await pilot.press("9")  # Audit
        await settle(pilot)
        audit = screen.query_one("#table-audit", DataTable)
        assert audit.row_count >= 1 and screen.focused is audit
        await pilot.press("2")  # Referral
        await settle(pilot)
        assert "Seen at school" in str(screen.query_one("#body-referral").content)


def _one_recommendation(store: CaseStore) -> None:
    ref = store.create_case(pseudonym="Child A").ref
    store.add_recommendation(ref, text="Train staff.", lead_agency="Police")


async def test_the_recommendations_filters_lists_are_styled_once_as_they_mount(
    settings: Settings, vault_path: Path, restyled: list[tuple[object, bool]]
) -> None:
    """Each filter's list is made compact before it mounts (`compact_like`), so binding it
    to its drop-down changes no class and restyles nothing; the lists still look compact,
    and the line under the table is not redrawn for the same row."""
    from textual.widgets import Select, Static

    from cspr_tui.tui.screens.recommendations import RecommendationsScreen

    seed_vault(vault_path, _one_recommendation)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        restyled.clear()
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RecommendationsScreen)
        overlays = list(screen.query("SelectOverlay").results())
        assert len(overlays) == 4
        assert not [node for node in _styled(restyled) if node in overlays]
        for select in screen.query(Select).results():
            overlay = select.query_one("SelectOverlay")
            assert select.compact and overlay.compact and overlay.has_class("-textual-compact")
        detail = screen.query_one("#recs-detail", Static)
        assert "Train staff." in str(detail.render())
        updates: list[object] = []
        real_update = detail.update
        detail.update = lambda *args, **kwargs: (updates.append(args), real_update(*args, **kwargs))
        screen._show_detail()
        assert updates == []  # the same row: its words are already there
