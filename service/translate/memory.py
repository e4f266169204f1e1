"""The translation memory: one store of sentence translations for every path (page, CLI, batch, API).

Two kinds of entry, keyed by the source sentence:

- machine entries, filed under the engine's output key (`engine_key`: engine name + the settings
  that change its output + a glossary fingerprint): a sentence one engine has translated is never
  sent to it again;
- human entries (an editor's correction, or a TMX unit from a CAT tool): who, when, and which engine
  output they replaced. A human entry wins over machine output of every engine from then on; only
  exact matches are applied, close ones (`suggestions`, rapidfuzz ratio >= 90) are shown to editors.

Where it lives is one setting, `BRIEFS_MEMORY` (a file path, a postgresql:// URL, or "off"): SQLite
by default (`default_path()`), PostgreSQL (psycopg 3) when several machines share it, e.g. the Ray
runner's nodes. Workers that share a memory also share the work: a sentence is claimed before it is
translated, so a repeated sentence is translated once however many workers meet it at once.
TMX import/export (`briefs memory import|export|stats`) goes through translate-toolkit.

This module holds the setting (`location`, `open_memory`) and the memory in front of an engine
(`MemoryTranslator`, `engine_key`); the stores and their entries are in `memory_store`, TMX in
`tmx`; every name is importable from here as before.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from .memory_store import (
    CLAIM_STALE_S,
    FUZZY_THRESHOLD,
    HUMAN,
    MACHINE,
    Entry,
    PostgresMemory,
    Suggestion,
    TranslationMemory,
    now,
)
from .tmx import export_tmx, read_tmx

MEMORY_ENV = "BRIEFS_MEMORY"
OFF = ("off", "none", "no", "0", "false")
POLL_S = 0.05


def default_path() -> Path:
    """$XDG_DATA_HOME/briefs/memory.sqlite (~/.local/share/...): data an editor made, not a cache."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "briefs" / "memory.sqlite"


def location(value: str | None = None) -> str | None:
    """Where the memory is: `value` (e.g. batch's --memory), else $BRIEFS_MEMORY, else the default
    SQLite file; None when the setting says off."""
    if value is None:
        value = os.environ.get(MEMORY_ENV)
    if value is None:
        return str(default_path())
    value = value.strip()
    if not value or value.lower() in OFF:
        return None
    return value


def is_url(where: str | Path) -> bool:
    return str(where).startswith(("postgresql://", "postgres://"))


def open_memory(where: str) -> "TranslationMemory":
    """The memory at a path (SQLite) or a postgresql:// URL. Unusable: BadInput (a path) or
    EngineUnavailable (a server that does not answer)."""
    if is_url(where):
        return PostgresMemory(str(where))
    return TranslationMemory(where)


# ---- the memory in front of an engine -------------------------------------------------------------------
@dataclass
class MemoryStats:
    sentences: int = 0  # sentences asked for (repeats included)
    hits: int = 0  # distinct sentences found in the memory
    translated: int = 0  # distinct sentences the engine translated

    def as_dict(self) -> dict[str, int]:
        return {"sentences": self.sentences, "hits": self.hits, "translated": self.translated}


class MemoryTranslator:
    """A Translator that answers from a TranslationMemory (human entries first) and sends only the
    misses (each distinct sentence once) to the engine it wraps, then remembers them. With a shared
    memory, misses are claimed first: what another worker is translating is waited for, not redone.
    Without a memory it only counts."""

    def __init__(self, inner, memory: TranslationMemory | None, stats: MemoryStats | None = None, variant: str = ""):
        self.inner = inner
        self.memory = memory
        self.stats = stats or MemoryStats()
        self.name = inner.name
        self.key = engine_key(inner, variant)
        self.owner = uuid.uuid4().hex

    def __getattr__(self, attr):
        return getattr(self.inner, attr)

    def translate(self, sentences: list[str], progress=None) -> list[str]:
        unique = list(dict.fromkeys(s for s in sentences if s.strip()))
        known = self.memory.lookup(self.key, unique) if self.memory is not None else {}
        misses = [s for s in unique if s not in known]
        translated = 0
        if misses and self.memory is None:
            known.update(self._engine(misses, progress))
            translated = len(misses)
        while misses and self.memory is not None:
            mine = self.memory.claim(self.key, misses, self.owner) if self.memory.shared else misses
            if mine:
                try:
                    done = self.memory.lookup(self.key, mine)  # stored by another worker since our lookup
                    todo = [s for s in mine if s not in done]
                    if todo:
                        english = self._engine(todo, progress)
                        self.memory.store(self.key, english.items())
                        done.update(english)
                        translated += len(todo)
                    known.update(done)
                finally:  # a failed engine must not leave the others waiting for its claims
                    if self.memory.shared:
                        self.memory.release(self.key, mine, self.owner)
            rest = [s for s in misses if s not in known]
            if rest:  # claimed by another worker: wait for its translations
                known.update(self.memory.lookup(self.key, rest))
                if any(s not in known for s in rest):
                    time.sleep(POLL_S)
            misses = [s for s in rest if s not in known]
        if not translated and progress:
            progress(len(sentences), len(sentences))
        self.stats.sentences += len(sentences)
        self.stats.hits += len(unique) - translated
        self.stats.translated += translated
        return [known.get(s, s) for s in sentences]

    def _engine(self, sentences: list[str], progress) -> dict[str, str]:
        english = self.inner.translate(sentences, progress)
        if len(english) != len(sentences):
            raise RuntimeError(f"{self.name} returned {len(english)} translations for {len(sentences)} sentences")
        return dict(zip(sentences, english))


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


__all__ = [
    "CLAIM_STALE_S", "FUZZY_THRESHOLD", "HUMAN", "MACHINE", "now",
    "Entry", "MemoryStats", "MemoryTranslator", "PostgresMemory", "Suggestion", "TranslationMemory",
    "engine_key", "export_tmx", "glossary_fingerprint", "location", "open_memory", "read_tmx",
]
