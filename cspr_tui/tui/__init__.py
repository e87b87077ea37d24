"""The guided Textual front door: screens over the case store, no business rules of its own."""

from cspr_tui.tui.app import CsprApp, make_app

__all__ = ["CsprApp", "make_app"]
