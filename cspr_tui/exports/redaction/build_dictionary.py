"""Build `dictionary.txt`: which lower-case words are dictionary words, and which of them
are used mostly as nouns. Run by hand, never at run time:

    python -m cspr_tui.exports.redaction.build_dictionary /usr/share/wordnet

(the folder of WordNet 3.0's database files, e.g. Debian's `wordnet-base` package).

Why: a given name that is also a dictionary word ("hazel", "olive", "grace") is often the
word, not the person: in lower case ("hazel eyes"), or capitalised before a noun it
qualifies ("Olive oil", "Grace period"). `wordfreq` says how common a word is but not
whether English writes it as a common word (names are common too) nor whether it is a noun.
WordNet lists each word form as written (a name such as "Zoe" or "Leo" only capitalised,
as a proper noun; "hazel" in lower case) and, from its sense-tagged corpus, how often each
word was used as a noun, verb, adjective or adverb. Kept: words in lower case English text
uses at least once per million words (`words.COMMON`), one a line; a noun (a word used as a
noun at least three times and three times as often as all other parts of speech together,
no verb form: "bit", "thought", "may" are left out, and not mostly in a sense a person has:
"age", "health", "report" are left out) is followed by " n". WordNet's
licence is in `dictionary-LICENSE.txt` beside the output.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

from wordfreq import zipf_frequency

from cspr_tui.exports.redaction.words import COMMON

OUT = Path(__file__).with_name("dictionary.txt")
_FORM = re.compile(r"\(.*\)$")  # "galore(ip)": a syntactic marker after the word


def lower_case_words(wordnet: Path) -> set[str]:
    """Every word form WordNet writes in lower case (one word, letters only)."""
    found: set[str] = set()
    for pos in ("noun", "verb", "adj", "adv"):
        for line in (wordnet / f"data.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith("  "):
                continue  # the licence at the top of the file
            fields = line.split()
            for index in range(int(fields[3], 16)):
                word = _FORM.sub("", fields[4 + 2 * index])
                if word.isalpha() and word.isascii() and word.islower():
                    found.add(word)
    return found


# WordNet's lexicographer files of nouns a person has rather than a name qualifies: a body
# part, an attribute ("age", "weight", "voice"), a state ("health", "injury"), a person, a
# feeling, a thought or plan, a communication ("file", "report"), a possession, a motive, a
# relation. "Grace weight", "Olive report" are a dropped possessive, never a set phrase.
_PERSONAL = frozenset({7, 8, 9, 10, 12, 16, 18, 21, 24, 26})


def nouns(wordnet: Path) -> set[str]:
    """Words the sense-tagged corpus used mostly as nouns, and mostly not in a sense a
    person has (`_PERSONAL`)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * 6)
    personal: dict[str, int] = defaultdict(int)
    for line in (wordnet / "cntlist.rev").read_text(encoding="latin-1").splitlines():
        key, _sense, count = line.split()
        lemma, rest = key.split("%")
        pos, lexfile = (int(part) for part in rest.split(":")[:2])
        counts[lemma][pos] += int(count)
        if pos == 1 and lexfile in _PERSONAL:
            personal[lemma] += int(count)
    return {
        lemma
        for lemma, (_none, noun, *other) in counts.items()
        if noun >= 3 and noun >= 3 * sum(other) and 2 * personal[lemma] < noun
    }


# Verb forms that are never the noun after a name: the modals and auxiliaries ("Olive may
# call", "Grace being seen"); irregular past tenses come from WordNet's `verb.exc`.
_AUXILIARIES = frozenset(
    {"may", "might", "must", "can", "could", "will", "would", "shall", "should", "ought",
     "need", "dare", "do", "does", "did", "be", "being", "been", "am", "is", "are", "was",
     "were", "has", "have", "had"}
)  # fmt: skip


def verb_forms(wordnet: Path) -> set[str]:
    """Inflected verb forms ("bit", "shot", "thought"): a name before one is its subject."""
    lines = (wordnet / "verb.exc").read_text(encoding="latin-1").splitlines()
    return {line.split()[0] for line in lines if line.strip()} | _AUXILIARIES


def main(argv: list[str]) -> int:
    wordnet = Path(argv[1] if len(argv) > 1 else "/usr/share/wordnet")
    words = {w for w in lower_case_words(wordnet) if zipf_frequency(w, "en") >= COMMON}
    noun = nouns(wordnet) - verb_forms(wordnet)
    lines = [f"{w} n" if w in noun else w for w in sorted(words)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines)} words, {sum(w in noun for w in words)} nouns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
