"""Neural MT with transformers MarianMTModel (OPUS-MT models)."""

from __future__ import annotations

import re

from ..models import load_seq2seq
from . import Progress

_CLAUSE = re.compile(r"(?<=[,;:])\s+|\s+(?=[–—-]\s)")


class MarianTranslator:
    def __init__(self, model_id: str, *, device: str = "cpu", num_beams: int = 4, batch_tokens: int = 4096):
        self.model_id = model_id
        self.name = f"marian:{model_id}"
        self.device = device
        self.num_beams = num_beams
        self.batch_tokens = batch_tokens
        self.tokenizer, self.model = load_seq2seq(model_id, device)
        positions = getattr(self.model.config, "max_position_embeddings", 512) or 512
        self.max_tokens = min(positions, 512)

    def n_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=True)["input_ids"])

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

    def translate(self, sentences: list[str], progress: Progress | None = None) -> list[str]:
        import torch

        unique = list(dict.fromkeys(s for s in sentences if s.strip()))
        pieces = [(i, p) for i, s in enumerate(unique) for p in self.split_long(s)]
        lengths = [self.n_tokens(p) for _, p in pieces]
        order = sorted(range(len(pieces)), key=lambda k: -lengths[k])  # length-sorted batches
        out: list[str] = [""] * len(pieces)
        done = 0
        with torch.inference_mode():
            for batch in _batches(order, lengths, self.batch_tokens):
                texts = [pieces[k][1] for k in batch]
                enc = self.tokenizer(texts, return_tensors="pt", padding=True).to(self.device)
                longest = max(lengths[k] for k in batch)
                gen = self.model.generate(
                    **enc, num_beams=self.num_beams, max_new_tokens=min(self.max_tokens, int(longest * 1.6) + 10)
                )
                for k, text in zip(batch, self.tokenizer.batch_decode(gen, skip_special_tokens=True)):
                    out[k] = text.strip()
                done += len(batch)
                if progress:
                    progress(done, len(pieces))
        joined: dict[int, list[str]] = {}
        for (i, _), text in zip(pieces, out):
            joined.setdefault(i, []).append(text)
        english = {unique[i]: " ".join(parts) for i, parts in joined.items()}
        return [english.get(s, s) for s in sentences]


def _batches(order: list[int], lengths: list[int], budget: int):
    batch: list[int] = []
    for k in order:
        if batch and (len(batch) + 1) * lengths[batch[0]] > budget:
            yield batch
            batch = []
        batch.append(k)
    if batch:
        yield batch
