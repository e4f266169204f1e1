"""Is this word English? One word list for the fidelity report, the offline engine and `briefs eval mt`.

The list is wordfreq's (word frequencies from many corpora, shipped inside the package, so it works
offline): a word's Zipf frequency is log10 of its count per billion words, 0 when unseen. A word is
taken as English when English uses it often, or at least as often as Italian or Spanish do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Zipf frequency (log10 per billion words) above which a word is English whatever else it is.
COMMON_EN = 3.0
# A rarer word is English when English uses it at least this often and no less than Italian/Spanish.
RARE_EN = 2.0
# Foreign function words that English text only holds when a translation left them behind
# (English homographs such as "per", "con", "come", "a", "e" are left out on purpose).
FOREIGN_FUNCTION_WORDS: dict[str, str] = {
    **{w: "it" for w in (
        "di della dello delle degli dei del il gli che non nel nella nelle negli nei sulla sul sulle sui "
        "alla alle allo agli ai dal dalla dalle dagli dai una uno sono anche più essere questo questa "
        "questi queste quello quella perché già stato stata tra fra però ancora dopo mentre cui loro "
        "molto sempre ogni tutti tutte oggi ieri domani"
    ).split()},
    **{w: "es" for w in (
        "los las el y que por para una está están también pero muy más sus sobre entre desde hasta "
        "según hacia durante mientras aunque cuando donde ya fue han"
    ).split()},
}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@dataclass(frozen=True)
class Leftover:
    """A word of English text that is not English: its span, the word, and the language it
    most likely is ("it", "es", or "?" for a word no list knows that was copied from the source)."""

    start: int
    end: int
    word: str
    language: str


@lru_cache(maxsize=200_000)
def zipf(word: str, lang: str = "en") -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), lang)


def is_english(word: str) -> bool:
    """True when `word` is an English word (checked case-insensitively)."""
    w = word.lower()
    if w in FOREIGN_FUNCTION_WORDS:
        return False
    en = zipf(w, "en")
    if en >= COMMON_EN:
        return True
    return en >= RARE_EN and en >= max(zipf(w, "it"), zipf(w, "es"))


def foreign_language(word: str) -> str | None:
    """"it" or "es" when `word` is an Italian or Spanish word English does not use; else None."""
    w = word.lower()
    if w in FOREIGN_FUNCTION_WORDS:
        return FOREIGN_FUNCTION_WORDS[w]
    if is_english(w):
        return None
    it, es = zipf(w, "it"), zipf(w, "es")
    best = max(it, es)
    en = zipf(w, "en")
    if (best >= 1.5 and best >= en + 1.0) or (best >= 1.0 and en == 0):  # "augurado": rare, and no English
        return "it" if it >= es else "es"
    return None


def leftover_words(english_text: str, source_text: str | None = None) -> list[Leftover]:
    """Words of `english_text` that are not English, in order. Capitalised words are taken as names
    and skipped, and so are single letters; with `source_text`, a word no list knows is reported
    ("?") when it was copied from the source as it stands."""
    copied: set[str] = set()
    if source_text is not None:
        copied = {m.group().lower() for m in _WORD.finditer(source_text)}
    out: list[Leftover] = []
    for m in _WORD.finditer(english_text):
        word = m.group()
        if len(word) < 2 or not word[0].islower():
            continue
        if english_text[m.end() : m.end() + 1] in "-‐" and m.end() < len(english_text):
            continue  # "non-profit": the first part of an English compound
        if english_text[m.start() - 1 : m.start()] == "(" and english_text[m.end() : m.end() + 1] == ")" \
                and word in copied:
            continue  # "(askanews)": a news agency's credit, copied as it stands
        language = foreign_language(word)
        if language is None and word in copied and not is_english(word) and zipf(word, "en") < 1.0:
            language = "?"
        if language:
            out.append(Leftover(m.start(), m.end(), word, language))
    return out


def words(text: str) -> list[str]:
    """The words of `text` as `leftover_words` sees them (for rates per 1,000 words)."""
    return _WORD.findall(text)
