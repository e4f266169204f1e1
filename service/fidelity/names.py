"""Names of the source (capitalised runs, acronyms) dropped or changed in the translation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .words import _WORD, STOP_WORDS, fold

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
        words = [_ELISION.sub("", t) for t in re.split(r"[\s\-_]+", self.text)]  # "SLA_U" = "SLA-U"
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


_NO_WORD_LIST: set[str] = set()  # languages wordfreq has no list for (et, th) or cannot read here (ja, ko, zh: MeCab, jieba)


def _zipf(word: str, lang: str) -> float:
    """wordfreq's Zipf frequency of `word` in `lang`; 0.0 for a language without a usable list."""
    from ..english import zipf

    if lang not in _NO_WORD_LIST:
        try:
            return zipf(word, lang)
        except (LookupError, ImportError):
            _NO_WORD_LIST.add(lang)
    return 0.0


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
        if n.initial and len(toks) == 1 and (_misspelt_word(toks[0], lang) or lang in _NO_WORD_LIST):
            toks = []  # "Sfortunamente"; with no word list, a sentence-opening word proves nothing
        toks = [t for t in toks if len(t) >= 3 and not _function_word(t, lang)]
        if not toks or all(_translatable(t, lang) for t in toks):
            continue
        out.append(Name(n.start, n.end, n.text, n.initial))
    return out


def _skeleton(word: str) -> str:
    """A folded word with doubled letters single and a last vowel (or English -y, -s) gone: how an
    Italian name and its English form meet ("osservatorio" ~ "observatory", "amazzoni" ~ "amazon")."""
    w = re.sub(r"(\w)\1+", r"\1", word)
    return re.sub(r"[aeiouys]$", "", w) if len(w) > 4 else w


def _found(f: str, target_words: list[str], target_fold: str) -> bool:
    """The folded word or phrase `f` is in the translation: as written, or nearly ("Moldavia" ~
    "Moldova", rapidfuzz's Indel ratio), or the same first five letters of a long word ("Presidente"
    ~ "President"), or nearly by their skeletons (words of 6 letters and more)."""
    from rapidfuzz import fuzz

    if len(f) >= 2 and re.search(r"(?<!\w)" + re.escape(f) + r"(?!\w)", target_fold):
        return True
    if " " in f:
        return False
    for w in target_words:
        if fuzz.ratio(f, w) >= 80 or (len(f) >= 6 and w.startswith(f[:5])):
            return True
        if len(f) >= 6 and len(w) >= 5 and fuzz.ratio(_skeleton(f), _skeleton(w)) >= 85:
            return True
        if len(f) >= 5 and re.fullmatch(re.escape(_skeleton(f)) + r"(?:e?tic|ic|i?an|ean|ese|ish)", w):
            return True  # the English adjective of a name: "Gange" -> "Gangetic", "Bengala" -> "Bengali"
    return False


def _english_forms(token: str, lang: str) -> list[str]:
    """What English may write for a word of a source name, folded: the offline engine's own
    dictionaries (FreeDict's first sense, its place names and CLDR's, briefs.translate.lexicon) and
    its cognate rules ("Industria" -> "industry", "Estremo" -> "extreme", "Baltico" -> "Baltic Sea")."""
    from ..translate import lexicon

    low = token.lower()
    out = [lexicon.freedict(lang)[0].get(low), lexicon.exonyms(lang).get(token), lexicon._cognate(lang, low)]
    return [fold(e) for e in out if e and len(e) >= 5 and fold(e) != fold(token)]  # not "Asia" -> "asi"


def _present(token: str, target_words: list[str], target_fold: str, lang: str | None = None) -> bool:
    """`token` of a source name is in the translation, as written or nearly (`_found`), or, given
    the source language, in an English form of it (`_english_forms`; a phrase: its first word)."""
    if _found(fold(token), target_words, target_fold):
        return True
    if lang is None or token.isupper():
        return False
    return any(_found(e, target_words, target_fold) or _found(e.split()[0], target_words, target_fold)
               for e in _english_forms(token, lang) if len(e) >= 3)


def _function_word(token: str, lang: str) -> bool:
    """A capitalised function word, not a name: its dictionary English is an English stop word
    (the courtesy "Lei" = "her", "Suo")."""
    from ..translate import lexicon

    sense = lexicon.freedict(lang)[0].get(token.lower(), "")
    return not token.isupper() and sense.lower() in STOP_WORDS


@lru_cache(maxsize=4)
def _common_words(lang: str) -> tuple[str, ...]:
    try:
        import wordfreq

        return tuple(w for w in wordfreq.top_n_list(lang, 30000) if len(w) >= 7)
    except (ImportError, LookupError, ValueError):  # no wordfreq, or no list for the language
        return ()


