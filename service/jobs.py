"""Document jobs of the API: upload -> job id -> status and progress -> result (JSON, Markdown, .docx).

Each job is a folder under the jobs directory, and everything about it is on disk, so a server
that stops (or is killed) picks its unfinished jobs up again when it starts:

    <id>/job.json      id, kind (document | batch), file name, options, status, error
    <id>/input.jsonl   the items: one line for an uploaded document, the upload itself for a batch
    <id>/output.jsonl  `briefs batch` output lines, written by the batch machinery (crash-safe,
                       resumed: items already there are not redone)
    memory.sqlite      one translation memory shared by every job (sentences seen before are not
                       translated again)

Jobs run one after another in a background thread, through `briefs.batch.run_job`; each batch of
documents waits for its turn at the pipeline (api.Turns), so the page and API requests are never
shut out for a whole job.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import re
import threading
import time
import uuid
from pathlib import Path

from .errors import BadInput

DOCUMENT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
BATCH_SUFFIXES = (".jsonl", ".ndjson")
BATCH_SIZE = 4  # documents per pipeline call and per write: a restart redoes at most this many
_ID = re.compile(r"[0-9a-f]{32}")
_log = logging.getLogger("briefs.jobs")


class JobError(Exception):
    """A request about a job that cannot be answered: (HTTP status, code, message)."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code = status, code


def read_document(name: str, data: bytes, max_chars: int) -> str:
    """Text of one uploaded document, by its suffix."""
    from .documents import read_bytes

    return read_bytes(data, max_chars, name)


