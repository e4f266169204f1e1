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
once at the web page's `Batcher`, with batches of one (the page's default on the CPU) and of 16 (its
default on a GPU) (median and max latency, `concurrent_median_speedup`, and the allowed max: twice a request
alone plus the longest batch). With the batch figure, the summarizer's decoder call by batch shape (1, 4 and 16
rows, 1 or 11 tokens a row: `decoder_calls`), which shows whether a step is bound by reading the
weights (batching saves) or by compute (it does not).
"""

from __future__ import annotations

import argparse
import json

from ..argtypes import integer
from .batch import batch_articles_from, run_batch
from .build import build_models, specs
from .copying import copy_segments, copying_tokens, draft_yield_on_real_summaries
from .measure import TOKENS_PER_WORD, out_len, rss_mb, tier_len, tier_shortest
from .paths import GOALS, run_baseline, run_bench, run_service
from .report import table

__all__ = ["GOALS", "TOKENS_PER_WORD", "batch_articles_from", "build_models", "copy_segments", "copying_tokens",
           "draft_yield_on_real_summaries", "main", "out_len", "register", "rss_mb", "run_baseline", "run_batch",
           "run_bench", "run_service", "specs", "table", "tier_len", "tier_shortest"]


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
    from ..options import config_from_args

    config = config_from_args(args)
    for flag in ("batch_articles", "concurrent"):
        if (getattr(args, flag) or 0) < 0:
            from ..errors import BadInput

            raise BadInput(f"--{flag.replace('_', '-')} must be 0 or more")
    report = run_bench(config, small=args.small, repeat=args.repeat, articles=args.articles,
                       with_baseline=not args.no_baseline, batch_articles=args.batch_articles,
                       concurrent=args.concurrent, only_batch=args.only_batch, log=_stderr)
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 0


def _stderr(line: str) -> None:
    import sys

    print(f"briefs bench: {line}", file=sys.stderr, flush=True)
