"""`briefs web`: the staff web page (Gradio Blocks), a thin shell over the one `Pipeline`.

One Pipeline per process serves every request (models load once, lazily or at start-up); Gradio's
queue runs at most `concurrency` requests at a time and keeps the others waiting with their place
shown. The Run button's event is also the HTTP API `/brief`, returning the JSON result contract:

    from gradio_client import Client
    result = Client("http://127.0.0.1:7860/").predict(text, api_name="/brief")

Nothing here reaches the internet: analytics and the version check are off, there is no share
link, and the theme's fonts are served by Gradio itself.

The package: `auth` (the login setting and throttle), `page` (the Blocks page, `build_app`),
`rendering` (what the page shows from a result); here the `briefs web` command and `launch`.
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import api
from ..argtypes import integer
from ..errors import BadInput, BriefsError
from .auth import AUTH_ENV, LOGIN_FAILURES, LOGIN_WINDOW_S, LoginThrottle, parse_auth
from .page import SEED_LABEL, UPLOAD_TYPES, build_app
from .rendering import _progress_reporter as _progress_reporter
from .rendering import _write_downloads as _write_downloads
from .rendering import staff_message

# `launch` reads LOGIN_FAILURES and LOGIN_WINDOW_S from this module (briefs.web), where tests set them.

__all__ = ["AUTH_ENV", "DEFAULT_MAX_BATCH", "LOGIN_FAILURES", "LOGIN_WINDOW_S", "LOOPBACK", "PAGE_CSS", "SEED_LABEL",
           "UPLOAD_TYPES", "LoginThrottle", "build_app", "check_port", "default_max_batch", "launch", "main", "parse_auth", "preload",
           "register", "staff_message"]

LOOPBACK = api.LOOPBACK  # the hosts that need no login or API key (one list, in api.store)
# The brief boxes are as tall as their text at every width (Gradio sizes a textarea once, when its
# value changes, so a narrower window clipped the headline's second line); progress by Run.
PAGE_CSS = """
[id^="brief-"] textarea { field-sizing: content; height: auto !important; max-height: none !important;
                          min-height: 2.2em; overflow-y: hidden !important; }
#status { min-height: 2.5em; }
"""
DEFAULT_MAX_BATCH = 16  # requests run together at most on a GPU (service/batcher.py; README "Speed")


def default_max_batch(device: str) -> int:
    """`--max-batch` when none is given: DEFAULT_MAX_BATCH on a GPU, 1 (a queue of one) on the CPU.
    On two cores a batch of 16 gave a worse median latency than the queue (81.9 s against 60.5 s,
    `briefs bench --only-batch`): the decoder is compute-bound there, so a batch costs about what
    its requests cost one at a time, and every request in it waits for the last."""
    return 1 if device == "cpu" else DEFAULT_MAX_BATCH


# ---- CLI ----------------------------------------------------------------------------------------
def register(subparsers, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("web", parents=[common], help="serve the staff web page (and its /brief API)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=integer(1, 65535), default=7860, help="port (default 7860)")
    p.add_argument("--auth", metavar="USER:PASSWORD",
                   help=f"require this staff login (or set {AUTH_ENV}=user:password)")
    p.add_argument("--no-preload", dest="preload", action="store_false",
                   help="load models on the first request instead of at start-up")
    p.add_argument("--max-batch", type=integer(1, 256), metavar="N",
                   help=f"requests that arrive together run as one batch, at most N (default: {DEFAULT_MAX_BATCH} "
                        "with --device cuda, 1 on the CPU, where batching measured slower; 1: one at a time)")
    api.add_arguments(p)
    p.set_defaults(func=main)


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
    max_batch = args.max_batch or default_max_batch(config.device)
    app = build_app(rest.in_turn(pipeline), max_batch=max_batch)  # the page's runs and the API's take turns
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
