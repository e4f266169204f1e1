"""Abstractive briefs with a transformers encoder-decoder model.

Plain summarization models (BART, PEGASUS) read the article once: the encoder runs once per
article and every tier decodes from the same encoder states with the tier's length bounds.
Instruction models (T5/Flan family) get each tier's prompt template instead.
Articles longer than the model's window are summarized chunk by chunk, the chunk summaries
joined and, if needed, summarized again, so no part of the article is dropped.

Speed: with greedy decoding (num_beams=1) one decoder pass serves every tier. Greedy decoding is
deterministic given the prefix, and a tier's bounds only decide where it may stop: a tier with
`min_new_tokens` m stops at the first step >= m where the end token is the best choice. So the
pass runs the longest tier, keeps the end token out until the largest minimum, notes every step
where the end token would have won, and each tier is the prefix up to its own first such step
(or its maximum). The result is token for token what one greedy pass per tier gives (the tests
check it) at the cost of the longest tier alone. `backend="torch-int8"` runs the model with torch
dynamic int8 quantization.

Prompt-lookup drafts (`lookup` > 0; the service's default is `Config.summary_lookup`): news
summarizers copy whole runs of the article, so the shared pass guesses the next `lookup` tokens by
finding the last 3, 2 or 1 tokens it wrote in the article and taking what follows them there, and checks the guess in the same decoder call that
computes the next token: the model reads the draft in one batch, every drafted token that equals
the model's own greedy choice is kept, and the first one that does not is replaced by that choice.
The text is still the greedy text (the draft only decides how many tokens one decoder call can
settle, never which tokens are chosen), and a decoder call on a few tokens costs little more than
on one, since each step is bound by reading the weights, not by arithmetic. On real summaries
(BART's on 100 CNN/DailyMail articles) 10 drafted tokens settle about 4 a call (README "Speed").
The loop applies the logits processors generate() would (see `_processors`); the tests check it
against generate() token for token. With torch dynamic int8 a call on several tokens quantizes
their activations together, so a drafted pass can differ from an undrafted one where two tokens
nearly tie; both are greedy decodes of the same int8 model.

Many articles at once (`summarize_many`, used by `Pipeline.run_many`, so by `briefs batch`,
`briefs eval` and the web page's micro-batches): the articles, sorted by length, go `batch_rows`
at a time through one padded encoder call and one shared greedy pass whose decoder calls read
every row together. Each row has its own end-token watch and leaves the batch (its cache rows
dropped) at its own end token, so a row's text is the single-article text. Batched rows decode
one token a call, without prompt-lookup drafts: a draft accepted to different depths in
different rows would leave the rows at different decoder positions, and at 8 rows a CPU decoder
call is no longer bound by reading the weights, so a drafted call costs about (k+1) undrafted
ones (README "Speed" has the measurement). In fp32 the batched texts equal the single-article
ones token for token (the tests check it); with torch dynamic int8 the activations of a call are
quantized together, so, as with drafts, a near tie can fall the other way.
"""

from __future__ import annotations

import inspect
import threading
from dataclasses import replace
from typing import Callable

from ..models import load_seq2seq
from ..text import article_sentences
from . import Progress
from .greedy import _draft, _EndWatch, _ngram_index  # read from here: tests patch seq2seq._draft
from .tiers import Tier

_PROMPTED_TYPES = {"t5", "mt5", "umt5", "longt5"}
_CHUNK_TIER = Tier(
    name="chunk", shape="paragraph", min_words=40, max_words=110,
    prompt="Summarize this part of a news article in about 80 words:\n\n{text}",
)


