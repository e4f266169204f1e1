"""`briefs web`: the staff web page (Gradio Blocks), a thin shell over the one `Pipeline`.

One Pipeline per process serves every request (models load once, lazily or at start-up); Gradio's
queue runs at most `concurrency` requests at a time and keeps the others waiting with their place
shown. The Run button's event is also the HTTP API `/brief`, returning the JSON result contract:

    from gradio_client import Client
    result = Client("http://127.0.0.1:7860/").predict(text, api_name="/brief")

Nothing here reaches the internet: analytics and the version check are off, there is no share
link, and the theme's fonts are served by Gradio itself.
"""

from __future__ import annotations

import argparse
import atexit
import html
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

from .. import api
from ..argtypes import integer
from ..config import ENGINES, SEED
from ..documents import SUFFIXES, describe
from ..errors import BadInput, BriefsError

AUTH_ENV = "BRIEFS_WEB_AUTH"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
SEED_LABEL = "Italian news: critical-minerals conference in Washington (askanews)"
UPLOAD_TYPES = list(SUFFIXES)  # briefs.documents: the one table of formats
# Login throttle (per client address): after LOGIN_FAILURES wrong logins within LOGIN_WINDOW_S
# seconds, that client's logins are answered 429 until the window has passed.
LOGIN_FAILURES, LOGIN_WINDOW_S = 5, 60.0
# The brief boxes are as tall as their text at every width (Gradio sizes a textarea once, when its
# value changes, so a narrower window clipped the headline's second line); progress by Run.
PAGE_CSS = """
[id^="brief-"] textarea { field-sizing: content; height: auto !important; max-height: none !important;
                          min-height: 2.2em; overflow-y: hidden !important; }
#status { min-height: 2.5em; }
"""
DEFAULT_MAX_BATCH = 16  # requests run together at most (service/batcher.py; README "Speed")
_log = logging.getLogger("briefs.web")


def _no_phoning_home() -> None:
    """Before gradio is imported: no telemetry, no version check, no cached-example runs at start."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("GRADIO_CACHE_EXAMPLES", "false")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


# ---- CLI ----------------------------------------------------------------------------------------
def register(subparsers, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("web", parents=[common], help="serve the staff web page (and its /brief API)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=integer(1, 65535), default=7860, help="port (default 7860)")
    p.add_argument("--auth", metavar="USER:PASSWORD",
                   help=f"require this staff login (or set {AUTH_ENV}=user:password)")
    p.add_argument("--no-preload", dest="preload", action="store_false",
                   help="load models on the first request instead of at start-up")
    p.add_argument("--max-batch", type=integer(1, 256), default=DEFAULT_MAX_BATCH, metavar="N",
                   help=f"requests that arrive together run as one batch, at most N (default {DEFAULT_MAX_BATCH}; 1: one at a time)")
    api.add_arguments(p)
    p.set_defaults(func=main)


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """'user:password' -> (user, password); the password may contain ':'."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user.strip() or not password:
        raise BadInput(f"--auth / {AUTH_ENV} expects USER:PASSWORD (both non-empty)")
    return user.strip(), password


def main(args: argparse.Namespace) -> int:
    from ..options import config_from_args
    from ..pipeline import Pipeline

    auth = parse_auth(args.auth or os.environ.get(AUTH_ENV))
    check_port(args.host, args.port)  # before the models load, not after
    from ..translate.memory import location

    config = config_from_args(args).with_(memory=location())  # BRIEFS_MEMORY, else the default file
    pipeline = Pipeline(config)
    if args.preload:
        for line in preload(pipeline):
            print(f"briefs web: {line}", file=sys.stderr)
    if args.host not in LOOPBACK and not auth:
        print(f"briefs web: warning: serving on {args.host} without a login (use --auth or {AUTH_ENV})",
              file=sys.stderr)
    rest = api.from_args(args, pipeline)
    if args.host not in LOOPBACK and not rest.keys:
        print(f"briefs web: warning: the API answers only this machine without keys ({api.KEYS_ENV} or --api-keys)",
              file=sys.stderr)
    app = build_app(rest.in_turn(pipeline), max_batch=args.max_batch)  # the page's runs and the API's take turns
    rest.start()
    _terminate_as_interrupt()
    launch(app, host=args.host, port=args.port, auth=auth, api=rest, quiet=True)  # quiet: no share-link hint
    return 0


