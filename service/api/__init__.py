"""The JSON API, version 1: the same Pipeline as the page, for programs other than a browser.

Served by the page's own process: `app_kwargs()` hands these routes to the FastAPI app Gradio
builds at launch (its routes come first, so Gradio's never shadow them), and the schema of exactly
these routes is at /api/v1/openapi.json.

    POST /api/v1/brief          the result contract (text, source_lang, tiers, engine)
    POST /api/v1/translate      translation only
    POST /api/v1/detect         language and confidence, whole text and each paragraph
    GET  /api/v1/languages      routes (source -> English) and the engines that serve them
    POST /api/v1/check          the fidelity report of a source and its translation (`briefs check`)
    POST /api/v1/documents      upload a .txt/.html/.docx/.pdf or a JSONL batch -> a job id
    GET  /api/v1/documents/{id} (+ /result?format=json|markdown|docx)   see service/jobs.py
    GET  /healthz               liveness, never needs a key
    GET  /metrics               Prometheus text format

Keys: with none configured, requests from this machine (loopback) need none and others are
refused; with keys (BRIEFS_API_KEYS=k1,k2 or `--api-keys FILE`, one a line; only their SHA-256 is
kept) every request but /healthz needs `Authorization: Bearer KEY`. Each key (or "anonymous")
has a requests-per-minute and a characters-per-day allowance; over it: 429 with Retry-After.
Errors: {"error": {"code", "message"}}, the CLI's one-line message, status from the exit code
(2 -> 400, or 413 when too large; 3 -> 503; 1 -> 500).

Modules: schemas (ApiError, request and answer models), store (keys, quotas, metrics, turns),
routes (Api, InTurn, the route class), answers (what /detect, /languages and /check compute);
this one: the `briefs web` options.
"""

import os

from ..errors import BadInput
from .answers import detect_languages, fidelity_report, languages_info
from .routes import OPEN_PATHS, PREFIX, Api, InTurn
from .schemas import ApiError, api_error, schema_models
from .store import DEFAULT_CHARS_PER_DAY, DEFAULT_RATE, KEYS_ENV, LOOPBACK, Metrics, Quotas, Turns, read_keys

__all__ = ["DEFAULT_CHARS_PER_DAY", "DEFAULT_RATE", "KEYS_ENV", "LOOPBACK", "OPEN_PATHS", "PREFIX", "Api", "ApiError",
           "InTurn", "Metrics", "Quotas", "Turns", "add_arguments", "api_error", "detect_languages",
           "fidelity_report", "from_args", "languages_info", "read_keys", "schema_models"]


# ---- the shell: `briefs web` options --------------------------------------------------------------------------
def add_arguments(p) -> None:
    g = p.add_argument_group("API (/api/v1)")
    g.add_argument("--api-keys", metavar="FILE",
                   help=f"API keys, one a line (or {KEYS_ENV}=k1,k2); with none, only this machine may call the API")
    g.add_argument("--api-rate", type=int, default=DEFAULT_RATE, metavar="N",
                   help=f"requests per minute per key (default {DEFAULT_RATE}; 0: no limit)")
    g.add_argument("--api-chars-per-day", type=int, default=DEFAULT_CHARS_PER_DAY, metavar="N",
                   help=f"input characters per key per UTC day (default {DEFAULT_CHARS_PER_DAY:,}; 0: no limit)")
    g.add_argument("--jobs-dir", metavar="DIR", help="document jobs (default: $BRIEFS_CACHE/api-jobs)")


def from_args(args, pipeline) -> Api:
    for flag in ("api_rate", "api_chars_per_day"):
        if getattr(args, flag) < 0:
            raise BadInput(f"--{flag.replace('_', '-')} must be 0 or more, got {getattr(args, flag)}")
    keys = read_keys(os.environ.get(KEYS_ENV), args.api_keys)
    return Api(pipeline, keys=keys, rate=args.api_rate, chars_per_day=args.api_chars_per_day, jobs_dir=args.jobs_dir)
