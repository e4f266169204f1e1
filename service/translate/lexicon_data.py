"""The word lists behind the offline engine's lexicon (`lexicon.Lexicon`): the FreeDict
dictionaries (`freedict`), place and country names (`exonyms`: CLDR via Babel, FreeDict) and the
English word list with its Zipf frequencies (`english_zipf`, wordfreq)."""

from __future__ import annotations

import gzip
import math
import os
import re
from functools import cache
from pathlib import Path

DICT_DIR = Path(os.environ.get("BRIEFS_DICT_DIR", "/usr/share/dictd"))
FREEDICT = {"it": ("freedict-ita-eng",), "es": ("freedict-spa-eng",)}
REVERSED = {"it": ("freedict-eng-ita",), "es": ()}

_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


@cache
def freedict(lang: str, dict_dir: Path = DICT_DIR) -> tuple[dict[str, str], dict[str, str]]:
    """(word -> first English sense, word -> English headword of the reversed dictionary)."""
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


@cache
def exonyms(lang: str, dict_dir: Path = DICT_DIR) -> dict[str, str]:
    """Capitalised place and country names in `lang` -> English: CLDR (Babel) territories and
    time-zone cities, then the FreeDict place names; only names that differ from the English."""
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


def _read_dictd(stem: Path, capitalised: bool = False) -> list[tuple[str, list[str]]]:
    """(headword, senses) of a dictd dictionary (`stem`.index + `stem`.dict.dz); [] when absent.
    `capitalised`: only the entries whose headword starts with a capital (names, places)."""
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
        head = re.sub(r"\s*/[^/]*/\s*$", "", text[0]).strip()
        senses = []
        for s in text[1:]:
            s = re.sub(r"^\s*\d+\.\s*", "", s).strip()
            senses += [p.strip() for p in re.split(r"[,;]", s) if p.strip()]
        senses = [re.sub(r"\s*\([^)]*\)", "", s).replace("‐", "-").strip() for s in senses]
        out.append((head, [s for s in senses if s and not s.startswith("to be ")]))
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
def english_zipf() -> dict[str, float] | None:
    """Zipf frequency of the English words (wordfreq's list, the same values as
    `briefs.english.zipf` for single lower-case words) at or above ZIPF_FLOOR; None without
    wordfreq. Loading wordfreq's whole list takes ~0.4 s, so the part the lexicon needs (~96,000
    words) is kept in the briefs cache directory after the first use and read from there (~0.05 s)."""
    try:
        import wordfreq
    except ImportError:
        return None
    from importlib.metadata import version

    from ..config import default_cache_dir

    path = default_cache_dir() / "lexicon" / f"en-zipf{ZIPF_FLOOR}-wordfreq-{version('wordfreq')}.tsv"
    try:
        rows = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines())
        return {w: float(z) for w, z in rows}
    except (OSError, ValueError):
        pass
    # wordfreq's own conversion (zipf_frequency: round(log10(frequency) + 9, 2)), for the list's words
    table = {w: z for w, f in wordfreq.get_frequency_dict("en").items() if f > 0 and (z := round(math.log10(f) + 9, 2)) >= ZIPF_FLOOR}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_suffix(f".{os.getpid()}.part")
        part.write_text("".join(f"{w}\t{z}\n" for w, z in table.items()), encoding="utf-8")
        part.replace(path)  # whole or not at all: several processes may build it at once
    except OSError:
        pass  # a read-only cache: built again next time
    return table

