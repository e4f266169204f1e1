"""Running apertium for the offline engine: the shell command of a direction (`pipe_command`,
a fresh tagger for every block), the pair's morphological analysers (`_Analyser`) and the
long-lived null-flush pipes both run in (`Pipe`, `shared`)."""

from __future__ import annotations

import os
import re
import selectors
import shlex
import shutil
import signal
import subprocess
import threading
import time
from functools import cache
from pathlib import Path

from .apertium_text import _escape


def mode_file(binary: str, direction: str) -> Path | None:
    """The .mode file of `direction` for the apertium at `binary` (APERTIUM_DATADIR first)."""
    datadirs = [os.environ.get("APERTIUM_DATADIR"), Path(binary).resolve().parent.parent / "share" / "apertium", "/usr/share/apertium"]
    for d in datadirs:
        if d and (Path(d) / "modes" / f"{direction}.mode").is_file():
            return Path(d) / "modes" / f"{direction}.mode"
    return None


# apertium-tagger keeps state for the whole process, across null-flush blocks: how it reads a word of
# an ambiguity class unseen in training depends on the words it read before (measured: "Concordiamo
# con quanto affermato" tags "quanto" <adj><itg> alone, <rel><nn> once any earlier block had "che";
# `apertium-tagger -d` reports both as "a new ambiguity class"). The stages before it (lt-proc,
# cg-proc) and after it give each block the same output whatever precedes it. So each block gets a
# tagger process of its own: a shell loop over the null-separated blocks, inside the one pipe.
_TAGGER = re.compile(r"apertium-tagger\s+(?:-z\s+)?-g\s+(?:\$2\s+)?('[^']*'|[^\s|']+)")
_TAGGER_PER_BLOCK = (
    "{{ while IFS= read -r -d '' b || [ -n \"$b\" ]; do printf '%s' \"$b\" | apertium-tagger -g {prob}; printf '\\0'; done; }}"
)


@cache
def pipe_command(binary: str, direction: str) -> str:
    """A shell command translating apertium's null-flushed stream format for `direction` (-f none,
    unknown-word marks kept) with a fresh tagger for every block; `apertium -z -f none` where the
    mode file or apertium-wblank-mode is missing."""
    plain = f"{shlex.quote(binary)} -z -f none {direction}"
    mode, wblank = mode_file(binary, direction), shutil.which("apertium-wblank-mode")
    if mode is None or wblank is None:
        return plain
    try:
        proc = subprocess.run([wblank, "-z", str(mode)], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return plain
    command = " ".join(proc.stdout.split())
    if proc.returncode != 0 or not command or "$" in _TAGGER.sub("", command).replace("$1", "").replace("$2", ""):
        return plain
    command = _TAGGER.sub(lambda m: _TAGGER_PER_BLOCK.format(prob=m.group(1)), command)
    return "(" + command.replace("$1", "-g").replace("$2", "") + ")"



class Pipe:
    """A long-lived command in apertium's null-flush mode (-z): started once, its stages load
    their dictionaries in the background while the caller does other work; then fed any number of
    times. Each input block ends with a NUL and comes back as one NUL-terminated output block, and
    every stage treats each block on its own (the tagger, which does not, runs once per block:
    `pipe_command`), so what comes out for a block never depends on what the pipe read before.
    A pipe that fails or stalls is ended and `run` returns None: the caller runs the command once."""

    def __init__(self, argv: tuple[str, ...]):
        self.argv = argv
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            self._alive()

    def run(self, stream: bytes, blocks: int, timeout: float = 300.0) -> bytes | None:
        """The output of `blocks` NUL-terminated blocks (`stream`), NULs included; None on failure."""
        with self._lock:
            proc = self._alive()
            if proc is None or proc.stdin is None or proc.stdout is None or stream.count(b"\0") != blocks:
                return None
            writer = threading.Thread(target=_write, args=(proc.stdin, stream), daemon=True)
            writer.start()
            out, seen, fd = bytearray(), 0, proc.stdout.fileno()
            deadline = time.monotonic() + timeout
            with selectors.DefaultSelector() as selector:
                selector.register(fd, selectors.EVENT_READ)
                while seen < blocks:
                    left = deadline - time.monotonic()
                    chunk = os.read(fd, 1 << 16) if left > 0 and selector.select(left) else b""
                    if not chunk:
                        break
                    seen += chunk.count(b"\0")
                    out += chunk
            if seen != blocks or not out.endswith(b"\0"):
                self._end()
                writer.join()
                return None
            writer.join()
            return bytes(out)

    def _alive(self) -> subprocess.Popen | None:
        if self._proc is None or self._proc.poll() is not None:
            try:
                self._proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                              env={**os.environ, "LC_ALL": "C.UTF-8"}, bufsize=0, start_new_session=True)
            except OSError:
                self._proc = None
        return self._proc

    def _end(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the whole pipe: it runs in a session of its own
                proc.wait(timeout=30)
            except (OSError, subprocess.SubprocessError):
                pass
            for f in (proc.stdin, proc.stdout):
                if f is not None:
                    f.close()


def _write(stdin, stream: bytes) -> None:
    try:
        stdin.write(stream)
        stdin.flush()
    except (OSError, ValueError):  # the pipe ended: `run` sees it on the reading side
        pass


_PIPES: dict[tuple[str, ...], Pipe] = {}
_PIPES_LOCK = threading.Lock()


def shared(argv: tuple[str, ...]) -> Pipe:
    """This process's pipe running `argv` (one per command, started on first use)."""
    with _PIPES_LOCK:
        if argv not in _PIPES:
            _PIPES[argv] = Pipe(argv)
        return _PIPES[argv]


def _forget_pipes() -> None:
    """In a forked child: the parent's pipes are the parent's; start its own."""
    global _PIPES_LOCK
    _PIPES.clear()
    _PIPES_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_forget_pipes)


