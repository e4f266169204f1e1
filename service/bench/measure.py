"""What the bench measures with: RSS and its peak, wall and CPU clocks, GPU peaks, the engines'
benchmark hooks, the fixed output lengths, the machine and the report's rounding."""

from __future__ import annotations

import os
import platform
import threading
import time
from contextlib import contextmanager

TOKENS_PER_WORD = 1.15  # MT output tokens per source word (see briefs.bench's docstring)


def rss_mb() -> float:
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class _PeakRSS:
    """Samples RSS every 20 ms in a thread; .peak is the largest seen while active."""

    def __init__(self):
        self.peak = rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_mb())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


@contextmanager
def _hooked(engine, **hooks):
    """The engine's benchmark hooks (fixed_lengths, fixed_tokens) set for a while, then restored."""
    saved = {name: getattr(engine, name) for name in hooks}
    for name, value in hooks.items():
        setattr(engine, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(engine, name, value)


@contextmanager
def _clock(into: dict, key: str):
    w, c = time.perf_counter(), time.process_time()
    yield
    into[key] = time.perf_counter() - w
    into[key.replace("_s", "_cpu_s")] = time.process_time() - c


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()


def _reset_gpu_peak(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        torch.cuda.reset_peak_memory_stats()


def _gpu_peak(device: str) -> dict:
    """torch's peak GPU memory (CTranslate2 allocates its own, not counted here)."""
    if not device.startswith("cuda"):
        return {}
    import torch

    return {"peak_torch_gpu_mb": torch.cuda.max_memory_allocated() / 2**20}


def _unwrap(engine):
    while hasattr(engine, "inner"):  # glossary / translation-memory wrappers
        engine = engine.inner
    return engine


def out_len(sentence: str) -> int:
    """New tokens for a sentence, its end token included."""
    return round(TOKENS_PER_WORD * len(sentence.split())) + 1


def tier_len(tier) -> int:
    """New tokens for a tier: its largest length (the end token included)."""
    return tier.max_new_tokens


def tier_shortest(tier) -> int:
    """The shortest length a tier allows (its minimum, or a third of its maximum when it has none)."""
    return max(tier.min_new_tokens, tier.max_new_tokens // 3, 2)


def _machine(config) -> dict:
    import torch
    import transformers

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    m = {"cpu": cpu, "cores": os.cpu_count(), "torch_threads": torch.get_num_threads(), "python": platform.python_version(),
         "torch": torch.__version__, "transformers": transformers.__version__}
    try:
        import ctranslate2

        m["ctranslate2"] = ctranslate2.__version__
    except ImportError:
        m["ctranslate2"] = None
    if config.device.startswith("cuda") and torch.cuda.is_available():
        m["gpu"] = torch.cuda.get_device_name()
    return m


def _rounded(x):
    if isinstance(x, float):
        return round(x, 3)
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_rounded(v) for v in x]
    return x
