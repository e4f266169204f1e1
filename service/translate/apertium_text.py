"""Apertium's stream format for the offline engine: escaping, numbered separators, placeholders
(`_Plan`) and the unknown-word marks apertium leaves in its output."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import EngineUnavailable
from .glossary import Entry, place

_PLACEHOLDER = re.compile(r"Zqj([a-z]{2})")
_SEPARATOR = re.compile(r"(?:\.\[\])?\[<s(\d+)>\]")
_ESCAPE = re.compile(r"([\\\[\]^$/@<>{}])")
_PLACEHOLDER_MARKS = re.compile(r"[*#@]+(?=Zqj[a-z]{2})")
# A word apertium marked: "**" unknown Italian copied through both steps, "*" Spanish the second
# step does not know, "@" a lemma missing from a bilingual dictionary, "#" a form it cannot generate.
_UNKNOWN = re.compile(r"(?<![\w\\*#@])([*#@]+)([^\W\d_]+(?:['’][^\W\d_]+)?)(?![\w'’])")
_ISO = {"ita": "it", "spa": "es", "cat": "ca", "eng": "en"}


def _mark_language(marks: str, route: tuple[str, ...]) -> str | None:
    """The language of a word apertium marked on `route`: "**" (or "*@") a source word both steps
    copied, "*" or "@" a word of the pivot language the second step lacks (also after "#": the
    first step's generator could not inflect it, "#*automotriz"); "#" alone none (a form the
    generator could not make: only the mark goes)."""
    if marks.startswith("**") or marks.startswith("*@"):
        return _ISO.get(route[0].split("-")[0])
    if marks in ("*", "@", "#*", "#@"):
        return _ISO.get(route[0].split("-")[1])
    return None


def _unknowns(text: str) -> int:
    """Words a route left unknown; capitalised ones are names either route copies, not counted."""
    return sum(1 for m in _UNKNOWN.finditer(text) if m.group(1) != "#" and not m.group(2)[:1].isupper())
_MARKS = re.compile(r"(?<![\w\\])[*#@]+(?=\w)")


@dataclass
class _Plan:
    text: str
    entries: list[Entry]

    @classmethod
    def build(cls, text: str, spans: list[tuple[int, int, Entry]]) -> "_Plan":
        pieces: list[str] = []
        entries: list[Entry] = []
        last = 0
        for start, end, entry in sorted(spans, key=lambda x: (x[0], -x[1])):
            if start < last:
                continue
            pieces.append(text[last:start])
            pieces.append(_placeholder(len(entries)))
            entries.append(entry)
            last = end
        pieces.append(text[last:])
        return cls("".join(pieces), entries)

    def restore(self, english: str) -> str | None:
        """`english` with each placeholder replaced by its English; None when one is missing or doubled."""
        found = [int(_code(m.group(1))) for m in _PLACEHOLDER.finditer(english)]
        if sorted(found) != list(range(len(self.entries))):
            return None
        after = re.match(r"[\W_]*(?:Zqj[a-z]{2}\s+)+(\w)", self.text)
        if after and after.group(1).islower():
            # A name or a protected word opens the sentence and a lower-case word follows it; apertium capitalises
            # the first word it knows ("Correa Has announced", "Tomorrow A hybrid"): undo that ("I" stays).
            english = re.sub(r"^([\W_]*(?:Zqj[a-z]{2}\s+)+)([A-Z](?=[a-z])|A(?=\s))", lambda m: m.group(1) + m.group(2).lower(), english)
        out: list[str] = []
        last = 0
        for m in _PLACEHOLDER.finditer(english):
            out.append(english[last : m.start()])
            place(out, self.entries[_code(m.group(1))])
            last = m.end()
        out.append(english[last:])
        return "".join(out)



def _case_like(english: str, word: str) -> str:
    return english[:1].upper() + english[1:] if word[:1].isupper() else english


def _placeholder(k: int) -> str:
    return "Zqj" + chr(97 + k // 26) + chr(97 + k % 26)


def _code(letters: str) -> int:
    return (ord(letters[0]) - 97) * 26 + ord(letters[1]) - 97


def _english_number(number: str) -> str:
    """Italian number formatting to English where it is unambiguous: "1,2" -> "1.2",
    "1.200.000" -> "1,200,000"; anything else ("10.30") as written."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?%?|\d+,\d+%?", number):
        return number.translate(str.maketrans(".,", ",."))
    return number


def _escape(text: str) -> str:
    """Plain text as apertium's stream format: special characters escaped, "~" in a superblank."""
    return _ESCAPE.sub(r"\\\1", text).replace("~", "[~]")


def _split(stream: str, n: int) -> list[str]:
    """One text per numbered separator; apertium must give back exactly 0..n-1, in order."""
    pieces: list[str] = []
    last = 0
    for k, m in enumerate(_SEPARATOR.finditer(stream)):
        if int(m.group(1)) != k:
            raise EngineUnavailable(f"offline translator lost sentence alignment at sentence {k}")
        pieces.append(stream[last : m.start()])
        last = m.end()
    if len(pieces) != n:
        raise EngineUnavailable(f"offline translator returned {len(pieces)} sentences for {n}")
    return [_unescape(p) for p in pieces]


def _unescape(text: str) -> str:
    text = re.sub(r"\.\[\]", "", text)  # periods apertium inserted, if any are left
    text = re.sub(r"(?<!\\)\[((?:\\.|[^\]\\])*)\]", r"\1", text)  # superblanks: their contents
    return re.sub(r"\\(.)", r"\1", text).strip()


def _clean(english: str, source: str) -> str:
    """Unknown-word and ambiguity marks removed (unless the source itself had them), apostrophes as in the source."""
    kept = set(re.findall(r"[*#@]+\w+", source))
    english = _MARKS.sub(lambda m: m.group() if any(k.startswith(m.group()) for k in kept) else "", english)
    if "#" not in source:  # a form the generator could not make, inside a compound, a date or quotes: "2026#-02#-03", "#‘Vault#’"
        english = re.sub(r"#(?=[-‐\d'‘’“”\"«»])", "", english)
    if "’" in source and "'" not in source:
        english = english.replace("'", "’")  # apertium writes typographic apostrophes as straight ones
    return " ".join(english.split())
