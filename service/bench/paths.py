"""The bench's two paths (the naive transformers baseline, the service's `Pipeline.run`) and the
report that puts them side by side (`run_bench`)."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

from ..config import REPO_ROOT, SEED
from .batch import _growth, run_batch
from .build import build_models, specs
from .copying import copy_segments, copying_tokens, draft_yield_on_real_summaries
from .measure import (
    TOKENS_PER_WORD,
    _clock,
    _gpu_peak,
    _hooked,
    _machine,
    _PeakRSS,
    _reset_gpu_peak,
    _rounded,
    _sync,
    _unwrap,
    out_len,
    rss_mb,
    tier_len,
    tier_shortest,
)

GOALS = {"mt_output_tokens_per_s": 300, "end_to_end_s": 5.0, "rss_growth_mb": 50, "batch_speedup": 3.0,
         "concurrent_median_speedup": 2.0}


def run_baseline(mt_dir: Path, sum_dir: Path, sentences: list[str], tiers, config) -> dict:
    """transformers as a newcomer uses it: one sentence at a time, fp32, beam 4; each tier on its own."""
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    device = config.device
    tok = AutoTokenizer.from_pretrained(mt_dir)
    model = AutoModelForSeq2SeqLM.from_pretrained(mt_dir).to(device).eval()
    stok = AutoTokenizer.from_pretrained(sum_dir)
    smodel = AutoModelForSeq2SeqLM.from_pretrained(sum_dir).to(device).eval()
    model.generate(**tok(sentences[0], return_tensors="pt").to(device), num_beams=4, max_new_tokens=4)  # warm-up
    r: dict = {}
    src = out = 0
    english: list[str] = []
    with _clock(r, "translate_s"):
        for s in sentences:
            enc = tok(s, return_tensors="pt").to(device)
            n = out_len(s)
            gen = model.generate(**enc, num_beams=4, min_new_tokens=n, max_new_tokens=n)
            english.append(tok.decode(gen[0], skip_special_tokens=True))  # type: ignore[arg-type]
            src += enc["input_ids"].shape[1]
            out += n
        _sync(device)
    text = " ".join(english)
    with _clock(r, "summarize_s"):
        for tier in tiers:
            enc = stok(text, return_tensors="pt", truncation=True, max_length=1024).to(device)
            n = tier_len(tier)
            smodel.generate(**enc, num_beams=4, min_new_tokens=n, max_new_tokens=n, no_repeat_ngram_size=3)
        _sync(device)
    r.update(source_tokens=src, output_tokens=out, summary_input_tokens=len(stok(text)["input_ids"]))
    r["end_to_end_s"] = r["translate_s"] + r["summarize_s"]
    return r


def run_service(pipe, text: str, sentences: list[str]) -> dict:
    """One `Pipeline.run` of the article; the translate stage's counts come from its engine."""
    translator = _unwrap(pipe.translator("it", "neural")[0])
    summarizer = _unwrap(pipe.summarizer("neural")[0])
    r: dict = {}
    with _clock(r, "end_to_end_s"):
        result = pipe.run(text, engine="neural")
        _sync(pipe.config.device)
    r["translate_s"] = result.timings_ms["translate"] / 1000
    r["summarize_s"] = result.timings_ms.get("summarize", 0) / 1000
    lengths = [translator.n_tokens(s) for s in sentences]
    r.update(source_tokens=sum(lengths), output_tokens=sum(out_len(s) for s in sentences),
             summary_input_tokens=summarizer.n_tokens(result.translation.text))
    if getattr(summarizer, "last_pass", None):
        r["summary_pass"] = dict(summarizer.last_pass)
        summarizer.last_pass = None
    return r


def _rates(r: dict, sentences: int) -> dict:
    t = r["translate_s"] or 1e-9
    return {"source_tokens_per_s": r["source_tokens"] / t, "output_tokens_per_s": r["output_tokens"] / t,
            "sentences_per_s": sentences / t}


