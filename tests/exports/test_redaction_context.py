"""Redaction read in context: a name part that is also a dictionary word, a place named like
the family, a short form of a given name, an initial after a name, a letter-spaced name.

Each test holds both sides: what must go (the person) and the ordinary text beside it that
must come out exactly as it went in. Every name, place and address is invented.
"""

from __future__ import annotations

from cspr_tui.domain.case import Case, Person, PersonKind
from cspr_tui.exports.redaction import Redactor


def _redactor(*people: Person) -> Redactor:
    return Redactor.for_case(Case("CSPR-2026-040", "Child A", people=list(people)))


def _family() -> Redactor:
    return _redactor(
        Person("Zoe Quarrendale", "Child A", "Subject child", PersonKind.CHILD),
        Person("Marta Quarrendale", "Mother", "Mother", PersonKind.FAMILY),
        Person("Ilse Brackwood", "Aunt", "Aunt", PersonKind.FAMILY),
    )


def test_a_name_opening_a_sentence_before_an_initial_is_the_name() -> None:
    """ "Zoe A said": a capital A after the name is an initial; a verb opening an
    instruction is followed by an article in lower case ("Mark a date")."""
    redactor = _family()
    for text in ("Zoe A said she was scared.", "Marta B. rang the school.", "Ilse An arrived."):
        out = redactor.redact(text)
        assert not any(n in out for n in ("Zoe", "Marta", "Ilse")), (text, out)
    assert redactor.redact("Zoe A said no.").startswith("Child A")
    # the instruction is still only put to the reviewer, never replaced
    [finding] = redactor.scan("Zoe the plan first.")
    assert not finding.withhold


def test_a_street_with_a_compass_word_is_found_in_either_written_form() -> None:
    """The key's "North Rd E" is also written "North Road East", and back: after the
    street's first word, a street type or compass word may be written short or in full."""
    for key, texts in (
        ("12 Ravelin Rd E, Gatesford", ("12 Ravelin Road East", "Ravelin Rd. E.")),
        ("3 Tollgate Lane West, Gatesford", ("3 Tollgate Ln W", "Tollgate Lane W")),
        ("9 Skerry Crescent N", ("9 Skerry Cres North", "Skerry Cres. N")),
        # the compass word left off, as people often write it
        ("14 Station Road West, Gatesford", ("14 Station Road", "14 Station Rd")),
        ("2 Church Lane N", ("2 Church Lane", "Church Ln")),
        ("7 Mill Street East", ("7 Mill Street",)),
    ):
        redactor = _redactor(
            Person("Zoe Quarrendale", "Child A", "Subject child", PersonKind.CHILD, addresses=[key])
        )
        for text in texts:
            sentence = f"They moved to {text} in May."
            out = redactor.redact(sentence)
            assert out == "They moved to [address withheld] in May.", (key, sentence, out)
    # another street of the same town, and the compass word alone, are left as written
    for text in ("They met on Ravelin Way.", "The road runs east.", "North Rd is closed."):
        redactor = _redactor(
            Person(
                "Zoe Quarrendale",
                "Child A",
                "Subject child",
                PersonKind.CHILD,
                addresses=["12 Ravelin Rd E, Gatesford"],
            )
        )
        assert redactor.redact(text) == text


def test_a_name_written_letter_by_letter_is_withheld() -> None:
    """Spelled out to be read but not matched: spaces, hyphens, dots or stars between the
    letters, wider gaps between the words, part of the name written normally."""
    redactor = _family()
    for text, expected in (
        ("Z o e  Q u a r r e n d a l e was seen.", "Child A was seen."),
        ("Z o e Q u a r r e n d a l e was seen.", "Child A was seen."),
        ("Zoe Q u a r r e n d a l e was seen.", "Child A was seen."),
        ("Q-U-A-R-R-E-N-D-A-L-E, Marta rang.", "[name withheld], Mother rang."),
        ("I L S E said it.", "Aunt said it."),
        ("M.a.r.t.a and I*l*s*e came.", "Mother and Aunt came."),
        # as a spelling is written down or disguised: commas, slashes, dots, bullets
        ("She spelled it M, A, R, T, A.", "She spelled it Mother."),
        ("She spelled it M/A/R/T/A.", "She spelled it Mother."),
        (
            "She wrote M \u2022 A \u2022 R \u2022 T \u2022 A on the wall.",
            "She wrote Mother on the wall.",
        ),
        ("Z\u00b7o\u00b7e, Z|o|e, Z:o:e and M+A+R+T+A", "Child A, Child A, Child A and Mother"),
    ):
        assert redactor.redact(text) == expected, text
    for text in (
        "Options a, b, c and d.",
        "Answer Y/N, e.g. a/b/c.",
        "S U M M A R Y",
        "Options a b c were offered.",
        "The sign read S O S in stones.",
        "Tick A, B or C.",
        "K E Y: 1 = yes.",
    ):
        assert redactor.redact(text) == text


