"""Micro-batching in front of one Pipeline: requests that arrive together share decoder passes.

The web page's handler calls `Batcher.run` from Gradio's worker threads. One worker thread runs the
pipeline (so the models and tokenizers are only ever used from one thread at a time, as before):
it takes the first waiting request, waits `gather_s` for others to arrive, and runs everything
waiting (at most `max_batch`) through `Pipeline.run_many`, which translates the documents together
and decodes their briefs together. Requests that come while a batch runs wait for the next one, so
a request waits behind at most one batch (the page admits at most `2 * max_batch` requests to the
batcher; the rest wait in Gradio's queue, where they see their place). Requests with different
options (source language, tiers, engine) in one batch go through run_many one option set at a time.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class _Request:
    text: str
    key: tuple
    progress: Callable[[str, int, int], None] | None
    future: Future = field(default_factory=Future)


class Batcher:
    def __init__(self, pipeline, *, max_batch: int = 16, gather_s: float = 0.05):
        self.pipeline = pipeline
        self.max_batch = max(1, max_batch)
        self.gather_s = gather_s
        self.batches: list[int] = []  # sizes of the batches run so far (the bench and tests read them)
        self.seconds: list[float] = []  # and how long each took
        self._closed = False
        self._waiting: deque[_Request] = deque()
        self._cv = threading.Condition()
        self._thread = threading.Thread(target=self._work, name="briefs-batcher", daemon=True)
        self._thread.start()

    def run(self, text: str, *, source_lang: str | None = None, tiers: list[str] | None = None,
            engine: str | None = None, progress=None):
        """`Pipeline.run` of one article, in the next batch; raises the same errors."""
        request = _Request(text, (source_lang, tuple(tiers) if tiers is not None else None, engine), progress)
        with self._cv:
            self._waiting.append(request)
            self._cv.notify()
        result = request.future.result()
        if isinstance(result, BaseException):
            raise result
        return result

    def close(self) -> None:
        """Stop the worker once the requests already waiting are done."""
        with self._cv:
            self._closed = True
            self._cv.notify()
        self._thread.join()

    def _work(self) -> None:
        while True:
            with self._cv:
                while not self._waiting and not self._closed:
                    self._cv.wait()
                if not self._waiting:
                    return
                deadline = time.monotonic() + self.gather_s
                while len(self._waiting) < self.max_batch and (left := deadline - time.monotonic()) > 0:
                    self._cv.wait(left)
                batch = [self._waiting.popleft() for _ in range(min(self.max_batch, len(self._waiting)))]
            self.batches.append(len(batch))
            t0 = time.perf_counter()
            groups: dict[tuple, list[_Request]] = {}
            for r in batch:
                groups.setdefault(r.key, []).append(r)
            for (source_lang, tiers, engine), group in groups.items():
                self._run_group(group, source_lang, list(tiers) if tiers is not None else None, engine)
            self.seconds.append(time.perf_counter() - t0)  # complete once close() returns

    def _run_group(self, group: list[_Request], source_lang, tiers, engine) -> None:
        def progress(stage: str, done: int, total: int) -> None:  # every request of the batch sees it
            if stage == "summarize" and len(group) > 1:
                stage = "summarize articles"  # run_many counts documents, not tiers, when several
            for r in group:
                if r.progress is not None:
                    try:
                        r.progress(stage, done, total)
                    except Exception:  # noqa: BLE001 - a closed page must not stop the others
                        pass

        try:
            results = self.pipeline.run_many([r.text for r in group], source_lang=source_lang, tiers=tiers,
                                             engine=engine, progress=progress)
        except BaseException as err:  # noqa: BLE001 - every caller gets the error; the worker goes on
            results = [err] * len(group)
        for r, result in zip(group, results):
            r.future.set_result(result)
