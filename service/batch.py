"""`briefs batch INPUT OUTPUT`: translate (and brief) whole archives, resumably.

A thin shell over `Pipeline.run_many`: documents are read one at a time, grouped into batches, and
each batch goes through the pipeline in one call (so the sentences of all its documents are
translated together). Around that sit the parts a long job needs:

- readers for JSONL, CSV and directories of .txt/.md/.html files, streaming (a 1,000,000-line input
  is never read whole); a bad line becomes an error line in OUTPUT, never the end of the job;
- `OutputWriter`: JSONL, one line per input item, each batch written with one write + fsync, a
  partial last line (a job killed mid-write) cut off on the next run, ids already there skipped;
- `TranslationMemory` + `MemoryTranslator`: sentences already translated by the same engine come
  from a SQLite file next to OUTPUT; only misses reach the engine;
- two runners over the same `Worker`: `local` (this process) and `ray` (Ray Data actors, each
  building its Pipeline once; results come back to the driver and go through the same writer).

Exit codes: 0 every item succeeded; 4 some items failed (their errors are in OUTPUT) or the input
has duplicate ids; 2 the input file is unusable (missing, unreadable, not JSONL/CSV/directory).
"""

from __future__ import annotations

import argparse
import codecs
import csv
import json
import os
import sqlite3
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .errors import BadInput, BriefsError, EngineUnavailable

