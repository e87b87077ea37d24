"""cspr-tui: an offline, encrypted case vault for child safeguarding practice reviews."""

__version__ = "0.1.0"
