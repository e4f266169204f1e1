"""Names of the source (capitalised runs, acronyms) dropped or changed in the translation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .words import _WORD, fold

# ---- names -------------------------------------------------------------------------------------------
# Lower-case words that may sit inside a name ("Banca d'Italia", "Leonardo da Vinci", "Bank of England").
_CONNECTORS = frozenset("di da de del della dei degli delle d van von der den la le el of the".split())
# A word, after any elided article, preposition or pronoun ("L’obiettivo", "dell’Italia", "C’è").
_ELIDED = ("l d s c m t v n un dell all nell dall sull coll quell quest tutt anch com dov cos senz sott po "
           "bell sant mezz").split()
_CAP = re.compile(r"(?:(?<![\w'’])(?i:" + "|".join(sorted(_ELIDED, key=len, reverse=True)) + r")['’](?=\w))?"
                  r"(?P<w>[^\W\d_](?:[\w'’.\-]*[\w.])?)")
_ELISION = re.compile(r"^(?i:" + "|".join(sorted(_ELIDED, key=len, reverse=True)) + r")['’](?=\w)")
_UNITS = frozenset("Mbps Gbps Kbps Mbit Gbit kWh MWh GWh MW GW kW GHz MHz kHz Hz km kg mm cm".split())
_ROMAN = re.compile(r"[IVXLCDM]+")


@dataclass(frozen=True)
class Name:
    start: int
    end: int
    text: str
    initial: bool  # it opens its sentence (so its capital letter proves nothing)

    @property
    def tokens(self) -> list[str]:
        words = [_ELISION.sub("", t) for t in re.split(r"[\s\-]+", self.text)]
        return [t.strip("'’") for t in words if t.strip("'’") and t.lower() not in _CONNECTORS]


def _is_cap(word: str) -> bool:
    return word[:1].isupper() and (len(word) >= 2 or word.endswith("."))


def names(text: str) -> list[Name]:
    """Runs of capitalised words (with connectors inside: "Banca d'Italia") and acronyms."""
    out: list[Name] = []
    words = list(_CAP.finditer(text))
    k = 0
    while k < len(words):
        m = words[k]
        if not _is_cap(m.group("w")):
            k += 1
            continue
        j = k
        while j + 1 < len(words):
            gap = text[words[j].end(): words[j + 1].start()]
            nxt = words[j + 1]
            if gap not in (" ", "-") or (nxt.start() != nxt.start("w") and not _is_cap(nxt.group("w"))):
                break
            w = words[j].group("w")
            if w.endswith(".") and len(w) > 3 and not re.fullmatch(r"(?:\w\.)+", w) and w.rstrip(".") not in ("St", "Mr", "Dr", "Mrs", "Jr"):
                break  # "Choudhary. Lakkha Singh": a sentence ended there
            if _is_cap(nxt.group("w")):
                j += 1
            elif nxt.group("w").lower() in _CONNECTORS and j + 2 < len(words) \
                    and _is_cap(words[j + 2].group("w")) and text[nxt.end(): words[j + 2].start()] == " ":
                j += 2
            else:
                break
        start, end = m.start("w"), words[j].end()
        span = text[start:end]
        span = span.rstrip(".") if not re.search(r"(?:^|\s)(?:\w\.)+$", span) else span
        before = text[:m.start()].rstrip(" \"'“‘«([–—-")
        initial = not before or before[-1] in ".!?:;…\n" or bool(re.search(r"\(\w+\)$", before))
        if any(t for t in Name(start, start, span, initial).tokens):
            out.append(Name(start, start + len(span), span, initial))
        k = j + 1
    return out


def _zipf(word: str, lang: str) -> float:
    from ..english import zipf

    return zipf(word, lang)


def _translatable(word: str, lang: str) -> bool:
    """A word of the source language English does not use: a name made of such words is translated
    ("Francoforte", "Consiglio di Sicurezza"), not kept."""
    w = word.lower()
    src, en = _zipf(w, lang), _zipf(w, "en")
    return src >= 2.5 and (en < 1.0 or src - en >= 2.8)


def _source_names(text: str, lang: str) -> list[Name]:
    """Names of the source worth checking: not a sentence-opening ordinary word ("Oggi", "Il"),
    not a roman numeral, not made only of words that get translated ("Dopoguerra", "Francoforte")."""
    out = []
    for n in names(text):
        toks = [t for t in n.tokens if not _ROMAN.fullmatch(t) and t not in _UNITS]
        if n.initial and toks and _zipf(toks[0].lower(), lang) >= 3.0 and (len(toks) > 1 or not toks[0].isupper()):
            toks = toks[1:]  # "Un Daspo", "Oggi": only its position made the first word capital
        if n.initial and len(toks) == 1 and _zipf(toks[0].lower(), lang) >= (3.0 if toks[0].isupper() else 1.5):
            toks = []  # "IL motivo", "Rientrarono"
        toks = [t for t in toks if len(t) >= 3]
        if not toks or all(_translatable(t, lang) for t in toks):
            continue
        out.append(Name(n.start, n.end, n.text, n.initial))
    return out


def _present(token: str, target_words: list[str], target_fold: str) -> bool:
    """`token` of a source name is in the translation: as written, or nearly ("Moldavia" ~ "Moldova",
    rapidfuzz's Indel ratio), or the same first five letters of a long word ("Presidente" ~ "President")."""
    from rapidfuzz import fuzz

    f = fold(token)
    if len(f) >= 2 and re.search(r"(?<!\w)" + re.escape(f) + r"(?!\w)", target_fold):
        return True
    for w in target_words:
        if fuzz.ratio(f, w) >= 80 or (len(f) >= 6 and w.startswith(f[:5])):
            return True
    return False


def name_checks(source: str, target: str, lang: str = "it", glossary=None) -> list[tuple[str, str]]:
    """(name, message) for each source name the translation drops or changes."""
    target_fold = fold(target)
    target_words = list({fold(w) for w in _WORD.findall(target)})
    expected: dict[str, str] = {}
    if glossary is not None:
        for _s, _e, entry in glossary.find(source):
            expected[entry.source] = entry.english
    gone_names: list[tuple[Name, list[str], list[str], str | None]] = []
    kept = _source_names(source, lang)
    translated = sum(1 for n in names(source) if n.tokens and not n.initial) - len(kept)  # their English is a name too
    for n in kept:
        english = next((e for s, e in expected.items() if n.text in s or s in n.text), None)
        if english is None:
            english = next((e for s, e in EXONYMS.items() if s in n.text), None)
        if english is not None and any(fold(e) in target_fold or re.search(r"(?<!\w)" + re.escape(fold(e.split()[-1])) + r"(?!\w)", target_fold)
                                       for e in english.split("|")):
            translated += 1
            continue
        toks = [t for t in n.tokens if (len(t) >= 3 or t.isupper()) and not _translatable(t, lang)]
        gone = [t for t in toks if not _present(t, target_words, target_fold)]
        if len(gone) < len(toks):
            # part of a name kept: only a missing part that is no word of the language counts
            # ("Rober Sandev" losing "Sandev"; not "Anna Frank" -> "Anne Frank", "Teatro Argentino")
            gone = [t for t in gone if _zipf(t.lower(), lang) < 2.5 and english is None]
        if not gone:
            continue
        gone_names.append((n, toks, gone, english))
    if gone_names:
        # A name English translates ("Banca Centrale Europea" -> "European Central Bank") leaves an
        # English name in the translation that the source lacks: it excuses the missing name made
        # of the most Italian words.
        from ..english import is_english

        source_fold = fold(source)
        for t in names(target):
            words = [w for w in t.tokens if len(w) >= 2]
            if not words or not all(is_english(w) for w in words) or all(fold(w) in source_fold for w in words):
                continue
            if t.initial and len(words) == 1:
                continue
            if translated > 0:
                translated -= 1
                continue

            def italian(g) -> float:
                return sum(_zipf(w.lower(), lang) - _zipf(w.lower(), "en") for w in g[1]) / len(g[1])

            cands = [g for g in gone_names if g[3] is None and len(g[2]) == len(g[1])
                     and all(_zipf(w.lower(), lang) >= 3.0 for w in g[1]) and italian(g) >= 1.5]
            if cands:
                gone_names.remove(max(cands, key=italian))
    out = []
    for n, toks, gone, english in gone_names:
        if english is not None:
            out.append((n.text, f"'{n.text}' ('{english}') is not in the translation"))
        elif len(gone) < len(toks):
            out.append((n.text, f"'{' '.join(gone)}' of the name '{n.text}' is not in the translation"))
        else:
            out.append((n.text, f"the name '{n.text}' is not in the translation"))
    return out


# Names English writes otherwise, beyond the glossary's: acronyms and places Italian renders its way.
EXONYMS = {
    "ONU": "UN", "UE": "EU", "OEA": "OAS", "OMS": "WHO", "FMI": "IMF", "BCE": "ECB", "PIL": "GDP", "Pil": "GDP",
    "Nato": "NATO", "Usa": "US", "USA": "US", "URSS": "USSR", "Mar Nero": "Black Sea", "Mar Rosso": "Red Sea",
    "Padova": "Padua", "Torino": "Turin", "Milano": "Milan", "Napoli": "Naples", "Firenze": "Florence",
    "Venezia": "Venice", "Genova": "Genoa", "Roma": "Rome", "Marsiglia": "Marseille", "Francoforte": "Frankfurt",
    "Monaco": "Munich", "Colonia": "Cologne", "Lisbona": "Lisbon", "Varsavia": "Warsaw", "Praga": "Prague",
    "Vienna": "Vienna", "Atene": "Athens", "Bruxelles": "Brussels", "Ginevra": "Geneva", "Bosforo": "Bosphorus",
    "Giamaica": "Jamaica", "Cairo": "Cairo", "Pechino": "Beijing", "Mosca": "Moscow", "Kiev": "Kyiv|Kiev",
    "Nazioni Unite": "United Nations|UN", "Medici Senza Frontiere": "Doctors Without Borders|MSF",
    "Via Lattea": "Milky Way", "San Pietro": "St. Peter|Saint Peter|St Peter", "Luna": "Moon", "Sole": "Sun",
    "Terra": "Earth", "Camera": "House|Chamber", "Senato": "Senate", "Papa": "Pope", "Vaticano": "Vatican",
    "Mediterraneo": "Mediterranean", "Atlantico": "Atlantic", "Pacifico": "Pacific", "Medioevo": "Middle Ages",
}
