"""The one JSONL reader: physical lines with their byte offsets (a line over the limit skipped
without being held in memory), each parsed on its own, so one bad line is one error, never the end
of the file. `briefs batch` reads its input with it (from any offset: the Ray runner's shards);
`briefs eval` reads its data files with `records`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, BinaryIO, Iterator

DEFAULT_LIMIT = 64 << 20  # bytes in one line


class LineError(ValueError):
    """Why one line is not a JSON value. `decode` is the JSONDecodeError when the JSON itself is bad."""

    def __init__(self, message: str, decode: json.JSONDecodeError | None = None):
        super().__init__(message)
        self.decode = decode


def raw_lines(fh: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
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


def parse_line(raw: bytes | None, limit: int) -> Any:
    """The JSON value of one line from `raw_lines` (a UTF-8 byte order mark is allowed); LineError
    when the line is too long, not UTF-8 or not JSON."""
    if raw is None:
        raise LineError(f"line is too long (over {limit:,} bytes)")
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise LineError("line is not valid UTF-8") from None
    except json.JSONDecodeError as err:
        raise LineError(f"invalid JSON: {err.msg} (column {err.colno})", err) from None


def records(path: str | Path, limit: int = DEFAULT_LIMIT) -> Iterator[tuple[int, Any]]:
    """(line number, JSON value or LineError) for each non-blank line of a JSONL file."""
    with open(path, "rb") as fh:
        for lineno, (_, raw) in enumerate(raw_lines(fh, limit), 1):
            if raw is not None and not raw.strip():
                continue
            try:
                yield lineno, parse_line(raw, limit)
            except LineError as err:
                yield lineno, err


def count_lines(path: str | Path) -> int:
    """Lines in a file (a last line without a newline counts), read in large chunks."""
    n = 0
    last = b"\n"
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (last != b"\n")
