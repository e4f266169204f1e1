"""Headlines without weights: a compressed main clause of one of the article's central sentences.

A headline says who does what. The work is split in three modules:
- `headline_tagging`: `Token`, the closed English word lists and `tag` (Apertium's English tagger,
  the word lists standing in without it);
- `headline_compress`: `compress(sentence)`, one sentence cut to its main clause in headline style
  (asides, leading adverbials and attributions dropped, articles and auxiliaries gone, the clause cut
  where it reads as complete), `balance`, and the `STYLE` switches and `LEADING_WORDS` it reads;
- this module: `violations(text)` lists the rules a headline breaks (the same rules check a neural
  model's headline), `repair(text)` mends its easy faults, and `pick(sentences, scores)` compresses
  the most central sentences and keeps the best.
Every name is importable from here as before (`from briefs.summarize.headline import compress`).
"""

from __future__ import annotations

import re

from .headline_compress import (
    BOUNDARY_MIN,
    LEADING_TIME,
    LEADING_WORDS,
    MAX_WORDS,
    MIN_WORDS,
    STYLE,
    TARGET_WORDS,
    _plain,
    balance,
    capitalized,
    compress,
)
from .headline_tagging import (
    ARTICLES,
    AUXILIARIES,
    CONJUNCTIONS,
    FUNCTION_WORDS,
    PREPOSITIONS,
    PRONOUNS,
    Token,
    tag,
)

__all__ = [
    "ARTICLES", "AUXILIARIES", "BOUNDARY_MIN", "CONJUNCTIONS", "FUNCTION_WORDS", "LEADING_TIME", "LEADING_WORDS",
    "MAX_WORDS", "MIN_WORDS", "PREPOSITIONS", "PRONOUNS", "STYLE", "TARGET_WORDS", "Token",
    "balance", "compress", "ends_on_function_word", "pick", "repair", "tag", "violations",
]


def violations(headline: str, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS) -> list[str]:
    """The headline rules `headline` breaks (empty list: it is a good headline)."""
    from ..text import word_count

    out = []
    n = word_count(headline)
    if not min_words <= n <= max_words:
        out.append(f"{n} words (a headline has {min_words}-{max_words})")
    words = headline.split()
    if words:
        last = words[-1].lower().strip("\"'‘’“”«»()[],;:–—-")
        if last in FUNCTION_WORDS:
            out.append(f"ends on the function word '{last}'")
    if LEADING_TIME.match(headline) and re.match(r"^(?:tomorrow|yesterday|today|tonight)\b", headline, re.IGNORECASE):
        out.append(f"opens with '{headline.split()[0].rstrip(',')}'")
    if words and not out:
        toks = [t for t in tag([headline])[0] if t.is_word]
        if toks and toks[-1].pos == "det" and toks[-1].low not in FUNCTION_WORDS:
            out.append(f"ends on a cut noun phrase ('{toks[-1].text}')")
    if headline.rstrip().endswith("."):
        out.append("ends with a period")
    if balance(headline) != " ".join(headline.split()):
        out.append("unbalanced quotes or brackets")
    return out


def repair(text: str, max_words: int = MAX_WORDS) -> str:
    """A headline's easy faults mended: a leading "Tomorrow,"/"Yesterday," dropped, unmatched quotes
    and brackets removed, a final period and trailing function words cut, over-long ones cut at
    the last point that leaves no dangling word."""
    from ..text import word_count

    out = LEADING_TIME.sub("", balance(text).strip()).strip()
    words = out.split()
    while words and word_count(" ".join(words)) > max_words:
        words.pop()
    while words and words[-1].lower().strip("\"'‘’“”«»()[],.;:!?–—-") in FUNCTION_WORDS:
        words.pop()
    while len(words) > 1:
        last = [t for t in tag([" ".join(words)])[0] if t.is_word]
        if not last or last[-1].pos != "det" and last[-1].low not in FUNCTION_WORDS:
            break
        words.pop()
    out = " ".join(words).rstrip(" ,;:–—-.")
    return capitalized(out)


def ends_on_function_word(headline: str) -> bool:
    words = headline.split()
    return bool(words) and words[-1].lower().strip("\"'‘’“”«»()[],.;:!?–—-") in FUNCTION_WORDS


_WEAK_START = re.compile(r"^(?:it|this|that|these|those|they|he|she|we|i|you|there)\b", re.IGNORECASE)


def pick(sentences: list[str], scores: list[float], max_words: int = MAX_WORDS, min_words: int = MIN_WORDS,
         candidates: int = 3, target: int = TARGET_WORDS) -> tuple[int, str]:
    """(index, headline) for the best of the `candidates` top-scoring sentences that compresses
    within the rules; (-1, "") when none does."""
    order = sorted(range(len(sentences)), key=lambda i: -scores[i])[:candidates]
    plains = [_plain(sentences[i]) for i in order]
    tagged = tag(plains)
    best: tuple[float, int, str] | None = None
    for i, toks in zip(order, tagged):
        out = compress(sentences[i], max(min(target, max_words), min_words), min_words, tokens=toks) or compress(
            sentences[i], max_words, min_words, tokens=toks)
        if not out:
            continue
        score = scores[i] - (0.3 if _WEAK_START.match(out) else 0.0)
        if best is None or score > best[0]:
            best = (score, i, out)
    return (best[1], best[2]) if best else (-1, "")
