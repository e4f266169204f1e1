"""The scores: ROUGE (rouge-score) with the sentence split ROUGE-Lsum reads, the Lead-3 baseline,
BLEU/chrF (sacrebleu), and the running sums behind each row of a report."""

from __future__ import annotations

import re

from ..errors import BadInput, EngineUnavailable
from ..summarize.tiers import BULLET
from ..text import article_sentences, sentences

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
ROUGE_LABELS = {"rouge1": "R-1", "rouge2": "R-2", "rougeL": "R-L", "rougeLsum": "R-Lsum"}

# Sentence splitting for ROUGE-Lsum (one sentence per line). "regex" (a break after . ! or ? and
# whitespace) reproduces the published SummEval peer figures exactly (docs/design.md); "project" is
# briefs.text.sentences; "nltk" is nltk.sent_tokenize and needs the punkt data installed.
SPLITS = ("regex", "project", "nltk")
_REGEX_SPLIT = re.compile(r"(?<=[.!?])\s+")


def split_sentences(text: str, how: str = "regex") -> list[str]:
    """Sentences of `text` for ROUGE-Lsum; each line (a bullet item, say) is split on its own."""
    out: list[str] = []
    for line in text.splitlines():
        line = BULLET.sub("", line).strip()
        if not line:
            continue
        if how == "regex":
            out += [s for s in _REGEX_SPLIT.split(line) if s]
        elif how == "project":
            out += sentences(line)
        elif how == "nltk":
            out += _nltk_sentences(line)
        else:
            raise BadInput(f"unknown sentence split '{how}' (use {', '.join(SPLITS)})")
    return out


def _nltk_sentences(text: str) -> list[str]:
    import nltk

    try:
        return nltk.sent_tokenize(text)
    except LookupError:
        raise EngineUnavailable(
            "nltk punkt data is not installed (python -m nltk.downloader punkt_tab on a connected machine); "
            "use --split regex or --split project"
        ) from None


class Rouge:
    """ROUGE-1, -2, -L and -Lsum F1 (x100) with rouge-score's Porter stemming.

    `score(prediction, references)` gives {"first": {...}, "best": {...}}: against the first reference,
    and per metric the best over all references (rouge-score's `score_multi` rule: the reference with
    the highest F1 for that metric)."""

    def __init__(self, split: str = "regex"):
        from rouge_score import rouge_scorer

        if split not in SPLITS:
            raise BadInput(f"unknown sentence split '{split}' (use {', '.join(SPLITS)})")
        self.split = split
        self._scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)

    def prepare(self, text: str) -> str:
        """One sentence per line: what ROUGE-Lsum reads (the other metrics ignore line breaks)."""
        return "\n".join(split_sentences(text, self.split))

    def score(self, prediction: str, references: list[str], prepared: bool = False) -> dict[str, dict[str, float]]:
        if not references:
            raise BadInput("ROUGE needs at least one reference")
        pred = prediction if prepared else self.prepare(prediction)
        refs = references if prepared else [self.prepare(r) for r in references]
        per_ref = [self._scorer.score(ref, pred) for ref in refs]
        first = {k: 100 * per_ref[0][k].fmeasure for k in ROUGE_TYPES}
        best = {k: 100 * max(s[k].fmeasure for s in per_ref) for k in ROUGE_TYPES}
        return {"first": first, "best": best}


HALVES = ("all", "tune", "test")


def half(items: list, which: str) -> list:
    """One half of an evaluation file: "tune" is items 1, 3, 5... (0-based even indices), "test"
    (held out: never looked at while choosing settings) items 2, 4, 6...; "all" every item."""
    if which not in HALVES:
        raise BadInput(f"unknown half '{which}' (use {', '.join(HALVES)})")
    return list(items) if which == "all" else list(items[0::2] if which == "tune" else items[1::2])


