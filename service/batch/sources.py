"""Readers of `briefs batch` INPUT: JSONL, CSV and directories of documents, streaming (a
1,000,000-line input is never read whole); a bad line becomes an item with an error, never the end
of the job."""

from __future__ import annotations

import codecs
import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..documents import SUFFIXES
from ..errors import BadInput
from ..jsonl import LineError, count_lines, parse_line, raw_lines

DOC_SUFFIXES = SUFFIXES  # briefs.documents: the one table of formats
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")


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

    def check(self) -> None:
        """BadInput (exit 2) now when the input is unusable."""
        raise NotImplementedError

    def count(self) -> int | None:
        raise NotImplementedError

    def items(self) -> Iterator[Item]:
        raise NotImplementedError

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

    def _items_from(self, offset: int, index: int, line: int) -> Iterator[Item]:
        raise NotImplementedError

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
        return count_lines(self.path)

    def items(self) -> Iterator[Item]:
        return self._items_from(0, 0, 1)

    def _items_from(self, offset: int, index: int, line: int) -> Iterator[Item]:
        with open(self.path, "rb") as fh:
            fh.seek(offset)
            for lineno, (pos, raw) in enumerate(raw_lines(fh, self.line_limit), line):
                if raw is not None and not raw.strip():
                    continue
                yield self._parse(raw, index, lineno, pos)
                index += 1

    def _parse(self, raw: bytes | None, index: int, lineno: int, pos: int) -> Item:
        bad = Item(index, None, None, lineno, pos)
        try:
            record = parse_line(raw, self.line_limit)
        except LineError as err:
            bad.error = str(err)
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
        from ..documents import read_file

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

