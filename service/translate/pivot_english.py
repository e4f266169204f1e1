"""English the offline engine's pivot gets wrong in predictable ways, mended after it (`mend`).

Articles: Italian puts a definite article where English has none: before a percentage ("il 29%"),
a year ("nel 2007"), a day and month ("il 3 settembre"), a weekday ("il lunedì"), a country ("la
Grecia"), a possessive ("il suo") and a relative ("il quale"); apertium's ita->spa->eng pivot keeps
it ("the 29%", "in the 2007", "the Greece", "the his", "in the which"). `drop_articles` takes out
that "the", and nothing else: "the 1990s", "the 5th", "the 4 parties", "the United States", "the
Netherlands" and "the 2008 elections" keep theirs.

Prepositions: "tra A e B" comes out "among A and B"; English has "between" for two. Italian "a"
comes out "to" where English has another preposition: "take part to the works" ("partecipare ai
lavori", the seed), "to transatlantic level" ("a livello transatlantico").

Italian puts a compass adjective after a country ("la Libia orientale"): "Libya oriental" becomes
"eastern Libya".

Relatives: Italian opens a non-restrictive relative clause with ", che"; the pivot writes ", that",
which English does not use after a comma. `relatives` makes it ", who" after a name or a word for
people ("Mario Draghi, that said" -> "Mario Draghi, who said"), else ", which"; ", that is" (cioè) stays.

Words: some English words come only from the pivot's Spanish reading of a common Italian one, and
`words` puts the English the Italian means: "evitare" -> "evitar" -> "avert" ("avoid"), "inoltre" ->
"además" -> "besides" ("also"; "In addition," opening a sentence), "precedente" after its noun ("the
year precedent" -> "the previous year"), "informazioni" -> "informations", "dovrebbe" -> "debería" ->
"would have to" ("should"), "malgrado" -> "in spite of"
("despite"), "molti" -> "a lot of" before a plural ("many"), "diversi" before its noun -> "diverse"
("several"; "different" after a number).

Measured on newssyscomb2009 (tuning) and FLORES-200 devtest (held out): see the README.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_AFTER = r"\b((?i:of|to|in|on|at|by|for|from|with|since|until|over)) the "
# a year, not a decade ("the 1990s") or one that names a noun after it ("the 2008 elections", "the 2008 season")
_YEAR = r"(?:1[89]|20)\d\d\b(?![\d.,]*(?:s\b|'s\b|th\b))(?! (?:\w+s|season|budget|election|campaign|census|edition|final|report|law|model|version|crisis|summit)\b)"
# another number, not an ordinal ("the 5th"), where no noun follows that it counts ("the 4 parties")
_NUMBER = (
    r"\d[\d.,]*(?![\d.,]*(?:s\b|'s\b|th\b|st\b|nd\b|rd\b))(?=[,.;:)!?]|\s?%|$| (?:and|or|but|to|in|on|at|with|by|for|of|it|he|she"
    r"|they|we|there|was|were|is|are|has|had|have|the|a|an|when|while|as|compared|than|per|million|billion|thousand|euros?|dollars?|[A-Z]\w*)\b)"
)
_RULES = [
    (re.compile(r"\b[Tt]he (?=\d[\d.,]*\s?%)"), ""),  # "the 29%"
    (re.compile(_AFTER + f"(?={_YEAR})"), r"\1 "),  # "in the 2007"
    (re.compile(_AFTER + f"(?={_NUMBER})"), r"\1 "),  # "of the 4,"; "of the 15 million"
    (re.compile(rf"\b[Tt]he (?=\d{{1,2}} (?:{_MONTHS})\b)"), ""),  # "the 3 September"
    (re.compile(rf"\bthe (?=(?:{_DAYS})\b)"), ""),  # "the Monday"
]
_POSSESSIVE = re.compile(r"\b([Tt])he (his|her|their|its|my|our|your|which)\b")  # "il suo", "il quale"
# English country names that keep "the": plural, or a common noun in the name
_KEEPS_THE = re.compile(r"s$|\b(?:United|Republic|Islands?|Kingdom|Emirates|Union|Coast|Bank|Strip|Territor\w*|Isle|Gambia|Congo|Vatican)\b")


_AMONG_TWO = re.compile(r"\b([Aa])mong\b(?=(?: [\w'’-]+){1,4} and\b)")  # "among Italy and Germany"


_PART_TO = re.compile(r"\b(take|takes|took|taken|taking|participate|participates|participated|participating) (part )?to\b")
_TO_LEVEL = re.compile(r"\bto (?!(?:a|an|the|that|this|its|their|his|her|what|which|one|any|some|every|sea|ground|street|"
                       r"record|next|higher|lower|top|entry|pre|post)\b)([a-z]+ )level\b")  # not "back to sea level"


_PEOPLE = ("people|persons|men|women|man|woman|children|those|president|minister|ministers|leader|leaders|officials|"
           "police|spokesman|spokeswoman|director|manager|managers|chairman|judge|experts|workers|citizens|voters|"
           "journalists|doctors|students|soldiers|victims|friends|wife|husband|son|daughter|mother|father|he|she")
_RELATIVE = re.compile(r", that\b(?! is\b)")
_PERSON_BEFORE = re.compile(rf"(?:\b[A-Z][\w’'-]*|\b(?:{_PEOPLE}))$")
_FIRST_WORD = re.compile(r"(?:^|[.!?]\s+)[\w’'-]+$")  # a capital that only opens the sentence: "Yesterday, that"


def relatives(english: str) -> str:
    """", that" of an Italian relative clause -> ", who" after a name or a word for people, else ", which"."""
    def pronoun(m: re.Match) -> str:
        before = english[: m.start()]
        person = _PERSON_BEFORE.search(before) and not _FIRST_WORD.search(before)
        return ", who" if person else ", which"

    return _RELATIVE.sub(pronoun, english)


_WORDS: list[tuple[re.Pattern, str | Callable[[re.Match], str]]] = [
    (re.compile(r"\b([Aa])vert(s|ed|ing)?\b"), lambda m: m.group(1) + "void" + (m.group(2) or "")),
    (re.compile(r"(^|[.!?]\s+)Besides,?\s"), r"\1In addition, "),
    (re.compile(r"\bbesides\b"), "also"),
    (re.compile(r"\b([Tt])he ([a-z]+) precedent\b"), r"\1he previous \2"),
    (re.compile(r"\b([Ii])nformations\b"), r"\1nformation"),
    (re.compile(r"\b([Ww])ould have to\b"), lambda m: ("S" if m.group(1) == "W" else "s") + "hould"),
    (re.compile(r"\b([Ii])n spite of\b"), lambda m: ("D" if m.group(1) == "I" else "d") + "espite"),
    (re.compile(r"\b([Aa]) lot of (?=\w+s\b)"), lambda m: "Many " if m.group(1) == "A" else "many "),
    (re.compile(r"\b(\d[\d,.]*|two|three|four|five|six|seven|eight|nine|ten) diverse\b"), r"\1 different"),
    (re.compile(r"\b([Dd])iverse (?=[a-z]+s\b|hundred|thousand|million)"), lambda m: ("S" if m.group(1) == "D" else "s") + "everal "),
]


def words(english: str) -> str:
    """The English words of the module's docstring in place of the pivot's ("avert" -> "avoid")."""
    for rule, replacement in _WORDS:
        english = rule.sub(replacement, english)
    return english


def mend(english: str) -> str:
    """`english` with the articles, prepositions, relatives and words of the module's docstring mended."""
    english = words(relatives(english))
    english = _AMONG_TWO.sub(lambda m: "Between" if m.group(1) == "A" else "between", english)
    english = _PART_TO.sub(lambda m: f"{m.group(1)} {m.group(2) or ''}in", english)
    english = _TO_LEVEL.sub(r"at \1level", english)
    return compass(drop_articles(english))


