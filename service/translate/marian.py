"""Neural MT with transformers MarianMTModel (OPUS-MT models), and the batching every sentence
engine shares.

`SentenceEngine.translate` is the fast path's scheduling: repeated sentences are translated once,
overlong ones are split at clause boundaries, and the pieces go to the model in length-sorted
batches of at most `batch_tokens` padded source tokens (sentences of every document of a
`Pipeline.run_many` call arrive together, so batches mix documents). Engines implement
`_decode(batches)`: `MarianTranslator` (torch, fp32 or dynamic int8) here, and
`CTranslate2Translator` in ctranslate.py.
"""

from __future__ import annotations

import logging
import re
from typing import Callable, Iterator

from ..models import load_seq2seq
from . import Progress

_CLAUSE = re.compile(r"(?<=[,;:])\s+|\s+(?=[–—-]\s)")

# A batch on its way to the model: the pieces' texts and their source token counts.
Batch = tuple[list[str], list[int]]


class SentenceEngine:
    """Scheduling shared by the sentence-level MT engines (subclasses set the attributes)."""

    name: str
    backend: str  # how the model runs, e.g. "torch-fp32", "ctranslate2-int8" (the bench reports it)
    num_beams: int
    batch_tokens: int
    max_tokens: int
    # Benchmark hook: when set, every piece gets exactly fixed_lengths(piece) new tokens (the end
    # token included), as random-weight models never stop by themselves. A batch decodes to the
    # length of its longest piece (a real batch runs until its last sentence ends; CTranslate2
    # would drop finished sentences sooner) and each piece keeps its own length.
    fixed_lengths: Callable[[str], int] | None = None

    def output_key(self) -> str:
        """What the translation memory files this engine's output under (the settings that change it)."""
        return f"{self.name}|backend={self.backend}|num_beams={self.num_beams}"

    def n_tokens(self, text: str) -> int:
        raise NotImplementedError

    def _decode(self, batches: list[Batch]) -> Iterator[list[str]]:
        """English for each batch, batch by batch, in order."""
        raise NotImplementedError

    def split_long(self, sentence: str) -> list[str]:
        """Pieces that each fit the model's window: at clause boundaries, else between words.
        Nothing is truncated; joined with spaces the pieces give the sentence back."""
        if self.n_tokens(sentence) <= self.max_tokens:
            return [sentence]
        cuts = [m.start() for m in _CLAUSE.finditer(sentence)] or [m.start() for m in re.finditer(r"\s+", sentence)]
        if not cuts:  # one enormous "word": split by characters, the only option left
            mid = len(sentence) // 2
            return self.split_long(sentence[:mid]) + self.split_long(sentence[mid:])
        mid = min(cuts, key=lambda c: abs(c - len(sentence) / 2))
        return self.split_long(sentence[:mid].strip()) + self.split_long(sentence[mid:].strip())

    def max_new_tokens(self, texts: list[str], lengths: list[int]) -> tuple[int, int]:
        """(min, max) new tokens, the end token included, for a batch of pieces with these source lengths."""
        if self.fixed_lengths is not None:
            n = max(self.fixed_lengths(t) for t in texts)
            return n, n
        return 0, min(self.max_tokens, int(max(lengths) * 1.6) + 10)

    def translate(self, sentences: list[str], progress: Progress | None = None) -> list[str]:
        unique = list(dict.fromkeys(s for s in sentences if s.strip()))
        pieces = [(i, p) for i, s in enumerate(unique) for p in self.split_long(s)]
        lengths = [self.n_tokens(p) for _, p in pieces]
        order = sorted(range(len(pieces)), key=lambda k: -lengths[k])  # length-sorted batches
        groups = list(batches(order, lengths, self.batch_tokens))
        out: list[str] = [""] * len(pieces)
        done = 0
        work = [([pieces[k][1] for k in g], [lengths[k] for k in g]) for g in groups]
        for group, english in zip(groups, self._decode(work)):
            for k, text in zip(group, english):
                out[k] = text.strip()
            done += len(group)
            if progress:
                progress(done, len(pieces))
        joined: dict[int, list[str]] = {}
        for (i, _), text in zip(pieces, out):
            joined.setdefault(i, []).append(text)
        whole = {unique[i]: " ".join(parts) for i, parts in joined.items()}
        return [whole.get(s, s) for s in sentences]


