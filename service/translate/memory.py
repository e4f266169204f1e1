"""The translation memory: sentences already translated by the same engine (and settings, and
glossary) come from a SQLite file; only misses reach the engine."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


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


def engine_key(translator, variant: str = "") -> str:
    """What a remembered translation is filed under: the engine's `output_key()` (its name plus the
    settings that change its output; wrappers such as the glossary pass it through), plus `variant`
    (e.g. a glossary hash)."""
    from .glossary import output_key

    return "|".join([output_key(translator)] + ([variant] if variant else []))


def glossary_fingerprint(config) -> str:
    """A short hash of the glossary files, which an engine may apply before translating: editing a
    glossary must not bring back translations remembered under the old one."""
    import hashlib

    from .glossary import Glossary

    digest = hashlib.sha256()
    for path in Glossary.sources(config.glossary, config.prompts_dir):
        if path and path.is_file():
            digest.update(path.read_bytes())
        digest.update(b"\0")
    return "glossary=" + digest.hexdigest()[:12]

