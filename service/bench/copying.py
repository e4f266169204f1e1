"""How real summaries copy: the runs BART's summaries of the SummEval articles (eval/data/summaries)
copy from their articles, replayed as the bench's summary tokens (`copying_tokens`), and how many
tokens a decoder call settles when the service's prompt-lookup drafts meet those real summaries."""

from __future__ import annotations

import random
import re
from functools import lru_cache

from ..evaluate.data import SUMMEVAL, load_summaries


def _words(text: str) -> list[str]:
    return re.findall(r"\w+|[^\w\s]", text.lower())


@lru_cache(maxsize=1)
def _bart_summaries() -> tuple[tuple[str, str], ...]:
    """(article, BART's summary) of the SummEval articles in eval/data; none when it is missing."""
    if not SUMMEVAL.is_file():
        return ()
    return tuple((item.article, item.peers["bart"]) for item in load_summaries(SUMMEVAL))


@lru_cache(maxsize=1)
def copy_segments() -> tuple[tuple[tuple[int, float], ...], ...]:
    """How BART's summaries of the 100 SummEval CNN/DailyMail articles (eval/data) copy: per
    summary, left to right, its longest runs of two or more words found in the article, as
    (length, where the run starts in the article / article length), and its other words as (1, -1)."""
    out = []
    for article_text, summary_text in _bart_summaries():
        article, summary = _words(article_text), _words(summary_text)
        at: dict[str, list[int]] = {}
        for j, w in enumerate(article):
            at.setdefault(w, []).append(j)
        segments, i = [], 0
        while i < len(summary):
            best, where = 1, -1
            for j in at.get(summary[i], ()):
                n = 1
                while i + n < len(summary) and j + n < len(article) and summary[i + n] == article[j + n]:
                    n += 1
                if n > best:
                    best, where = n, j
            segments.append((best, where / len(article)) if best >= 2 else (1, -1.0))
            i += best
        out.append(tuple(segments))
    return tuple(out)


def copying_tokens(source: list[int], n: int) -> list[int]:
    """`n` summary tokens for an article of token ids `source`, copying from it the way real
    summaries do (`copy_segments`, replayed in order: a run of k words copies k tokens from the
    same relative place; other words are tokens drawn at random)."""
    rng = random.Random(n)
    body = source[1:-1] or source  # not the start and end tokens
    vocab = max(source) + 1
    out: list[int] = []
    summaries = copy_segments() or (((1, -1.0),),)
    while len(out) < n:
        for summary in summaries:
            for length, where in summary:
                if where < 0:
                    out.append(rng.randrange(vocab))
                else:
                    start = min(int(where * len(body)), max(0, len(body) - length))
                    out.extend(body[start:start + length])
            if len(out) >= n:
                break
    return out[:n]


def draft_yield_on_real_summaries(tokenizer, lookup: int) -> float | None:
    """Summary tokens settled per decoder call when the service's prompt-lookup drafts (`lookup`
    tokens) meet BART's real summaries of the SummEval articles, in `tokenizer`'s tokens."""
    from ..summarize.greedy import _draft, _ngram_index

    if not _bart_summaries():
        return None
    tokens, calls = 0, 0
    for article_text, summary_text in _bart_summaries():
        article = tokenizer(article_text)["input_ids"]
        summary = tokenizer(summary_text, add_special_tokens=False)["input_ids"]
        index, i = _ngram_index(article), 0
        while i < len(summary):
            draft = _draft(index, article, summary[:i], lookup)
            kept = next((k for k, t in enumerate(draft) if i + k >= len(summary) or t != summary[i + k]), len(draft))
            i += kept + 1
            calls += 1
        tokens += len(summary)
    return tokens / calls
