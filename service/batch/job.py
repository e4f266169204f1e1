"""The worker (items -> output lines, the same in both runners), the job (resume, duplicates,
counts) and the local runner."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import BadInput, BriefsError
from ..progress import progress_bar
from ..translate.memory import MemoryStats, MemoryTranslator, glossary_fingerprint, open_memory
from .sources import Item, Source
from .writer import OutputWriter

DEFAULT_BATCH = 32


@dataclass
class Outcome:
    key: str
    line: str  # the JSON output line, without newline
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def error_outcome(item: Item, reason: object, exit_code: int) -> Outcome:
    reason = " ".join(str(reason).split()) or "failed"
    record: dict[str, Any] = {"id": item.id}
    if item.line is not None:
        record["line"] = item.line
    record.update(error=reason, exit_code=exit_code)
    return Outcome(item.key, json.dumps(record, ensure_ascii=False), reason)


@dataclass
class JobSpec:
    """What a Worker needs to build its Pipeline; plain data, so it travels to Ray actors."""

    config: Any  # briefs.config.Config
    tiers: list[str] | None = None  # None: the config's tiers; [] no briefs
    engine: str | None = None
    source_lang: str | None = None
    memory_path: str | None = None


class Worker:
    """Builds the Pipeline (models load lazily, once) and turns batches of items into outcomes."""

    def __init__(self, spec: JobSpec):
        from ..pipeline import Pipeline

        self.spec = spec
        self.stats = MemoryStats()
        self.memory = open_memory(spec.memory_path) if spec.memory_path else None
        variant = glossary_fingerprint(spec.config)
        self.pipeline = Pipeline(spec.config, memory=lambda t: MemoryTranslator(t, self.memory, self.stats, variant))

    def process(self, items: list[Item]) -> tuple[list[Outcome], dict[str, int]]:
        """Outcomes in the items' order, and the translation-memory counts of this batch."""
        before = self.stats.as_dict()
        out: dict[int, Outcome] = {}
        todo = []
        for k, item in enumerate(items):
            if item.error is not None:
                out[k] = error_outcome(item, item.error, 2)
            else:
                todo.append(k)
        if todo:
            texts = [items[k].text or "" for k in todo]  # set: items without an error have text
            try:
                results = self._run(texts)
            except Exception:  # noqa: BLE001 - one bad document must not sink its batch: go one by one
                results = []
                for text in texts:
                    try:
                        results.extend(self._run([text]))
                    except Exception as err:  # noqa: BLE001
                        results.append(err)
            for k, result in zip(todo, results):
                item = items[k]
                if isinstance(result, BriefsError):
                    out[k] = error_outcome(item, result, result.exit_code)
                elif isinstance(result, Exception):
                    out[k] = error_outcome(item, f"unexpected error: {type(result).__name__}: {result}", 1)
                else:
                    line = json.dumps({"id": item.id, **result.to_dict()}, ensure_ascii=False)
                    out[k] = Outcome(item.key, line)
        after = self.stats.as_dict()
        return [out[k] for k in range(len(items))], {k: after[k] - before[k] for k in after}

    def _run(self, texts: list[str]):
        s = self.spec
        return self.pipeline.run_many(texts, source_lang=s.source_lang, tiers=s.tiers, engine=s.engine)

    def close(self) -> None:
        if self.memory is not None:
            self.memory.close()


# ---- the job ---------------------------------------------------------------------------------------
@dataclass
class Summary:
    ok: int = 0
    failed: int = 0
    skipped: int = 0  # already in OUTPUT
    skipped_failed: int = 0  # of those, error lines from an earlier run
    duplicates: int = 0
    sentences: int = 0
    memory_hits: int = 0
    translated: int = 0
    seconds: float = 0.0
    repaired_bytes: int = 0
    reasons: Counter = field(default_factory=Counter)

    @property
    def exit_code(self) -> int:
        return 4 if (self.failed or self.duplicates or self.skipped_failed) else 0

    def add(self, outcomes: list[Outcome], stats: dict[str, int]) -> None:
        for o in outcomes:
            if o.ok:
                self.ok += 1
            else:
                self.failed += 1
                self.reasons[(o.error or "")[:100]] += 1
        self.sentences += stats.get("sentences", 0)
        self.memory_hits += stats.get("hits", 0)
        self.translated += stats.get("translated", 0)

    def rates(self) -> tuple[float, float]:
        t = max(self.seconds, 1e-9)
        return (self.ok + self.failed) / t, self.sentences / t

    def lines(self) -> list[str]:
        docs_s, sents_s = self.rates()
        out = [
            f"batch: {self.ok + self.failed} documents in {self.seconds:.1f} s: {self.ok} ok, {self.failed} failed, "
            f"{self.skipped} skipped (already in OUTPUT), {self.duplicates} duplicate ids",
            f"batch: throughput {docs_s:.2f} docs/s, {sents_s:.1f} sentences/s; translation memory: "
            f"{self.memory_hits} distinct sentences reused, {self.translated} translated",
        ]
        if self.repaired_bytes:
            out.append(f"batch: removed a partial last line ({self.repaired_bytes} bytes) left by an interrupted run")
        for reason, n in self.reasons.most_common(3):
            out.append(f"batch: failed x{n}: {reason}")
        if self.skipped_failed:
            out.append(f"batch: {self.skipped_failed} skipped ids are errors from an earlier run (--retry-failed redoes them)")
        return out


