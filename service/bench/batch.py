"""Many articles: batch throughput (one at a time vs `Pipeline.run_many`), concurrent requests at
the web page's `Batcher` (queued vs batched), the summarizer's decoder call by batch shape (what
batching can save), and RSS across consecutive articles."""

from __future__ import annotations

import random
import threading
import time

from .measure import _hooked, _sync, _unwrap, rss_mb, tier_len


def batch_articles_from(paras: list[str], n: int) -> list[str]:
    """`n` seed-size articles: the seed's paragraphs and sentences with each sentence's words
    shuffled, a different draw per article (same lengths, so the same fixed output lengths; no
    sentence repeats, so translating repeated sentences once does not favour the batched path)."""
    from ..text import sentences as split

    rng = random.Random(17)
    out = []
    for _ in range(n):
        doc = []
        for para in paras:
            shuffled = []
            for sentence in split(para):
                words = sentence.split()
                rng.shuffle(words)
                shuffled.append(" ".join(words))
            doc.append(" ".join(shuffled))
        out.append("\n\n".join(doc))
    return out


DECODER_SHAPES = ((1, 1), (1, 11), (4, 1), (4, 11), (16, 1), (16, 11))  # (rows, tokens a row)


def decoder_calls(summarizer, article: str, past: int = 100, shapes=DECODER_SHAPES) -> list[dict]:
    """Time of one decoder call of the summarizer's model (its backend, its device) by batch shape:
    `rows` articles of `article`'s length, `tokens` new tokens each (1: a plain greedy step; 11: a
    step with 10 drafted tokens), after `past` tokens already in the cache. Best of three calls.
    A call bound by reading the weights costs about the same for every shape; one bound by compute
    costs in proportion to rows x tokens."""
    import copy
    import inspect

    import torch
    from transformers.modeling_outputs import BaseModelOutput

    model, device = summarizer.model, summarizer.device
    ids = summarizer.tokenizer(article, truncation=True, max_length=summarizer.window, return_tensors="pt").input_ids
    vocab = model.config.vocab_size
    cache_arg = "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"
    out = []
    with torch.inference_mode():
        for rows in sorted({r for r, _ in shapes}):
            enc = model.get_encoder()(input_ids=ids.repeat(rows, 1).to(device)).last_hidden_state
            prefix = model(encoder_outputs=BaseModelOutput(last_hidden_state=enc), use_cache=True,
                           decoder_input_ids=torch.randint(4, vocab, (rows, past), device=device))
            for r, tokens in shapes:
                if r != rows:
                    continue
                times = []
                for _ in range(4):  # the first call warms up
                    cache = copy.deepcopy(prefix.past_key_values)
                    step = torch.randint(4, vocab, (rows, tokens), device=device)
                    _sync(device)
                    t = time.perf_counter()
                    model(encoder_outputs=BaseModelOutput(last_hidden_state=enc), use_cache=True,
                          decoder_input_ids=step, **{cache_arg: cache})
                    _sync(device)
                    times.append(time.perf_counter() - t)
                best = min(times[1:])
                out.append({"rows": rows, "tokens_per_row": tokens, "source_tokens": ids.shape[1],
                            "ms_per_call": 1000 * best, "ms_per_token": 1000 * best / (rows * tokens)})
    return out


def _brief_texts(result) -> list[str] | None:
    return [b.text for b in result.briefs] if hasattr(result, "briefs") else None