def check_port(host: str, port: int) -> None:
    """BadInput (exit 2, one line) when `port` cannot be bound on `host`."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        raise BadInput(f"--host {host}: not an address of this machine ({err.strerror})") from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        try:
            s.bind(address)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise BadInput(f"port {port} on {host} is already in use; stop what uses it or pass another --port") from None
            raise BadInput(f"cannot serve on {host}:{port}: {err.strerror or err}") from None


def _terminate_as_interrupt() -> None:
    """SIGTERM ends the server as Ctrl-C does, so exit handlers run (the result folder is removed)."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        def stop(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)


def preload(pipeline, language: str = "it") -> list[str]:
    """Create the default engines now so the first visitor does not wait for model loading."""
    lines = []
    try:
        translator, warnings = pipeline.translator(language)
        summarizer, more = pipeline.summarizer()
        lines.append(f"engines ready: {translator.name}, {summarizer.name}")
        lines += warnings + more
    except BriefsError as err:
        lines.append(f"warning: {err}")
    return lines


def launch(app, *, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None,
           prevent_thread_lock: bool = False, quiet: bool = False, api=None):
    """Serve `app` locally: no share link, no SSR node server, no MCP, no monitoring endpoint;
    `api` (briefs.api.Api): its /api/v1 routes, /healthz and /metrics on the same server."""
    from starlette.middleware import Middleware

    if quiet and not prevent_thread_lock:
        print(f"briefs web: serving on http://{host}:{port}/ (Ctrl-C to stop)", file=sys.stderr)
    app_kwargs = dict(api.app_kwargs()) if api else {}
    app_kwargs["middleware"] = [Middleware(LoginThrottle, failures=LOGIN_FAILURES, window_s=LOGIN_WINDOW_S)]
    return app.launch(
        server_name=host, server_port=port, auth=auth, auth_message="Staff login" if auth else None,
        share=False, inbrowser=False, prevent_thread_lock=prevent_thread_lock, quiet=quiet,
        show_error=False, ssr_mode=False, mcp_server=False, pwa=False, enable_monitoring=False,
        footer_links=["api"], max_file_size="20mb", css=PAGE_CSS,
        app_kwargs=app_kwargs,
    )


