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
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import BadInput, EngineUnavailable

MEMORY_ENV = "BRIEFS_MEMORY"
OFF = ("off", "none", "no", "0", "false")
HUMAN, MACHINE = "human", "machine"
FUZZY_THRESHOLD = 90.0  # rapidfuzz ratio (0-100) from which a human entry is suggested
CLAIM_STALE_S = 120.0  # a claim older than this is taken over (its worker died mid-translation)
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


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass
class Entry:
    source: str
    target: str
    origin: str = MACHINE  # "machine" or "human"
    engine: str = ""  # machine: the key it is filed under; human: the engine whose output it replaced
    author: str | None = None
    created: str | None = None  # ISO 8601, UTC
    replaced: str | None = None  # human: the translation it replaced

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Suggestion:
    source: str  # the stored sentence
    target: str
    score: float  # rapidfuzz ratio, 0-100
    author: str | None = None


# ---- the stores ---------------------------------------------------------------------------------------
class TranslationMemory:
    """SQLite store (WAL: a killed job loses at most its last transaction; several processes may
    share the file). `PostgresMemory` runs the same statements on a server."""

    shared = False  # True: other processes may be translating into it at the same time
    db: Any  # sqlite3.Connection here, psycopg.Connection in PostgresMemory
    _TABLES: tuple[str, ...] = (
        "CREATE TABLE IF NOT EXISTS memory (engine TEXT NOT NULL, source TEXT NOT NULL, "
        "target TEXT NOT NULL, PRIMARY KEY (engine, source)) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS human (source TEXT PRIMARY KEY, target TEXT NOT NULL, author TEXT, "
        "created TEXT, replaced TEXT, engine TEXT NOT NULL DEFAULT '')",
        "CREATE TABLE IF NOT EXISTS claims (engine TEXT NOT NULL, source TEXT NOT NULL, owner TEXT NOT NULL, "
        "since REAL NOT NULL, PRIMARY KEY (engine, source))",
    )

    def __init__(self, path: str | Path):
        import sqlite3

        self.path = self.where = str(path)
        self._lock = threading.RLock()
        try:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=60, check_same_thread=False, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            for ddl in self._TABLES:
                self.db.execute(ddl)
        except (OSError, sqlite3.Error) as err:
            raise BadInput(f"translation memory {self.path} is unusable: {err}") from None
        self.shared = True  # a file: other processes (web, batch, Ray actors on this machine) may use it

    # -- the two statements that differ between the databases
    def _sql(self, statement: str) -> str:
        return statement

    def _rows(self, statement: str, params=()) -> list[tuple]:
        with self._lock:
            return list(self.db.execute(self._sql(statement), params))

    def _write(self, statement: str, rows: list) -> None:
        if not rows:
            return
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.executemany(self._sql(statement), rows)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    # -- machine and human entries
    def _chunks(self, items: list[str], size: int = 500) -> Iterator[list[str]]:
        for k in range(0, len(items), size):
            yield items[k:k + size]

    def lookup(self, engine: str, sentences: Iterable[str]) -> dict[str, str]:
        """Translations of `sentences` from this memory: human entries first, then `engine`'s own."""
        found: dict[str, str] = {}
        batch = list(dict.fromkeys(sentences))
        for chunk in self._chunks(batch):
            marks = ",".join("?" * len(chunk))
            found.update(self._rows(f"SELECT source, target FROM memory WHERE engine = ? AND source IN ({marks})",
                                    [engine, *chunk]))
            found.update(self._rows(f"SELECT source, target FROM human WHERE source IN ({marks})", chunk))
        return found

    def human(self, sentences: Iterable[str] | None = None) -> dict[str, Entry]:
        """Human entries, all of them or those of `sentences`."""
        cols = "source, target, author, created, replaced, engine"
        if sentences is None:
            rows = self._rows(f"SELECT {cols} FROM human ORDER BY source")
        else:
            rows = []
            for chunk in self._chunks(list(dict.fromkeys(sentences))):
                rows += self._rows(f"SELECT {cols} FROM human WHERE source IN ({','.join('?' * len(chunk))})", chunk)
        return {r[0]: Entry(r[0], r[1], HUMAN, r[5] or "", r[2], r[3], r[4]) for r in rows}

    def store(self, engine: str, pairs: Iterable[tuple[str, str]]) -> None:
        """Machine translations filed under `engine` (a newer one replaces an older one)."""
        self._write("INSERT INTO memory (engine, source, target) VALUES (?, ?, ?) ON CONFLICT (engine, source) "
                    "DO UPDATE SET target = excluded.target", [(engine, s, t) for s, t in pairs])

    def correct(self, source: str, target: str, *, who: str, engine: str = "", replaced: str | None = None,
                when: str | None = None) -> Entry:
        """Store an editor's translation of `source`: from now on it is the translation of that
        sentence, whatever the engine. `replaced`/`engine`: the output it corrects."""
        source, target, who = (source or "").strip(), (target or "").strip(), (who or "").strip()
        if not source or not target:
            raise BadInput("a correction needs the source sentence and its corrected translation (both non-empty)")
        if not who:
            raise BadInput("a correction needs the editor's name (who)")
        entry = Entry(source, target, HUMAN, engine or "", who, when or now(), replaced)
        self.add([entry])
        return entry

    def add(self, entries: Iterable[Entry]) -> int:
        """Entries as they are (TMX import): machine ones under their engine key, human ones by source."""
        machine, human = [], []
        for e in entries:
            if e.origin == HUMAN:
                human.append((e.source, e.target, e.author, e.created, e.replaced, e.engine or ""))
            else:
                machine.append((e.engine, e.source, e.target))
        self._write("INSERT INTO memory (engine, source, target) VALUES (?, ?, ?) ON CONFLICT (engine, source) "
                    "DO UPDATE SET target = excluded.target", machine)
        self._write("INSERT INTO human (source, target, author, created, replaced, engine) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (source) DO UPDATE SET target = excluded.target, author = excluded.author, "
                    "created = excluded.created, replaced = excluded.replaced, engine = excluded.engine", human)
        return len(machine) + len(human)

    def entries(self) -> Iterator[Entry]:
        """Every entry: human ones, then machine ones by engine."""
        yield from self.human().values()
        for engine, source, target in self._rows("SELECT engine, source, target FROM memory ORDER BY engine, source"):
            yield Entry(source, target, MACHINE, engine)

    def suggestions(self, sentences: Iterable[str], threshold: float = FUZZY_THRESHOLD,
                    limit: int = 3) -> dict[str, list[Suggestion]]:
        """Human entries close to each sentence (rapidfuzz ratio >= threshold), best first; an exact
        match is not a suggestion (it is applied). Sentences without any are left out."""
        from rapidfuzz import fuzz, process

        people = self.human()
        if not people:
            return {}
        choices = list(people)
        out: dict[str, list[Suggestion]] = {}
        for s in dict.fromkeys(x.strip() for x in sentences):
            if not s:
                continue
            found = process.extract(s, choices, scorer=fuzz.ratio, score_cutoff=threshold, limit=limit + 1)
            close = [Suggestion(c, people[c].target, round(score, 1), people[c].author)
                     for c, score, _ in found if c != s][:limit]
            if close:
                out[s] = close
        return out

    def stats(self) -> dict:
        engines = dict(self._rows("SELECT engine, COUNT(*) FROM memory GROUP BY engine ORDER BY engine"))
        authors = dict(self._rows("SELECT COALESCE(author, ''), COUNT(*) FROM human GROUP BY author ORDER BY author"))
        return {"location": self.where, "backend": type(self).__name__, "machine": sum(engines.values()),
                "human": sum(authors.values()), "engines": engines, "authors": authors}

    def __len__(self) -> int:
        return sum(n for (n,) in self._rows("SELECT COUNT(*) FROM memory UNION ALL SELECT COUNT(*) FROM human"))

    # -- claims: workers sharing the memory translate a sentence once between them
    def claim(self, engine: str, sentences: list[str], owner: str, stale: float = CLAIM_STALE_S) -> list[str]:
        """The sentences this `owner` may translate now: unclaimed ones, and ones whose claim is
        older than `stale` seconds. Release them with `release` once stored."""
        t = time.time()
        self._write("INSERT INTO claims (engine, source, owner, since) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (engine, source) DO UPDATE SET owner = excluded.owner, since = excluded.since "
                    "WHERE claims.since < ?", [(engine, s, owner, t, t - stale) for s in sentences])
        mine: set[str] = set()
        for chunk in self._chunks(sentences):
            marks = ",".join("?" * len(chunk))
            mine.update(s for (s,) in self._rows(
                f"SELECT source FROM claims WHERE engine = ? AND owner = ? AND source IN ({marks})",
                [engine, owner, *chunk]))
        return [s for s in sentences if s in mine]

    def release(self, engine: str, sentences: list[str], owner: str) -> None:
        self._write("DELETE FROM claims WHERE engine = ? AND source = ? AND owner = ?",
                    [(engine, s, owner) for s in sentences])

    def close(self) -> None:
        with self._lock:
            self.db.close()


