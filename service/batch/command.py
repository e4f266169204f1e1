"""The `briefs batch` sub-command: arguments -> a job."""

from __future__ import annotations

import argparse
import os
import sys

from ..argtypes import integer, real
from ..documents import describe
from ..errors import BadInput
from ..options import config_from_args
from ..translate.memory import is_url, location
from .job import DEFAULT_BATCH, JobOptions, JobSpec, run_job
from .sources import open_source


def register(subparsers, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "batch", parents=[common], help="translate (and brief) a JSONL, CSV or directory of documents",
        description="Translate and brief every item of INPUT into OUTPUT (JSONL, one line per item). "
        "Rerunning the same command resumes: ids already in OUTPUT are skipped.",
        epilog="exit codes:\n  0  every item ok\n  4  some items failed (their errors are in OUTPUT)\n"
               "  2  INPUT unusable, or a bad flag\n  3  a needed model or engine (or the Ray cluster) is unavailable\n"
               "  1  anything else",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", metavar="INPUT",
                   help=f"JSONL or CSV file (fields id, text), or a directory of documents ({describe()})")
    p.add_argument("output", metavar="OUTPUT", help="JSONL results; appended to, and resumed from, when it exists")
    p.add_argument("--format", choices=("auto", "jsonl", "csv", "dir"), default="auto", help="input format (default: from the name)")
    p.add_argument("--id-field", default="id", help="id field or column (default id)")
    p.add_argument("--text-field", default="text", help="text field or column (default text)")
    p.add_argument("--no-briefs", action="store_true", help="translation only")
    p.add_argument("--tiers", help="comma-separated tiers (default: all in prompts/tiers)")
    p.add_argument("--source-lang", help="skip detection: the ISO code of every item's language")
    p.add_argument("--batch-size", type=integer(1, 100_000), default=DEFAULT_BATCH,
                   help=f"documents per pipeline call and per write (default {DEFAULT_BATCH}); a kill loses at most one batch")
    p.add_argument("--memory", metavar="PATH|URL",
                   help="translation memory, a file or postgresql:// URL (default: $BRIEFS_MEMORY, else the "
                        "default memory file; with BRIEFS_MEMORY=off, OUTPUT.tm.sqlite)")
    p.add_argument("--no-memory", action="store_true", help="no translation memory")
    p.add_argument("--retry-failed", action="store_true", help="redo the items whose OUTPUT line is an error")
    p.add_argument("--quiet", action="store_true", help="no progress bar (the summary is still printed)")
    g = p.add_argument_group("ray")
    g.add_argument("--runner", choices=("local", "ray"), default="local", help="local (default) or ray (Ray Data)")
    g.add_argument("--ray-address", help="an existing Ray cluster (e.g. auto, or ray://head:10001); default: start a local Ray")
    g.add_argument("--concurrency", type=integer(1, 4096), default=2, help="Ray actors, each with its own pipeline (default 2)")
    g.add_argument("--cpus-per-worker", type=real(most=1024, above=0), default=1.0, help="CPUs Ray reserves per actor (default 1)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from ..summarize.tiers import load_tiers

    config = config_from_args(args)
    if args.batch_size < 1 or args.concurrency < 1:
        raise BadInput("--batch-size and --concurrency must be at least 1")
    if args.ray_address and args.runner != "ray":
        raise BadInput("--ray-address needs --runner ray")
    tiers: list[str] | None = [] if args.no_briefs else None  # None: the config's tiers
    if not args.no_briefs and config.tiers is not None:
        load_tiers(config.prompts_dir, config.tiers)  # an unknown tier: exit 2 now, not per document
    source = open_source(args.input, args.format, id_field=args.id_field, text_field=args.text_field,
                         max_chars=config.max_chars)
    memory = None if args.no_memory else (location(args.memory) or f"{args.output}.tm.sqlite")
    if memory is not None and not is_url(memory):
        memory = os.path.abspath(memory)
    spec = JobSpec(config, tiers, config.engine, args.source_lang, memory)
    options = JobOptions(batch_size=args.batch_size, retry_failed=args.retry_failed, progress=not args.quiet,
                         runner=args.runner, ray_address=args.ray_address, concurrency=args.concurrency,
                         cpus_per_worker=args.cpus_per_worker)
    summary = run_job(source, args.output, spec, options)
    for line in summary.lines():
        print(f"briefs {line}", file=sys.stderr)
    return summary.exit_code