def _misspelt_word(token: str, lang: str) -> bool:
    """A sentence-opening word no list knows that is nearly a common word of the language: a typo
    ("Sfortunamente" for "sfortunatamente"), not a name (rapidfuzz's Indel ratio >= 90)."""
    from rapidfuzz import fuzz, process

    w = token.lower()
    if len(w) < 8 or token.isupper() or _zipf(w, lang) > 0 or _zipf(w, "en") > 0:
        return False
    hit = process.extractOne(w, _common_words(lang), scorer=fuzz.ratio, score_cutoff=90)
    return hit is not None and _zipf(hit[0], lang) >= 3.5


def _in_digits(n: Name, target: str) -> bool:
    """A name spelt in English number words that the translation writes in digits ("Seventeen
    Seventy", the town, -> "1770")."""
    from ..numbers import quantities

    qs = quantities(n.text, "en")
    if not qs or sum(q.end - q.start for q in qs) + len(qs) - 1 < len(n.text) or any(isinstance(q.value, tuple) for q in qs):
        return False
    values = [q.value for q in qs if not isinstance(q.value, tuple)]
    digits = "".join(str(int(v)) for v in values if float(v).is_integer())
    return bool(re.search(r"(?<!\d)" + digits + r"(?!\d)", target))


def _abbreviated(n: Name, source: str, target: str, target_fold: str) -> bool:
    """The translation writes the name as the acronym the source gives after it ("Ministero
    dell'Industria (METI)" -> "METI"), an acronym in full (its initials, or all but one of them), or
    the name as its initial and the number that follows it ("Formula 1" -> "F1")."""
    after = source[n.end: n.end + 120]
    for m in re.finditer(r"\(([A-Z][\w&\-]{1,9})\)", after):
        gap = [_ELISION.sub("", w) for w in _WORD.findall(after[: m.start()])]
        if re.search(r"[.!?;:]", after[: m.start()]) or any(
                not w[:1].isupper() and w.lower() not in _CONNECTORS and w.lower() not in ("e", "ed", "and") for w in gap):
            break  # only more of the same name before it ("Ministero dell'Economia, del Commercio e dell'Industria (METI)")
        if re.search(r"(?<![\w(])" + re.escape(fold(m.group(1))) + r"(?![\w)])", target_fold):
            return True  # the acronym alone, not in brackets after a name of its own
    bracketed = source[n.start - 1: n.start] == "(" and source[n.end: n.end + 1] == ")"  # the source spells it out too
    if n.text.isupper() and len(n.text) >= 3 and n.text.isalpha() and not bracketed:  # "USACE" -> "U.S. (Army) Corps of Engineers"
        for t in names(target):
            initials = "".join(w.replace(".", "") if re.fullmatch(r"(?:\w\.)+", w) else w[0] for w in t.tokens).upper()
            if all(fold(w) in fold(source) for w in t.tokens):
                continue  # the source spells it out too: "(Kruger National Park, KNP)" wants both
            if len(initials) >= 3 and (initials == n.text or any(n.text[:k] + n.text[k + 1:] == initials for k in range(len(n.text)))):
                return True
    number = re.match(r"\s+(\d+)\b", after)
    if number is None:
        return False
    short = fold("".join(t[0] for t in n.tokens)) + number.group(1)
    return bool(re.search(r"(?<!\w)" + re.escape(short) + r"(?!\w)", target_fold))


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
            english = next((e for s, e in EXONYMS.items() if re.search(r"(?<!\w)" + re.escape(s) + r"(?!\w)", n.text)), None)
        if english is not None and any(_found(fold(e), target_words, target_fold)
                                       or re.search(r"(?<!\w)" + re.escape(fold(e.split()[-1])) + r"(?!\w)", target_fold)
                                       or (" " in e and len(e) >= 6 and _found(fold(e).replace(" ", ""), target_words, target_fold))
                                       for e in english.split("|")):  # "Middle East" ~ "Mideast"
            translated += 1
            continue
        if _abbreviated(n, source, target, target_fold) or _in_digits(n, target):
            continue
        every = [t for t in n.tokens if len(t) >= 3 or t.isupper()]
        toks = [t for t in every if not _translatable(t, lang)]
        kept_words = [t for t in every if _present(t, target_words, target_fold, lang)]
        gone = [t for t in toks if t not in kept_words]
        if kept_words and gone:
            # part of a name kept: only a missing part that is no word of the language counts ("Rober
            # Sandev" losing "Sandev"; not "Anna Frank" -> "Anne Frank", "Teatro Argentino"). Where only
            # words the English translates are kept ("Rio delle Amazzoni" -> "Amazon", "Mar Baltico" ->
            # "Baltic"), a missing word must also be more of the language than of English: "Stato della
            # California" losing "California" counts.
            strong = any(t in toks and _found(fold(t), target_words, target_fold) for t in kept_words)
            gone = [t for t in gone if _zipf(t.lower(), lang) < 2.5
                    or (not strong and _zipf(t.lower(), lang) <= _zipf(t.lower(), "en"))]
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