def test_long_letter_by_letter_runs_do_not_hang_the_redactor() -> None:
    """Thousands of single letters: each word of a run is tried against at most a few
    words after it (a name has a few words), so the run costs a bounded amount a word."""
    script = (
        "from tests.exports.test_redaction_context import _family\n"
        "r = _family()\n"
        "for text in ('a  ' * 6000, 'q u a r ' * 3000, 'x-' * 8000 + 'x'):\n"
        "    r.redact(text)\n"
        "print('done')\n"
    )
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )  # a hang guard with room for a loaded machine, not a speed test
    assert done.stdout.strip() == "done"


def test_a_place_named_like_the_family_is_the_place_unless_it_is_their_address() -> None:
    """A key surname before capitalised words ending in a place or organisation word is the
    place's name ("Brackwood Park", "Quarrendale Street School"): put to the reviewer and
    kept as written. The family's own registered street is still withheld."""
    redactor = _family()
    for text in (
        "They met in Brackwood Park.",
        "She moved to Quarrendale Street School.",
        "A session at Brackwood Leisure Centre.",
        "Brackwood Academy rang twice.",
        "The Quarrendale Family Centre offered a place.",
    ):
        assert redactor.redact(text) == text
        assert all(not f.withhold for f in redactor.scan(text)), text
    # the person, and the family, are still withheld
    assert redactor.redact("Ilse Brackwood Academy") == "Aunt Academy"
    assert redactor.redact("The Brackwood family moved.") == "The Aunt family moved."
    assert redactor.redact("The Quarrendale Family moved.") == "The [name withheld] Family moved."
    # the family's registered address is withheld, park or not
    housed = _redactor(
        Person(
            "Zoe Quarrendale",
            "Child A",
            "Subject child",
            PersonKind.CHILD,
            addresses=["7 Brackwood Park, Gatesford"],
        ),
        Person("Ilse Brackwood", "Aunt", "Aunt", PersonKind.FAMILY),
    )
    assert housed.redact("They met in Brackwood Park.") == "They met in [address withheld]."


def _flowers() -> Redactor:
    """A family whose given names are dictionary words English also writes in lower case."""
    return _redactor(
        Person("Olive Tarrant-Voss", "Child A", "Subject child", PersonKind.CHILD),
        Person("Jasmine Tarrant-Voss", "Mother", "Mother", PersonKind.FAMILY),
        Person("Hazel Quennell", "Aunt", "Aunt", PersonKind.FAMILY),
        Person("Grace Okafor-Lund", "Nan", "Maternal grandmother", PersonKind.FAMILY),
    )


def test_a_given_name_before_the_noun_it_qualifies_is_the_set_phrase() -> None:
    """ "Olive oil", "the Grace period", "Jasmine tea": a capitalised dictionary word before
    a lower-case noun, opening a sentence or after an article or preposition, is the phrase:
    put to the reviewer and kept as written."""
    redactor = _flowers()
    for text in (
        "Olive oil was used to soothe the rash.",
        "The Grace period for the rent ends on Friday.",
        "She drank a cup of Jasmine tea.",
        "A Hazel tree grows by the gate.",
    ):
        assert redactor.redact(text) == text
        assert all(not f.withhold for f in redactor.scan(text)), text


def test_a_given_name_before_a_verb_or_a_person_is_still_the_person() -> None:
    """The same names used as names: before a verb, an adjective, a person noun, after a
    verb ("gave Grace food"), with the surname, a title or a possessive."""
    redactor = _flowers()
    for text, name in (
        ("Olive cried when her mother left.", "Olive"),
        ("Grace bit her lip and said nothing.", "Grace"),
        ("Jasmine upset the other children.", "Jasmine"),
        ("Jasmine mum rang the school.", "Jasmine"),
        ("Staff gave Grace food and a drink.", "Grace"),
        ("Olive Tarrant-Voss oil painting", "Olive"),
        ("Mrs Quennell's Hazel tree", "Quennell"),
        ("Hazel's garden was overgrown.", "Hazel"),
        ("Jasmine may call tomorrow.", "Jasmine"),
        # a noun a person has: a dropped possessive, not a set phrase
        ("Olive weight was checked.", "Olive"),
        ("The Grace report was late.", "Grace"),
        ("Hazel health visitor rang.", "Hazel"),
        # a noun that could make a phrase, where the text names the person otherwise
        ("Grace said she was cold. Grace bedroom has no heating.", "Grace"),
    ):
        out = redactor.redact(text)
        assert name not in out, (text, out)