DOC_SUFFIXES = (".txt", ".md", ".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
DEFAULT_BATCH = 32


# ---- items and readers --------------------------------------------------------------------------
@dataclass
class Item:
    """One input item. `error` is set when it cannot be processed at all (bad JSON, no text ...)."""

    index: int  # position among the input's items, from 0
    id: Any  # str or int as given; None when the line gave none
    text: str | None
    line: int | None = None  # physical line where the item starts (JSONL, CSV)
    offset: int | None = None  # byte offset where the item starts (JSONL, CSV)
    error: str | None = None

    @property
    def key(self) -> str:
        return item_key(self.id, self.line)


def item_key(id_: Any, line: int | None) -> str:
    """What resume and duplicate detection compare: the id (JSON-encoded, so 7 and "7" differ),
    or the line number for an item that has no usable id."""
    if id_ is not None:
        return json.dumps(id_, ensure_ascii=False)
    return f"@{line}"


class Source:
    """An input: `items()` streams every item; `count()` is a cheap pass for the progress bar;
    `read_shard()` streams the chosen items of one shard (the Ray runner's read step)."""

    kind = "?"

    def __init__(self, path: Path, id_field: str, text_field: str, max_chars: int):
        self.path = path
        self.id_field = id_field
        self.text_field = text_field
        self.max_chars = max_chars
        self.line_limit = max_chars * 8 + (1 << 20)  # JSON escapes can make a line longer than its text

    def count(self) -> int | None: ...

    def items(self) -> Iterator[Item]: ...

    def plan_items(self) -> Iterator[Item]:
        """Like items(), for a pass that needs ids, not texts."""
        return self.items()

    def read_shard(self, shard: dict) -> Iterator[Item]:
        """Items whose index is in shard["indices"], reading from shard["offset"] on."""
        wanted = set(shard["indices"])
        last = max(wanted)
        for item in self._items_from(shard["offset"], shard["indices"][0], shard["line"]):
            if item.index in wanted:
                yield item
            if item.index >= last:
                return

    def _items_from(self, offset: int, index: int, line: int) -> Iterator[Item]: ...

    def _value(self, id_: Any, index: int, line: int | None, offset: int | None, text: Any) -> Item:
        """Check an id and text taken from a record."""
        item = Item(index, id_, None, line, offset)
        if isinstance(id_, bool) or not isinstance(id_, (str, int)):
            item.id = None
            item.error = f"'{self.id_field}' must be a string or an integer"
        elif id_ == "":
            item.id = None
            item.error = f"empty '{self.id_field}'"
        elif text is None:
            item.error = f"missing '{self.text_field}' field"
        elif not isinstance(text, str):
            item.error = f"'{self.text_field}' is not a string"
        else:
            item.text = text
        return item


def _head(path: Path, size: int = 65536) -> bytes:
    """The first `size` bytes of a file, after a UTF-8 byte order mark if it has one."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(size)
        return data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    except OSError as err:
        raise BadInput(f"cannot read {path}: {err.strerror or err}") from None


def _raw_lines(fh, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(byte offset, line) for each physical line from the current position; a line longer than
    `limit` bytes is skipped without being held in memory and given as None."""
    offset = fh.tell()
    while True:
        raw = fh.readline(limit + 1)
        if not raw:
            return
        if len(raw) > limit and not raw.endswith(b"\n"):
            size = len(raw)
            while True:
                chunk = fh.readline(1 << 20)
                size += len(chunk)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield offset, None
            offset += size
            continue
        yield offset, raw
        offset += len(raw)


def _count_newlines(path: Path) -> int:
    n = 0
    last = b"\n"
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (last != b"\n")


class JsonlSource(Source):
    kind = "jsonl"

    def check(self) -> None:
        head = _head(self.path)
        if b"\x00" in head:
            raise BadInput(f"{self.path} is not JSONL (it contains NUL bytes)")
        start = head.lstrip()[:1]
        if start == b"[":
            raise BadInput(f"{self.path} is a JSON array, not JSONL: write one JSON object per line")
        if start and start != b"{":
            raise BadInput(f"{self.path} is not JSONL: its first line is not a JSON object")

    def count(self) -> int:
        return _count_newlines(self.path)

    def items(self) -> Iterator[Item]:
        return self._items_from(0, 0, 1)

    def _items_from(self, offset: int, index: int, line: int) -> Iterator[Item]:
        with open(self.path, "rb") as fh:
            fh.seek(offset)
            for lineno, (pos, raw) in enumerate(_raw_lines(fh, self.line_limit), line):
                if raw is not None and not raw.strip():
                    continue
                yield self._parse(raw, index, lineno, pos)
                index += 1

    def _parse(self, raw: bytes | None, index: int, lineno: int, pos: int) -> Item:
        bad = Item(index, None, None, lineno, pos)
        if raw is None:
            bad.error = f"line is too long (over {self.line_limit:,} bytes)"
            return bad
        try:
            record = json.loads(raw)
        except UnicodeDecodeError:
            bad.error = "line is not valid UTF-8"
            return bad
        except json.JSONDecodeError as err:
            bad.error = f"invalid JSON: {err.msg} (column {err.colno})"
            return bad
        if not isinstance(record, dict):
            bad.error = "line is not a JSON object"
            return bad
        if self.id_field not in record:
            bad.error = f"missing '{self.id_field}' field"
            return bad
        return self._value(record[self.id_field], index, lineno, pos, record.get(self.text_field))


class CsvSource(Source):
    kind = "csv"

    def __init__(self, path, id_field, text_field, max_chars, delimiter: str = ","):
        super().__init__(path, id_field, text_field, max_chars)
        self.delimiter = delimiter
        csv.field_size_limit(max(csv.field_size_limit(), self.line_limit))

    def check(self) -> None:
        if b"\x00" in _head(self.path):
            raise BadInput(f"{self.path} is not CSV (it contains NUL bytes)")
        with open(self.path, "rb") as fh:
            lines = _TrackedLines(fh)
            try:
                header = next(csv.reader(lines, delimiter=self.delimiter), None)
            except csv.Error as err:
                raise BadInput(f"{self.path} is not CSV: {err}") from None
            self.body_offset, self.body_line = lines.pos, lines.lines + 1
        header = [h.strip().lstrip("\ufeff") for h in header or []]
        missing = [f for f in (self.id_field, self.text_field) if f not in header]
        if missing:
            raise BadInput(
                f"{self.path}: no column {', '.join(repr(m) for m in missing)} in the CSV header "
                f"({', '.join(header) or 'empty'}); use --id-field/--text-field"
            )
        self.id_col, self.text_col = header.index(self.id_field), header.index(self.text_field)

    def count(self) -> int | None:
        with open(self.path, "rb") as fh:
            fh.seek(self.body_offset)
            try:
                return sum(1 for row in csv.reader(_TrackedLines(fh), delimiter=self.delimiter) if row)
            except csv.Error:
                return None  # a malformed row: the bar goes without a total

    def items(self) -> Iterator[Item]:
        return self._items_from(self.body_offset, 0, self.body_line)

    def _items_from(self, offset: int, index: int, line: int) -> Iterator[Item]:
        with open(self.path, "rb") as fh:
            fh.seek(offset)
            lines = _TrackedLines(fh, line - 1)
            reader = csv.reader(lines, delimiter=self.delimiter)
            while True:
                start, start_line = lines.pos + offset, lines.lines + 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as err:
                    yield Item(index, None, None, start_line, start, error=f"malformed CSV row: {err}")
                    index += 1
                    continue
                if not row or not any(c.strip() for c in row):
                    continue
                if len(row) <= max(self.id_col, self.text_col):
                    item = Item(index, None, None, start_line, start, error=f"row has {len(row)} fields, fewer than the header")
                elif any("\udc80" <= ch <= "\udcff" for cell in row for ch in cell):
                    item = Item(index, None, None, start_line, start, error="row is not valid UTF-8")
                else:
                    item = self._value(row[self.id_col], index, start_line, start, row[self.text_col])
                yield item
                index += 1


class _TrackedLines:
    """Lines of a binary file as text for csv.reader, counting bytes and lines consumed, so the
    byte offset where each row starts is known (csv reads no further than the row it returns)."""

    def __init__(self, fh, lines: int = 0):
        self.fh, self.pos, self.lines = fh, 0, lines

    def __iter__(self):
        return self

    def __next__(self) -> str:
        raw = self.fh.readline()
        if not raw:
            raise StopIteration
        self.pos += len(raw)
        self.lines += 1
        return raw.decode("utf-8", "surrogateescape")


class DirSource(Source):
    kind = "dir"

    def check(self) -> None:
        try:
            os.listdir(self.path)
        except OSError as err:
            raise BadInput(f"cannot read directory {self.path}: {err.strerror or err}") from None

    def _files(self) -> Iterator[str]:
        """Relative paths (with /) of the documents, in a stable order; hidden entries skipped."""
        for root, dirs, files in os.walk(self.path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith(".") and name.lower().endswith(DOC_SUFFIXES):
                    yield Path(root, name).relative_to(self.path).as_posix()

    def count(self) -> int:
        return sum(1 for _ in self._files())

    def items(self) -> Iterator[Item]:
        for index, rel in enumerate(self._files()):
            yield self._read(index, rel)

    def plan_items(self) -> Iterator[Item]:
        for index, rel in enumerate(self._files()):
            yield Item(index, rel, None)

    def read_shard(self, shard: dict) -> Iterator[Item]:
        for index, rel in zip(shard["indices"], shard["paths"]):
            yield self._read(index, rel)

    def _read(self, index: int, rel: str) -> Item:
        from .text import read_file

        item = Item(index, rel, None)
        try:
            item.text = read_file(self.path / rel, self.max_chars)
        except OSError as err:
            item.error = f"cannot read file: {err.strerror or err}"
        except BadInput as err:
            item.error = str(err)
        return item


def open_source(path: str | Path, fmt: str = "auto", *, id_field: str = "id", text_field: str = "text",
                max_chars: int = 200_000) -> Source:
    """The reader for INPUT, checked enough to say now (BadInput, exit 2) when it is unusable."""
    path = Path(path)
    if not path.exists():
        raise BadInput(f"no such file or directory: {path}")
    if fmt == "auto":
        if path.is_dir():
            fmt = "dir"
        elif path.suffix.lower() in JSONL_SUFFIXES:
            fmt = "jsonl"
        elif path.suffix.lower() in (".csv", ".tsv"):
            fmt = "csv"
        else:
            head = _head(path)
            fmt = "jsonl" if head.lstrip()[:1] in (b"{", b"") else "csv"
    if fmt == "dir":
        if not path.is_dir():
            raise BadInput(f"{path} is not a directory")
        source: Source = DirSource(path, id_field, text_field, max_chars)
    elif path.is_dir() or not path.is_file():
        raise BadInput(f"{path} is not a regular file (give a JSONL or CSV file, or a directory)")
    elif fmt == "jsonl":
        source = JsonlSource(path, id_field, text_field, max_chars)
    else:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        source = CsvSource(path, id_field, text_field, max_chars, delimiter)
    source.check()
    return source


# ---- output --------------------------------------------------------------------------------------
class OutputWriter:
    """OUTPUT as JSONL, crash-safe: each batch is one write + flush + fsync, so a SIGKILL leaves at
    most a partial last line, which `scan()` cuts off before anything new is appended."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.fh = None
        self.repaired = 0  # bytes of a partial last line removed by scan()

    def scan(self, retry_failed: bool = False) -> tuple[set[str], set[str]]:
        """(keys already in OUTPUT, the subset that are errors). With retry_failed, error lines are
        dropped from OUTPUT first (rewritten through a temp file and an atomic rename)."""
        if not self.path.parent.is_dir():
            raise BadInput(f"the directory of OUTPUT does not exist: {self.path.parent}")
        if not self.path.exists():
            return set(), set()
        if not self.path.is_file():
            raise BadInput(f"OUTPUT {self.path} is not a regular file")
        done: set[str] = set()
        failed: set[str] = set()
        keep_end = 0  # end of the last result line
        with open(self.path, "r+b") as fh:
            lineno = 0
            while raw := fh.readline():
                lineno += 1
                record = _result_line(raw)
                if record is None:
                    if not _torn(raw, fh):
                        raise BadInput(
                            f"OUTPUT {self.path} line {lineno} is not a result line of `briefs batch`; "
                            "give another OUTPUT"
                        )
                    break
                key = item_key(record["id"], record.get("line"))
                done.add(key)
                if "error" in record:
                    failed.add(key)
                keep_end += len(raw)
            end = fh.seek(0, os.SEEK_END)
            if end > keep_end:  # a torn last line: a previous run was killed (or lost power) mid-write
                fh.truncate(keep_end)
                fh.flush()
                os.fsync(fh.fileno())
                self.repaired = end - keep_end
        if retry_failed and failed:
            self._drop_errors()
            done -= failed
            failed = set()
        return done, failed

    def _drop_errors(self) -> None:
        tmp = self.path.with_name(self.path.name + ".retry.tmp")
        with open(self.path, "rb") as src, open(tmp, "wb") as dst:
            for raw in src:
                if "error" not in json.loads(raw):
                    dst.write(raw)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, self.path)
        _fsync_dir(self.path.parent)

    def open(self) -> "OutputWriter":
        new = not self.path.exists()
        self.fh = open(self.path, "ab")
        if new:
            _fsync_dir(self.path.parent)
        return self

    def write(self, lines: Iterable[str]) -> None:
        data = "".join(line + "\n" for line in lines).encode("utf-8")
        if data:
            self.fh.write(data)
            self.fh.flush()
            os.fsync(self.fh.fileno())

    def close(self) -> None:
        if self.fh:
            self.fh.close()
            self.fh = None


def _result_line(raw: bytes) -> dict | None:
    """The record of a complete OUTPUT line, or None when it is not one the writer wrote."""
    if not raw.endswith(b"\n"):
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    if isinstance(value, dict) and "id" in value and ("translation" in value or "error" in value):
        return value
    return None


def _torn(first: bytes, fh) -> bool:
    """Whether `first` and the rest of OUTPUT are what a write cut short leaves: the start of one of
    our lines with no newline after it, or the zeros a file system may leave after a power loss."""
    zeros = not first.strip(b"\0")
    ours = first.startswith(b'{"id": ') and not first.endswith(b"\n")
    while (zeros or ours) and (chunk := fh.read(1 << 20)):
        zeros = zeros and not chunk.strip(b"\0")
        ours = ours and b"\n" not in chunk
    return zeros or ours


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---- translation memory ---------------------------------------------------------------------------
class TranslationMemory:
    """Sentence translations keyed on (engine, sentence) in SQLite (WAL: a killed job loses at most
    its last transaction, never the file; several processes may share it)."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self._lock = threading.Lock()
        self.db = sqlite3.connect(self.path, timeout=60, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS memory (engine TEXT NOT NULL, source TEXT NOT NULL, "
            "target TEXT NOT NULL, PRIMARY KEY (engine, source)) WITHOUT ROWID"
        )

    def lookup(self, engine: str, sentences: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        batch = list(sentences)
        with self._lock:
            for k in range(0, len(batch), 500):
                chunk = batch[k:k + 500]
                marks = ",".join("?" * len(chunk))
                rows = self.db.execute(
                    f"SELECT source, target FROM memory WHERE engine = ? AND source IN ({marks})", [engine, *chunk]
                )
                found.update(rows)
        return found

    def store(self, engine: str, pairs: Iterable[tuple[str, str]]) -> None:
        rows = [(engine, s, t) for s, t in pairs]
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.executemany("INSERT OR REPLACE INTO memory VALUES (?, ?, ?)", rows)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def __len__(self) -> int:
        with self._lock:
            return self.db.execute("SELECT COUNT(*) FROM memory").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self.db.close()


@dataclass
class MemoryStats:
    sentences: int = 0  # sentences asked for (repeats included)
    hits: int = 0  # distinct sentences found in the memory
    translated: int = 0  # distinct sentences the engine translated

    def as_dict(self) -> dict[str, int]:
        return {"sentences": self.sentences, "hits": self.hits, "translated": self.translated}


class MemoryTranslator:
    """A Translator that answers from a TranslationMemory and sends only the misses (each distinct
    sentence once) to the engine it wraps, then remembers them. Without a memory it only counts."""

    def __init__(self, inner, memory: TranslationMemory | None, stats: MemoryStats | None = None, variant: str = ""):
        self.inner = inner
        self.memory = memory
        self.stats = stats or MemoryStats()
        self.name = inner.name
        self.key = engine_key(inner, variant)

    def __getattr__(self, attr):
        return getattr(self.inner, attr)

    def translate(self, sentences: list[str], progress=None) -> list[str]:
        unique = list(dict.fromkeys(s for s in sentences if s.strip()))
        known = self.memory.lookup(self.key, unique) if self.memory is not None else {}
        misses = [s for s in unique if s not in known]
        if misses:
            english = self.inner.translate(misses, progress)
            if len(english) != len(misses):
                raise RuntimeError(f"{self.name} returned {len(english)} translations for {len(misses)} sentences")
            if self.memory is not None:
                self.memory.store(self.key, zip(misses, english))
            known.update(zip(misses, english))
        elif progress:
            progress(len(sentences), len(sentences))
        self.stats.sentences += len(sentences)
        self.stats.hits += len(unique) - len(misses)
        self.stats.translated += len(misses)
        return [known.get(s, s) for s in sentences]


OUTPUT_SETTINGS = ("backend", "num_beams", "protect_names")  # engine attributes that change translations


def engine_key(translator, variant: str = "") -> str:
    """What a remembered translation is filed under: the engine's name plus the settings that change
    its output, looked up through wrappers (`.inner`), plus `variant` (e.g. a glossary hash)."""
    parts = [translator.name]
    t, depth = translator, 0
    while t is not None and depth < 8:
        own = getattr(t, "__dict__", {})
        parts += [f"{a}={own[a]}" for a in OUTPUT_SETTINGS if own.get(a) is not None]
        t, depth = own.get("inner"), depth + 1
    return "|".join(parts + ([variant] if variant else []))


def _glossary_fingerprint(config) -> str:
    """A short hash of the glossary files, which an engine may apply before translating: editing a
    glossary must not bring back translations remembered under the old one."""
    import hashlib

    from .translate.glossary import Glossary

    digest = hashlib.sha256()
    for path in Glossary.sources(config.glossary, config.prompts_dir):
        if path and path.is_file():
            digest.update(path.read_bytes())
        digest.update(b"\0")
    return "glossary=" + digest.hexdigest()[:12]


# ---- the worker: items -> output lines, the same in both runners ------------------------------------
@dataclass
class Outcome:
    key: str
    line: str  # the JSON output line, without newline
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def error_outcome(item: Item, reason: str, exit_code: int) -> Outcome:
    reason = " ".join(str(reason).split()) or "failed"
    record: dict[str, Any] = {"id": item.id}
    if item.line is not None:
        record["line"] = item.line
    record.update(error=reason, exit_code=exit_code)
    return Outcome(item.key, json.dumps(record, ensure_ascii=False), reason)


@dataclass
class JobSpec:
    """What a Worker needs to build its Pipeline; plain data, so it travels to Ray actors."""

    config: Any  # service.config.Config
    tiers: list[str] | None = None  # None: the config's tiers; [] no briefs
    engine: str | None = None
    source_lang: str | None = None
    memory_path: str | None = None


class Worker:
    """Builds the Pipeline (models load lazily, once) and turns batches of items into outcomes."""

    def __init__(self, spec: JobSpec):
        from .pipeline import Pipeline

        self.spec = spec
        self.stats = MemoryStats()
        self.memory = TranslationMemory(spec.memory_path) if spec.memory_path else None
        variant = _glossary_fingerprint(spec.config)
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
            texts = [items[k].text for k in todo]
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
                self.reasons[o.error[:100]] += 1
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
            _run_ray(source, writer, spec, options, plan, summary)
        else:
            _run_local(source, writer, spec, options, plan, summary)
    finally:
        writer.close()
        summary.seconds = time.perf_counter() - t0
    return summary


def _bar(total: int | None, initial: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, initial=min(initial, total) if total else initial, unit="doc", file=sys.stderr,
                disable=not enabled, dynamic_ncols=True, mininterval=0.5, smoothing=0.1)


def _tick(bar, summary: Summary, n: int, t0: float) -> None:
    bar.update(n)
    elapsed = max(time.perf_counter() - t0, 1e-9)
    bar.set_postfix_str(f"{summary.sentences / elapsed:.1f} sent/s, {summary.failed} failed", refresh=False)


def _run_local(source: Source, writer: OutputWriter, spec: JobSpec, options: JobOptions, plan: _Plan,
               summary: Summary) -> None:
    worker = Worker(spec)
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


# ---- the Ray runner ---------------------------------------------------------------------------------
def _run_ray(source: Source, writer: OutputWriter, spec: JobSpec, options: JobOptions, plan: _Plan,
             summary: Summary) -> None:
    """The driver reads the input once (keys only) to skip done and duplicate ids and to cut the
    rest into shards; Ray Data reads each shard's documents in tasks on the driver's node (where
    INPUT is), translates them in `concurrency` actors that each build the Pipeline once, and streams
    the output lines back to the driver, which writes them with the same crash-safe writer."""
    bad: list[Item] = []
    shards: list[dict] = []
    shard_size = options.batch_size  # a shard is one block of one batch: blocks are what Ray spreads over actors
    todo = 0
    for item in source.plan_items():
        if plan.status(item) != "todo":
            continue
        if item.error is not None:  # nothing for Ray to do: write its error line here
            bad.append(item)
            if len(bad) >= options.batch_size:
                _write_errors(bad, writer, summary)
                bad = []
            continue
        if not shards or len(shards[-1]["indices"]) >= shard_size:
            shards.append({"offset": item.offset or 0, "line": item.line or 0, "indices": [], "paths": []})
        shards[-1]["indices"].append(item.index)
        if source.kind == "dir":
            shards[-1]["paths"].append(item.id)
        todo += 1
    if bad:
        _write_errors(bad, writer, summary)
    if not shards:
        return

    ray, started = _ray_init(options)
    try:
        import ray.data

        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        here = _on_this_node(ray)  # the read step runs where INPUT is: the driver's node
        ds = (
            ray.data.from_items([{"shard": json.dumps(s)} for s in shards], override_num_blocks=len(shards))
            .map_batches(_read_shards, fn_args=(source,), batch_size=1, num_cpus=0, **here)
            .map_batches(_RayWorker, fn_constructor_args=(spec,), batch_size=options.batch_size,
                         num_cpus=options.cpus_per_worker,
                         compute=ray.data.ActorPoolStrategy(size=options.concurrency))
        )
        _quiet_ray()
        t0 = time.perf_counter()
        bar = _bar(todo, 0, options.progress)
        try:
            for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
                outcomes = [Outcome(str(k), str(line), None if str(err) == "" else str(err))
                            for k, line, err in zip(batch["key"], batch["line"], batch["error"])]
                writer.write(o.line for o in outcomes)
                stats = {name: int(batch[name].sum()) for name in ("sentences", "hits", "translated")}
                summary.add(outcomes, stats)
                _tick(bar, summary, len(outcomes), t0)
        finally:
            bar.close()
    finally:
        if started:
            ray.shutdown()


def _write_errors(items: list[Item], writer: OutputWriter, summary: Summary) -> None:
    outcomes = [error_outcome(item, item.error, 2) for item in items]
    writer.write(o.line for o in outcomes)
    summary.add(outcomes, {})


def _probe(address: str, timeout: float = 10.0) -> None:
    """Fail in seconds, not never, when a HOST:PORT cluster address does not answer (Ray itself
    retries an unreachable address without end)."""
    import socket

    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit() or not host:
        return  # "auto" and the like: Ray finds the cluster itself
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as err:
        raise EngineUnavailable(f"no Ray cluster answers at {address} ({err.strerror or err})") from None


def _on_this_node(ray) -> dict:
    """map_batches arguments that keep a step on the driver's node (label selectors on recent Ray,
    a hard node-affinity strategy on older releases)."""
    import inspect

    node = ray.get_runtime_context().get_node_id()
    if "label_selector" in inspect.signature(ray.data.Dataset.map_batches).parameters:
        return {"label_selector": {"ray.io/node-id": node}}
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    return {"scheduling_strategy": NodeAffinitySchedulingStrategy(node, soft=False)}


def _quiet_ray() -> None:
    """Ray's own INFO/WARNING chatter would bury the progress bar; errors still show."""
    import logging
    import warnings

    for name in ("ray", "ray.data", "ray.data._internal.execution.streaming_executor"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module=r"ray\.")


def _ray_init(options: JobOptions):
    """(the ray module, whether this call started Ray): an existing connection is reused."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    import logging

    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as err:
        raise EngineUnavailable(f"the ray runner needs Ray Data ({err}); pip install 'briefs[ray]'") from None

    started = not ray.is_initialized()
    if started:
        quiet: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False}
        if options.ray_address:  # an existing cluster: it has its own resources and dashboard
            _probe(options.ray_address)
            try:
                ray.init(address=options.ray_address, **quiet)
            except (ConnectionError, RuntimeError, ValueError) as err:
                raise EngineUnavailable(f"cannot use the Ray cluster at {options.ray_address}: {err}") from None
        else:  # a local Ray sized to the job, with a small object store and no dashboard
            cpus = max(os.cpu_count() or 1, int(options.concurrency * options.cpus_per_worker + 0.999))
            ray.init(address="local", num_cpus=cpus, object_store_memory=256 * 1024 * 1024, include_dashboard=False,
                     **quiet)
    _quiet_ray()
    return ray, started


def _read_shards(batch: dict, source: Source) -> dict:
    """Ray Data read step: shard descriptors -> the documents they name (runs where INPUT is)."""
    cols: dict[str, list] = {"index": [], "id": [], "line": [], "text": [], "error": []}
    for shard in batch["shard"]:
        for item in source.read_shard(json.loads(str(shard))):
            cols["index"].append(item.index)
            cols["id"].append(json.dumps(item.id, ensure_ascii=False))
            cols["line"].append(-1 if item.line is None else item.line)
            cols["text"].append(item.text or "")
            cols["error"].append(item.error or "")
    return cols


class _RayWorker:
    """Ray Data actor: builds a Worker (and so the Pipeline and its models) once."""

    def __init__(self, spec: JobSpec):
        if spec.memory_path:
            try:
                Path(spec.memory_path).parent.mkdir(parents=True, exist_ok=True)
                TranslationMemory(spec.memory_path).close()
            except (OSError, sqlite3.Error) as err:  # e.g. a node that cannot reach the driver's disk
                print(f"briefs: warning: translation memory {spec.memory_path} unusable here ({err}); "
                      "going on without it", file=sys.stderr)
                spec = replace(spec, memory_path=None)
        self.worker = Worker(spec)

    def __call__(self, batch: dict) -> dict:
        items = []
        for index, id_json, line, text, error in zip(batch["index"], batch["id"], batch["line"], batch["text"],
                                                     batch["error"]):
            line = int(line)
            items.append(Item(int(index), json.loads(str(id_json)), str(text), None if line < 0 else line,
                              error=str(error) or None))
        outcomes, stats = self.worker.process(items)
        n = len(outcomes)
        cols: dict[str, list] = {
            "key": [o.key for o in outcomes],
            "line": [o.line for o in outcomes],
            "error": [o.error or "" for o in outcomes],
        }
        for name in ("sentences", "hits", "translated"):  # the batch's counts ride on its first row
            cols[name] = [stats[name]] + [0] * (n - 1) if n else []
        return cols


# ---- the shell ------------------------------------------------------------------------------------------
def register(subparsers, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "batch", parents=[common], help="translate (and brief) a JSONL, CSV or directory of documents",
        description="Translate and brief every item of INPUT into OUTPUT (JSONL, one line per item). "
        "Rerunning the same command resumes: ids already in OUTPUT are skipped. Exit 0 all ok, "
        "4 some items failed (errors are in OUTPUT), 2 INPUT unusable.",
    )
    p.add_argument("input", metavar="INPUT", help="JSONL or CSV file (fields id, text), or a directory of .txt/.md/.html")
    p.add_argument("output", metavar="OUTPUT", help="JSONL results; appended to, and resumed from, when it exists")
    p.add_argument("--format", choices=("auto", "jsonl", "csv", "dir"), default="auto", help="input format (default: from the name)")
    p.add_argument("--id-field", default="id", help="id field or column (default id)")
    p.add_argument("--text-field", default="text", help="text field or column (default text)")
    p.add_argument("--no-briefs", action="store_true", help="translation only")
    p.add_argument("--tiers", help="comma-separated tiers (default: all in prompts/tiers)")
    p.add_argument("--source-lang", help="skip detection: the ISO code of every item's language")
    p.add_argument("--batch-size", type=int, default=DEFAULT_BATCH,
                   help=f"documents per pipeline call and per write (default {DEFAULT_BATCH}); a kill loses at most one batch")
    p.add_argument("--memory", metavar="PATH", help="translation memory (default: OUTPUT.tm.sqlite)")
    p.add_argument("--no-memory", action="store_true", help="no translation memory")
    p.add_argument("--retry-failed", action="store_true", help="redo the items whose OUTPUT line is an error")
    p.add_argument("--quiet", action="store_true", help="no progress bar (the summary is still printed)")
    g = p.add_argument_group("ray")
    g.add_argument("--runner", choices=("local", "ray"), default="local", help="local (default) or ray (Ray Data)")
    g.add_argument("--ray-address", help="an existing Ray cluster (e.g. auto, or ray://head:10001); default: start a local Ray")
    g.add_argument("--concurrency", type=int, default=2, help="Ray actors, each with its own pipeline (default 2)")
    g.add_argument("--cpus-per-worker", type=float, default=1.0, help="CPUs Ray reserves per actor (default 1)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from .cli import config_from_args
    from .summarize.tiers import load_tiers

    config = config_from_args(args)
    if args.batch_size < 1 or args.concurrency < 1:
        raise BadInput("--batch-size and --concurrency must be at least 1")
    if args.ray_address and args.runner != "ray":
        raise BadInput("--ray-address needs --runner ray")
    tiers = [] if args.no_briefs else None  # None: the config's tiers
    if not args.no_briefs and config.tiers is not None:
        load_tiers(config.prompts_dir, config.tiers)  # an unknown tier: exit 2 now, not per document
    source = open_source(args.input, args.format, id_field=args.id_field, text_field=args.text_field,
                         max_chars=config.max_chars)
    memory = None if args.no_memory else os.path.abspath(args.memory or f"{args.output}.tm.sqlite")
    spec = JobSpec(config, tiers, config.engine, args.source_lang, memory)
    options = JobOptions(batch_size=args.batch_size, retry_failed=args.retry_failed, progress=not args.quiet,
                         runner=args.runner, ray_address=args.ray_address, concurrency=args.concurrency,
                         cpus_per_worker=args.cpus_per_worker)
    summary = run_job(source, args.output, spec, options)
    for line in summary.lines():
        print(f"briefs {line}", file=sys.stderr)
    return summary.exit_code
