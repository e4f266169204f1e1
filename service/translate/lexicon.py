"""English for single words the ita->spa->eng pivot leaves untranslated.

The pivot copies through words its dictionaries lack: Italian words the ita-spa analyser does not
know ("ostaggi", "fatturato") and Spanish words of the pivot the spa-eng pair lacks ("travesía").
`Lexicon.english` finds English for such words, one word at a time (never looking at the
sentence, so the result does not depend on what else is translated alongside), from real
bilingual data installed from a package registry, in this order:

1. place and country names (exonyms, capitalised words only): CLDR territory and city names in
   Babel (Italian -> English), the place names of the FreeDict dictionaries ("Baviera" ->
   "Bavaria", "Francoforte" -> "Frankfurt"); any other capitalised word is a name and stays;
2. a second apertium pivot through Catalan, word alone (`apertium-cat-ita` + `apertium-eng-cat`;
   Spanish words through `apertium-spa-cat`): its analysers lemmatise and its generators inflect,
   so "ostaggi" -> "hostages";
3. the FreeDict dictionaries (Debian `dict-freedict-ita-eng`, `dict-freedict-eng-ita` read in
   reverse, `dict-freedict-spa-eng`), first sense, looked up by the word and its likely lemmas
   ("tifosi" -> "tifoso"), the English plural restored for a plural;
4. cognate rules ("riconfigurazione" -> "reconfiguration", "-tà" -> "-ty", "-ico" -> "-ic"),
   kept only when the English word is a known word (wordfreq).

A word none of these knows is returned as None: the caller leaves it as written, for the fidelity
report to flag. Case is kept ("Polizia" -> "Police"). A source that is not installed is skipped.
"""

from __future__ import annotations

import gzip
import os
import re
import shlex
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

DICT_DIR = Path(os.environ.get("BRIEFS_DICT_DIR", "/usr/share/dictd"))
SECOND_PIVOT = {"it": ("ita-cat", "cat-eng"), "es": ("spa-cat", "cat-eng")}
FREEDICT = {"it": ("freedict-ita-eng",), "es": ("freedict-spa-eng",)}
REVERSED = {"it": ("freedict-eng-ita",), "es": ()}

_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_WORD = re.compile(r"^[^\W\d_]+(?:['’][^\W\d_]+)?$")
_PRONOUN = re.compile(r"^(?:I|you|he|she|it|we|they)\s+(?=\S)")

# Italian/Spanish word ending -> English ending; applied to the lemma or the plural form.
_COGNATES = {
    "it": [
        ("zioni", "tions"), ("zione", "tion"), ("sioni", "sions"), ("sione", "sion"), ("ità", "ity"), ("tà", "ty"),
        ("ismi", "isms"), ("ismo", "ism"), ("isti", "ists"), ("iste", "ists"), ("ista", "ist"),
        ("ologia", "ology"), ("ografia", "ography"), ("izzare", "ize"), ("izzato", "ized"), ("izzata", "ized"),
        ("izzati", "ized"), ("izzate", "ized"), ("ici", "ic"), ("iche", "ic"), ("ico", "ic"), ("ica", "ic"),
        ("osi", "ous"), ("ose", "ous"), ("oso", "ous"), ("osa", "ous"), ("ivi", "ive"), ("ive", "ive"),
        ("ivo", "ive"), ("iva", "ive"), ("ali", "al"), ("ale", "al"), ("ari", "ary"), ("ario", "ary"),
        ("aria", "ary"), ("enze", "ences"), ("enza", "ence"), ("anze", "ances"), ("anza", "ance"),
        ("anti", "ants"), ("ante", "ant"), ("enti", "ents"), ("ente", "ent"), ("tori", "tors"), ("tore", "tor"),
        ("ia", "y"), ("ie", "ies"), ("i", "s"), ("o", ""), ("a", ""), ("e", ""),
    ],
    "es": [
        ("ciones", "tions"), ("ción", "tion"), ("siones", "sions"), ("sión", "sion"), ("idades", "ities"),
        ("idad", "ity"), ("dad", "ty"), ("ismo", "ism"), ("ista", "ist"), ("icos", "ic"), ("ico", "ic"),
        ("ica", "ic"), ("osos", "ous"), ("oso", "ous"), ("osa", "ous"), ("ivo", "ive"), ("iva", "ive"),
        ("ales", "al"), ("al", "al"), ("ario", "ary"), ("encia", "ence"), ("ancia", "ance"), ("ante", "ant"),
        ("ente", "ent"), ("mente", "ly"), ("ía", "y"), ("os", "s"), ("as", "s"), ("es", "s"), ("o", ""), ("a", ""),
    ],
}
# Plural -> singular endings, for a dictionary lookup by lemma: (plural ending, lemma ending).
_LEMMAS = {
    "it": [("chi", "co"), ("ghi", "go"), ("che", "ca"), ("ghe", "ga"), ("ii", "io"), ("i", "o"), ("i", "e"),
           ("e", "a"), ("ati", "are"), ("ate", "are"), ("ato", "are"), ("ata", "are"), ("iti", "ire"),
           ("ito", "ire"), ("uti", "ere"), ("uto", "ere")],
    "es": [("ces", "z"), ("es", ""), ("s", "")],
}
_PLURAL = {"it": ("i", "e"), "es": ("s",)}


