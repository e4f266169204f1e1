"""The fidelity report's shared pieces: the Check record, its kinds and bounds, word folding,
English content words and n-gram loops."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

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