def test_a_lower_case_dictionary_word_is_the_word_unless_written_as_a_name() -> None:
    """ "hazel eyes", "olive skin": in lower case a word English writes so is the word (put to
    the reviewer, kept); beside the surname, with a title or as a possessive it is still the
    person. A name English never writes in lower case ("tavi") is the person either way."""
    redactor = _flowers()
    for text in ("She has hazel eyes and olive skin.", "The grace of the dancers."):
        assert redactor.redact(text) == text
        assert all(not f.withhold for f in redactor.scan(text)), text
    for text, gone in (
        ("A message to hazel quennell was sent.", "quennell"),
        ("hazel's mum rang.", "hazel"),
        ("Seen by olive tarrant-voss.", "olive"),
    ):
        out = redactor.redact(text)
        assert gone not in out.casefold(), (text, out)
    leo = _redactor(Person("Leo Smithcott", "Uncle", "Uncle", PersonKind.FAMILY))
    assert leo.redact("A message to leo Smithcott was sent.") == "A message to Uncle was sent."
    tavi = _redactor(Person("Tavi Smithcott", "Uncle", "Uncle", PersonKind.FAMILY))
    assert tavi.redact("A message to tavi was sent.") == "A message to Uncle was sent."


def test_a_lower_case_dictionary_name_in_running_text_is_still_the_person() -> None:
    """Only before a word it qualifies ("hazel eyes") is a lower-case dictionary word the
    word: before a verb, a function word, a possessive or at the end ("told molly to stop",
    "hazel said", "i saw hazel at school") it is the person, withheld as ever."""
    redactor = _redactor(
        Person("Hazel Quennell", "Child A", "Subject child", PersonKind.CHILD),
        Person("Molly Quennell", "Sibling 1", "Sister", PersonKind.FAMILY),
        Person("Sally Tarrant", "Nan", "Grandmother", PersonKind.FAMILY),
    )
    for text, expected in (
        ("i saw hazel at school.", "i saw Child A at school."),
        ("hazel said no.", "Child A said no."),
        ("told molly to stop.", "told Sibling 1 to stop."),
        ("sally cried when she heard.", "Nan cried when she heard."),
        ("a note from molly", "a note from Sibling 1"),
        ("hazel eyes and molly", "hazel eyes and Sibling 1"),
    ):
        assert redactor.redact(text) == expected, text
    [finding] = redactor.scan("She has hazel eyes.")
    assert not finding.withhold and finding.hit == "hazel"  # put to the reviewer, kept


def test_a_capital_a_after_a_name_is_the_initial_of_the_persons_own_surname() -> None:
    """ "Zoe A said" of Zoe Abbott: the A goes with the name; another person's, or the
    article of a title ("Zoe A Story"), stays."""
    redactor = _redactor(
        Person("Zoe Abbott", "Child A", "Subject child", PersonKind.CHILD),
        Person("Marta Quill", "Mother", "Mother", PersonKind.FAMILY),
    )
    assert redactor.redact("Zoe A said no.") == "Child A said no."
    assert redactor.redact("Later Zoe A, the child, spoke.") == "Later Child A, the child, spoke."
    assert redactor.redact("Marta A said no.") == "Mother A said no."
    assert redactor.redact("Zoe A Story") == "Child A A Story"


def test_a_possessive_typed_without_its_apostrophe_before_a_relative_is_the_person() -> None:
    """ "graces dad", "Roses partner": the name's possessive, not the plural word; never
    left with no finding. The plural words themselves ("good marks", "the roses") stay."""
    redactor = _redactor(
        Person("Hazel Quennell", "Child A", "Subject child", PersonKind.CHILD),
        Person("Grace Quennell", "Sibling 2", "Sister", PersonKind.FAMILY),
        Person("Rose Quennell", "Mother", "Mother", PersonKind.FAMILY),
        Person("Mark Quennell", "Father", "Father", PersonKind.FAMILY),
    )
    for text, hit in (("graces dad hit her.", "graces"), ("roses partner shouted.", "roses")):
        assert [f.hit for f in redactor.scan(text)] == [hit], text
    assert redactor.redact("Graces mum rang.") == "Sibling 2 mum rang."
    assert redactor.redact("Marks brother came.") == "Father brother came."
    for text in ("He got good marks.", "the roses were red", "Marks were given."):
        assert redactor.redact(text) == text


