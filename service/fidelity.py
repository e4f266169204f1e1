"""The fidelity report: rule-based checks that show an editor where a translation or a brief may
have gone wrong, and the attribution of every brief to the translation sentences it comes from.

Rules only (no model), so the report works with every engine and offline. Each check is
`{"kind", "where", "sentence", "text", "message"}`:

- `where` is "translation" or "brief:TIER";
- `sentence` is the translation sentence id (where="translation") or the index of the brief's
  sentence or bullet (where="brief:…"), None when the check is about the whole text;
- `text` is the flagged span as it reads in the English (or, for something missing, in the source).

Kinds, translation side: number (a number, amount, percentage or date of the source missing or
different), name (a name of the source dropped or changed), untranslated (a source word copied, or a
third-language word a pivot left), dropped (a source sentence with no translation), length (far
shorter or longer than its source), repeat (an n-gram loop). Brief side: unsupported (a brief
sentence no article sentence supports), invented (a number or name that is nowhere in the article).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Sequence

KINDS = ("number", "name", "untranslated", "dropped", "length", "repeat", "unsupported", "invented")

# Length: English from Italian runs about 0.9-1.0 of the characters; flag outside these bounds,
# for sources of at least MIN_LENGTH_CHARS (short lines vary too much to judge).
SHORT_RATIO, LONG_RATIO, MIN_LENGTH_CHARS = 0.5, 2.0, 40
MERGED_RATIO = 0.7  # two source sentences aligned to one translated sentence shorter than this: one dropped
SUPPORT = 0.5  # a brief sentence whose content words the article covers less than this is unsupported


@dataclass
class Check:
    kind: str
    where: str
    sentence: int | None
    text: str
    message: str

    def to_dict(self) -> dict:
        return asdict(self)


# ---- words -------------------------------------------------------------------------------------------
_TOKEN = re.compile(r"[^\W_](?:[\w'’.\-]*[^\W_])?")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def fold(word: str) -> str:
    """Lower case without accents: "Città" -> "citta"."""
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(c) != "Mn")


STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves said says say
    s t""".split()
)


def content_words(text: str) -> list[str]:
    """Folded content words of English text, a plural 's' dropped ("talks" and "talk" meet)."""
    out = []
    for w in _WORD.findall(text):
        f = fold(w).replace("’", "'")
        f = f.split("'")[0] if "'" in f else f
        if f in STOP_WORDS or len(f) < 2:
            continue
        out.append(f[:-1] if len(f) > 3 and f.endswith("s") and not f.endswith("ss") else f)
    return out


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
    from .english import zipf

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
        from .english import is_english

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


# ---- numbers -----------------------------------------------------------------------------------------
def _close(a, b) -> bool:
    if isinstance(a, tuple) or isinstance(b, tuple):
        return a == b
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _values(qs) -> list:
    return [q.value for q in qs]


def _readings(q, text: str, lang: str) -> list:
    """The values `q` may mean: as read, and with the other decimal convention ("2.000" in English
    copy is often 2,000), a plain number also as its value in thousands, millions or billions
    ("da 25 a 55 miliardi" = "from 25 billion to 55 billion")."""
    from .numbers import parse_number

    out = [q.value]
    digits = re.search(r"\d[\d.,]*\d|\d", q.text)
    if not isinstance(q.value, tuple) and digits and q.kind in ("number", "money", "percent"):
        try:
            other = parse_number(digits.group(), "en" if lang == "it" else "it")
        except ValueError:
            other = None
        if other is not None and not re.search(r"[a-zA-Z]", q.text.replace(digits.group(), "")):
            out.append(other)
    return out


def _same(q, t, src_lang: str) -> bool:
    if q.kind == "time" and not isinstance(t.value, tuple):
        h, m = (int(x) for x in re.findall(r"\d+", q.text)[:2])
        return any(_close(t.value, v) for v in (h * 100 + m, h + m / 100, (h % 12 or 12) + m / 100))
    a = _readings(q, "", src_lang)
    b = _readings(t, "", "en")
    if any(_close(x, y) for x in a for y in b):
        return True
    if q.kind == "number" and not re.search(r"[a-zA-Z]", q.text) and not isinstance(t.value, tuple):
        return any(_close(q.value * s, t.value) for s in (1e3, 1e6, 1e9))
    return False


