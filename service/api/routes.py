"""The v1 routes: Api (wiring into FastAPI, key checks, charging, the endpoints themselves),
InTurn (the page's Pipeline taking its turn like the API's), and the route class every request
goes through (key and allowance first, errors as {"error": ...}, metrics after)."""

import hmac
import logging
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Literal

from ..errors import BriefsError
from ..jobs import JobError
from .answers import detect_languages, fidelity_report, languages_info
from .schemas import ApiError, _validation_message, api_error, schema_models
from .store import DEFAULT_CHARS_PER_DAY, DEFAULT_RATE, KEYS_ENV, LOOPBACK, Metrics, Quotas, Turns, _digest

PREFIX = "/api/v1"
_log = logging.getLogger("briefs.api")


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
