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
"""

import hashlib
import hmac
import logging
import os
import shutil
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import asdict
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Literal

from ..errors import BadInput, BriefsError
from ..jobs import JobError

PREFIX = "/api/v1"
KEYS_ENV = "BRIEFS_API_KEYS"
LOOPBACK = ("127.0.0.1", "::1", "localhost")
DEFAULT_RATE = 60  # requests per minute per key
DEFAULT_CHARS_PER_DAY = 2_000_000  # characters of input per key per UTC day
_log = logging.getLogger("briefs.api")


# ---- errors -------------------------------------------------------------------------------------
class ApiError(Exception):
    """An answer other than 2xx: HTTP status, a short code, the one-line message, extra headers."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, " ".join(message.split()), headers or {}

    def response(self):
        from fastapi.responses import JSONResponse

        return JSONResponse({"error": {"code": self.code, "message": self.message}}, status_code=self.status,
                            headers=self.headers)


def api_error(err: BriefsError) -> ApiError:
    """The HTTP answer for a pipeline error: the exit code decides the status."""
    message = str(err)
    if err.exit_code == 2:
        if message.startswith("input is too long"):
            return ApiError(413, "too_large", message)
        return ApiError(400, "bad_input", message)
    if err.exit_code == 3:
        return ApiError(503, "engine_unavailable", message)
    return ApiError(500, "internal", message)


def _validation_message(err) -> str:
    """pydantic's list of errors as the one line a user needs: field, then what is wrong."""
    parts = []
    for e in err.errors()[:3]:
        if e.get("type") == "json_invalid":
            return "the request body is not valid JSON"
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


# ---- keys and quotas --------------------------------------------------------------------------------
def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def read_keys(env_value: str | None = None, path: str | Path | None = None) -> frozenset[str]:
    """SHA-256 digests of the configured keys (comma-separated env value, and/or a file with one
    key a line, '#' comments); the keys themselves are not kept."""
    keys = [k.strip() for k in (env_value or "").split(",")]
    if path:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise BadInput(f"--api-keys {path}: cannot read it ({getattr(err, 'strerror', None) or err})") from None
        keys += [line.strip() for line in lines if not line.lstrip().startswith("#")]
        if not any(keys):
            raise BadInput(f"--api-keys {path}: no keys in it (one key a line)")
    return frozenset(_digest(k) for k in keys if k)


