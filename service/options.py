"""The options every sub-command that runs the pipeline shares, and how they map onto Config.

The CLI builds its parser from `common_options()`; the shells (batch, eval, web, bench) turn their
arguments into a Config with `config_from_args`, so none of them imports the CLI.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .argtypes import OneLineParser, device, integer
from .config import BACKENDS, DEFAULT_MT_MODELS, DEFAULT_SUMMARIZER, ENGINES, EXTRACTIVES, SUMMARY_BACKENDS, Config
from .errors import BadInput

MAX_CHARS_LIMIT = 50_000_000  # --max-chars at most


def common_options() -> OneLineParser:
    """Options every sub-command that runs the pipeline shares; they map onto Config."""
    p = OneLineParser(add_help=False)
    g = p.add_argument_group("pipeline")
    g.add_argument("--engine", choices=ENGINES, help="auto (default): neural when its weights load, else offline")
    g.add_argument("--device", type=device, help="cpu (default), cuda or cuda:N")
    g.add_argument("--threads", type=integer(1, 1024), help="torch threads, 1 or more (default: torch's choice)")
    g.add_argument("--beams", type=integer(1, 64), dest="num_beams", help=f"MT beam size (default {Config.num_beams})")
    g.add_argument("--mt-backend", choices=BACKENDS,
                   help=f"how MT runs (default {Config.mt_backend}): ctranslate2 = CTranslate2 int8 (the 'fast' "
                        "extra; torch when missing), torch-int8 = torch dynamic int8, torch = fp32")
    g.add_argument("--summary-backend", choices=SUMMARY_BACKENDS,
                   help=f"how the summarizer runs (default {Config.summary_backend})")
    g.add_argument("--summary-beams", type=integer(1, 64),
                   help=f"summary beam size (default {Config.summary_beams}; 1: one greedy pass serves every tier)")
    g.add_argument("--summary-lookup", type=integer(0, 256), metavar="N",
                   help=f"draft tokens taken from the article per decoder call in the greedy pass (default "
                        f"{Config.summary_lookup}; same text, fewer calls; 0: off)")
    g.add_argument("--mt-model", action="append", metavar="LANG=MODEL", default=[],
                   help="MT model (hub id or local directory) for a source language; repeatable")
    g.add_argument("--summarizer-model", help=f"summarization model (default {DEFAULT_SUMMARIZER})")
    g.add_argument("--max-chars", type=integer(1, MAX_CHARS_LIMIT), help=f"largest accepted input, in characters (default {Config.max_chars})")
    g.add_argument("--glossary", type=Path, help="extra glossary TSV (source<TAB>English), applied to every engine")
    g.add_argument("--extractive", choices=EXTRACTIVES,
                   help=f"offline summarizer (default {Config.extractive}): tfidf, or minilm sentence embeddings "
                        "(the 'offline' extra)")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    return p


# Flags whose parsed value is the Config field of the same name (None: the Config default).
_PLAIN_SETTINGS = ("engine", "device", "threads", "num_beams", "mt_backend", "summary_backend", "summary_beams",
                   "summary_lookup", "summarizer_model", "max_chars", "glossary", "extractive")


def config_from_args(args: argparse.Namespace) -> Config:
    mt_models = dict(DEFAULT_MT_MODELS)
    for item in getattr(args, "mt_model", []) or []:
        lang, sep, model = item.partition("=")
        if not sep or not lang or not model:
            raise BadInput(f"--mt-model expects LANG=MODEL, got '{item}'")
        mt_models[lang.strip().lower()] = model.strip()
    tiers = getattr(args, "tiers", None)
    plain = {name: getattr(args, name, None) for name in _PLAIN_SETTINGS}
    return Config().with_(
        **plain,
        tiers=tuple(t.strip() for t in tiers.split(",") if t.strip()) if tiers is not None else None,
        mt_models=mt_models,
    )
