"""Proper names in an Italian sentence for the offline engine to protect from the pivot
("Marco Rubio" stays "Marco Rubio", not "Mark Blond"); see `_name_spans`."""

from __future__ import annotations

import re

# Words, initials ("J.D."), numbers with a decimal comma, thousands dots or a percent sign.
_TOKEN = re.compile(
    r"(?P<initials>(?:[A-Z]\.){1,3})(?=\s+[A-Z])"
    r"|(?P<number>\d+(?:[.,]\d+)+%?|\d+%)"
    r"|(?P<word>[^\W\d_]\w*(?:-\w+)*)"
)
_PARTICLES = frozenset("van von der den du dos ter bin ibn".split())  # inside names: "Ursula von der Leyen"
_OPENING = re.compile(r"^[\W_]*$")  # only punctuation/quotes before a token: it opens the sentence


def _name_spans(text: str, tokens: list[re.Match], kinds: dict[str, set[str]]) -> list[tuple[int, int, int | None]]:
    """(start, end, fallback) of proper names among `tokens`: "Marco Rubio", "J.D. Vance",
    "Ursula von der Leyen", "Tajani". `fallback` is None for a sure name; for a run that opens
    the sentence with a common word ("Nel XX secolo") it is where the name would start without
    that word: the run is protected whole only if it is a sure name elsewhere, else from
    `fallback` on (nothing when `fallback` is `end`).

    Words count by what the analysers of the pair know: N, unknown to the source analyser (the
    pivot cannot translate it, and the second step may mangle it: "Rubio" -> "Blond"); G, a given
    name the dictionaries know ("Marco", "Antonio"), a name only when a name follows it, since
    alone it is often translated right ("Abramo" -> "Abraham"); after a G any capitalised word is
    a surname ("Giorgia Meloni"). Place names the pivot translates are never protected; a lone
    word must be N."""
    runs: list[list[tuple[re.Match, str]]] = []
    current: list[tuple[re.Match, str]] = []
    pending: list[tuple[re.Match, str]] = []  # particles ("von", "der") waiting for the next name word
    for m in tokens:
        role = _role(m, text, kinds)
        if current and text[(pending or current)[-1][0].end() : m.start()].strip():
            runs.append(current)
            current, pending = [], []
        if role in ("N", "G") or (role == "C" and current and current[-1][1] == "G" and _given(current[-1][0], kinds)):
            current += pending + [(m, role if role != "C" else "S")]
            pending = []
        elif current and m.group() in _PARTICLES:
            pending.append((m, "P"))
        else:
            if current:
                runs.append(current)
            current, pending = [], []
    if current:
        runs.append(current)
    spans: list[tuple[int, int, int | None]] = []
    for run in runs:
        whole = _settle(run)
        if whole is None:
            continue
        i, j = whole
        start, end = run[i][0].start(), run[j][0].end()
        opens = i == 0 and _OPENING.match(text[:start]) is not None
        first = run[i][0].group()
        if opens and ("common" in kinds.get(first, ()) or j == i):
            # capitalised because it opens the sentence: "Nel XX secolo", "Cassaforte ..."
            rest = _settle(run[i + 1 : j + 1]) if j > i else None
            spans.append((start, end, run[i + 1 + rest[0]][0].start() if rest else end))
        else:
            spans.append((start, end, None))
    return spans


def _role(m: re.Match, text: str, kinds: dict[str, set[str]]) -> str | None:
    """N (unknown name word), G (given name or initials), C (other capitalised word), None."""
    word = m.group()
    if m.lastgroup == "initials":
        return "G"
    if m.lastgroup != "word" or not word[0].isupper() or re.match(r"[’']\w", text[m.end() : m.end() + 2]):
        return None  # lower case, a number, or an elided article ("All'esterno", "Dell’")
    k = kinds.get(word, {"unknown"})
    if "loc" in k:
        return None  # place names: the pivot translates them ("Europa" -> "Europe")
    if "unknown" in k:
        return "N"
    return "G" if "ant" in k else "C"


def _given(m: re.Match, kinds: dict[str, set[str]]) -> bool:
    """A given name that is no common word: a capitalised word after it is a surname
    ("Giorgia Meloni"), unlike after "Marco" (also "mark") or "Tre" ("Tre Regni")."""
    return m.lastgroup == "initials" or "common" not in kinds.get(m.group(), ())


def _settle(run: list[tuple[re.Match, str]]) -> tuple[int, int] | None:
    """(first, last) index of the name in `run`: no leading particle or surname-only word, no
    trailing given name or particle; a single word must be N."""
    i, j = 0, len(run) - 1
    while i <= j and run[i][1] not in ("N", "G"):
        i += 1
    while j >= i and run[j][1] in ("G", "P"):
        j -= 1
    if j < i or (i == j and run[i][1] != "N"):
        return None
    return i, j

