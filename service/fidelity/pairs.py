"""Checks of one sentence pair, of a line-aligned translation, and of a whole translation made
elsewhere (sentence-aligned first)."""

from __future__ import annotations

import math
import re
from typing import Iterable, Sequence

from .amounts import number_checks
from .names import name_checks
from .words import _WORD, LONG_RATIO, MERGED_RATIO, MIN_LENGTH_CHARS, SHORT_RATIO, Check, fold, loops


# ---- one sentence pair -------------------------------------------------------------------------------
def pair_checks(source: str, target: str, sentence: int | None, lang: str = "it", glossary=None,
                where: str = "translation") -> list[Check]:
    """Every check of one source sentence (or line) and its translation."""
    from ..text import word_count

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
    from ..english import leftover_words

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
    from ..text import article_sentences

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