def drop_articles(english: str) -> str:
    """`english` without the Italian definite articles English does not use (see the module's docstring)."""
    for rule, replacement in _RULES:
        english = rule.sub(replacement, english)
    english = _POSSESSIVE.sub(lambda m: m.group(2).capitalize() if m.group(1) == "T" else m.group(2), english)
    countries = _countries()
    if countries is not None:
        english = countries.sub(lambda m: m.group(1), english)
    return english


def compass(english: str) -> str:
    """"Libya oriental" -> "eastern Libya" (see the module's docstring)."""
    return _compass().sub(_compass_first, english) if _stored_country_names() else english


# Italian puts the compass adjective after the country ("la Libia orientale"): "Libya oriental" -> "eastern Libya"
_COMPASS = {"oriental": "eastern", "occidental": "western", "meridional": "southern", "septentrional": "northern",
            "northern": "northern", "southern": "southern", "eastern": "eastern", "western": "western", "central": "central"}


def _compass_first(m: re.Match) -> str:
    adjective = _COMPASS[m.group(2)]
    if re.search(r"(?:^|[.!?]\s+)[\W_]*$", m.string[: m.start()]):  # it opens the sentence
        adjective = adjective.capitalize()
    return f"{adjective} {m.group(1)}"


@cache
def _compass() -> re.Pattern:
    names = _stored_country_names()
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r") (" + "|".join(_COMPASS) + r")\b")


@cache
def _countries() -> re.Pattern | None:
    """"the Greece" -> "Greece": CLDR's English country names (Babel) of one or two words that take
    no article; the list kept in the briefs cache (reading Babel's takes ~0.07 s)."""
    names = _stored_country_names()
    if not names:
        return None
    # not in a compound: "the Italy-Germany summit" keeps its article
    return re.compile(r"\b[Tt]he (" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b(?![-–‐]\w)")


@cache
def _stored_country_names() -> tuple[str, ...]:
    from .lexicon_data import _stored, _version

    return tuple(_stored("countries-en", [_version("babel"), _KEEPS_THE.pattern], _country_names) if _version("babel") else ())


def _country_names() -> list[str]:
    try:
        from babel import Locale

        names = [n for code, n in Locale("en").territories.items() if not code.isdigit()]
    except Exception:  # no data for English: no country rule
        return []
    return [n for n in names if re.fullmatch(r"[A-Z][\w’'-]*(?: [A-Z][\w’'-]*)?", n) and not _KEEPS_THE.search(n)]
