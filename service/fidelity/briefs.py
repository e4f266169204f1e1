"""Attribution of every brief to the translation sentences it comes from, its checks, and the
whole report of one result."""

from __future__ import annotations

from typing import Sequence

from .amounts import _close, _values
from .names import _zipf, names
from .pairs import translation_checks
from .words import SUPPORT, Check, content_words, fold


# ---- briefs --------------------------------------------------------------------------------------------
def brief_units(text: str, bullets: bool) -> list[str]:
    from ..summarize.tiers import bullet_items
    from ..text import sentences

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
    from ..numbers import quantities

    return quantities(article, "en")


def brief_report(tier: str, text: str, bullets: bool, sentences: Sequence[dict],
                 article: str) -> tuple[list, list[Check]]:
    """`sources` of one brief (a list of sentence ids; bullets: one list per bullet) and its checks."""
    from ..numbers import quantities

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
