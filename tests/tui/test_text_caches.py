"""The unlock forgets what Rich and Textual measured (the typed passphrase among it) without
walking the whole heap: the memo caches found before the vault opened are the ones a fresh
walk finds after every main screen has been drawn, and clearing empties each of them."""

from __future__ import annotations

import functools
import gc
from pathlib import Path

from cspr_tui.domain.store import CaseStore
from cspr_tui.settings import Settings
from cspr_tui.tui import session
from tests.tui.conftest import build_app, seed_vault, settle, unlock


def _walk() -> set[int]:
    gc.unfreeze()
    return {
        id(obj)
        for obj in gc.get_objects()
        if isinstance(obj, functools._lru_cache_wrapper)
        and (getattr(obj, "__module__", "") or "").split(".")[0] in {"rich", "textual"}
    }


def _case(store: CaseStore) -> None:
    store.create_case(pseudonym="Child A")


async def test_the_kept_caches_are_every_cache_and_clearing_empties_them(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, _case)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        found_before_unlock = {id(c) for c in session.text_caches()}
        await unlock(pilot)
        await settle(pilot)
        for keys in (("enter",), ("2", "e"), ("escape", "escape", "r")):  # case, form, recs
            await pilot.press(*keys)
            await settle(pilot)
        kept = session.text_caches()
        assert {id(c) for c in kept} == _walk()
        assert found_before_unlock == {id(c) for c in kept}  # nothing new since the start
        assert any(c.cache_info().currsize for c in kept)  # drawing filled some of them
        assert session.clear_text_caches() == len(kept)
        assert all(c.cache_info().currsize == 0 for c in kept)
