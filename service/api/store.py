"""What the API keeps in memory per server: the configured keys (digests only), each key's request
and character allowances (Quotas), the Prometheus metrics, and the turns that let one pipeline run
at a time (Turns)."""

import hashlib
import threading
import time
from collections import deque
from contextlib import contextmanager
from pathlib import Path

from ..errors import BadInput
from .schemas import ApiError

KEYS_ENV = "BRIEFS_API_KEYS"
LOOPBACK = ("127.0.0.1", "::1", "localhost")
DEFAULT_RATE = 60  # requests per minute per key
DEFAULT_CHARS_PER_DAY = 2_000_000  # characters of input per key per UTC day


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