class Seq2SeqSummarizer:
    # Benchmark hook: when set, a tier's text is exactly fixed_lengths(tier) new tokens long
    # (random-weight models never stop by themselves).
    fixed_lengths: Callable[[Tier], int] | None = None

    # Benchmark hook: (article token ids, n) -> the n tokens the shared pass must write (a workload
    # with the copying structure of real summaries; see service/bench/).
    fixed_tokens: Callable[[list[int], int], list[int]] | None = None

    # Articles decoded together by summarize_many (each row keeps its cross-attention states:
    # about 50 MB per 1000-token article for distilbart in fp32).
    batch_rows: int = 8

    family = "neural"  # the engine registry (service/engines.py)

    @classmethod
    def from_config(cls, config) -> "Seq2SeqSummarizer":
        return cls(config.summarizer_model, device=config.device, num_beams=config.summary_beams,
                   backend=config.summary_backend, lookup=config.summary_lookup)

    def output_key(self) -> str:
        return f"{self.name}|backend={self.backend}|num_beams={self.num_beams}"

    def __init__(self, model_id: str, *, device: str = "cpu", num_beams: int = 2, prompted: bool | None = None,
                 backend: str = "torch", lookup: int = 0):
        self.model_id = model_id
        self.lookup = lookup  # draft tokens per decoder call in the shared greedy pass (0: plain generate)
        self.last_pass: dict | None = None  # tokens and decoder calls of the last drafted pass (for the bench)
        self.name = f"seq2seq:{model_id}"
        self.device = device
        self.num_beams = num_beams
        if backend == "torch-int8" and device == "cpu":
            from ..models import load_seq2seq_int8

            self.tokenizer, self.model = load_seq2seq_int8(model_id)
            self.backend = "torch-int8"
        else:
            self.tokenizer, self.model = load_seq2seq(model_id, device)
            self.backend = "torch-fp32"
        self._shared: dict[tuple[int, str], str] = {}  # (encoder states, tier) -> text from the shared pass
        self._lock = threading.Lock()
        cfg = self.model.config
        self.prompted = cfg.model_type in _PROMPTED_TYPES if prompted is None else prompted
        limits = [getattr(cfg, "max_position_embeddings", None), getattr(cfg, "n_positions", None)]
        limit = min([l for l in limits if l] or [512])
        if 0 < self.tokenizer.model_max_length < 100_000:
            limit = min(limit, self.tokenizer.model_max_length)
        self.window = limit

    @property
    def budget(self) -> int:
        """Article tokens (special tokens included) the encoder reads in one go: the whole window
        for a plain model, less room for the longest tier prompt for an instruction model."""
        return self.window - 64 if self.prompted else self.window

    def n_tokens(self, text: str) -> int:
        return len(self.tokenizer(text)["input_ids"])

    def chunks(self, text: str, budget: int) -> list[str]:
        """Consecutive runs of whole sentences of at most `budget` tokens each, covering the text
        (a single sentence longer than that is cut between words)."""
        out: list[str] = []
        current: list[str] = []
        used = 0
        for sentence in article_sentences(text):
            for piece in self._fit_sentence(sentence, budget):
                n = self.n_tokens(piece)
                if current and used + n > budget:
                    out.append(" ".join(current))
                    current, used = [], 0
                current.append(piece)
                used += n
        if current:
            out.append(" ".join(current))
        return out

    def _fit_sentence(self, sentence: str, budget: int) -> list[str]:
        if self.n_tokens(sentence) <= budget:
            return [sentence]
        words = sentence.split()
        if len(words) < 2:
            return [sentence]  # one enormous token run: nothing sensible to cut at
        half = len(words) // 2
        return self._fit_sentence(" ".join(words[:half]), budget) + self._fit_sentence(" ".join(words[half:]), budget)

    def fit_window(self, text: str) -> str:
        """The text itself if it fits the encoder window, else a summary of its chunks. Each chunk's
        summary is at most about half its length, so every round shrinks the text."""
        budget = self.budget
        for _ in range(8):
            if self.n_tokens(text) <= budget:
                return text
            summaries = []
            for part in self.chunks(text, budget):
                most = max(8, min(_CHUNK_TIER.max_words, self.n_tokens(part) // 3))
                tier = replace(_CHUNK_TIER, max_words=most, min_words=min(_CHUNK_TIER.min_words, most // 2))
                summaries.append(self._generate(part, tier))
            text = "\n\n".join(summaries)
        return text

    def summarize(self, text: str, tiers: list[Tier], progress: Progress | None = None) -> list[str]:
        text = self.fit_window(text)
        encoded = None if self.prompted else self._encode(text)  # shared by every tier
        if encoded is not None and self.num_beams == 1 and len(tiers) > 1:
            # one decoder pass for all tiers; _generate below hands each tier its text
            done = self._generate_tiers(tiers, encoded)
            with self._lock:
                self._shared.update({(id(encoded[0]), t.name): d for t, d in zip(tiers, done)})
        out = []
        for k, tier in enumerate(tiers, 1):
            out.append(self._generate(text, tier, encoded))
            if progress:
                progress(k, len(tiers))
        return out

    def summarize_many(self, texts: list[str], tiers: list[Tier], progress: Progress | None = None) -> list[list[str]]:
        """summarize() of each text (same texts), the shared greedy passes of up to `batch_rows`
        articles decoded together (module docstring). `progress(done, total)` counts articles."""
        if not tiers:
            return [[] for _ in texts]
        if self.prompted or self.num_beams != 1 or len(texts) < 2:
            out = []
            for k, text in enumerate(texts, 1):
                out.append(self.summarize(text, tiers))
                if progress:
                    progress(k, len(texts))
            return out
        fitted = [self.fit_window(t) for t in texts]
        lengths = [self.n_tokens(t) for t in fitted]
        order = sorted(range(len(texts)), key=lambda i: lengths[i])  # like lengths together: little padding
        done: list[list[str] | None] = [None] * len(texts)
        for start in range(0, len(order), max(1, self.batch_rows)):
            rows = order[start:start + max(1, self.batch_rows)]
            for i, tier_texts in zip(rows, self._generate_tiers_many(tiers, [fitted[i] for i in rows])):
                done[i] = tier_texts
            if progress:
                progress(min(start + len(rows), len(texts)), len(texts))
        return done  # type: ignore[return-value]

    def _generate_tiers_many(self, tiers: list[Tier], texts: list[str]) -> list[list[str]]:
        """_generate_tiers for several texts at once: one padded encoder call, one batched pass."""
        import torch

        enc = self.tokenizer(texts, return_tensors="pt", padding=True, truncation=True,
                             max_length=self.window).to(self.device)
        with torch.inference_mode():
            hidden = self.model.get_encoder()(**enc).last_hidden_state
        mask = enc["attention_mask"]
        sources = [ids[m.bool()].tolist() for ids, m in zip(enc["input_ids"], mask)]
        bounds = [self._bounds(t) for t in tiers]
        longest = max(hi for _, hi in bounds)
        rows = self._batch_pass(hidden, mask, sources, longest - 1, hold_until=max(lo for lo, _ in bounds))
        out = []
        for new, ends in rows:
            texts_ = []
            for lo, hi in bounds:
                end = next((s for s in ends if lo <= s < hi - 1), hi - 1)
                texts_.append(self.tokenizer.decode(new[:end], skip_special_tokens=True).strip())
            out.append(texts_)
        return out

    def _batch_pass(self, hidden, mask, sources: list[list[int]], steps: int, hold_until: int):
        """Greedy decoding of every row at once, one token a call: per row its tokens and the steps
        where the end token had the best score (what _EndWatch notes); a row that writes the end
        token (allowed from `hold_until` on) leaves the batch."""
        import torch
        from transformers.cache_utils import DynamicCache, EncoderDecoderCache
        from transformers.modeling_outputs import BaseModelOutput

        eos = _EndWatch(self.model.generation_config.eos_token_id, hold_until).eos
        processors = self._processors(None)
        forced = [self.fixed_tokens(s, steps) for s in sources] if self.fixed_tokens is not None else None
        start = self.model.config.decoder_start_token_id
        cache = EncoderDecoderCache(DynamicCache(), DynamicCache())
        cache_arg = "cache" if "cache" in inspect.signature(self.model.forward).parameters else "past_key_values"
        n = hidden.shape[0]
        outs: list[list[int]] = [[] for _ in range(n)]
        ends: list[list[int]] = [[] for _ in range(n)]
        active = list(range(n))
        prefix = torch.full((n, 1), start, dtype=torch.long, device=hidden.device)
        calls = 0
        with torch.inference_mode():
            for step in range(steps):
                logits = self.model(
                    encoder_outputs=BaseModelOutput(last_hidden_state=hidden), attention_mask=mask, use_cache=True,
                    decoder_input_ids=prefix[:, -1:], **{cache_arg: cache},
                ).logits[:, -1].float()
                calls += 1
                scores = processors(prefix, logits)
                for j in (scores.argmax(-1) == eos).nonzero().flatten().tolist():
                    ends[active[j]].append(step)
                if step < hold_until:
                    scores[:, eos] = float("-inf")
                if forced is None:
                    tokens = scores.argmax(-1)
                else:
                    tokens = torch.tensor([forced[r][step] for r in active], device=hidden.device)
                for r, t in zip(active, tokens.tolist()):
                    outs[r].append(t)
                prefix = torch.cat([prefix, tokens[:, None]], dim=1)
                going = (tokens != eos).nonzero().flatten()
                if len(going) == 0:
                    break
                if len(going) < len(active):  # finished rows leave the batch
                    cache.batch_select_indices(going)
                    hidden, mask, prefix = hidden[going], mask[going], prefix[going]
                    active = [active[j] for j in going.tolist()]
        self.last_pass = {"tokens": sum(len(o) for o in outs), "decoder_calls": calls, "rows": n}
        return list(zip(outs, ends))

    def _encode(self, text: str):
        import torch

        enc = self.tokenizer(text, return_tensors="pt", truncation=True, max_length=self.window).to(self.device)
        with torch.inference_mode():
            hidden = self.model.get_encoder()(**enc).last_hidden_state
        return hidden, enc["attention_mask"], enc["input_ids"][0].tolist()

    def _bounds(self, tier: Tier) -> tuple[int, int]:
        """(min, max) new tokens for a tier, the end token included."""
        longest = min(tier.max_new_tokens, self.window - 2)  # the decoder has positions too
        if self.fixed_lengths is not None:
            longest = min(self.fixed_lengths(tier), self.window - 2)
            return longest, longest
        return min(tier.min_new_tokens, longest), longest

    def _generate_tiers(self, tiers: list[Tier], encoded) -> list[str]:
        """Greedy texts for every tier from one decoder pass (see the module docstring)."""
        import torch
        from transformers import LogitsProcessorList
        from transformers.modeling_outputs import BaseModelOutput

        hidden, mask, source = encoded
        bounds = [self._bounds(t) for t in tiers]
        watch = _EndWatch(self.model.generation_config.eos_token_id, hold_until=max(lo for lo, _ in bounds))
        longest = max(hi for _, hi in bounds)
        if self.lookup > 0 or self.fixed_tokens is not None:
            # the last step (forced to the end token) is never part of a tier: longest - 1 steps
            new = self._lookup_pass(hidden, mask, source, longest - 1, watch)
        else:
            with torch.inference_mode():
                gen = self.model.generate(
                    encoder_outputs=BaseModelOutput(last_hidden_state=hidden), attention_mask=mask,
                    num_beams=1, do_sample=False, max_new_tokens=longest, no_repeat_ngram_size=3,
                    logits_processor=LogitsProcessorList([watch]),
                )
            new = gen[0, 1:].tolist()  # after the decoder start token
        out = []
        for lo, hi in bounds:
            # the tier ends at its first step >= lo where the end token wins, else at its last step
            end = next((s for s in watch.steps if lo <= s < hi - 1), hi - 1)
            out.append(self.tokenizer.decode(new[:end], skip_special_tokens=True).strip())
        return out

    def _processors(self, watch: "_EndWatch | None"):
        """The logits processors generate() applies in the shared pass, in its order: no repeated
        trigram, the model's banned words and minimum length, its forced first token, then `watch`
        (if any)."""
        from transformers import (
            ForcedBOSTokenLogitsProcessor,
            LogitsProcessorList,
            MinLengthLogitsProcessor,
            NoBadWordsLogitsProcessor,
            NoRepeatNGramLogitsProcessor,
        )

        gc = self.model.generation_config
        eos = _EndWatch(gc.eos_token_id, 0).eos
        out = LogitsProcessorList([NoRepeatNGramLogitsProcessor(3)])
        if gc.bad_words_ids:
            out.append(NoBadWordsLogitsProcessor(gc.bad_words_ids, eos))
        if gc.min_length:
            out.append(MinLengthLogitsProcessor(gc.min_length, eos, device=self.device))
        if gc.forced_bos_token_id is not None:
            out.append(ForcedBOSTokenLogitsProcessor(gc.forced_bos_token_id))
        if watch is not None:
            out.append(watch)
        return out

    def _lookup_pass(self, hidden, mask, source: list[int], steps: int, watch: "_EndWatch") -> list[int]:
        """Greedy decoding of at most `steps` tokens (ending at the end token once `watch` lets it
        win), settling several tokens per decoder call with prompt-lookup drafts (module docstring)."""
        import torch
        from transformers.cache_utils import DynamicCache, EncoderDecoderCache
        from transformers.modeling_outputs import BaseModelOutput

        processors = self._processors(watch)
        forced = self.fixed_tokens(source, steps) if self.fixed_tokens is not None else None
        index = _ngram_index(source)
        start = self.model.config.decoder_start_token_id
        encoder_outputs = BaseModelOutput(last_hidden_state=hidden)
        cache = EncoderDecoderCache(DynamicCache(), DynamicCache())
        # transformers 5 renamed the model's `past_key_values` argument to `cache`
        cache_arg = "cache" if "cache" in inspect.signature(self.model.forward).parameters else "past_key_values"
        out: list[int] = []
        feed = [start]  # tokens the cache has not read yet
        calls = 0
        with torch.inference_mode():
            while len(out) < steps:
                draft = _draft(index, source, out, min(self.lookup, steps - len(out) - 1))
                logits = self.model(
                    encoder_outputs=encoder_outputs, attention_mask=mask, use_cache=True, **{cache_arg: cache},
                    decoder_input_ids=torch.tensor([feed + draft], device=hidden.device),
                ).logits[0, -len(draft) - 1:].float()
                calls += 1
                for i in range(len(draft) + 1):
                    prefix = torch.tensor([[start] + out], device=hidden.device)
                    scores = processors(prefix, logits[i:i + 1].clone())
                    token = int(scores.argmax()) if forced is None else forced[len(out)]
                    out.append(token)
                    if token == watch.eos or len(out) >= steps or i == len(draft) or token != draft[i]:
                        break
                if out[-1] == watch.eos:
                    break
                if len(draft) > i:  # the cache read draft tokens that were not kept
                    cache.crop(i - len(draft))
                feed = [out[-1]]
        self.last_pass = {"tokens": len(out), "decoder_calls": calls}
        return out

    def _generate(self, text: str, tier: Tier, encoded=None) -> str:
        if encoded is not None:
            with self._lock:
                done = self._shared.pop((id(encoded[0]), tier.name), None)
            if done is not None:
                return done
        import torch
        from transformers.modeling_outputs import BaseModelOutput

        least, longest = self._bounds(tier)
        bounds = dict(
            num_beams=self.num_beams,
            min_new_tokens=least,
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
                hidden, mask, _ = encoded or self._encode(text)
                # a fresh wrapper each call: generate() expands encoder outputs for beams in place
                gen = self.model.generate(
                    encoder_outputs=BaseModelOutput(last_hidden_state=hidden), attention_mask=mask, **bounds
                )
        return self.tokenizer.decode(gen[0], skip_special_tokens=True).strip()
