"""Abstractive briefs with a transformers encoder-decoder model.

Plain summarization models (BART, PEGASUS) read the article once: the encoder runs once per
article and every tier decodes from the same encoder states with the tier's length bounds.
Instruction models (T5/Flan family) get each tier's prompt template instead.
Articles longer than the model's window are summarized chunk by chunk, the chunk summaries
joined and, if needed, summarized again, so no part of the article is dropped.
"""

from __future__ import annotations

from ..models import load_seq2seq
from ..text import paragraphs, sentences
from . import Progress
from .tiers import Tier

_PROMPTED_TYPES = {"t5", "mt5", "umt5", "longt5"}
_CHUNK_TIER = Tier(
    name="chunk", shape="paragraph", min_words=40, max_words=110,
    prompt="Summarize this part of a news article in about 80 words:\n\n{text}",
)


class Seq2SeqSummarizer:
    def __init__(self, model_id: str, *, device: str = "cpu", num_beams: int = 2, prompted: bool | None = None):
        self.model_id = model_id
        self.name = f"seq2seq:{model_id}"
        self.device = device
        self.num_beams = num_beams
        self.tokenizer, self.model = load_seq2seq(model_id, device)
        cfg = self.model.config
        self.prompted = cfg.model_type in _PROMPTED_TYPES if prompted is None else prompted
        limits = [getattr(cfg, "max_position_embeddings", None), getattr(cfg, "n_positions", None)]
        limit = min([l for l in limits if l] or [512])
        if 0 < self.tokenizer.model_max_length < 100_000:
            limit = min(limit, self.tokenizer.model_max_length)
        self.window = limit

    def n_tokens(self, text: str) -> int:
        return len(self.tokenizer(text)["input_ids"])

    def chunks(self, text: str, budget: int) -> list[str]:
        """Consecutive runs of whole sentences of at most `budget` tokens each, covering the text."""
        out, current, used = [], [], 0
        for sentence in (s for p in paragraphs(text) for s in sentences(p)):
            n = self.n_tokens(sentence)
            if current and used + n > budget:
                out.append(" ".join(current))
                current, used = [], 0
            current.append(sentence)
            used += n
        if current:
            out.append(" ".join(current))
        return out

    def fit_window(self, text: str) -> str:
        """The text itself if it fits the encoder window, else a summary of its chunks."""
        budget = self.window - 64  # room for special tokens and the longest tier prompt
        for _ in range(8):
            if self.n_tokens(text) <= budget:
                return text
            parts = self.chunks(text, budget)
            text = "\n\n".join(self._generate(p, _CHUNK_TIER) for p in parts)
        return text

    def summarize(self, text: str, tiers: list[Tier], progress: Progress | None = None) -> list[str]:
        text = self.fit_window(text)
        encoded = None if self.prompted else self._encode(text)  # shared by every tier
        out = []
        for k, tier in enumerate(tiers, 1):
            out.append(self._generate(text, tier, encoded))
            if progress:
                progress(k, len(tiers))
        return out

    def _encode(self, text: str):
        import torch

        enc = self.tokenizer(text, return_tensors="pt", truncation=True, max_length=self.window).to(self.device)
        with torch.inference_mode():
            hidden = self.model.get_encoder()(**enc).last_hidden_state
        return hidden, enc["attention_mask"]

    def _generate(self, text: str, tier: Tier, encoded=None) -> str:
        import torch
        from transformers.modeling_outputs import BaseModelOutput

        longest = min(tier.max_new_tokens, self.window - 2)  # the decoder has positions too
        bounds = dict(
            num_beams=self.num_beams,
            min_new_tokens=min(tier.min_new_tokens, longest),
            max_new_tokens=longest,
            no_repeat_ngram_size=3,
            early_stopping=True,
        )
        with torch.inference_mode():
            if self.prompted:
                prompt = tier.prompt.format(text=text)
                enc = self.tokenizer(prompt, return_tensors="pt", truncation=True, max_length=self.window)
                gen = self.model.generate(**enc.to(self.device), **bounds)
            else:
                hidden, mask = encoded or self._encode(text)
                # a fresh wrapper each call: generate() expands encoder outputs for beams in place
                gen = self.model.generate(
                    encoder_outputs=BaseModelOutput(last_hidden_state=hidden), attention_mask=mask, **bounds
                )
        return self.tokenizer.decode(gen[0], skip_special_tokens=True).strip()
