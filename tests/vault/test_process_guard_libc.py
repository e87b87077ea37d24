"""The C library the process guard calls is found once, not on every unlock (finding it runs
`ldconfig` in a subprocess)."""

from __future__ import annotations

import ctypes.util
import sys

import pytest

from cspr_tui.vault import process_guard


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the guard is Linux-only")
def test_the_c_library_is_looked_up_once_for_every_guard_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    looked_up: list[str] = []
    real = ctypes.util.find_library

    def counted(name: str) -> str | None:
        looked_up.append(name)
        return real(name)

    monkeypatch.setattr(ctypes.util, "find_library", counted)
    process_guard._libc.cache_clear()
    try:
        first = process_guard._libc()
        process_guard.scrub_thread_cache()
        process_guard.scrub_freed_memory()
        assert first is not None and process_guard._libc() is first
        assert looked_up == ["c"]
    finally:
        process_guard._libc.cache_clear()