class Lexicon:
    """English for single Italian or Spanish words (see the module's docstring)."""

    def __init__(self, binary: str | None = None, dict_dir: Path | str = DICT_DIR):
        self.binary = binary or shutil.which("apertium")
        self.dict_dir = Path(dict_dir)
        self.pivots = {lang: dirs for lang, dirs in SECOND_PIVOT.items() if self.binary and _has_modes(self.binary, dirs)}
        self.cache: dict[tuple[str, str], str | None] = {}

    def english(self, words: list[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
        """{(language, word): English or None} for each (language "it"/"es", word as written)."""
        todo = sorted({w for w in words if w not in self.cache})
        pivoted = self._pivot([w for w in todo if not w[1][:1].isupper()])
        for key in todo:
            self.cache[key] = self._one(key, pivoted.get(key))
        return {w: self.cache[w] for w in words}

    def _one(self, key: tuple[str, str], pivoted: str | None) -> str | None:
        lang, word = key
        if not _WORD.match(word):
            return None
        if word[0].isupper():
            found = exonyms(lang).get(word)
            if found is None and word.isupper():
                return None  # acronym
            if found is None and not word[1:].islower():
                return None
            return found  # a name the list does not know stays as written
        low = word.lower()
        if _is_english(low, lang):
            return None  # English in the source ("and", "leader"): not ours to change
        for found in (pivoted, self._dictionary(lang, low), _cognate(lang, low)):
            if found:
                return _case(found, word)
        return None

    # ---- sources ------------------------------------------------------------------------------
    def _pivot(self, words: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """Each word alone through the second pivot; only answers with no unknown-word mark."""
        out: dict[tuple[str, str], str] = {}
        jobs = []
        for lang, dirs in self.pivots.items():
            mine = [w for w in words if w[0] == lang]
            if not mine:
                continue
            stream = "".join(f"{w}.[][<w{k}>]\n" for k, (_, w) in enumerate(mine))
            pipe = " | ".join(f"{shlex.quote(self.binary)} -f none {d}" for d in dirs)
            proc = subprocess.Popen(["bash", "-o", "pipefail", "-c", pipe], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, env={**os.environ, "LC_ALL": "C.UTF-8"})
            jobs.append((mine, proc, stream))
        for mine, proc, stream in jobs:
            stdout, _ = proc.communicate(stream.encode("utf-8"))
            if proc.returncode != 0:
                continue
            pieces = re.split(r"(?:\.\[\])?\[<w(\d+)>\]", stdout.decode("utf-8", "replace"))
            for k in range(len(mine)):
                if 2 * k + 1 >= len(pieces) or pieces[2 * k + 1] != str(k):
                    break
                text = " ".join(re.sub(r"\.\[\]", "", pieces[2 * k]).split()).strip(" .")
                text = _PRONOUN.sub("", text)
                if text and not re.search(r"[*#@\\\[\]]", text) and len(text.split()) <= 3:
                    out[mine[k]] = text
        return out

    def _dictionary(self, lang: str, word: str) -> str | None:
        forward, backward = freedict(lang)
        for lemma, plural in _candidates(lang, word):
            found = forward.get(lemma) or backward.get(lemma)
            if found:
                return _pluralize(found) if plural else found
        return None


@lru_cache(maxsize=None)
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


@lru_cache(maxsize=None)
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
    forward, backward = freedict(lang, dict_dir)
    for table in (forward, backward):
        for word, english in table.items():
            if word[:1].isupper() and english[:1].isupper() and " " not in word:
                out.setdefault(word, english)
    return {k: v for k, v in out.items() if k != v and " " not in k}


def _read_dictd(stem: Path) -> list[tuple[str, list[str]]]:
    """(headword, senses) of a dictd dictionary (`stem`.index + `stem`.dict.dz); [] when absent."""
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


def _candidates(lang: str, word: str) -> list[tuple[str, bool]]:
    """(lookup form, is plural) for `word`: itself, then lemmas by the language's plural endings."""
    out = [(word, False)]
    for plural, lemma in _LEMMAS.get(lang, []):
        if word.endswith(plural) and len(word) > len(plural) + 2:
            noun_plural = plural in _PLURAL.get(lang, ()) or (lang == "it" and plural in ("chi", "ghi", "che", "ghe", "ii"))
            out.append((word[: len(word) - len(plural)] + lemma, noun_plural and not lemma.endswith("re")))
    return out


def _cognate(lang: str, word: str) -> str | None:
    for ending, english in _COGNATES.get(lang, []):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            guess = word[: len(word) - len(ending)] + english
            if guess != word and _is_english(guess, None, strict=True):
                return guess
    return None


def _is_english(word: str, lang: str | None, strict: bool = False) -> bool:
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        return False
    en = zipf_frequency(word, "en")
    if strict:
        return en >= 2.0
    return en >= 3.0 and (lang is None or en > zipf_frequency(word, lang) + 1.0)


def _pluralize(english: str) -> str:
    words = english.split()
    if len(words) > 2:
        return english
    last = words[-1]
    if re.search(r"(?:s|x|z|ch|sh)$", last):
        last += "es"
    elif re.search(r"[^aeiou]y$", last):
        last = last[:-1] + "ies"
    else:
        last += "s"
    return " ".join(words[:-1] + [last])


def _case(english: str, word: str) -> str:
    if word.isupper() and len(word) > 1:
        return english.upper()
    if word[0].isupper():
        return english[:1].upper() + english[1:]
    return english


def _has_modes(binary: str, directions: tuple[str, ...]) -> bool:
    try:
        listed = subprocess.run([binary, "-l"], capture_output=True, text=True, timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return False
    return all(d in listed for d in directions)
