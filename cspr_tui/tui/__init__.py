"""The guided Textual front door: screens over the case store, no business rules of its own."""

from cspr_tui.tui.environment import neutralise_textual_environment

neutralise_textual_environment()  # before Textual is imported: it reads them at import

from cspr_tui.tui.app import CsprApp, make_app  # noqa: E402

__all__ = ["CsprApp", "make_app"]