def test_a_short_given_name_in_capitals_beside_the_surname_in_capitals_is_withheld() -> None:
    """Records write names in capitals ("SAM VELLACOTT", "VELLACOTT, SAM"): a short word in
    capitals there is not an acronym when it begins a key given name. Acronyms beside a
    name in capitals ("GP VELLACOTT", "VELLACOTT DOB") stay."""
    redactor = _redactor(
        Person("Mirela Vellacott", "Child A", "Subject child", PersonKind.CHILD),
        Person("Samantha Vellacott", "Mother", "Mother", PersonKind.FAMILY),
        Person("Christopher Vellacott", "Father", "Father", PersonKind.FAMILY),
    )
    for text in ("SAM VELLACOTT rang.", "VELLACOTT, SAM (mother)", "CHRIS VELLACOTT came."):
        out = redactor.redact(text)
        assert "SAM" not in out and "CHRIS" not in out and "VELLACOTT" not in out, (text, out)
    assert redactor.redact("GP VELLACOTT") == "GP [name withheld]"
    assert redactor.redact("MIRELA VELLACOTT DOB") == "Child A DOB"
    assert redactor.redact("Referral from CAMHS. SAM said") == "Referral from CAMHS. SAM said"


def test_an_everyday_word_name_written_as_someones_or_doing_what_people_do_is_found() -> None:
    """A name that is an everyday word (Faith, Will) or on the partnership's lists (Amber, a
    RAG rating) is the person before "'s mum" in any case, and put to the reviewer before
    "said" or "cried"; elsewhere in lower case it is the word, with no finding."""
    from cspr_tui.exports.redaction.review import case_redactor
    from cspr_tui.settings import Settings

    case = Case(
        "CSPR-2026-040",
        "Child A",
        people=[
            Person("Faith Quennell", "Child A", "Subject child", PersonKind.CHILD),
            Person("Will Quennell", "Father", "Father", PersonKind.FAMILY),
            Person("Amber Quennell", "Sibling 1", "Sister", PersonKind.FAMILY),
        ],
    )
    redactor = case_redactor(case, Settings())
    for text, expected in (
        ("faith's mum rang.", "Child A's mum rang."),
        ("amber's dad rang.", "Sibling 1's dad rang."),
        ("Will's partner came.", "Father's partner came."),
    ):
        assert redactor.redact(text) == expected, text
    for text, hit in (("faith said she was hungry.", "faith"), ("amber cried.", "amber")):
        [finding] = redactor.scan(text)
        assert finding.hit == hit and not finding.withhold, text
    for text in ("We will see.", "in good faith", "The RAG rating was amber."):
        assert redactor.redact(text) == text and not redactor.scan(text), text


def test_a_street_named_only_the_and_its_type_is_found_with_its_number() -> None:
    """ "3 The Court", "12 The Green": with the number it is the family's address; without,
    "the court" and "the green" are the words of any sentence (a review's "the court")."""
    for key, text in (
        ("3 The Court, Gatesford", "She lived at 3 The Court."),
        ("12 The Green", "She lived at 12 The Green."),
    ):
        redactor = _redactor(
            Person("Zoe Quarrendale", "Child A", "Subject child", PersonKind.CHILD, addresses=[key])
        )
        assert redactor.redact(text) == "She lived at [address withheld].", key
        for ordinary in ("The case went to the court in May.", "They played on the green."):
            assert redactor.redact(ordinary) == ordinary, (key, ordinary)


def test_the_keys_own_nhs_number_is_found_however_parted_and_even_with_a_bad_check_digit() -> None:
    """The record's own number is the person's: parted by middle dots or bullets, or typed
    with a wrong check digit in the record and the text alike. Another number with a bad
    check digit, and a chronology's date and time, stay."""
    for key in ("943 476 5919", "943 476 5918"):  # the second fails the mod-11 check
        redactor = _redactor(
            Person("Zoe Quarrendale", "Child A", "Subject child", PersonKind.CHILD, nhs_number=key)
        )
        digits = key.replace(" ", "")
        for text in (f"NHS {key}", f"NHS {digits[:3]}\u00b7{digits[3:6]}\u00b7{digits[6:]}"):
            assert redactor.redact(text) == "NHS [NHS number withheld]", (key, text)
        for text in ("ref 123 456 7890", "Seen 01/03/2019 12:30"):
            assert redactor.redact(text) == text, (key, text)