class LoginThrottle:
    """ASGI middleware in front of Gradio's POST /login: a client (by address) with `failures`
    wrong logins within `window_s` seconds gets 429 and Retry-After, without its password being
    checked, until the oldest of those failures is `window_s` old. A good login clears its count."""

    def __init__(self, app, failures: int = LOGIN_FAILURES, window_s: float = LOGIN_WINDOW_S):
        import collections
        import threading

        self.app, self.failures, self.window_s = app, failures, window_s
        self._seen: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "POST" or not scope.get("path", "").rstrip("/").endswith("/login"):
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("?", 0))[0]
        now = time.monotonic()
        with self._lock:
            seen = self._seen[client]
            while seen and now - seen[0] > self.window_s:
                seen.popleft()
            wait = self.window_s - (now - seen[0]) if len(seen) >= self.failures else 0
        if wait > 0:
            _log.warning("login throttled for %s (%d failures)", client, len(seen))
            body = json.dumps({"detail": f"Too many failed logins; try again in {int(wait) + 1} s."}).encode()
            await send({"type": "http.response.start", "status": 429,
                        "headers": [(b"content-type", b"application/json"), (b"retry-after", str(int(wait) + 1).encode()),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return None
        status = {}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        with self._lock:
            if status.get("code") == 200:
                self._seen.pop(client, None)
            elif status.get("code", 400) >= 400:
                self._seen[client].append(time.monotonic())
        return None


# ---- the page -------------------------------------------------------------------------------------
def build_app(pipeline, *, concurrency: int = 1, queue_size: int = 100, max_batch: int = 1):
    """The Blocks page over `pipeline` (shared by every request). Not launched.

    `concurrency` is how many pipeline runs go at once; the default 1 is deliberate: a run already
    uses every CPU core, and transformers' fast tokenizers are not safe to call from two threads at
    once ("Already borrowed"). Waiting requests queue (at most `queue_size`) and see their place.
    With `max_batch` > 1 requests that arrive together run as one batch (service/batcher.py: one
    pipeline thread, shared decoder passes); up to 2 * max_batch requests are let through to it, so
    a request waits behind at most one batch."""
    _no_phoning_home()
    import gradio as gr

    from ..render import LANGUAGE_NAMES, fidelity_html, language_name, side_by_side_html
    from ..summarize import load_tiers

    config = pipeline.config
    tiers = load_tiers(config.prompts_dir, config.tiers)
    all_tiers = {t.name: t for t in load_tiers(config.prompts_dir)}
    languages = [("auto-detect", "auto")] + [
        (f"{language_name(code)} ({code})", code)
        for code in sorted({*config.mt_models, "en", *(c for c in LANGUAGE_NAMES if config.mt_model_for(c))})
    ]
    outdir = Path(tempfile.mkdtemp(prefix="briefs-web-"))
    atexit.register(shutil.rmtree, outdir, ignore_errors=True)
    seed = SEED.read_text(encoding="utf-8") if SEED.is_file() else None
    if max_batch > 1:
        from ..batcher import Batcher

        batcher = Batcher(pipeline, max_batch=max_batch)
        run_one, concurrency = batcher.run, 2 * max_batch
    else:
        batcher, run_one = None, pipeline.run

    def brief(text: str, file: str | None = None, source_lang: str = "auto", tier_names: list[str] | None = None,
              engine: str | None = None, progress=gr.Progress()) -> dict:
        """Translate and brief one article. Inputs: the article `text` (or a .txt/.html/.docx `file`,
        which wins when given), `source_lang` ('auto' or an ISO code), `tier_names` (subset of the
        tiers; empty: translation only), `engine` (auto, neural or offline). Returns the JSON result."""
        t0 = time.perf_counter()
        try:
            article = _article(text, file, config.max_chars)
            result = run_one(
                article,
                source_lang=None if source_lang in (None, "", "auto") else source_lang,
                tiers=list(tier_names) if tier_names is not None else None,
                engine=engine or None,
                progress=_progress_reporter(progress, len(tier_names) if tier_names is not None else len(tiers)),
            )
        except BriefsError as err:
            _log.info("request refused: %s", err)
            raise gr.Error(staff_message(err), duration=None, print_exception=False) from None
        except Exception as err:  # noqa: BLE001 - the page shows one line, the log keeps the traceback
            _log.exception("request failed")
            message = html.escape(" ".join(f"unexpected error: {type(err).__name__}: {err}".split()))
            raise gr.Error(message, duration=None, print_exception=False) from None
        _log.info("brief: %d chars in %.1f s", result.source.chars, time.perf_counter() - t0)
        return result.to_dict()

    def show(result: dict, text: str, file: str | None):
        """Everything on the page after a run, from the JSON result."""
        source_text = _article(text, file, config.max_chars) if (text or file) else ""
        src = result["source"]
        warnings = list(result.get("warnings") or [])
        briefs = {b["tier"]: b for b in result["briefs"]}
        md_path, json_path, docx_path = _write_downloads(outdir, result, source_text)
        updates = [
            gr.HTML(value=_warnings_html(warnings), visible=bool(warnings)),
            (f"**Detected language:** {_md(language_name(src['language']))} ({_md(src['language'])}), "
             f"confidence {src['confidence']:.2f} · {src['paragraphs']} paragraphs · {src['chars']:,} characters"
             + (f" · also contains: {_md(', '.join(src['mixed_languages']))}" if src["mixed_languages"] else "")),
            side_by_side_html(result, _source_paragraphs(source_text, config.max_chars), language_name(src["language"])),
            result["translation"]["text"],
        ]
        for name, tier in all_tiers.items():
            b = briefs.get(name)
            updates.append(gr.Textbox(value=b["text"] if b else "", visible=b is not None,
                                      label=f"{_tier_label(tier)} · {b['words']} words" if b else _tier_label(tier)))
        updates.append(fidelity_html(result))
        updates.append(_meta(result))
        updates.append(gr.DownloadButton(value=str(md_path), visible=True))
        updates.append(gr.DownloadButton(value=str(json_path), visible=True))
        updates.append(gr.DownloadButton(value=str(docx_path), visible=True))
        return updates

    memory_on = bool(config.memory)

    def sentences_of(result: dict, text: str, file: str | None, engine: str | None = None):
        """The article's sentence pairs (from the memory the run just filled) for the correction box."""
        if not memory_on or not result:
            return [], gr.Dropdown(choices=[], value=None), ""
        try:
            article = _article(text, file, config.max_chars)
            given = result["translation"].get("sentences") or []  # the result's sentence alignment, if any
            if given and all("source" in p and "text" in p for p in given):
                pairs = [dict(p, id=k) for k, p in enumerate(given)]
            else:
                pairs = pipeline.sentence_pairs(article, source_lang=result["source"]["language"],
                                                engine=engine or None)
            memory = pipeline.translation_memory()
            people = memory.human(p["source"] for p in pairs)
            close = pipeline.suggestions([p["source"] for p in pairs])
        except BriefsError as err:
            raise gr.Error(" ".join(str(err).split()), print_exception=False) from None
        for p in pairs:
            p["language"] = result["source"]["language"]
        choices = [(f"{p['id'] + 1}. {_short(p['source'])}" + (" [corrected]" if p["source"] in people else "")
                    + (" [suggestion]" if p["source"] in close else ""), p["id"]) for p in pairs]
        note = (f"{len(people)} of {len(pairs)} sentences come from editors' corrections; "
                f"{len(close)} have a close match (suggestion)." if pairs else "")
        return pairs, gr.Dropdown(choices=choices, value=pairs[0]["id"] if pairs else None), note

    def pick_sentence(pairs: list, picked):
        """The picked sentence: its source, its English to edit, and close human entries."""
        pair = next((p for p in pairs or [] if p["id"] == picked), None)
        if pair is None:
            return "", "", "", "it"
        close = pipeline.suggestions([pair["source"]]).get(pair["source"], [])
        hints = "\n".join(f"- **Suggestion ({s.score:.0f}% match{', by ' + s.author if s.author else ''}):** "
                           f"{_md(s.target)}  \n  *for:* {_md(s.source)}" for s in close)
        return pair["source"], pair["text"], hints, pair["language"]

    def correct(source: str, text: str, who: str = "", language: str = "it", request: gr.Request = None) -> dict:  # type: ignore[assignment]
        """Store an editor's translation of one source sentence in the translation memory: it wins
        over machine output from now on. Inputs: `source` (the sentence as the article has it),
        `text` (its English), `who` (the editor; default the logged-in user), `language` (ISO code).
        Returns the stored entry."""
        who = (who or "").strip() or (getattr(request, "username", None) or "")
        try:
            entry = pipeline.correct(source, text, who=who, language=language or "it")
        except BriefsError as err:
            raise gr.Error(" ".join(str(err).split()), print_exception=False) from None
        _log.info("correction by %s: %s", entry.author, entry.source[:80])
        return entry.as_dict()

    def load_file(file: str | None):
        """An uploaded file's text goes into the article box, where it can be checked and edited;
        a file that cannot be read is removed from the page (so it cannot win over pasted text)
        and the note under it says why."""
        if not file:
            return gr.Textbox(), None, gr.HTML(value="", visible=False)
        try:
            return _article("", file, config.max_chars), None, gr.HTML(value="", visible=False)
        except BriefsError as err:
            message = staff_message(err)
            _log.info("upload refused: %s", err)
            gr.Warning(message, duration=None)
            note = (f'<div role="alert" style="color:#8a1c1c">The file {html.escape(Path(file).name)} was not used: '
                    f"{message}</div>")
            return gr.Textbox(), None, gr.HTML(value=note, visible=True)

    def clear_result():
        """Before each run: the previous result leaves the page (a failed run shows none)."""
        return [gr.HTML(value="", visible=False), "Working…", "", "", *[gr.Textbox(value="") for _ in brief_boxes],
                "", "", gr.DownloadButton(visible=False), gr.DownloadButton(visible=False), None]

    with gr.Blocks(title="Briefs: English translation and briefs", analytics_enabled=False,
                   delete_cache=(3600, 3600)) as app:
        gr.Markdown("## Briefs\nPaste a foreign-language news article (or upload one) to get the English "
                    "translation and short English briefs.")
        with gr.Row(equal_height=False):
            with gr.Column(scale=2, min_width=360):
                text = gr.Textbox(label="Article", lines=14, max_lines=30, elem_id="article",
                                  placeholder="Paste the article here (plain text or HTML)…")
                file = gr.File(label=f"…or upload {describe()}", file_types=UPLOAD_TYPES,
                               type="filepath", height=120, elem_id="upload")
                upload_note = gr.HTML(visible=False, elem_id="upload-note")
                with gr.Row():
                    source_lang = gr.Dropdown(languages, value="auto", label="Source language",
                                              allow_custom_value=True, elem_id="source-lang")
                    engine = gr.Radio(list(ENGINES), value=config.engine, label="Engine",
                                      elem_id="engine",
                                      info="auto: neural models when available, else the offline engines")
                tier_box = gr.CheckboxGroup([(_tier_label(t), t.name) for t in all_tiers.values()],
                                            value=[t.name for t in tiers], label="Briefs", elem_id="tiers")
                run = gr.Button("Run", variant="primary", elem_id="run")
                status = gr.Markdown("", elem_id="status", min_height=40)  # progress shows here, by Run
                if seed:
                    gr.Examples([[seed]], inputs=[text], label="Example (one click fills the box)",
                                example_labels=[SEED_LABEL],
                                cache_examples=False, api_visibility="private")
            with gr.Column(scale=3, min_width=420):
                banner = gr.HTML(visible=False, elem_id="warnings")
                detected = gr.Markdown("Results appear here.", elem_id="detected")
                brief_boxes = [
                    gr.Textbox(label=_tier_label(t), lines=_lines(t), max_lines=60, autoscroll=False,
                               interactive=False, buttons=["copy"],
                               elem_id=f"brief-{t.name}", visible=t.name in {x.name for x in tiers})
                    for t in all_tiers.values()
                ]
                with gr.Row():
                    md_file = gr.DownloadButton("Download Markdown", visible=False, size="sm", elem_id="download-md")
                    json_file = gr.DownloadButton("Download JSON", visible=False, size="sm", elem_id="download-json")
                    docx_file = gr.DownloadButton("Download Word", visible=False, size="sm", elem_id="download-docx")
                fidelity = gr.HTML(elem_id="fidelity")  # briefs with their sources and flags, the checks
                meta = gr.Markdown(elem_id="meta")
        gr.Markdown("### Translation, paragraph by paragraph")
        side = gr.HTML(elem_id="translation", min_height=80)
        with gr.Accordion("English translation as one text", open=False):
            english = gr.Textbox(show_label=False, lines=12, interactive=False, buttons=["copy"], elem_id="english")
        with gr.Accordion("JSON result (what the /brief API returns)", open=False):
            result_json = gr.JSON(label="result", elem_id="result-json")
        if memory_on:
            with gr.Accordion("Correct the translation", open=True, elem_id="corrections"):
                gr.Markdown("Pick a sentence, edit its English and save: from then on the translation memory "
                            "gives your version for that sentence, on every page, command and job, and the "
                            "briefs are made again from the corrected translation.")
                pairs_state = gr.State([])
                memory_note = gr.Markdown(elem_id="correct-note")
                pick = gr.Dropdown(choices=[], label="Sentence", elem_id="correct-pick", interactive=True)
                original = gr.Textbox(label="Source sentence", interactive=False, lines=2, elem_id="correct-source")
                fixed = gr.Textbox(label="English (edit here)", lines=3, elem_id="correct-text")
                hints = gr.Markdown(elem_id="correct-suggestions")
                with gr.Row():
                    editor = gr.Textbox(label="Your name", elem_id="correct-who", scale=2)
                    save = gr.Button("Save correction and rerun", variant="primary", elem_id="correct-save", scale=1)
                language_box = gr.Textbox(visible=False)
                stored = gr.JSON(visible=False)

        file.upload(load_file, inputs=[file], outputs=[text, file, upload_note], api_visibility="private")
        result_parts = [banner, detected, side, english, *brief_boxes, fidelity, meta, md_file, json_file, result_json]
        shown_on_page = [banner, detected, side, english, *brief_boxes, fidelity, meta, md_file, json_file, docx_file]
        running = run.click(clear_result, outputs=result_parts, api_visibility="private", queue=False).then(
            brief, inputs=[text, file, source_lang, tier_box, engine], outputs=[result_json],
            api_name="brief", show_progress_on=[status, *brief_boxes], concurrency_limit=concurrency,
            concurrency_id="pipeline",
        )
        shown = running.success(
            show, inputs=[result_json, text, file], outputs=shown_on_page, api_visibility="private", queue=False,
        )
        running.failure(lambda: "No result: see the message for why.", outputs=[detected],
                        api_visibility="private", queue=False)
        if memory_on:
            pair_outputs = [pairs_state, pick, memory_note]
            shown.success(sentences_of, inputs=[result_json, text, file, engine], outputs=pair_outputs,
                          api_visibility="private", concurrency_limit=concurrency, concurrency_id="pipeline")
            pick.change(pick_sentence, inputs=[pairs_state, pick], outputs=[original, fixed, hints, language_box],
                        api_visibility="private", queue=False)
            save.click(
                correct, inputs=[original, fixed, editor, language_box], outputs=[stored], api_name="correct",
            ).success(
                brief, inputs=[text, file, source_lang, tier_box, engine], outputs=[result_json],
                api_visibility="private", show_progress_on=[status, *brief_boxes], concurrency_limit=concurrency,
                concurrency_id="pipeline",
            ).success(
                show, inputs=[result_json, text, file], outputs=shown_on_page, api_visibility="private", queue=False,
            ).success(sentences_of, inputs=[result_json, text, file, engine], outputs=pair_outputs,
                      api_visibility="private", concurrency_limit=concurrency, concurrency_id="pipeline")
    app.queue(max_size=queue_size, default_concurrency_limit=concurrency)
    app.batcher = batcher  # None when requests run one at a time
    return app


# Advice written for the command line -> what a staff member on the page can do instead.
_STAFF_WORDS = [
    (re.compile(r"\s*\((?:split it, or )?raise --max-chars[^)]*\)"), " (split it into shorter parts)"),
    (re.compile(r"pass --source-lang"), "choose the source language in the list"),
    (re.compile(r"on a connected machine run `briefs models pull` \(or pass a local model directory\)"),
     "ask whoever runs this service to install the model"),
    (re.compile(r"use `--engine offline`"), "choose the offline engine"),
    (re.compile(r"`--engine (\w+)`"), r"the \1 engine"),
    (re.compile(r"\s*\(raise --max-chars to accept it\)"), ""),
    (re.compile(r"; use --device cpu"), ""),
]


def staff_message(err: Exception) -> str:
    """One line for the page: the error without command-line advice, HTML-escaped (Gradio renders
    its messages as HTML, and they may quote what the user typed)."""
    line = " ".join(str(err).split())
    for pattern, words in _STAFF_WORDS:
        line = pattern.sub(words, line)
    return html.escape(line, quote=False)


def _md(value: str) -> str:
    """A user-supplied value inside Markdown: no HTML, no markup."""
    return re.sub(r"([\\`*_{}\[\]<>()#+!|~])", r"\\\1", html.escape(str(value), quote=False))


# ---- helpers ----------------------------------------------------------------------------------------
def _article(text: str | None, file: str | None, max_chars: int) -> str:
    """The article: the uploaded file's text when a file is given, else the text box."""
    if file:
        from ..documents import read_file

        return read_file(file, max_chars)  # Gradio has checked the type against UPLOAD_TYPES
    return text or ""


def _progress_reporter(progress, n_tiers: int):
    """pipeline progress(stage, done, total), called after each step, -> the page's progress bar
    named after the step now under way: detect, translate n/N sentences, summarize tier k/K."""

    def report(stage: str, done: int, total: int) -> None:
        if stage == "translate" and done >= total and n_tiers:
            stage, done, total = "summarize", 0, n_tiers
        if stage == "detect":
            progress((done, total), desc="detect language", unit="articles")
        elif stage == "translate":
            progress((done, total), desc=f"translate {done}/{total} sentences", unit="sentences")
        elif stage == "summarize" and done < total:
            progress((done, total), desc=f"summarize tier {done + 1}/{total}", unit="tiers")
        elif stage == "summarize articles" and done < total:  # several requests batched together
            progress((done, total), desc=f"summarize {total} articles together", unit="articles")
        else:
            progress((done, total), desc=f"{stage} done", unit="steps")

    return report


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _tier_label(tier) -> str:
    limit = f"{tier.min_words}–{tier.max_words} words" if tier.min_words else f"≤ {tier.max_words} words"
    return f"{tier.name.capitalize()} ({limit})"


def _lines(tier) -> int:
    return {"line": 1, "sentence": 2, "bullets": 5}.get(tier.shape, 7)


def _source_paragraphs(text: str, max_chars: int) -> list[str]:
    from ..text import clean, paragraphs

    try:
        return paragraphs(clean(text, max_chars))
    except BriefsError:
        return []


def _warnings_html(warnings: list[str]) -> str:
    if not warnings:
        return ""
    items = "".join(f"<li>{html.escape(w)}</li>" for w in warnings)
    return ('<div role="alert" style="background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;'
            'padding:8px 12px;color:#3b2e00"><strong>Warnings</strong>'
            f'<ul style="margin:4px 0 0 18px">{items}</ul></div>')


def _meta(result: dict) -> str:
    engines = {f"translation `{result['translation']['engine']}`"}
    engines |= {f"briefs `{b['engine']}`" for b in result["briefs"]}
    timings = ", ".join(f"{k} {v:,} ms" for k, v in result["timings_ms"].items())
    return f"**Engines:** {'; '.join(sorted(engines, reverse=True))}  \n**Timings:** {timings}"


def _write_downloads(outdir: Path, result: dict, source_text: str = "") -> tuple[Path, Path, Path]:
    """briefing.md, .json and .docx for the download buttons; files older than an hour are removed."""
    from ..pipeline import Result
    from ..render import docx, markdown

    cutoff = time.time() - 3600
    for old in outdir.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass
    folder = outdir / uuid.uuid4().hex[:12]
    folder.mkdir()
    md_path, json_path = folder / "briefing.md", folder / "briefing.json"
    md_path.write_text(markdown(Result.from_dict(result)), encoding="utf-8")
    json_path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    docx_path = folder / "briefing.docx"
    docx_path.write_bytes(docx([(Result.from_dict(result), source_text)]))
    return md_path, json_path, docx_path