def bootstrap_diff(a: list[float], b: list[float], resamples: int = 2000, seed: int = 12) -> dict[str, float]:
    """Mean of a - b over paired items and its 95% paired-bootstrap confidence interval
    (percentile method, `resamples` resamplings of the items, fixed seed so reports reproduce)."""
    import numpy as np

    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if d.size == 0:
        return {"diff": 0.0, "low": 0.0, "high": 0.0}
    rng = np.random.default_rng(seed)
    means = d[rng.integers(0, d.size, size=(resamples, d.size))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return {"diff": round(float(d.mean()), 2), "low": round(float(low), 2), "high": round(float(high), 2)}


def lead_words(article: str, n: int = 14) -> str:
    """Lead-N words: the first sentence cut to its first `n` words (the headline baseline)."""
    first = (article_sentences(article) or [""])[0]
    return " ".join(first.split()[:n])


def best_sentence_words(article: str, reference: str, rouge: "Rouge", n: int = 14) -> str:
    """The article sentence, cut to its first `n` words, with the highest ROUGE-1 F1 against
    `reference`: it reads the reference, so it is a ceiling for extractive headlines, not a system."""
    cuts = [" ".join(s.split()[:n]) for s in article_sentences(article)] or [""]
    return max(cuts, key=lambda cut: rouge.score(cut, [reference])["first"]["rouge1"])


def lead3(article: str) -> str:
    """The project's Lead-3 baseline: the first three sentences (briefs.text.sentences), one per line."""
    return "\n".join(article_sentences(article)[:3])


def score_mt(hypotheses: list[str], references: list[str]) -> dict:
    """Corpus BLEU and chrF with sacrebleu's default settings and their signatures."""
    from sacrebleu.metrics import BLEU, CHRF

    bleu, chrf = BLEU(), CHRF()
    b = bleu.corpus_score(hypotheses, [references])
    c = chrf.corpus_score(hypotheses, [references])
    return {
        "bleu": round(b.score, 2),
        "chrf": round(c.score, 2),
        "bleu_detail": str(b),
        "bleu_signature": f"BLEU|{bleu.get_signature()}",
        "chrf_signature": f"chrF2|{chrf.get_signature()}",
    }


def leftover_rate(texts: list[str], sources: list[str] | None = None, resamples: int = 2000, seed: int = 12) -> dict:
    """Words left in Italian or Spanish per 1,000 words of `texts` (briefs.english.leftover_words,
    the fidelity report's list; with `sources`, also words copied from the source that no list
    knows), its 95% bootstrap confidence interval over the texts ("low", "high": percentile method,
    `resamples` resamplings, fixed seed), and the most frequent of the words."""
    from collections import Counter

    import numpy as np

    from ..english import leftover_words, words

    found: Counter = Counter()
    counts, sizes = [], []
    for k, text in enumerate(texts):
        left = leftover_words(text, sources[k] if sources else None)
        found.update(f"{w.word} ({w.language})" for w in left)
        counts.append(len(left))
        sizes.append(len(words(text)))
    n, total = sum(counts), sum(sizes)
    rate = low = high = 1000 * n / total if total else 0.0
    if total:
        picks = np.random.default_rng(seed).integers(0, len(texts), size=(resamples, len(texts)))
        rates = 1000 * np.asarray(counts)[picks].sum(axis=1) / np.maximum(np.asarray(sizes)[picks].sum(axis=1), 1)
        low, high = (float(x) for x in np.percentile(rates, [2.5, 97.5]))
    return {"per_1000": round(rate, 2), "low": round(low, 2), "high": round(high, 2),
            "words": n, "of": total, "top": [f"{w} x{c}" for w, c in found.most_common(20)]}


class _Acc:
    """Running sums for one system's row."""

    def __init__(self, name: str, kind: str, engine: str = ""):
        self.name, self.kind, self.engine = name, kind, engine
        self.n = 0
        self.sums = {"first": dict.fromkeys(ROUGE_TYPES, 0.0), "best": dict.fromkeys(ROUGE_TYPES, 0.0)}
        self.words = 0
        self.outside = 0
        self.limit = ""

    def add(self, scores: dict, words: int, within: bool = True) -> None:
        self.n += 1
        for ref in ("first", "best"):
            for k in ROUGE_TYPES:
                self.sums[ref][k] += scores[ref][k]
        self.words += words
        self.outside += not within

    def row(self) -> dict:
        n = max(self.n, 1)
        row = {
            "system": self.name,
            "kind": self.kind,
            "n": self.n,
            "first": {k: round(v / n, 2) for k, v in self.sums["first"].items()},
            "best": {k: round(v / n, 2) for k, v in self.sums["best"].items()},
            "mean_words": round(self.words / n, 1),
        }
        if self.kind == "tier":
            row.update(engine=self.engine, limit=self.limit, outside_limits=self.outside)
        return row


def _tier_accs(tier_list) -> dict[str, _Acc]:
    accs: dict[str, _Acc] = {}
    for t in tier_list:
        accs[t.name] = _Acc(t.name, "tier")
        accs[t.name].limit = f"{t.min_words}-{t.max_words} words" if t.min_words else f"<= {t.max_words} words"
        if t.shape == "bullets":
            accs[t.name].limit += f", {t.min_items}-{t.max_items} items"
    return accs


def _round(scores: dict) -> dict:
    return {ref: {k: round(v, 2) for k, v in d.items()} for ref, d in scores.items()}