def _flaggable(q) -> bool:
    """A source quantity whose absence is worth a check: written with digits, or a number word of
    20 and more (a human writes "both" for "tutti e due", "a couple" for "due")."""
    return bool(re.search(r"\d", q.text)) or isinstance(q.value, tuple) or q.value >= 20


def number_checks(source: str, target: str, lang: str = "it") -> list[tuple[str, str]]:
    """(span, message) for each quantity of the source the translation lacks, named after what the
    translation has in its place when there is one."""
    from .numbers import quantities

    src = quantities(source, lang)
    left = list(quantities(target, "en"))
    missing = []
    for q in src:
        if not source[: q.start].strip() and source[q.end: q.end + 1] in (".", ")") and q.kind == "number":
            continue  # "8. ..." numbers a list item
        hit = next((t for t in left if _same(q, t, lang)), None)
        if hit is None:
            missing.append(q)
        else:
            left.remove(hit)
    out = []
    for q in missing:
        other = next((t for t in left if t.kind == q.kind and (_flaggable(q) or re.search(r"\d", t.text))), None)
        if not _flaggable(q) and other is None:
            continue  # "due" rendered "both"; but "quattro mesi" read as "5-month" is a change
        if other is not None:
            left.remove(other)
            out.append((other.text, f"'{q.text}' in the source reads '{other.text}' in the translation"))
        else:
            out.append((q.text, f"'{q.text}' of the source is not in the translation"))
    return out


# ---- loops and length --------------------------------------------------------------------------------
def loops(text: str) -> list[str]:
    """Repeated n-gram loops: a 1-gram four times in a row, or a 2- to 8-gram three times."""
    toks = [t.lower() for t in _TOKEN.findall(text)]
    found = []
    i = 0
    while i < len(toks):
        hit = 0
        for n in range(1, 9):
            times = 4 if n == 1 else 3
            if i + n * times <= len(toks) and all(toks[i + k * n: i + (k + 1) * n] == toks[i: i + n] for k in range(times)):
                hit = n
                break
        if hit:
            found.append(" ".join(toks[i: i + hit]))
            i += hit * 3
        else:
            i += 1
    return found


# ---- one sentence pair -------------------------------------------------------------------------------
def pair_checks(source: str, target: str, sentence: int | None, lang: str = "it", glossary=None,
                where: str = "translation") -> list[Check]:
    """Every check of one source sentence (or line) and its translation."""
    from .text import word_count

    out: list[Check] = []
    if not target.strip():
        if word_count(source) >= 1:
            out.append(Check("dropped", where, sentence, source, "this source sentence has no translation"))
        return out
    if len(source) >= MIN_LENGTH_CHARS:
        ratio = len(target) / len(source)
        if ratio < SHORT_RATIO or ratio > LONG_RATIO:
            how = "shorter" if ratio < SHORT_RATIO else "longer"
            out.append(Check("length", where, sentence, target,
                             f"the translation is {ratio:.0%} of the source's length (far {how})"))
    for span, message in number_checks(source, target, lang):
        out.append(Check("number", where, sentence, span, message))
    for span, message in name_checks(source, target, lang, glossary):
        out.append(Check("name", where, sentence, span, message))
    from .english import leftover_words

    for left in leftover_words(target, source):
        lang_name = {"it": "Italian", "es": "Spanish"}.get(left.language, "not English")
        out.append(Check("untranslated", where, sentence, left.word, f"'{left.word}' is {lang_name}, left untranslated"))
    if not loops(source):
        for loop in loops(target):
            out.append(Check("repeat", where, sentence, loop, f"'{loop}' repeats in a loop"))
    return out


def translation_checks(pairs: Sequence[tuple[str, str]], lang: str = "it", glossary=None,
                       ids: Iterable[int] | None = None) -> list[Check]:
    out: list[Check] = []
    for sid, (source, target) in zip(ids if ids is not None else range(len(pairs)), pairs):
        out += pair_checks(source, target, sid, lang, glossary)
    return out


# ---- alignment of a translation made elsewhere ---------------------------------------------------------
def _anchors(text: str) -> set[str]:
    toks = set(re.findall(r"\d+", text))
    toks |= {fold(w)[:5] for w in _WORD.findall(text) if len(w) >= 5}
    return toks