class Jobs:
    def __init__(self, root: str | Path, config, *, turns=None, metrics=None, start: bool = True,
                 batch_size: int = BATCH_SIZE):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.config = config
        self.turns = turns
        self.metrics = metrics
        self.batch_size = batch_size
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None
        unfinished = sorted((j for j in self._all() if j["status"] in ("queued", "running")), key=lambda j: j["created"])
        for job in unfinished:
            if job["status"] == "running":
                self._update(job["id"], resumed=job.get("resumed", 0) + 1)
            self._queue.put(job["id"])
        if start:
            self._thread = threading.Thread(target=self._loop, name="briefs-jobs", daemon=True)
            self._thread.start()

    # ---- requests -------------------------------------------------------------------------------
    def submit(self, filename: str, data: bytes, *, tiers=None, source_lang=None, engine=None, charge=None) -> dict:
        """Check the upload now (BadInput: nothing is created), then queue it; the job's status."""
        from .batch import open_source
        from .text import clean

        name = Path(filename.replace("\\", "/")).name or "upload.txt"
        suffix = Path(name).suffix.lower()
        job_id = uuid.uuid4().hex
        tmp = self.root / f".{job_id}.tmp"
        tmp.mkdir()
        try:
            if suffix in BATCH_SUFFIXES:
                kind = "batch"
                (tmp / "input.jsonl").write_bytes(data)
                source = open_source(tmp / "input.jsonl", "jsonl", max_chars=self.config.max_chars)
                chars = total = 0
                for item in source.items():
                    total += 1
                    chars += len(item.text or "")
                if not total:
                    raise BadInput(f"{name} has no items (one JSON object a line, with 'id' and 'text')")
            elif suffix in DOCUMENT_SUFFIXES or not suffix:
                kind, total = "document", 1
                text = clean(read_document(name, data, self.config.max_chars), self.config.max_chars)
                chars = len(text)
                line = json.dumps({"id": name, "text": text}, ensure_ascii=False)
                (tmp / "input.jsonl").write_text(line + "\n", encoding="utf-8")
            else:
                raise BadInput(f"unsupported upload type '{suffix}': send {', '.join(DOCUMENT_SUFFIXES)} or a "
                               f".jsonl batch")
            if tiers is not None and tiers:
                from .summarize import load_tiers

                load_tiers(self.config.prompts_dir, tiers)  # an unknown tier: 400 now, not per document
            if charge:
                charge(chars)
            now = time.time()
            job = {"id": job_id, "kind": kind, "filename": name, "status": "queued", "created": now, "updated": now,
                   "total": total, "characters": chars, "resumed": 0, "error": None,
                   "options": {"tiers": tiers, "source_lang": source_lang, "engine": engine}}
            _write_json(tmp / "job.json", job)
            os.replace(tmp, self.root / job_id)
        except BaseException:
            _remove(tmp)
            raise
        self._queue.put(job_id)
        return self.status(job_id)

    def status(self, job_id: str) -> dict:
        job = self._load(job_id)
        done, failed = self._progress(job_id)
        total = job["total"]
        job["progress"] = {"done": done, "failed": failed, "total": total,
                           "fraction": round(done / total, 4) if total else 1.0}
        return job

    def result(self, job_id: str, fmt: str = "json"):
        """(body, media type, download name) of a finished job."""
        from .pipeline import Result
        from .render import docx, markdown

        job = self.status(job_id)
        if job["status"] != "done":
            p = job["progress"]
            why = f": {job['error']['message']}" if job.get("error") else ""
            raise JobError(409, "not_ready", f"job {job_id} is {job['status']} ({p['done']}/{p['total']} done){why}")
        lines = self._lines(job_id)
        stem = Path(job["filename"]).stem or "briefing"
        if fmt == "json":
            if job["kind"] == "document":
                record = dict(lines[0])
                record.pop("id", None)
                return record, "application/json", f"{stem}.json"
            return {"id": job_id, "items": lines}, "application/json", f"{stem}.json"
        sources = self._sources(job_id)
        ok = [(r, sources.get(json.dumps(r["id"], ensure_ascii=False), "")) for r in lines if "error" not in r]
        failed = [r for r in lines if "error" in r]
        if fmt == "markdown":
            parts = []
            for record, _ in ok:
                md = markdown(Result.from_dict(record))
                parts.append(md if job["kind"] == "document" else f"<!-- {record['id']} -->\n{md}")
            parts += [f"<!-- {r['id']} -->\n**Failed:** {r['error']}\n" for r in failed]
            return "\n".join(parts), "text/markdown; charset=utf-8", f"{stem}.md"
        results = [(Result.from_dict(r), src) for r, src in ok]
        titles = [str(r["id"]) for r, _ in ok] if job["kind"] == "batch" else None
        body = docx(results, titles=titles)
        return body, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", f"{stem}.docx"

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in ("queued", "running", "done", "failed")}
        for job in self._all():
            out[job["status"]] = out.get(job["status"], 0) + 1
        return out

    def wait(self, job_id: str, timeout: float = 60) -> dict:
        """The job's status once it is done or failed (for tests and scripts)."""
        end = time.monotonic() + timeout
        while True:
            job = self.status(job_id)
            if job["status"] in ("done", "failed") or time.monotonic() > end:
                return job
            time.sleep(0.1)

    def close(self) -> None:
        self._stop.set()
        self._queue.put(None)

    # ---- the runner -------------------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._stop.is_set():
            job_id = self._queue.get()
            if job_id is None:
                return
            try:
                self._run(job_id)
            except Exception as err:  # noqa: BLE001 - the job fails, the server goes on
                _log.exception("document job %s failed", job_id)
                self._update(job_id, status="failed",
                             error={"code": "internal", "message": f"unexpected error: {type(err).__name__}: {err}"})

    def _run(self, job_id: str) -> None:
        from .batch import JobOptions, JobSpec, open_source, run_job
        from .errors import BriefsError

        job = self._update(job_id, status="running")
        folder = self.root / job_id
        o = job["options"]
        spec = JobSpec(self.config, o["tiers"], o["engine"], o["source_lang"], str(self.root / "memory.sqlite"))
        options = JobOptions(batch_size=self.batch_size, progress=False, worker=self._worker)
        try:
            source = open_source(folder / "input.jsonl", "jsonl", max_chars=self.config.max_chars)
            run_job(source, folder / "output.jsonl", spec, options, warn=lambda line: _log.warning("%s: %s", job_id, line))
        except BriefsError as err:
            self._update(job_id, status="failed", error={"code": "bad_input" if err.exit_code == 2 else "engine",
                                                         "message": " ".join(str(err).split())})
            return
        _, failed = self._progress(job_id)
        if job["kind"] == "document" and failed:
            (record,) = self._lines(job_id)
            self._update(job_id, status="failed", error={"code": _code(record.get("exit_code")),
                                                         "message": record["error"]})
        else:
            self._update(job_id, status="done")

    def _worker(self, spec):
        """The batch Worker, each batch in its turn at the pipeline, fallbacks counted."""
        from .batch import Worker

        turns, metrics = self.turns, self.metrics

        class TurnWorker(Worker):
            def _run(self, texts):
                if turns is None:
                    results = super()._run(texts)
                else:
                    with turns.turn():
                        results = super()._run(texts)
                if metrics is not None:
                    for r in results:
                        metrics.count_fallbacks(getattr(r, "warnings", []))
                return results

        return TurnWorker(spec)

    # ---- on disk ------------------------------------------------------------------------------------
    def _folder(self, job_id: str) -> Path:
        folder = self.root / job_id
        if not _ID.fullmatch(job_id) or not (folder / "job.json").is_file():
            raise JobError(404, "not_found", f"no document job {job_id}")
        return folder

    def _load(self, job_id: str) -> dict:
        return json.loads((self._folder(job_id) / "job.json").read_text(encoding="utf-8"))

    def _update(self, job_id: str, **changes) -> dict:
        with self._lock:
            job = self._load(job_id)
            job.update(changes, updated=time.time())
            _write_json(self.root / job_id / "job.json", job)
        return job

    def _all(self) -> list[dict]:
        jobs = []
        for folder in self.root.iterdir():
            if _ID.fullmatch(folder.name) and (folder / "job.json").is_file():
                try:
                    jobs.append(json.loads((folder / "job.json").read_text(encoding="utf-8")))
                except (OSError, ValueError):
                    continue
        return jobs

    def _lines(self, job_id: str) -> list[dict]:
        path = self.root / job_id / "output.jsonl"
        if not path.is_file():
            return []
        out = []
        with open(path, "rb") as fh:
            for raw in fh:
                if raw.endswith(b"\n"):
                    try:
                        out.append(json.loads(raw))
                    except ValueError:
                        pass
        return out

    def _progress(self, job_id: str) -> tuple[int, int]:
        lines = self._lines(job_id)
        return len(lines), sum("error" in r for r in lines)

    def _sources(self, job_id: str) -> dict[str, str]:
        """Input texts by item key (the side-by-side columns of the .docx)."""
        out = {}
        with open(self.root / job_id / "input.jsonl", "rb") as fh:
            for raw in fh:
                try:
                    record = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(record, dict) and isinstance(record.get("text"), str):
                    out[json.dumps(record.get("id"), ensure_ascii=False)] = record["text"]
        return out


def _code(exit_code) -> str:
    return {2: "bad_input", 3: "engine_unavailable"}.get(exit_code, "internal")


def _write_json(path: Path, value: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(value, fh, ensure_ascii=False, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
