"""Part-of-speech tags for headline compression: the closed English word lists and `tag`.

`tag(sentences)` splits each sentence into `Token`s and gives each one Apertium's first tag from
its English tagger (lt-proc + apertium-tagger with the eng-spa data the offline engine installs),
in one call for all the sentences; without Apertium (or for a word it does not know), the closed
word lists below stand in (`_guess`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ARTICLES = frozenset("the a an".split())
PREPOSITIONS = frozenset(
    """of to in for on with at by from into onto over under about after before between during against among amid
    amidst despite through throughout toward towards upon within without via per than like near off out up down
    across along around behind beyond below above since until till""".split()
)
CONJUNCTIONS = frozenset("and or but nor yet so because although though while whereas if unless whether that as".split())
AUXILIARIES = frozenset(
    """will would shall should can could may might must is are was were be been being am has have had having do
    does did 's 're 've 'll 'd""".split()
)
PRONOUNS = frozenset("which who whom whose what where when why how it its their his her our your my this these those they he she we i you them him us".split())
# Closing a headline on one of these leaves it hanging ("... for the", "... will", "... and").
FUNCTION_WORDS = ARTICLES | PREPOSITIONS | CONJUNCTIONS | AUXILIARIES | PRONOUNS
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*(?:%|(?:bn|m|k|st|nd|rd|th)\b)?|[^\W_](?:[\w'’.%-]*[\w%])?|[^\w\s]")
_VERB_TAGS = ("vblex", "vbser", "vbhaver", "vbdo", "vbmod", "vaux")
_NOMINAL = ("n", "np", "adj", "num", "unk")


@dataclass
class Token:
    text: str
    pos: str  # Apertium's first tag (n, np, vblex, det, pr, ...), "unk" when unknown, "punct"
    start: int = 0
    finite: bool = False  # the clause's verb whose auxiliary headline style dropped ("is spreading" -> "spreading")

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.pos != "punct"

    @property
    def is_verb(self) -> bool:
        return self.pos in _VERB_TAGS

    @property
    def is_function(self) -> bool:
        return self.low in FUNCTION_WORDS or self.pos in ("det", "pr", "cnjcoo", "cnjsub", "cnjadv", "rel", "vaux",
                                                          "vbmod", "prn", "preadv")


# ---- tagging ------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _apertium() -> tuple[str, str, str] | None:
    """(lt-proc, apertium-tagger, eng-spa data dir) or None when Apertium's English data is missing."""
    lt, tagger = shutil.which("lt-proc"), shutil.which("apertium-tagger")
    for base in (os.environ.get("APERTIUM_DATADIR"), "/usr/share/apertium", "/usr/local/share/apertium"):
        d = Path(base or "") / "apertium-eng-spa"
        if base and lt and tagger and (d / "eng-spa.automorf.bin").is_file() and (d / "eng-spa.prob").is_file():
            return lt, tagger, str(d)
    return None


_UNIT = re.compile(r"\^([^/$]*)/([^$]*)\$")


def tag(sentences: list[str]) -> list[list[Token]]:
    """Tokens of each sentence with a part-of-speech tag (one Apertium call for all of them)."""
    toks = [[Token(m.group(), "punct" if not m.group()[0].isalnum() else "unk", m.start()) for m in _TOKEN.finditer(s)]
            for s in sentences]
    tools = _apertium()
    if tools and sentences:
        lt, tagger, d = tools
        try:
            morf = subprocess.run([lt, "-z", f"{d}/eng-spa.automorf.bin"], input="\0".join(_escape(s) for s in sentences) + "\0",
                                  capture_output=True, text=True, timeout=60)
            tagged = subprocess.run([tagger, "-z", "-g", "-p", f"{d}/eng-spa.prob"], input=morf.stdout,
                                    capture_output=True, text=True, timeout=60)
            chunks = tagged.stdout.split("\0")
        except (OSError, subprocess.SubprocessError):
            chunks = []
        if len(chunks) >= len(sentences):
            for s, sent_toks, chunk in zip(sentences, toks, chunks):
                _align(s, sent_toks, chunk)
    for sent_toks in toks:
        for t in sent_toks:
            if t.pos == "unk":
                t.pos = _guess(t)
    return toks


def _escape(s: str) -> str:
    return re.sub(r"([\^$/\\@<>\[\]{}])", r"\\\1", s)


def _align(sentence: str, toks: list[Token], chunk: str) -> None:
    """Give `toks` the tags of the Apertium units that cover them."""
    pos = 0
    spans = []
    for m in _UNIT.finditer(chunk):
        surface = m.group(1).replace("\\", "")
        analysis = m.group(2)
        at = sentence.find(surface, pos)
        if at < 0 or at - pos > 40:
            continue
        first = re.match(r"[^<]*<(\w+)>", analysis)
        spans.append((at, at + len(surface), first.group(1) if first and not analysis.startswith("*") else "unk"))
        pos = at + len(surface)
    k = 0
    for t in toks:
        while k < len(spans) and spans[k][1] <= t.start:
            k += 1
        if k < len(spans) and spans[k][0] <= t.start < spans[k][1] and t.pos != "punct":
            t.pos = spans[k][2]


def _guess(t: Token) -> str:
    """A tag for a word Apertium does not know, or for every word without Apertium."""
    low = t.low
    if low in ARTICLES:
        return "det"
    if low in PREPOSITIONS:
        return "pr"
    if low in CONJUNCTIONS:
        return "cnjcoo"
    if low in AUXILIARIES:
        return "vaux"
    if low in PRONOUNS:
        return "prn"
    if t.text[0].isdigit():
        return "num"
    if t.text[0].isupper():
        return "np"
    if low.endswith("ed") and len(low) > 4:
        return "vblex"
    return "n"
