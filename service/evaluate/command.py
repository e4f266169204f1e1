"""The `briefs eval` sub-command: arguments -> a run -> a report."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from ..argtypes import integer
from ..errors import BadInput
from ..options import config_from_args
from ..progress import progress_bar
from .data import (
    FLORES_ENG,
    FLORES_ITA,
    FLORES_META,
    PUBLISHED_MT,
    REPORTS_DIR,
    SUMMEVAL,
    _shown,
    flores_articles,
    load_headlines,
    load_summaries,
    read_lines,
    read_metadata,
    select_domain,
)
from .metrics import HALVES, SPLITS, half
from .report import data_info, environment, markdown, write_report
from .runs import evaluate_crosslingual, evaluate_headlines, evaluate_mt, evaluate_summaries


def register(subparsers, common: argparse.ArgumentParser) -> None:
    ev = subparsers.add_parser("eval", help="evaluate the engines: ROUGE for briefs, BLEU/chrF for translation")
    sub = ev.add_subparsers(dest="eval_command", required=True, metavar="KIND")

    def shared(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help="print the JSON report instead of the Markdown table")
        p.add_argument("--limit", type=integer(1, 10_000_000), help="only the first N items")
        p.add_argument("--out", type=Path, help="report folder (default eval/reports/KIND-DATA-TIMESTAMP)")
        p.set_defaults(func=main)

    s = sub.add_parser("summaries", parents=[common], help="ROUGE of each tier, a Lead-3 baseline and the file's peers")
    s.add_argument("--data", type=Path, default=SUMMEVAL, metavar="FILE.jsonl",
                   help='JSONL of {"id", "article", "references": [...], "peers": {name: summary}} '
                        f"(default {_shown(SUMMEVAL)})")
    s.add_argument("--tiers", help="comma-separated tiers (default: all)")
    s.add_argument("--split", choices=SPLITS, default="regex", help="sentence split for ROUGE-Lsum (default regex)")
    s.add_argument("--half", choices=HALVES, default="all",
                   help="tune: items 1, 3, 5...; test: items 2, 4, 6... (held out from tuning); default all")
    shared(s)

    h = sub.add_parser("headlines", parents=[common],
                       help="ROUGE-1/2/L of the headline tier against real headlines, length, function-word endings")
    h.add_argument("--data", type=Path, required=True, metavar="FILE.jsonl",
                   help='JSONL of {"id", "headline", "article"} (e.g. ../shared/data/headlines/bbc-dev-200.jsonl)')
    h.add_argument("--half", choices=HALVES, default="all",
                   help="tune: items 1, 3, 5...; test: items 2, 4, 6... (held out from tuning); default all")
    shared(h)

    m = sub.add_parser("mt", parents=[common], help="BLEU and chrF of the translator on a line-aligned test set")
    m.add_argument("--source", type=Path, required=True, help="source sentences, one per line")
    m.add_argument("--reference", type=Path, required=True, help="English reference, one line per source line")
    m.add_argument("--source-lang", default="it", help="language of the source lines (default it)")
    m.add_argument("--metadata", type=Path, help="FLORES metadata TSV (URL, domain, ...) for --domain")
    m.add_argument("--domain", help="only lines of this FLORES domain (wikinews, wikivoyage, wikibooks)")
    shared(m)

    c = sub.add_parser("crosslingual", parents=[common],
                       help="FLORES articles: briefs via translation against briefs of the English reference")
    c.add_argument("--source", type=Path, default=FLORES_ITA, help=f"default {_shown(FLORES_ITA)}")
    c.add_argument("--reference", type=Path, default=FLORES_ENG, help=f"default {_shown(FLORES_ENG)}")
    c.add_argument("--metadata", type=Path, default=FLORES_META, help=f"default {_shown(FLORES_META)}")
    c.add_argument("--domain", help="only articles of this FLORES domain")
    c.add_argument("--source-lang", help="skip detection (default: the pipeline detects each article)")
    c.add_argument("--tiers", help="comma-separated tiers (default: all)")
    c.add_argument("--split", choices=SPLITS, default="regex", help="sentence split for ROUGE-Lsum (default regex)")
    shared(c)


    k = sub.add_parser("checks", help="the fidelity report on human translations: false checks and corruptions flagged")
    k.add_argument("--source", type=Path, default=FLORES_ITA, help=f"default {_shown(FLORES_ITA)}")
    k.add_argument("--reference", type=Path, default=FLORES_ENG, help=f"default {_shown(FLORES_ENG)}")
    k.add_argument("--source-lang", default="it", help="language of the source lines (default it)")
    k.add_argument("--offset", type=int, default=0, help="skip the first N lines (e.g. the half rules were tuned on)")
    k.add_argument("--limit", type=int, help="only the next N lines")
    k.add_argument("--seed", type=int, default=13, help="seed of the corruptions (default 13)")
    k.add_argument("--json", action="store_true", help="print the JSON report")
    k.add_argument("--debug", action="store_true", help="show tracebacks")
    k.set_defaults(func=main_checks)


def main_checks(args: argparse.Namespace) -> int:
    from ..translate.glossary import Glossary
    from . import checks

    sources, references = read_lines(args.source), read_lines(args.reference)
    if len(sources) != len(references):
        raise BadInput(f"{args.source.name} has {len(sources)} lines but {args.reference.name} has {len(references)}")
    if args.offset < 0 or (args.limit is not None and args.limit < 1):
        raise BadInput("--offset must be 0 or more and --limit at least 1")
    end = args.offset + args.limit if args.limit else None
    if not sources[args.offset:end]:
        raise BadInput("no lines to check")
    report = checks.measure(sources[args.offset:end], references[args.offset:end], args.source_lang.lower(), args.seed,
                            Glossary.default())
    report["data"] = {"source": _shown(args.source), "reference": _shown(args.reference), "offset": args.offset,
                      "limit": args.limit}
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else checks.markdown(report), end="\n" if args.json else "")
    return 0


def main(args: argparse.Namespace) -> int:
    from ..pipeline import Pipeline

    if args.limit is not None and args.limit < 1:
        raise BadInput("--limit must be at least 1")
    config = config_from_args(args)
    pipeline = Pipeline(config)
    kind = args.eval_command
    tiers = [t.strip() for t in args.tiers.split(",") if t.strip()] if getattr(args, "tiers", None) else None
    if kind in ("summaries", "headlines"):
        items = half(load_headlines(args.data) if kind == "headlines" else load_summaries(args.data), args.half)
        items = items[: args.limit] if args.limit else items
        with progress_bar(len(items), "articles") as bar:
            if kind == "headlines":
                report = evaluate_headlines(pipeline, items, bar=bar.update)
            else:
                report = evaluate_summaries(pipeline, items, tiers=tiers, split=args.split, bar=bar.update)
        report["half"] = args.half
        data = [args.data]
    elif kind == "mt":
        sources, references = read_lines(args.source), read_lines(args.reference)
        if len(sources) != len(references):
            raise BadInput(f"{args.source.name} has {len(sources)} lines but {args.reference.name} has {len(references)}")
        if args.domain and not args.metadata:
            raise BadInput("--domain needs --metadata (the FLORES metadata TSV)")
        keep = select_domain(read_metadata(args.metadata), args.domain, len(sources)) if args.metadata else range(len(sources))
        keep = list(keep)[: args.limit] if args.limit else list(keep)
        with progress_bar(len(keep), "lines") as bar:
            report = evaluate_mt(pipeline, [sources[i] for i in keep], [references[i] for i in keep],
                                 language=args.source_lang.lower(), bar=bar.update)
        report["domain"] = args.domain
        if not args.limit and not args.domain:
            report["published"] = PUBLISHED_MT.get(args.source.stem, [])
        data = [args.source, args.reference, args.metadata]
    else:
        articles = flores_articles(read_lines(args.source), read_lines(args.reference), read_metadata(args.metadata),
                                   args.domain)
        articles = articles[: args.limit] if args.limit else articles
        with progress_bar(2 * len(articles), "article briefs") as bar:  # via translation, then direct
            report = evaluate_crosslingual(pipeline, articles, tiers=tiers, source_lang=args.source_lang,
                                           split=args.split, bar=bar.update)
        report["domain"] = args.domain
        data = [args.source, args.reference, args.metadata]
    report["data"] = data_info(*data)
    report["limit"] = args.limit
    report["environment"] = environment(config, report["engines"])
    which = getattr(args, "half", "all")
    name = "-".join(x for x in (kind, Path(data[0]).stem, getattr(args, "domain", None), which if which != "all" else None) if x)
    out = args.out or REPORTS_DIR / f"{name}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    paths = write_report(report, out)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(markdown(report), end="")
    print(f"briefs: report written to {_shown(paths['json'].parent)}/ (report.json, report.md, chart.png)", file=sys.stderr)
    return 0


