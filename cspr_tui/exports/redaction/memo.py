"""The redaction engine's memos, and forgetting them at a lock.

The engine memoises by text: a word's frequency (`words`, and wordfreq's own dictionary
behind it), a name word's pattern, a name's written forms and words
(`engine._written_forms`, `key._name_forms`, `key._name_tokens`), the allowlist's folded
forms, and `re`'s cache of the patterns it compiled from a case's names. Each holds words
a case holds, so a lock empties them all; they refill on the next export. (An export's
`SharedScans` is dropped with the export.)
"""

from __future__ import annotations

import re
import sys

__all__ = ["forget_cached_words"]


def forget_cached_words() -> None:
    """Empty every memo holding a word the engine met (the lock calls it)."""
    from cspr_tui.exports.redaction import engine, key, words

    words._scores.cache_clear()
    for memo in (
        engine._token_pattern,
        engine._allowlist_parts,
        engine._single_entries,
        engine._phrase_pattern,
        engine._written_forms,
        key._name_forms,
        key._name_tokens,
    ):
        memo.cache_clear()
    wordfreq = sys.modules.get("wordfreq")
    wf_cache = getattr(wordfreq, "_wf_cache", None)
    if isinstance(wf_cache, dict):
        wf_cache.clear()
    re.purge()