class Quotas:
    """Per key: at most `rate` requests in any 60 s, and `chars_per_day` characters per UTC day
    (0: no limit). Counts live in memory; a restart starts them afresh."""

    def __init__(self, rate: int = DEFAULT_RATE, chars_per_day: int = DEFAULT_CHARS_PER_DAY, clock=time.time):
        self.rate, self.chars_per_day, self.clock = rate, chars_per_day, clock
        self._requests: dict[str, deque] = {}
        self._chars: dict[str, tuple[int, int]] = {}  # key -> (day number, characters used)
        self._lock = threading.Lock()

    def request(self, who: str) -> None:
        if not self.rate:
            return
        now = self.clock()
        with self._lock:
            window = self._requests.setdefault(who, deque())
            while window and window[0] <= now - 60:
                window.popleft()
            if len(window) >= self.rate:
                wait = max(1, int(window[0] + 60 - now + 0.999))
                raise ApiError(429, "rate_limited", f"over {self.rate} requests per minute; retry in {wait} s",
                               {"Retry-After": str(wait)})
            window.append(now)

    def characters(self, who: str, n: int) -> None:
        """Charge `n` characters to today's allowance, or refuse the request (nothing charged)."""
        if not self.chars_per_day:
            return
        now = self.clock()
        today = int(now // 86400)
        with self._lock:
            day, used = self._chars.get(who, (today, 0))
            used = used if day == today else 0
            if used + n > self.chars_per_day:
                wait = max(1, int((today + 1) * 86400 - now + 0.999))
                raise ApiError(429, "quota_exceeded",
                               f"over {self.chars_per_day:,} characters per day ({used:,} used, this request "
                               f"{n:,}); the allowance renews at 00:00 UTC", {"Retry-After": str(wait)})
            self._chars[who] = (today, used + n)


# ---- metrics -----------------------------------------------------------------------------------------
class Metrics:
    """Prometheus metrics in their own registry (one per Api, so tests can start several)."""

    def __init__(self):
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry()
        self.requests = Counter("briefs_api_requests", "API requests answered", ["endpoint", "method", "status"],
                                registry=self.registry)
        self.latency = Histogram("briefs_api_request_seconds", "API request latency", ["endpoint"],
                                 buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
                                 registry=self.registry)
        self.queue = Gauge("briefs_queue_length", "Pipeline runs waiting for their turn (API requests and "
                           "document job batches)", registry=self.registry)
        self.jobs = Gauge("briefs_document_jobs", "Document jobs by status", ["status"], registry=self.registry)
        self.fallbacks = Counter("briefs_engine_fallbacks", "Results an engine fallback served, by stage",
                                 ["stage"], registry=self.registry)
        self.characters = Counter("briefs_api_characters", "Input characters accepted", registry=self.registry)

    def count_fallbacks(self, warnings: list[str]) -> None:
        for w in warnings:
            if w.startswith("neural MT") and "; used " in w:
                self.fallbacks.labels("translate").inc()
            elif w.startswith("summarization") and "; used " in w:
                self.fallbacks.labels("summarize").inc()
            elif "ran on the slower torch backend" in w:
                self.fallbacks.labels("mt_backend").inc()


class Turns:
    """One pipeline run at a time for everything the API starts (requests and job batches): a run
    already uses every core, and fast tokenizers are not safe from two threads at once."""

    def __init__(self, metrics: Metrics):
        self._lock = threading.Lock()
        self._waiting = 0
        self._count = threading.Lock()
        self.metrics = metrics

    @contextmanager
    def turn(self):
        with self._count:
            self._waiting += 1
            self.metrics.queue.set(self._waiting)
        try:
            self._lock.acquire()
        finally:
            with self._count:
                self._waiting -= 1
                self.metrics.queue.set(self._waiting)
        try:
            yield
        finally:
            self._lock.release()


# ---- request bodies and answers (also the OpenAPI schema) -------------------------------------------
@cache
def schema_models() -> SimpleNamespace:
    """The pydantic models of request bodies and answers (imported only when the API is built)."""
    from pydantic import BaseModel, ConfigDict, Field

    Engine = Literal["auto", "neural", "offline"]

    class BriefRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        text: str = Field(description="the article: plain text or HTML")
        source_lang: str | None = Field(None, description="ISO code; omitted or 'auto': detected")
        tiers: list[str] | None = Field(None, description="tiers to write (default: all); [] translation only")
        engine: Engine | None = Field(None, description="auto (default), neural or offline")

    class TranslateRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        text: str
        source_lang: str | None = None
        engine: Engine | None = None

    class DetectRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        text: str

    class CheckRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        source: str = Field(description="the source article")
        translation: str = Field(description="its English translation")
        source_lang: str | None = None

    class CorrectionRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        source: str = Field(description="one source sentence, as in translation.sentences[].source")
        text: str = Field(description="the editor's English for it")
        who: str = Field(description="the editor's name, stored with the correction")
        source_lang: str | None = Field(None, description="ISO code of the source (default it)")
        engine: Engine | None = Field(None, description="the engine whose output it replaces (default auto)")

    class SuggestionsRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        sentences: list[str] = Field(description="source sentences to find close human entries for")

    class ErrorBody(BaseModel):
        code: str
        message: str

    class ErrorResponse(BaseModel):
        error: ErrorBody

    class Source(BaseModel):
        language: str
        confidence: float
        chars: int
        paragraphs: int
        mixed_languages: list[str]

    class Translation(BaseModel):
        model_config = ConfigDict(extra="allow")
        text: str
        engine: str
        paragraphs: list[str]

    class Brief(BaseModel):
        model_config = ConfigDict(extra="allow")
        tier: str
        text: str
        words: int
        engine: str

    class Result(BaseModel):
        """The result contract (DESIGN.md); more fields may be added."""

        model_config = ConfigDict(extra="allow")
        source: Source
        translation: Translation
        briefs: list[Brief]
        warnings: list[str]
        timings_ms: dict[str, int]

    return SimpleNamespace(**{k: v for k, v in locals().items() if isinstance(v, type)})


# ---- the API -------------------------------------------------------------------------------------------
class Api:
    """The v1 routes over one Pipeline. `keys`: digests from `read_keys` (empty: loopback needs no
    key); `jobs_dir`: where document jobs live (None: a folder under the cache dir)."""

    def __init__(self, pipeline, *, keys: frozenset[str] = frozenset(), rate: int = DEFAULT_RATE,
                 chars_per_day: int = DEFAULT_CHARS_PER_DAY, jobs_dir: str | Path | None = None,
                 start_jobs: bool = True, clock=time.time):
        self.pipeline = pipeline
        self.config = pipeline.config
        self.keys = keys
        self.quotas = Quotas(rate, chars_per_day, clock)
        self.metrics = Metrics()
        self.turns = Turns(self.metrics)
        self.jobs_dir = Path(jobs_dir) if jobs_dir else self.config.cache_dir / "api-jobs"
        self._jobs = None
        self._start_jobs = start_jobs
        self._jobs_lock = threading.Lock()

    # ---- wiring ---------------------------------------------------------------------------------
    def app_kwargs(self) -> dict:
        """FastAPI arguments for Gradio's launch(app_kwargs=...): these routes first."""
        return {"routes": list(self.router().routes)}

    def router(self):
        from fastapi import APIRouter

        if getattr(self, "_router", None) is None:
            self._router = APIRouter(route_class=_route_class(self))
            self._add_routes(self._router)
        return self._router

    def openapi(self) -> dict:
        from fastapi.openapi.utils import get_openapi

        if getattr(self, "_schema", None) is None:
            self._schema = get_openapi(
                title="briefs API", version="1", routes=self.router().routes,
                description="English translation and tiered briefs of foreign-language news. Errors are "
                            '{"error": {"code", "message"}}; with keys configured send Authorization: Bearer KEY.')
        return self._schema

    @property
    def jobs(self):
        from ..jobs import Jobs

        with self._jobs_lock:
            if self._jobs is None:
                self._jobs = Jobs(self.jobs_dir, self.config, turns=self.turns, metrics=self.metrics,
                                  start=self._start_jobs)
            return self._jobs

    def start(self) -> None:
        """Pick up document jobs a previous server left unfinished (state is on disk)."""
        if self._start_jobs and self.jobs_dir.is_dir():
            self.jobs  # noqa: B018 - creating it resumes the queue

    def close(self) -> None:
        if self._jobs is not None:
            self._jobs.close()

    # ---- checks every request goes through --------------------------------------------------------
    def authorize(self, request) -> str:
        """Who is asking (a key digest's prefix, or "anonymous"); ApiError 401 otherwise."""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if not self.keys:
            host = request.client.host if request.client else ""
            if host in LOOPBACK or host.startswith("127."):
                return "anonymous"
            raise ApiError(401, "unauthorized", f"no API keys are configured, so only this machine may call the "
                           f"API; set {KEYS_ENV} or --api-keys to serve others")
        if not header:
            raise ApiError(401, "unauthorized", "missing API key: send the header Authorization: Bearer KEY",
                           {"WWW-Authenticate": "Bearer"})
        digest = _digest(token.strip())
        if scheme.lower() != "bearer" or not any(hmac.compare_digest(digest, k) for k in self.keys):
            raise ApiError(401, "unauthorized", "wrong API key", {"WWW-Authenticate": "Bearer"})
        return digest[:12]

    def charge(self, request, text: str) -> None:
        who = request.state.who
        self.quotas.characters(who, len(text))
        self.metrics.characters.inc(len(text))

    def in_turn(self, pipeline) -> "InTurn":
        """`pipeline` for the page: its runs wait for their turn like the API's."""
        return InTurn(pipeline, self)

    def run(self, text: str, **kw):
        """Pipeline.run in turn; pipeline errors become ApiErrors."""
        try:
            with self.turns.turn():
                result = self.pipeline.run(text, **kw)
        except BriefsError as err:
            raise api_error(err) from None
        self.metrics.count_fallbacks(result.warnings)
        return result

    # ---- routes -----------------------------------------------------------------------------------
    def _add_routes(self, r) -> None:
        from fastapi import File, Form, Query, Request, UploadFile
        from fastapi.responses import JSONResponse, PlainTextResponse, Response

        M = schema_models()
        errors = {s: {"model": M.ErrorResponse} for s in (400, 401, 413, 429, 503)}

        @r.post(f"{PREFIX}/brief", responses={200: {"model": M.Result}, **errors}, tags=["briefs"],
                summary="Translate and brief one article")
        def brief(body: M.BriefRequest, request: Request):  # type: ignore[name-defined]  # models built at runtime
            self.charge(request, body.text)
            result = self.run(body.text, source_lang=_lang(body.source_lang), tiers=body.tiers, engine=body.engine)
            return JSONResponse(result.to_dict())

        @r.post(f"{PREFIX}/translate", responses=errors, tags=["briefs"], summary="Translate one article (no briefs)")
        def translate(body: M.TranslateRequest, request: Request):  # type: ignore[name-defined]  # models built at runtime
            self.charge(request, body.text)
            result = self.run(body.text, source_lang=_lang(body.source_lang), tiers=[], engine=body.engine)
            d = result.to_dict()
            return JSONResponse({k: d[k] for k in ("source", "translation", "warnings", "timings_ms")})

        @r.post(f"{PREFIX}/detect", responses=errors, tags=["briefs"],
                summary="Language of the text and of each paragraph, with confidence")
        def detect(body: M.DetectRequest, request: Request):  # type: ignore[name-defined]  # models built at runtime
            self.charge(request, body.text)
            try:
                return JSONResponse(detect_languages(body.text, self.config))
            except BriefsError as err:
                raise api_error(err) from None

        @r.get(f"{PREFIX}/languages", responses=errors, tags=["briefs"], summary="Routes to English and their engines")
        def languages():
            return JSONResponse(languages_info(self.config))

        @r.post(f"{PREFIX}/check", responses=errors, tags=["briefs"],
                summary="Fidelity report of a source and its translation")
        def check(body: M.CheckRequest, request: Request):  # type: ignore[name-defined]  # models built at runtime
            self.charge(request, body.source + body.translation)
            try:
                return JSONResponse(fidelity_report(body.source, body.translation, _lang(body.source_lang), self))
            except BriefsError as err:
                raise api_error(err) from None

        @r.post(f"{PREFIX}/corrections", status_code=201, responses=errors, tags=["memory"],
                summary="Store an editor's correction of one sentence (wins over machine output from now on)")
        def corrections(body: M.CorrectionRequest, request: Request):  # type: ignore[name-defined]  # models built at runtime
            self.charge(request, body.source + body.text)
            if not body.source.strip() or not body.text.strip():
                raise ApiError(400, "bad_input", "a correction needs the source sentence and its English")
            try:
                with self.turns.turn():
                    entry = self.pipeline.correct(body.source, body.text, who=body.who,
                                                  language=_lang(body.source_lang) or "it", engine=body.engine)
            except BriefsError as err:
                raise api_error(err) from None
            return JSONResponse(entry.as_dict(), status_code=201)

        @r.post(f"{PREFIX}/suggestions", responses=errors, tags=["memory"],
                summary="Human entries close to each source sentence (shown to editors, never applied)")
        def suggestions(body: M.SuggestionsRequest, request: Request):  # type: ignore[name-defined]  # models built at runtime
            self.charge(request, "".join(body.sentences))
            found = self.pipeline.suggestions(body.sentences)
            return JSONResponse({k: [asdict(x) for x in v] for k, v in found.items()})

        @r.post(f"{PREFIX}/documents", status_code=202, responses=errors, tags=["documents"],
                summary="Upload a document (.txt .html .docx .pdf) or a JSONL batch; returns a job")
        def submit(request: Request, file: UploadFile = File(...),  # noqa: B008 - FastAPI's way
                   tiers: str | None = Form(None, description="comma-separated tiers (default: all); none: translation only"),
                   source_lang: str | None = Form(None), engine: Literal["auto", "neural", "offline"] | None = Form(None)):
            # a form cannot send an empty list (an empty field reads as missing): "none" means no briefs
            tier_list = None if tiers is None else [t.strip() for t in tiers.split(",") if t.strip() not in ("", "none")]
            data = file.file.read(self.jobs_limit + 1)
            if len(data) > self.jobs_limit:
                raise ApiError(413, "too_large", f"upload is over {self.jobs_limit:,} bytes")
            try:
                job = self.jobs.submit(file.filename or "upload.txt", data, tiers=tier_list,
                                       source_lang=_lang(source_lang), engine=engine,
                                       charge=lambda n: self.quotas.characters(request.state.who, n))
            except BriefsError as err:
                raise api_error(err) from None
            return JSONResponse(job, status_code=202, headers={"Location": f"{PREFIX}/documents/{job['id']}"})

        @r.get(f"{PREFIX}/documents/{{job_id}}", responses=errors, tags=["documents"], summary="A job's status and progress")
        def status(job_id: str):
            return JSONResponse(self.jobs.status(job_id))

        @r.get(f"{PREFIX}/documents/{{job_id}}/result", responses=errors, tags=["documents"],
               summary="A finished job's result: JSON, Markdown or .docx")
        def result(job_id: str, format: Literal["json", "markdown", "docx"] = Query("json")):
            body, media, name = self.jobs.result(job_id, format)
            if format == "json":
                return JSONResponse(body)
            return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})

        @r.get(f"{PREFIX}/openapi.json", include_in_schema=False)
        def schema():
            return JSONResponse(self.openapi())

        @r.get("/healthz", tags=["service"], summary="Liveness (no key needed)")
        def healthz():
            return JSONResponse({"status": "ok", "engine": self.config.engine})

        @r.get("/metrics", tags=["service"], summary="Prometheus metrics")
        def metrics():
            from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

            if self._jobs is not None:
                for state, n in self._jobs.counts().items():
                    self.metrics.jobs.labels(state).set(n)
            return PlainTextResponse(generate_latest(self.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @property
    def jobs_limit(self) -> int:
        """Largest upload, in bytes: a document of max_chars characters, or a JSONL batch of 50 of them."""
        return self.config.max_chars * 4 * 50


class InTurn:
    """A Pipeline whose run/run_many take their turn (Api.turns) and count engine fallbacks."""

    def __init__(self, pipeline, api: Api):
        self._pipeline, self._api = pipeline, api

    def __getattr__(self, name):
        return getattr(self._pipeline, name)

    def run(self, *args, **kw):
        with self._api.turns.turn():
            result = self._pipeline.run(*args, **kw)
        self._api.metrics.count_fallbacks(result.warnings)
        return result

    def run_many(self, *args, **kw):
        with self._api.turns.turn():
            results = self._pipeline.run_many(*args, **kw)
        for r in results:
            self._api.metrics.count_fallbacks(getattr(r, "warnings", []))
        return results


OPEN_PATHS = ("/healthz",)


def _route_class(api: Api):
    """Every v1 route: key and request allowance first, errors as {"error": ...}, metrics after."""
    from fastapi.exceptions import HTTPException, RequestValidationError
    from fastapi.routing import APIRoute

    class Route(APIRoute):
        def get_route_handler(self):
            handler = super().get_route_handler()
            endpoint = self.path

            async def run(request):
                t0 = time.perf_counter()
                try:
                    if endpoint not in OPEN_PATHS:
                        request.state.who = api.authorize(request)
                        if request.method != "GET":  # reads (job status polls, results) cost nothing
                            api.quotas.request(request.state.who)
                        size = request.headers.get("content-length", "")
                        if size.isdigit() and int(size) > api.jobs_limit + 65536:
                            raise ApiError(413, "too_large", f"request body is over {api.jobs_limit:,} bytes")
                    response = await handler(request)
                except ApiError as err:
                    response = err.response()
                except JobError as err:
                    response = ApiError(err.status, err.code, str(err)).response()
                except RequestValidationError as err:
                    response = ApiError(400, "bad_input", _validation_message(err)).response()
                except HTTPException as err:
                    response = ApiError(err.status_code, "http", str(err.detail)).response()
                except Exception as err:  # noqa: BLE001 - one line to the caller, the traceback to the log
                    _log.exception("API request failed")
                    response = ApiError(500, "internal", f"unexpected error: {type(err).__name__}: {err}").response()
                api.metrics.requests.labels(endpoint, request.method, str(response.status_code)).inc()
                api.metrics.latency.labels(endpoint).observe(time.perf_counter() - t0)
                return response

            return run

    return Route


def _lang(value: str | None) -> str | None:
    return None if value in (None, "", "auto") else value


# ---- what the endpoints compute ------------------------------------------------------------------------------
def detect_languages(text: str, config) -> dict:
    """Whole-text language and confidence, plus each paragraph's ranked candidates."""
    from ..detect import _langs, detect
    from ..text import clean, paragraphs

    paras = paragraphs(clean(text, config.max_chars))
    found = detect(paras, min_chars=config.min_detect_chars, min_confidence=config.min_detect_confidence)
    per = []
    for k, p in enumerate(paras):
        ranked = _langs(p) if sum(ch.isalpha() for ch in p) >= config.min_detect_chars else []
        per.append({"index": k, "chars": len(p),
                    "languages": [{"language": lang, "confidence": round(prob, 4)} for lang, prob in ranked[:3]]})
    return {"language": found.language, "confidence": found.confidence,
            "mixed_languages": found.mixed_languages, "paragraphs": per}


def languages_info(config) -> dict:
    """Every source language with a route to English, and which engine serves it."""
    from ..config import ENGINES, MULTILINGUAL_LANGUAGES
    from ..render import language_name
    from ..translate.apertium import PIVOTS, ApertiumTranslator

    apertium = shutil.which(os.environ.get("BRIEFS_APERTIUM", "apertium"))
    routes: list[dict[str, str | None]] = [{"source": "en", "name": "English", "neural": "identity",
                                            "offline": "identity"}]
    for code in sorted({*config.mt_models, *(MULTILINGUAL_LANGUAGES if config.mt_fallback else ())}):
        if code == "en" or not config.mt_model_for(code):
            continue
        offline = None
        if code in ApertiumTranslator.languages:
            dirs = PIVOTS[code]
            offline = "apertium:" + "-".join([dirs[0].split("-")[0]] + [d.split("-")[1] for d in dirs])
        routes.append({"source": code, "name": language_name(code), "neural": config.mt_model_for(code),
                       "offline": offline})
    return {"target": "en", "engines": list(ENGINES), "default_engine": config.engine,
            "summarizers": {"neural": f"seq2seq:{config.summarizer_model}", "offline": "extractive"},
            "offline_available": apertium is not None, "routes": routes}


def fidelity_report(source: str, translation: str, source_lang: str | None, api: Api) -> dict:
    """briefs.fidelity's report for a translation made elsewhere (`briefs check`'s): the source's
    sentences aligned to the translation's, each pair checked (names, numbers, untranslated words,
    length, loops, dropped sentences)."""
    from .. import fidelity
    from ..detect import detect
    from ..text import clean, paragraphs

    config = api.config
    if source_lang is None:
        found = detect(paragraphs(clean(source, config.max_chars)), min_chars=config.min_detect_chars,
                       min_confidence=config.min_detect_confidence)
        source_lang = found.language
    clean(translation, config.max_chars)  # empty or too long: 400 / 413 like any text
    checks = fidelity.check_texts(source, translation, source_lang.lower(), api.pipeline.glossary())
    return {"source_lang": source_lang.lower(), "checks": [c.to_dict() for c in checks]}


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