def align(source: list[str], target: list[str]) -> list[tuple[list[int], list[int]]]:
    """Sentence alignment (Gale & Church's length model plus shared numbers and cognates): beads of
    source indices and target indices, 1-1, 1-0, 0-1, 2-1 or 1-2, in order."""
    n, m = len(source), len(target)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    anchors_s = [_anchors(s) for s in source]
    anchors_t = [_anchors(t) for t in target]

    def pair_cost(si: range, ti: range) -> float:
        ls = sum(len(source[i]) for i in si) + 1 * (len(si) - 1)
        lt = sum(len(target[j]) for j in ti) + 1 * (len(ti) - 1)
        c = 4 * abs(math.log((lt + 20) / (0.95 * ls + 20)))
        a = set().union(*(anchors_s[i] for i in si))
        b = set().union(*(anchors_t[j] for j in ti))
        if a and b:
            c -= 2 * len(a & b) / math.sqrt(len(a) * len(b))
        return c + (1.0 if len(si) + len(ti) == 3 else 0.0)

    band = 30 + abs(n - m)  # beads stay near the diagonal: long documents cost O(n * band), not O(n * m)
    for i in range(n + 1):
        centre = round(i * m / n) if n else 0
        for j in range(max(0, centre - band), min(m, centre + band) + 1):
            if cost[i][j] == inf:
                continue
            for di, dj in ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2)):
                a, b = i + di, j + dj
                if a > n or b > m:
                    continue
                c = cost[i][j] + (3.0 if di == 0 or dj == 0 else pair_cost(range(i, a), range(j, b)))
                if c < cost[a][b]:
                    cost[a][b], back[a][b] = c, (i, j)
    beads = []
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj = back[i][j]  # type: ignore[misc]  # every cell on the path back was reached
        beads.append((list(range(pi, i)), list(range(pj, j))))
        i, j = pi, pj
    return beads[::-1]


def check_texts(source: str, translation: str, lang: str = "it", glossary=None) -> list[Check]:
    """The report for a whole translation made elsewhere: its sentences aligned to the source's,
    then checked pair by pair (`sentence` is the source sentence's index)."""
    from .text import article_sentences

    src, tgt = article_sentences(source), article_sentences(translation)
    out: list[Check] = []
    for si, ti in align(src, tgt):
        s = " ".join(src[i] for i in si)
        t = " ".join(tgt[j] for j in ti)
        if not si:
            continue  # an added sentence: nothing of the source to lose
        found = pair_checks(s, t, si[0], lang, glossary)
        if len(si) == 2 and len(ti) == 1 and len(t) < MERGED_RATIO * len(s) and not any(c.kind == "length" for c in found):
            # two source sentences in one translated sentence far shorter than both: one was dropped
            shared = [len(_anchors(src[i]) & _anchors(t)) / (len(_anchors(src[i])) or 1) for i in si]
            lost = si[shared.index(min(shared))]
            found.append(Check("dropped", "translation", lost, src[lost],
                               f"the translation is {len(t) / len(s):.0%} of these two source sentences' length; "
                               "this one seems to have no translation"))
        for c in found:  # a check of a merged bead belongs to the source sentence holding its text
            c.sentence = next((i for i in si if c.text and c.text in src[i]), c.sentence)
        out += found
    return out


# ---- briefs --------------------------------------------------------------------------------------------
def brief_units(text: str, bullets: bool) -> list[str]:
    from .summarize.tiers import bullet_items
    from .text import sentences

    return bullet_items(text) if bullets else sentences(" ".join(text.split()))


def attribute(unit: str, sentence_words: list[set[str]], most: int = 3) -> tuple[list[int], float]:
    """The sentences (indices) whose content words cover `unit`'s best, greedily, and the share of
    its content words they cover."""
    words = set(content_words(unit))
    if not words:
        return [], 1.0
    chosen: list[int] = []
    covered: set[str] = set()
    while len(chosen) < most:
        gains = [(len((words - covered) & sw), -k) for k, sw in enumerate(sentence_words) if k not in chosen]
        if not gains:
            break
        gain, neg = max(gains)
        if gain == 0 or (chosen and gain < max(2, 0.2 * len(words))):
            break
        chosen.append(-neg)
        covered |= words & sentence_words[-neg]
    return sorted(chosen), len(covered) / len(words)


def _article_quantities(article: str) -> list:
    from .numbers import quantities

    return quantities(article, "en")