def shell(pipe: str) -> tuple[str, ...]:
    """The argv that runs the shell pipe `pipe` (a stage's failure fails the whole pipe)."""
    return ("bash", "-o", "pipefail", "-c", pipe)


def _lt_proc_file(mode: Path | None, pattern: str) -> tuple[str, Path] | None:
    """lt-proc and the file a stage of the mode reads (`pattern`'s group), when both are installed."""
    if mode is None or not mode.is_file():
        return None
    m = re.search(pattern, mode.read_text(encoding="utf-8", errors="replace"))
    lt_proc = shutil.which("lt-proc")
    if not m or not lt_proc or not Path(m.group(1)).is_file():
        return None
    return lt_proc, Path(m.group(1))


def _blocks(pipe: "Pipe", command: list[str], items: list[str]) -> list[str]:
    """lt-proc's output for each of `items` (already in its input format), one numbered separator
    after each, through the long-lived `pipe` (one run of `command` of its own if that fails);
    all "" when lt-proc fails or the separators do not all come back."""
    stream = "".join(f"{item}[<w>]\n" for item in items).encode("utf-8")
    out = pipe.run(stream + b"\0", 1) if b"\0" not in stream else None
    ok = out is not None
    if out is None:
        proc = subprocess.run(command, input=stream, capture_output=True)
        out, ok = proc.stdout, proc.returncode == 0
    chunks = out.replace(b"\0", b"").decode("utf-8", "replace").split("[<w>]")[: len(items)]
    return chunks if ok and len(chunks) == len(items) else [""] * len(items)


class _Analyser:
    """A morphological analyser of the pair (lt-proc + the mode's .automorf.bin): readings per word."""

    def __init__(self, lt_proc: str, automorf: Path):
        self.command = [lt_proc, str(automorf)]
        self.pipe = shared((lt_proc, "-z", str(automorf)))  # the same analysis, one NUL-terminated block a call
        self.cache: dict[str, list[str]] = {}

    def start(self) -> None:
        """Start the analyser now (loading its dictionary), for a later `analyse`."""
        self.pipe.start()

    @classmethod
    def for_mode(cls, mode: Path | None) -> "_Analyser | None":
        found = _lt_proc_file(mode, r"lt-proc\s+(?:-\w+\s+)*'?([^'\s|]+\.automorf\.bin)")
        return cls(*found) if found else None

    def analyse(self, words: list[str]) -> dict[str, list[str]]:
        """Readings of each word ("Antonio<np><ant><m><sg>"); [] for a word the analyser does not know."""
        todo = [w for w in words if w not in self.cache]
        if todo:
            chunks = _blocks(self.pipe, self.command, [_escape(w) for w in todo])  # "": the word counts as unknown
            for word, chunk in zip(todo, chunks):
                lus = re.findall(r"\^((?:\\.|[^$\\])*)\$", chunk)
                self.cache[word] = [r for lu in lus for r in lu.split("/")[1:] if not r.startswith("*")]
        return {w: self.cache[w] for w in words}


class _Bilingual:
    """A pair's bilingual dictionary (lt-proc -b + the mode's .autobil.bin): the target-language
    readings of a source reading ("travesía<n><f><sg>" -> ["viaggio<n><m><sg>"] in spa-ita)."""

    def __init__(self, lt_proc: str, autobil: Path):
        self.command = [lt_proc, "-b", str(autobil)]
        self.pipe = shared((lt_proc, "-z", "-b", str(autobil)))
        self.cache: dict[str, list[str]] = {}

    @classmethod
    def for_mode(cls, mode: Path | None) -> "_Bilingual | None":
        found = _lt_proc_file(mode, r"lt-proc\s+-b\s+'?([^'\s|]+\.autobil\.bin)")
        return cls(*found) if found else None

    def lookup(self, readings: list[str]) -> dict[str, list[str]]:
        """The translations of each reading; [] for one the dictionary lacks."""
        todo = [r for r in readings if r not in self.cache and re.fullmatch(r"[^\^$/\\\[\]<>\0]+(?:<[\w-]+>)+", r)]
        if todo:
            for reading, chunk in zip(todo, _blocks(self.pipe, self.command, [f"^{r}$" for r in todo])):
                m = re.search(r"\^((?:\\.|[^$\\])*)\$", chunk)
                self.cache[reading] = [t for t in (m.group(1).split("/")[1:] if m else []) if not t.startswith("@")]
        return {r: self.cache.get(r, []) for r in readings}