def run_bench(config, *, small: bool = False, repeat: int | None = None, articles: int | None = None,
              with_baseline: bool = True, batch_articles: int | None = None, concurrent: int | None = None,
              only_batch: bool = False, log=lambda line: None) -> dict:
    """The report `briefs bench` prints (see the module docstring)."""
    from ..models import set_threads
    from ..pipeline import Pipeline
    from ..summarize import load_tiers
    from ..text import clean, paragraphs
    from ..text import sentences as split

    if config.device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            from ..errors import EngineUnavailable

            raise EngineUnavailable("--device cuda was asked for but torch sees no GPU")
    repeat = repeat or (1 if small else 3)
    articles = (3 if small else 100) if articles is None else articles
    batch_articles = (4 if small else 32) if batch_articles is None else batch_articles
    concurrent = (3 if small else 20) if concurrent is None else concurrent
    if only_batch:
        articles, with_baseline = 0, False
    started = time.time()
    load_start = os.getloadavg()
    mt_dir, sum_dir = build_models(config.cache_dir, small, log)
    config = replace(config, engine="neural", mt_models={"it": str(mt_dir)}, mt_fallback=None,
                     summarizer_model=str(sum_dir), glossary=None)
    set_threads(config.threads)  # before _machine() reads the count
    text = clean(SEED.read_text(encoding="utf-8"), config.max_chars)
    paras = paragraphs(text)
    sentences = [s for p in paras for s in split(p)]
    tiers = load_tiers(config.prompts_dir, config.tiers)
    report: dict = {
        "machine": _machine(config),
        "settings": {
            "small": small, "device": config.device, "threads": config.threads, "mt_beams": config.num_beams,
            "summary_beams": config.summary_beams, "mt_backend": config.mt_backend,
            "summary_backend": config.summary_backend, "mt_batch_tokens": config.mt_batch_tokens,
            "summary_lookup": config.summary_lookup,
            "summary_workload": ("tokens copied from the article the way BART's SummEval summaries copy"
                                 if copy_segments() else "random tokens (eval/data/summaries missing)"),
            "mt_tokens_per_source_word": TOKENS_PER_WORD, "tier_tokens": {t.name: tier_len(t) for t in tiers},
            "tier_tokens_shortest": {t.name: tier_shortest(t) for t in tiers},
            "models": specs(small), "repeat": repeat, "articles": articles,
            "batch_articles": batch_articles, "concurrent": concurrent, "only_batch": only_batch,
        },
        "input": {"file": str(SEED.relative_to(REPO_ROOT)), "words": len(text.split()),
                  "paragraphs": len(paras), "sentences": len(sentences),
                  "fixed_output_tokens": sum(out_len(s) for s in sentences)},
        "paths": {},
    }

    # (b) the service's path first, so its peak RSS holds only its own models
    log("service path: loading (and converting, on first use)")
    rss0 = rss_mb()
    _reset_gpu_peak(config.device)
    with _PeakRSS() as peak:
        pipe = Pipeline(config)
        t0 = time.perf_counter()
        translator = _unwrap(pipe.translator("it", "neural")[0])
        summarizer = _unwrap(pipe.summarizer("neural")[0])
        translator.fixed_lengths = out_len
        summarizer.fixed_lengths = tier_len
        summarizer.fixed_tokens = copying_tokens if copy_segments() else None
        pipe.run(paras[0], engine="neural", source_lang="it")  # warm-up
        first_use = time.perf_counter() - t0
        if not only_batch:
            runs = []
            for k in range(repeat):
                log(f"service path: run {k + 1}/{repeat}")
                runs.append(run_service(pipe, text, sentences))
            # the other bound: every tier at the shortest length it allows (a CNN-trained BART stops
            # about as soon as it may; the longest lengths above are the worst case)
            log("service path: tiers at their shortest lengths")
            with _hooked(summarizer, fixed_lengths=tier_shortest):
                shortest = run_service(pipe, text, sentences)
            # the worst case for the drafts: summaries that copy nothing from the article
            log("service path: summaries that copy nothing")
            with _hooked(summarizer, fixed_tokens=None):
                no_copy = run_service(pipe, text, sentences)
    report["goals"] = {}
    if not only_batch:
        mid = sorted(runs, key=lambda r: r["end_to_end_s"])[len(runs) // 2]
        svc = dict(mid, **_rates(mid, len(sentences)))
        svc.update(backends={"mt": getattr(translator, "backend", translator.name),
                             "summarizer": getattr(summarizer, "backend", summarizer.name)},
                   engines={"mt": translator.name, "summarizer": summarizer.name},
                   first_use_s=first_use, end_to_end_runs_s=[r["end_to_end_s"] for r in runs],
                   end_to_end_shortest_tiers_s=shortest["end_to_end_s"], summarize_shortest_tiers_s=shortest["summarize_s"],
                   end_to_end_no_copy_s=no_copy["end_to_end_s"], summarize_no_copy_s=no_copy["summarize_s"],
                   rss_before_mb=rss0, peak_rss_mb=peak.peak, **_gpu_peak(config.device))
        if "summary_pass" in svc:
            p = svc["summary_pass"]
            real = draft_yield_on_real_summaries(summarizer.tokenizer, config.summary_lookup)
            p.update(tokens_per_call=p["tokens"] / max(p["decoder_calls"], 1), tokens_per_call_real_summaries=real)
        report["paths"]["service"] = svc

        if articles:
            report["rss_growth"] = _growth(pipe, summarizer, sentences, articles, log)

        if with_baseline:
            log("baseline: transformers, one sentence at a time, fp32, beam 4 (slow)")
            rss0 = rss_mb()
            _reset_gpu_peak(config.device)
            with _PeakRSS() as peak:
                base = run_baseline(mt_dir, sum_dir, sentences, tiers, config)
            base.update(_rates(base, len(sentences)), rss_before_mb=rss0, peak_rss_mb=peak.peak, **_gpu_peak(config.device),
                        backends={"mt": "transformers-fp32, one sentence at a time",
                                  "summarizer": "transformers-fp32, beam 4, one pass per tier"})
            report["paths"]["baseline"] = base
            report["speedup"] = {
                "mt_output_tokens_per_s": svc["output_tokens_per_s"] / base["output_tokens_per_s"],
                "translate": base["translate_s"] / svc["translate_s"],
                "summarize": base["summarize_s"] / max(svc["summarize_s"], 1e-9),
                "end_to_end": base["end_to_end_s"] / svc["end_to_end_s"],
            }
        report["goals"].update({
            f"mt_output_tokens_per_s >= {GOALS['mt_output_tokens_per_s']}":
                svc["output_tokens_per_s"] >= GOALS["mt_output_tokens_per_s"],
            f"end_to_end_s <= {GOALS['end_to_end_s']}": svc["end_to_end_s"] <= GOALS["end_to_end_s"],
        })
        if "rss_growth" in report:
            report["goals"][f"rss_growth_mb <= {GOALS['rss_growth_mb']}"] = \
                report["rss_growth"]["growth_mb"] <= GOALS["rss_growth_mb"]

    if batch_articles or concurrent:
        report.update(run_batch(pipe, paras, batch_articles, concurrent, log))
        if "batch_speedup" in report:
            report["goals"][f"batch_speedup >= {GOALS['batch_speedup']}"] = report["batch_speedup"] >= GOALS["batch_speedup"]
        if "concurrent_median_speedup" in report:
            c = report["concurrent"]
            report["goals"][f"concurrent_median_speedup >= {GOALS['concurrent_median_speedup']}"] = \
                report["concurrent_median_speedup"] >= GOALS["concurrent_median_speedup"]
            report["goals"]["concurrent max <= 2x single + one batch"] = c["batched"]["max_s"] <= c["max_allowed_s"]
    report["machine"]["load_avg_start"] = [round(x, 2) for x in load_start]
    report["machine"]["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    report["wall_s"] = time.time() - started
    return _rounded(report)