def brief_report(tier: str, text: str, bullets: bool, sentences: Sequence[dict],
                 article: str) -> tuple[list, list[Check]]:
    """`sources` of one brief (a list of sentence ids; bullets: one list per bullet) and its checks."""
    from .numbers import quantities

    where = f"brief:{tier}"
    sentence_words = [set(content_words(s["text"])) for s in sentences]
    ids = [s["id"] for s in sentences]
    units = brief_units(text, bullets)
    per_unit: list[list[int]] = []
    checks: list[Check] = []
    article_values = _values(_article_quantities(article))
    article_fold = fold(article)
    for k, unit in enumerate(units):
        chosen, share = attribute(unit, sentence_words)
        per_unit.append([ids[c] for c in chosen])
        if share < SUPPORT:
            checks.append(Check("unsupported", where, k, unit,
                                f"only {share:.0%} of this sentence's words are in the article sentences it is closest to"))
        for q in quantities(unit, "en"):
            if not any(_close(q.value, v) for v in article_values):
                checks.append(Check("invented", where, k, q.text, f"'{q.text}' is nowhere in the article"))
        for n in names(unit):
            if n.initial and len(n.tokens) == 1 and _zipf(n.tokens[0].lower(), "en") > 0:
                continue
            if not any(fold(t) in article_fold for t in n.tokens if len(t) >= 2):
                checks.append(Check("invented", where, k, n.text, f"the name '{n.text}' is nowhere in the article"))
    if bullets:
        return per_unit, checks
    return sorted({i for u in per_unit for i in u}), checks


def report(sentences: Sequence[dict], briefs: Sequence[tuple[str, str, bool]], lang: str = "it",
           glossary=None, translated: bool = True) -> tuple[list, list[Check]]:
    """Sources of each brief and the whole fidelity report of one result: `sentences` are the
    translation's {"id", "paragraph", "source", "text"}; `briefs` (tier, text, is_bullets)."""
    checks: list[Check] = []
    if translated:
        checks += translation_checks([(s["source"], s["text"]) for s in sentences], lang, glossary,
                                     [s["id"] for s in sentences])
    article = " ".join(s["text"] for s in sentences)
    sources = []
    for tier, text, bullets in briefs:
        src, more = brief_report(tier, text, bullets, sentences, article)
        sources.append(src)
        checks += more
    return sources, checks


# ---- `briefs check` --------------------------------------------------------------------------------------
def register(subparsers, common) -> None:
    p = subparsers.add_parser(
        "check", help="the fidelity report of a translation made elsewhere (a human's, another engine's)",
        description="Rule-based checks of a translation against its source: numbers, names, untranslated "
                    "words, dropped sentences, length, loops. Checks found are not an error (exit 0).")
    p.add_argument("--source", required=True, type=Path, help="the source text (UTF-8)")
    p.add_argument("--translation", required=True, type=Path, help="its English translation (UTF-8)")
    p.add_argument("--lines", action="store_true",
                   help="the two files are line-aligned: one JSON object a line, {\"line\": n, \"checks\": [...]}")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--source-lang", default="it", help="the source language (default it)")
    p.add_argument("--glossary", type=Path, help="extra glossary TSV whose names must be kept")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.set_defaults(func=main)


def main(args) -> int:
    import json

    from .config import Config
    from .documents import read_file
    from .errors import BadInput
    from .translate.glossary import Glossary

    limit = Config().max_chars
    glossary = Glossary.default(args.glossary)
    lang = args.source_lang.strip().lower()
    source, translation = read_file(args.source, limit * 20), read_file(args.translation, limit * 20)
    if args.lines:
        src, tgt = source.splitlines(), translation.splitlines()
        if len(src) != len(tgt):
            raise BadInput(f"--lines: {args.source} has {len(src)} lines, {args.translation} has {len(tgt)}")
        for n, (s, t) in enumerate(zip(src, tgt), 1):
            checks = [c.to_dict() for c in pair_checks(s, t, None, lang, glossary)]
            print(json.dumps({"line": n, "checks": checks}, ensure_ascii=False), flush=False)
        return 0
    from .text import clean

    try:
        source = clean(source, limit * 20)
    except BadInput as err:
        raise BadInput(f"{args.source}: {err}") from None
    try:
        translation = clean(translation, limit * 20)
    except BadInput as err:
        raise BadInput(f"{args.translation}: {err}") from None
    found = check_texts(source, translation, lang, glossary)
    if args.json:
        print(json.dumps({"checks": [c.to_dict() for c in found]}, ensure_ascii=False, indent=2))
    else:
        for c in found:
            print(f"sentence {c.sentence + 1 if c.sentence is not None else '-'}\t{c.kind}\t{c.text}\t{c.message}")
        print(f"{len(found)} checks")
    return 0
