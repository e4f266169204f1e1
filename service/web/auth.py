"""The staff login of `briefs web`: the USER:PASSWORD setting, and a throttle in front of Gradio's
POST /login so that passwords cannot be guessed quickly from one address."""

from __future__ import annotations

import json
import logging
import time

from ..errors import BadInput

AUTH_ENV = "BRIEFS_WEB_AUTH"
# Login throttle (per client address): after LOGIN_FAILURES wrong logins within LOGIN_WINDOW_S
# seconds, that client's logins are answered 429 until the window has passed.
LOGIN_FAILURES, LOGIN_WINDOW_S = 5, 60.0
_log = logging.getLogger("briefs.web")


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """'user:password' -> (user, password); the password may contain ':'."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user.strip() or not password:
        raise BadInput(f"--auth / {AUTH_ENV} expects USER:PASSWORD (both non-empty)")
    return user.strip(), password


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
