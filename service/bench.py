"""`briefs bench`: the service's own path beside a naive transformers baseline, on the same input.

Models: random weights in the published architectures of the default models (opus-mt-it-en:
vocab 80035, d_model 512, 6+6 layers, FFN 2048; distilbart-cnn-12-6: vocab 50264, d_model 1024,
12+6 layers, FFN 4096), built once by briefs.synthetic into `<cache>/bench/` and reused. The
compute equals the real models'; nothing is downloaded. Tokenizers are trained on the evaluation
corpora in eval/data/mt when present (realistic token counts), else on the seed article.

Output lengths are fixed, as random weights never stop by themselves: every sentence gets
`TOKENS_PER_WORD` tokens per source word plus its end token (about what opus-mt-it-en writes:
English runs about 0.95 words per Italian word, about 1.2 pieces a word with punctuation), and
every tier exactly its largest length (`Tier.max_new_tokens`; one more service run has every tier
at its shortest), on both paths alike. The random MT
model is biased towards words the summarizer's tokenizer reads as one token, so the English it
writes is about as long in summarizer tokens as real English would be (a real translation of the
seed article: about 740 words, 900-1000 BART tokens; here about 920, under the summarizer's
960-token budget, so no chunking).

What the summaries write matters too: the service checks prompt-lookup drafts (runs of the
article the summary may be copying) in each decoder call, so a summary that copies needs fewer
calls. The service runs write summaries that copy from the article the way real ones do: the
runs that BART's summaries of the 100 SummEval articles (eval/data/summaries) copy, replayed in
order on the article's tokens (`copying_tokens`); one more run writes summaries that copy nothing
(the worst case), and the report gives how many tokens a call settles on the real SummEval
summaries themselves, with the bench's tokenizer, beside the bench's own figure.

Paths, in one process, on the seed article's sentences:
  baseline  transformers, one sentence at a time, fp32, beam 4; each tier generated separately
            (encoder re-run, beam 4 as distilbart-cnn's own generation settings)
  service   `Pipeline.run`, with the configured backends (see `--mt-backend`, `--summary-backend`)

Reported per path: source and output tokens/s and sentences/s of the translate stage, the seed
article end to end (detect + translate + four tiers), peak RSS, CPU seconds; the speed-up of the
service over the baseline; and, in the full run, RSS across consecutive articles (growth check).

Many articles (`run_batch`, on the service's models and hooks, after the above; `--only-batch`
runs it alone): `--batch-articles` seed-size articles (the seed's sentences, words shuffled, a
different draw per article) through `Pipeline.run` one at a time and through one
`Pipeline.run_many` (articles per minute, `batch_speedup`, and whether the briefs and
translations came out the same); and `--concurrent` requests for different articles arriving at
once at the web page's `Batcher`, with batches of one (today's queue) and of the page's default
size (median and max latency, `concurrent_median_speedup`, and the allowed max: twice a request
alone plus the longest batch).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import re
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from .argtypes import integer
from .config import REPO_ROOT, SEED
from .evaluate.data import DATA_DIR, SUMMEVAL, load_summaries

EVAL_MT = DATA_DIR / "mt"
ENGLISH = REPO_ROOT / "tests" / "data" / "english.txt"
TOKENS_PER_WORD = 1.15  # MT output tokens per source word (see the module docstring)
GOALS = {"mt_output_tokens_per_s": 300, "end_to_end_s": 5.0, "rss_growth_mb": 50, "batch_speedup": 3.0,
         "concurrent_median_speedup": 2.0}


def register(subparsers, common) -> None:
    p = subparsers.add_parser(
        "bench", parents=[common],
        help="speed: the service's path beside a naive transformers baseline",
        description="Builds random-weight models of the default architectures (once, cached under "
                    "$BRIEFS_CACHE or ~/.cache/briefs) and times the naive baseline and the service's path on "
                    "the seed article. --mt-model/--summarizer-model/--engine do not apply: the bench brings "
                    "its own models.",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--small", action="store_true", help="tiny models and a short run (seconds; for tests)")
    p.add_argument("--repeat", type=integer(1, 1000), help="end-to-end runs of the service path, median reported (default 3; 1 with --small)")
    p.add_argument("--articles", type=integer(0, 100_000), help="consecutive articles for the RSS growth check (default 100; 3 with --small; 0 skips)")
    p.add_argument("--no-baseline", action="store_true", help="time only the service's path")
    p.add_argument("--batch-articles", type=int, metavar="N",
                   help="seed-size articles for the batch throughput figure, one at a time vs batched (default 32; 4 with --small; 0 skips)")
    p.add_argument("--concurrent", type=int, metavar="N",
                   help="concurrent web-style requests, queued vs batched (default 20; 3 with --small; 0 skips)")
    p.add_argument("--only-batch", action="store_true",
                   help="only the batch and concurrency figures (skips the single-article runs, the baseline and the RSS check)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from .options import config_from_args

    config = config_from_args(args)
    for flag in ("batch_articles", "concurrent"):
        if (getattr(args, flag) or 0) < 0:
            from .errors import BadInput

            raise BadInput(f"--{flag.replace('_', '-')} must be 0 or more")
    report = run_bench(config, small=args.small, repeat=args.repeat, articles=args.articles,
                       with_baseline=not args.no_baseline, batch_articles=args.batch_articles,
                       concurrent=args.concurrent, only_batch=args.only_batch, log=_stderr)
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 0


def _stderr(line: str) -> None:
    import sys

    print(f"briefs bench: {line}", file=sys.stderr, flush=True)


# ---- models ---------------------------------------------------------------------------------------
def specs(small: bool) -> dict:
    from .synthetic import DISTILBART_CNN_12_6, OPUS_MT_IT_EN, TINY

    if small:
        return {"mt": dict(TINY, vocab_size=2000), "summarizer": dict(TINY, vocab_size=2000), "spm_vocab": 300,
                "bpe_vocab": 1000, "corpus": "seed"}
    return {"mt": OPUS_MT_IT_EN, "summarizer": DISTILBART_CNN_12_6, "spm_vocab": 16000, "bpe_vocab": 16000,
            "corpus": "eval/data/mt" if EVAL_MT.is_dir() else "seed"}


def _corpora(kind: str) -> tuple[str, str]:
    """(Marian tokenizer corpus, BART tokenizer corpus)."""
    seed = SEED.read_text(encoding="utf-8")
    if kind == "seed":
        text = seed + "\n" + ENGLISH.read_text(encoding="utf-8")
        return text, text
    ita = "\n".join(p.read_text(encoding="utf-8") for p in sorted(EVAL_MT.glob("*.ita")))
    eng = "\n".join(p.read_text(encoding="utf-8") for p in sorted(EVAL_MT.glob("*.eng")))
    return seed + "\n" + ita + "\n" + eng, ita + "\n" + eng


def build_models(cache_dir: Path, small: bool, log=lambda line: None) -> tuple[Path, Path]:
    """(Marian dir, BART dir), built once per specification into <cache_dir>/bench/ and reused."""
    import transformers

    from . import synthetic

    spec = specs(small)
    mt_corpus, sum_corpus = _corpora(spec["corpus"])
    key = hashlib.sha256(json.dumps(
        [spec, hashlib.sha256((mt_corpus + sum_corpus).encode()).hexdigest(), transformers.__version__],
        sort_keys=True).encode()).hexdigest()[:12]
    root = Path(cache_dir) / "bench" / f"{'small' if small else 'full'}-{key}"
    jobs = [("opus-mt-it-en", synthetic.build_marian, mt_corpus, dict(spm_vocab=spec["spm_vocab"], **spec["mt"])),
            ("distilbart-cnn-12-6", synthetic.build_bart, sum_corpus, dict(bpe_vocab=spec["bpe_vocab"], **spec["summarizer"]))]
    out: list[Path] = []
    for name, build, corpus, kwargs in reversed(jobs):  # the summarizer first: the MT model reads its vocabulary
        target = root / name
        if not (target / "config.json").is_file():
            log(f"building {name} ({'tiny' if small else 'full size'}, random weights) into {target}")
            root.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
            try:
                build(tmp, corpus, **kwargs)
                if build is synthetic.build_marian:
                    _favour_one_token_words(tmp, out[0])
                try:
                    os.rename(tmp, target)
                except OSError:  # another process built it first
                    if not (target / "config.json").is_file():
                        raise
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        out.append(target)
    return out[1], out[0]


def _favour_one_token_words(marian: Path, bart: Path) -> None:
    """Keep the random MT model's word bias only on words the summarizer's tokenizer reads as one
    token (compute unchanged; only which random word wins changes)."""
    import torch
    from transformers import MarianMTModel

    vocab = json.loads((marian / "vocab.json").read_text(encoding="utf-8"))
    summarizer_vocab = json.loads((bart / "vocab.json").read_text(encoding="utf-8"))
    model = MarianMTModel.from_pretrained(marian)
    with torch.no_grad():
        for token, idx in vocab.items():
            if token.startswith("▁") and "Ġ" + token[1:] not in summarizer_vocab:
                model.final_logits_bias[0, idx] = 0.0
    model.save_pretrained(marian)


# ---- measuring ------------------------------------------------------------------------------------
def rss_mb() -> float:
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class _PeakRSS:
    """Samples RSS every 20 ms in a thread; .peak is the largest seen while active."""

    def __init__(self):
        self.peak = rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_mb())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


@contextmanager
def _hooked(engine, **hooks):
    """The engine's benchmark hooks (fixed_lengths, fixed_tokens) set for a while, then restored."""
    saved = {name: getattr(engine, name) for name in hooks}
    for name, value in hooks.items():
        setattr(engine, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(engine, name, value)


@contextmanager
def _clock(into: dict, key: str):
    w, c = time.perf_counter(), time.process_time()
    yield
    into[key] = time.perf_counter() - w
    into[key.replace("_s", "_cpu_s")] = time.process_time() - c


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()


def _reset_gpu_peak(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        torch.cuda.reset_peak_memory_stats()


def _gpu_peak(device: str) -> dict:
    """torch's peak GPU memory (CTranslate2 allocates its own, not counted here)."""
    if not device.startswith("cuda"):
        return {}
    import torch

    return {"peak_torch_gpu_mb": torch.cuda.max_memory_allocated() / 2**20}


def _unwrap(engine):
    while hasattr(engine, "inner"):  # glossary / translation-memory wrappers
        engine = engine.inner
    return engine


def out_len(sentence: str) -> int:
    """New tokens for a sentence, its end token included."""
    return round(TOKENS_PER_WORD * len(sentence.split())) + 1


def tier_len(tier) -> int:
    """New tokens for a tier: its largest length (the end token included)."""
    return tier.max_new_tokens


def tier_shortest(tier) -> int:
    """The shortest length a tier allows (its minimum, or a third of its maximum when it has none)."""
    return max(tier.min_new_tokens, tier.max_new_tokens // 3, 2)


# ---- how real summaries copy ------------------------------------------------------------------
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
    from .summarize.seq2seq import _draft, _ngram_index

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


# ---- the two paths ------------------------------------------------------------------------------
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
    from .models import set_threads
    from .pipeline import Pipeline
    from .summarize import load_tiers
    from .text import clean, paragraphs
    from .text import sentences as split

    if config.device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            from .errors import EngineUnavailable

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


def batch_articles_from(paras: list[str], n: int) -> list[str]:
    """`n` seed-size articles: the seed's paragraphs and sentences with each sentence's words
    shuffled, a different draw per article (same lengths, so the same fixed output lengths; no
    sentence repeats, so translating repeated sentences once does not favour the batched path)."""
    from .text import sentences as split

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


def _brief_texts(result) -> list[str] | None:
    return [b.text for b in result.briefs] if hasattr(result, "briefs") else None


def run_batch(pipe, paras: list[str], n: int, concurrent: int, log) -> dict:
    """Batch throughput (n articles, `Pipeline.run` one at a time vs one `run_many`) and
    `concurrent` web-style requests arriving at once (the web page's Batcher with batches of one,
    i.e. today's queue, vs its default batches), on the same models and hooks, in one process."""
    from statistics import median

    from .batcher import Batcher
    from .web import DEFAULT_MAX_BATCH

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


def _machine(config) -> dict:
    import torch
    import transformers

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    m = {"cpu": cpu, "cores": os.cpu_count(), "torch_threads": torch.get_num_threads(), "python": platform.python_version(),
         "torch": torch.__version__, "transformers": transformers.__version__}
    try:
        import ctranslate2

        m["ctranslate2"] = ctranslate2.__version__
    except ImportError:
        m["ctranslate2"] = None
    if config.device.startswith("cuda") and torch.cuda.is_available():
        m["gpu"] = torch.cuda.get_device_name()
    return m


def _rounded(x):
    if isinstance(x, float):
        return round(x, 3)
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_rounded(v) for v in x]
    return x


# ---- the human table ------------------------------------------------------------------------------
def table(report: dict) -> str:
    if "service" not in report["paths"]:  # --only-batch
        return "\n".join(_batch_lines(report) + [_machine_line(report), _goals_line(report)])
    paths = report["paths"]
    svc, base = paths["service"], paths.get("baseline")
    speed = report.get("speedup", {})
    rows = [
        ("MT output tokens/s", "output_tokens_per_s", "{:.0f}", speed.get("mt_output_tokens_per_s")),
        ("MT source tokens/s", "source_tokens_per_s", "{:.0f}", speed.get("mt_output_tokens_per_s")),
        ("MT sentences/s", "sentences_per_s", "{:.2f}", speed.get("mt_output_tokens_per_s")),
        ("translate (s)", "translate_s", "{:.2f}", speed.get("translate")),
        ("summarize, four tiers (s)", "summarize_s", "{:.2f}", speed.get("summarize")),
        ("seed article end to end (s)", "end_to_end_s", "{:.2f}", speed.get("end_to_end")),
        ("peak RSS (MiB)", "peak_rss_mb", "{:.0f}", None),
    ]
    head = ["", "baseline", "service", "speed-up"] if base else ["", "service"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, key, fmt, ratio in rows:
        cells = [label] + ([fmt.format(base[key])] if base else []) + [fmt.format(svc[key])]
        if base:
            cells.append(f"{ratio:.1f}x" if ratio else "")
        lines.append("| " + " | ".join(cells) + " |")
    s, i = report["settings"], report["input"]
    out = ["\n".join(lines), ""]
    out.append(f"input: {i['file']}, {i['words']} words, {i['sentences']} sentences, {svc['source_tokens']} source "
               f"tokens -> {svc['output_tokens']} output tokens (fixed); summaries read {svc['summary_input_tokens']} tokens")
    out.append(f"service: MT {svc['backends']['mt']} (beam {s['mt_beams']}), summarizer {svc['backends']['summarizer']} "
               f"(beam {s['summary_beams']}); median of {s['repeat']} runs {svc['end_to_end_runs_s']}")
    out.append(f"tiers at their longest {s['tier_tokens']} tokens (above); at their shortest "
               f"{s['tier_tokens_shortest']}: summarize {svc['summarize_shortest_tiers_s']:.2f} s, "
               f"end to end {svc['end_to_end_shortest_tiers_s']:.2f} s")
    out.append(f"summaries: {s['summary_workload']}")
    if "summary_pass" in svc:
        p = svc["summary_pass"]
        real = p.get("tokens_per_call_real_summaries")
        out.append(f"prompt-lookup drafts ({s['summary_lookup']} tokens): {p['tokens']} summary tokens in "
                   f"{p['decoder_calls']} decoder calls ({p['tokens_per_call']:.2f} a call"
                   + (f"; {real:.2f} on BART's real SummEval summaries" if real else "") + ")")
    out.append(f"summaries that copy nothing (worst case): summarize {svc['summarize_no_copy_s']:.2f} s, "
               f"end to end {svc['end_to_end_no_copy_s']:.2f} s")
    if base:
        out.append(f"baseline: MT {base['backends']['mt']}; summarizer {base['backends']['summarizer']}")
        out.append(f"peak RSS: the service path ran first ({svc['rss_before_mb']:.0f} MiB before loading); the "
                   f"baseline's figure includes the service's models ({base['rss_before_mb']:.0f} MiB before loading its own)")
    if "rss_growth" in report:
        g = report["rss_growth"]
        out.append(f"RSS over {g['articles']} consecutive articles: {g['rss_first_mb']:.0f} MiB after the first, "
                   f"{g['rss_settled_mb']:.0f} after a tenth, {g['rss_last_mb']:.0f} after the last "
                   f"(growth {g['growth_mb']:+.0f} MiB)")
    out += _batch_lines(report)
    out.append(_machine_line(report))
    out.append(_goals_line(report))
    return "\n".join(out)


def _machine_line(report: dict) -> str:
    s, m = report["settings"], report["machine"]
    return (f"machine: {m['cpu']}, {m['cores']} cores, torch {m['torch_threads']} threads, device {s['device']}; "
            f"load average {m['load_avg_start'][0]} at start, {m['load_avg_end'][0]} at end; {report['wall_s']:.0f} s in all")


def _goals_line(report: dict) -> str:
    return "goals: " + ", ".join(f"{k}: {'met' if v else 'NOT met'}" for k, v in report["goals"].items())


def _batch_lines(report: dict) -> list[str]:
    out = []
    if "batch" in report:
        b = report["batch"]
        out.append(f"batch, {b['articles']} seed-size articles (translation + four tiers): one at a time "
                   f"{b['one_at_a_time_articles_per_min']:.1f} articles/min ({b['one_at_a_time_s']:.1f} s), batched "
                   f"{b['batched_articles_per_min']:.1f} articles/min ({b['batched_s']:.1f} s): {report['batch_speedup']:.2f}x; "
                   f"same briefs {b['same_briefs']:.0%}, same translation {b['same_translation']:.0%}")
    if "concurrent" in report:
        c = report["concurrent"]
        q, b = c["queued"], c["batched"]
        out.append(f"{c['requests']} concurrent requests: queued (one at a time) median {q['median_s']:.1f} s, max "
                   f"{q['max_s']:.1f} s; batched median {b['median_s']:.1f} s, max {b['max_s']:.1f} s (batches {b['batches']}): "
                   f"median {report['concurrent_median_speedup']:.2f}x lower; one request alone {c['single_request_s']:.1f} s, "
                   f"allowed max {c['max_allowed_s']:.1f} s")
    return out