class _Plan:
    """Resume and duplicate bookkeeping over one pass of the input (keys only, never texts)."""

    MAX_WARNINGS = 10

    def __init__(self, done: set[str], failed: set[str], summary: Summary, warn: Callable[[str], None]):
        self.done, self.failed, self.summary, self.warn = done, failed, summary, warn
        self.seen: set[str] = set()

    def status(self, item: Item) -> str:
        """"todo", "done" (already in OUTPUT) or "duplicate" (its id came earlier in the input)."""
        key = item.key
        if key in self.seen:
            self.summary.duplicates += 1
            if self.summary.duplicates <= self.MAX_WARNINGS:
                where = f" (line {item.line})" if item.line else ""
                self.warn(f"duplicate id {key}{where}: only its first occurrence is processed")
            return "duplicate"
        self.seen.add(key)
        if key in self.done:
            self.summary.skipped += 1
            self.summary.skipped_failed += key in self.failed
            return "done"
        return "todo"


@dataclass
class JobOptions:
    batch_size: int = DEFAULT_BATCH
    retry_failed: bool = False
    progress: bool = True
    runner: str = "local"
    ray_address: str | None = None
    concurrency: int = 2
    cpus_per_worker: float = 1.0
    worker: Callable[[JobSpec], Worker] | None = None  # the local runner's Worker (default: Worker)


def run_job(source: Source, output: str | Path, spec: JobSpec, options: JobOptions | None = None,
            warn: Callable[[str], None] | None = None) -> Summary:
    """Process every item of `source` not yet in `output`; returns the counts (see Summary)."""
    options = options or JobOptions()
    warn = warn or (lambda line: print(f"briefs: warning: {line}", file=sys.stderr))
    writer = OutputWriter(output)
    if Path(output).resolve() == source.path.resolve():
        raise BadInput("OUTPUT must not be INPUT")
    done, failed = writer.scan(options.retry_failed)
    summary = Summary(repaired_bytes=writer.repaired)
    plan = _Plan(done, failed, summary, warn)
    t0 = time.perf_counter()
    writer.open()
    try:
        if options.runner == "ray":
            from .ray_runner import run_ray

            run_ray(source, writer, spec, options, plan, summary)
        else:
            _run_local(source, writer, spec, options, plan, summary)
    finally:
        writer.close()
        summary.seconds = time.perf_counter() - t0
    return summary


def _bar(total: int | None, initial: int, enabled: bool):
    return progress_bar(total, "doc", initial=initial, enabled=enabled)


def _tick(bar, summary: Summary, n: int, t0: float) -> None:
    bar.update(n)
    elapsed = max(time.perf_counter() - t0, 1e-9)
    bar.set_postfix_str(f"{summary.sentences / elapsed:.1f} sent/s, {summary.failed} failed", refresh=False)


def _run_local(source: Source, writer: OutputWriter, spec: JobSpec, options: JobOptions, plan: _Plan,
               summary: Summary) -> None:
    worker = (options.worker or Worker)(spec)
    t0 = time.perf_counter()
    bar = _bar(source.count() if options.progress else None, len(plan.done), options.progress)
    try:
        batch: list[Item] = []
        for item in source.items():
            status = plan.status(item)
            if status == "todo":
                batch.append(item)
            elif status == "duplicate":
                bar.update(1)
            if len(batch) >= options.batch_size:
                _flush(worker, batch, writer, summary, bar, t0)
                batch = []
        if batch:
            _flush(worker, batch, writer, summary, bar, t0)
    finally:
        bar.close()
        worker.close()


def _flush(worker: Worker, batch: list[Item], writer: OutputWriter, summary: Summary, bar, t0: float) -> None:
    outcomes, stats = worker.process(batch)
    writer.write(o.line for o in outcomes)
    summary.add(outcomes, stats)
    _tick(bar, summary, len(outcomes), t0)


def _write_errors(items: list[Item], writer: OutputWriter, summary: Summary) -> None:
    outcomes = [error_outcome(item, item.error, 2) for item in items]
    writer.write(o.line for o in outcomes)
    summary.add(outcomes, {})