class PostgresMemory(TranslationMemory):
    """The same memory on a PostgreSQL server (psycopg 3): every machine of a deployment shares it."""

    _TABLES = tuple(t.replace(" WITHOUT ROWID", "") for t in TranslationMemory._TABLES)

    def __init__(self, url: str):
        try:
            import psycopg
        except ImportError:
            raise EngineUnavailable("a postgresql:// memory needs psycopg (pip install 'briefs[postgres]')") from None
        self.where = _redact(url)
        self.path = url
        self._lock = threading.RLock()
        try:
            self.db = psycopg.connect(url, autocommit=True, connect_timeout=10)
            with self.db.transaction():
                self.db.execute("SELECT pg_advisory_xact_lock(190019)")  # two workers creating the tables at once
                for ddl in self._TABLES:
                    self.db.execute(ddl)
        except psycopg.Error as err:
            raise EngineUnavailable(f"translation memory {self.where} is unavailable: "
                                    f"{' '.join(str(err).split())}") from None
        self.shared = True

    def _sql(self, statement: str) -> str:
        return statement.replace("?", "%s")

    def _rows(self, statement: str, params=()) -> list[tuple]:
        with self._lock:
            return list(self.db.execute(self._sql(statement), params).fetchall())

    def _write(self, statement: str, rows: list) -> None:
        if not rows:
            return
        with self._lock, self.db.transaction(), self.db.cursor() as cur:
            cur.executemany(self._sql(statement), rows)


