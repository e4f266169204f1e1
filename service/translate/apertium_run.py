"""Running apertium for the offline engine: the shell command of a direction (`pipe_command`,
a fresh tagger for every block) and the pair's morphological analysers (`_Analyser`)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
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



class _Analyser:
    """A morphological analyser of the pair (lt-proc + the mode's .automorf.bin): readings per word."""

    def __init__(self, lt_proc: str, automorf: Path):
        self.command = [lt_proc, str(automorf)]
        self.cache: dict[str, list[str]] = {}

    @classmethod
    def for_mode(cls, mode: Path | None) -> "_Analyser | None":
        if mode is None:
            return None
        m = re.search(r"lt-proc\s+(?:-\w+\s+)*'?([^'\s|]+\.automorf\.bin)", mode.read_text(encoding="utf-8", errors="replace"))
        lt_proc = shutil.which("lt-proc")
        if not m or not lt_proc or not Path(m.group(1)).is_file():
            return None
        return cls(lt_proc, Path(m.group(1)))

    def analyse(self, words: list[str]) -> dict[str, list[str]]:
        """Readings of each word ("Antonio<np><ant><m><sg>"); [] for a word the analyser does not know."""
        todo = [w for w in words if w not in self.cache]
        if todo:
            stream = "".join(f"{_escape(w)}[<w>]\n" for w in todo)
            proc = subprocess.run(self.command, input=stream.encode("utf-8"), capture_output=True)
            chunks = proc.stdout.decode("utf-8", "replace").split("[<w>]")[: len(todo)]
            if proc.returncode != 0 or len(chunks) != len(todo):
                chunks = [""] * len(todo)  # no analysis: the words count as unknown
            for word, chunk in zip(todo, chunks):
                lus = re.findall(r"\^((?:\\.|[^$\\])*)\$", chunk)
                self.cache[word] = [r for lu in lus for r in lu.split("/")[1:] if not r.startswith("*")]
        return {w: self.cache[w] for w in words}