def run_batch(pipe, paras: list[str], n: int, concurrent: int, log) -> dict:
    """Batch throughput (n articles, `Pipeline.run` one at a time vs one `run_many`) and
    `concurrent` web-style requests arriving at once (the web page's Batcher with batches of one,
    i.e. today's queue, vs its default batches), on the same models and hooks, in one process."""
    from statistics import median

    from ..batcher import Batcher
    from ..web import DEFAULT_MAX_BATCH

    docs = batch_articles_from(paras, max(n, concurrent))
    out: dict = {}
    single_s = None
    if n:
        log(f"batch: {n} articles one at a time")
        each, alone = [], []
        t0 = time.perf_counter()
        for doc in docs[:n]:
            t1 = time.perf_counter()
            alone.append(pipe.run(doc, engine="neural"))
            each.append(time.perf_counter() - t1)
        one = time.perf_counter() - t0
        log(f"batch: {n} articles batched (Pipeline.run_many)")
        rss0 = rss_mb()
        t0 = time.perf_counter()
        together = pipe.run_many(docs[:n], engine="neural")
        batched = time.perf_counter() - t0
        single_s = median(each)
        summarizer = _unwrap(pipe.summarizer("neural")[0])
        out["batch"] = {
            "articles": n, "one_at_a_time_s": one, "batched_s": batched,
            "one_at_a_time_articles_per_min": 60 * n / one, "batched_articles_per_min": 60 * n / batched,
            "single_article_median_s": single_s, "summary_batch_rows": getattr(summarizer, "batch_rows", None),
            "same_briefs": sum(_brief_texts(a) == _brief_texts(b) for a, b in zip(alone, together)) / n,
            "same_translation": sum(a.translation.text == b.translation.text for a, b in zip(alone, together)) / n,
            "rss_before_batched_mb": rss0, "rss_after_batched_mb": rss_mb(),
        }
        out["batch_speedup"] = one / batched
        log("batch: the summarizer's decoder call by batch shape")
        out["decoder_calls"] = decoder_calls(summarizer, docs[0])
    if concurrent:
        if single_s is None:
            t1 = time.perf_counter()
            pipe.run(docs[0], engine="neural")
            single_s = time.perf_counter() - t1
        figures: dict[str, dict] = {}
        for name, size in (("queued", 1), ("batched", DEFAULT_MAX_BATCH)):
            log(f"concurrent: {concurrent} requests at once, {name} (batches of at most {size})")
            batcher = Batcher(pipe, max_batch=size)
            latencies = [0.0] * concurrent

            def ask(k, batcher=batcher, latencies=latencies):
                t = time.perf_counter()
                batcher.run(docs[k], engine="neural")
                latencies[k] = time.perf_counter() - t

            threads = [threading.Thread(target=ask, args=(k,)) for k in range(concurrent)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            batcher.close()
            figures[name] = {"median_s": median(latencies), "max_s": max(latencies), "latencies_s": sorted(latencies),
                             "batches": list(batcher.batches), "batch_s": list(batcher.seconds)}
        out["concurrent"] = dict(figures, requests=concurrent, single_request_s=single_s,
                                 max_allowed_s=2 * single_s + max(figures["batched"]["batch_s"]))
        out["concurrent_median_speedup"] = figures["queued"]["median_s"] / figures["batched"]["median_s"]
    return out


def _growth(pipe, summarizer, sentences: list[str], n: int, log) -> dict:
    """RSS after each of `n` consecutive articles, each a different draw of the seed's sentences
    (so caches keyed on text see new keys); tiers at most 32 tokens to keep the loop short."""
    rng = random.Random(0)
    rss = []
    log(f"RSS growth check: {n} consecutive articles")
    with _hooked(summarizer, fixed_lengths=lambda tier: min(tier_len(tier), 32)):
        for _ in range(n):
            picked = rng.sample(sentences, k=min(len(sentences), 4))
            pipe.run(" ".join(picked[:2]) + "\n\n" + " ".join(picked[2:]), engine="neural", source_lang="it")
            rss.append(rss_mb())
    settle = rss[min(len(rss) - 1, max(0, n // 10 - 1))]  # after the first tenth: caches and arenas warm
    return {"articles": n, "rss_first_mb": rss[0], "rss_settled_mb": settle, "rss_last_mb": rss[-1],
            "rss_max_mb": max(rss), "growth_mb": rss[-1] - settle,
            "rss_every_10_mb": rss[9::10] if n >= 10 else rss}