def _redact(url: str) -> str:
    """A URL without its password, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


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


# ---- TMX (translate-toolkit) ----------------------------------------------------------------------------
PROP_ORIGIN, PROP_ENGINE, PROP_REPLACED = "x-briefs-origin", "x-briefs-engine", "x-briefs-replaced"


def export_tmx(entries: Iterable[Entry], source_lang: str = "it", target_lang: str = "en") -> bytes:
    """A TMX 1.4 document of `entries`: who and when as the TMX creationid/creationdate attributes,
    the origin, engine key and replaced output as <prop>s, so an import gives back every entry."""
    from lxml import etree
    from translate.storage.tmx import tmxfile

    tmx = tmxfile(sourcelanguage=source_lang, targetlanguage=target_lang)
    for e in entries:
        unit = tmx.addsourceunit(e.source)
        unit.target = e.target
        tu = unit.xmlelement
        if e.author:
            tu.set("creationid", e.author)
        if e.created:
            tu.set("creationdate", _tmx_date(e.created))
        first_tuv = tu.find(unit.namespaced(unit.languageNode))
        for kind, value in ((PROP_ORIGIN, e.origin), (PROP_ENGINE, e.engine), (PROP_REPLACED, e.replaced)):
            if value:
                prop = etree.Element(unit.namespaced("prop"))
                prop.set("type", kind)
                prop.text = value
                first_tuv.addprevious(prop)
    return bytes(tmx)


def read_tmx(data: bytes) -> list[Entry]:
    """Entries of a TMX document: ours come back as they were exported; a CAT tool's units (no
    briefs props) are human translations, by their creationid/changeid and dates."""
    from translate.storage.tmx import tmxfile

    try:
        tmx = tmxfile.parsestring(data)
    except Exception as err:  # noqa: BLE001 - lxml and the toolkit raise several kinds
        raise BadInput(f"not a TMX file: {' '.join(str(err).split())[:200]}") from None
    out = []
    for unit in tmx.units:
        source, target = (unit.source or "").strip(), (unit.target or "").strip()
        if not source or not target:
            continue
        tu = unit.xmlelement
        props = {p.get("type"): p.text or "" for p in tu.iter(unit.namespaced("prop"))}
        origin = props.get(PROP_ORIGIN) or HUMAN
        if origin not in (HUMAN, MACHINE):
            origin = HUMAN
        engine = props.get(PROP_ENGINE, "")
        if origin == MACHINE and not engine:
            origin = HUMAN
        date = tu.get("changedate") or tu.get("creationdate")
        out.append(Entry(source, target, origin, engine,
                         tu.get("creationid") or tu.get("changeid") or (None if origin == MACHINE else "tmx import"),
                         _iso_date(date) if date else None, props.get(PROP_REPLACED) or None))
    return out


def _tmx_date(iso: str) -> str:
    """ISO 8601 -> TMX's YYYYMMDDThhmmssZ (UTC)."""
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _iso_date(tmx_date: str) -> str | None:
    try:
        return datetime.strptime(tmx_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).isoformat()
    except ValueError:
        return None


__all__ = [
    "Entry", "MemoryStats", "MemoryTranslator", "PostgresMemory", "Suggestion", "TranslationMemory",
    "engine_key", "export_tmx", "glossary_fingerprint", "location", "open_memory", "read_tmx",
]
