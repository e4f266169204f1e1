"""`OutputWriter`: OUTPUT as JSONL, one line per input item, each batch written with one write +
fsync; a partial last line (a job killed mid-write) is cut off on the next run, ids already there
are skipped."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import BinaryIO, Iterable

from ..errors import BadInput
from .sources import item_key


class OutputWriter:
    """OUTPUT as JSONL, crash-safe: each batch is one write + flush + fsync, so a SIGKILL leaves at
    most a partial last line, which `scan()` cuts off before anything new is appended."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.fh: BinaryIO | None = None
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
            assert self.fh is not None, "write() before open()"
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