class MarianTranslator(SentenceEngine):
    """transformers MarianMTModel; `quantize=True` runs it with torch dynamic int8 (CPU only)."""

    family = "neural"  # the engine registry (service/engines.py)
    notices: list[str] = []  # warnings every result translated by this engine carries

    @classmethod
    def unsupported(cls, config, language: str) -> str | None:
        return None if config.mt_model_for(language) else "no MT model is configured for it"

    @classmethod
    def instance_key(cls, config, language: str) -> str:
        """Languages that share a model share one engine."""
        return config.mt_model_for(language)

    @classmethod
    def from_config(cls, config, language: str, glossary=None) -> SentenceEngine:
        """The engine for `language`'s model on `config.mt_backend`. CTranslate2 falls back to torch
        (with a notice) when it is not installed or cannot convert the model; a missing model is
        still ModelUnavailable."""
        from ..errors import EngineUnavailable, ModelUnavailable

        c, model = config, config.mt_model_for(language)
        notices = []
        if c.mt_backend == "ctranslate2":
            from . import ctranslate

            fallback = "ctranslate2 is not installed (pip install 'briefs[fast]')"
            if ctranslate.available():
                try:
                    return ctranslate.CTranslate2Translator(model, device=c.device, num_beams=c.num_beams,
                                                            batch_tokens=c.mt_batch_tokens, threads=c.threads,
                                                            cache_dir=c.cache_dir)
                except ModelUnavailable:
                    raise
                except EngineUnavailable as err:
                    fallback = str(err)
            notice = f"{fallback}; MT ran on the slower torch backend"
            logging.getLogger("briefs").warning(notice)
            notices.append(notice)
        engine = cls(model, device=c.device, num_beams=c.num_beams, batch_tokens=c.mt_batch_tokens,
                     quantize=c.mt_backend == "torch-int8")
        engine.notices = notices
        return engine

    def __init__(self, model_id: str, *, device: str = "cpu", num_beams: int = 4, batch_tokens: int = 384,
                 quantize: bool = False):
        self.model_id = model_id
        self.name = f"marian:{model_id}"
        self.device = device
        self.num_beams = num_beams
        self.batch_tokens = batch_tokens
        if quantize and device == "cpu":
            from ..models import load_seq2seq_int8

            self.tokenizer, self.model = load_seq2seq_int8(model_id)
            self.backend = "torch-int8"
        else:
            self.tokenizer, self.model = load_seq2seq(model_id, device)
            self.backend = "torch-fp32"
        positions = getattr(self.model.config, "max_position_embeddings", 512) or 512
        self.max_tokens = min(positions, 512)

    def n_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=True)["input_ids"])

    def _decode(self, batches: list[Batch]) -> Iterator[list[str]]:
        import torch

        for texts, lengths in batches:
            least, most = self.max_new_tokens(texts, lengths)
            with torch.inference_mode():
                enc = self.tokenizer(texts, return_tensors="pt", padding=True).to(self.device)
                gen = self.model.generate(**enc, num_beams=self.num_beams, max_new_tokens=most,
                                          min_new_tokens=least or None)
            if self.fixed_lengths is not None:  # each piece its own length (after the start token)
                gen = [row[1:self.fixed_lengths(t)] for row, t in zip(gen, texts)]
            yield self.tokenizer.batch_decode(gen, skip_special_tokens=True)


def batches(order: list[int], lengths: list[int], budget: int) -> Iterator[list[int]]:
    """Consecutive runs of `order` (longest first) whose padded size stays within `budget` tokens."""
    batch: list[int] = []
    for k in order:
        if batch and (len(batch) + 1) * lengths[batch[0]] > budget:
            yield batch
            batch = []
        batch.append(k)
    if batch:
        yield batch

