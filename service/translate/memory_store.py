"""The translation memory's stores: its entries and the two databases that hold them.

`Entry` is one remembered translation (machine output under its engine key, or a human one: who,
when, and which output it replaced); `Suggestion` a close human entry shown to editors.
`TranslationMemory` keeps them in SQLite (WAL, several processes may share the file);
`PostgresMemory` runs the same statements on a PostgreSQL server (psycopg 3) that several machines
share. Both claim sentences for the workers that translate into them (`claim`, `release`).
`briefs.translate.memory` chooses the store from the setting and re-exports these names.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import BadInput, EngineUnavailable

HUMAN, MACHINE = "human", "machine"
FUZZY_THRESHOLD = 90.0  # rapidfuzz ratio (0-100) from which a human entry is suggested
CLAIM_STALE_S = 120.0  # a claim older than this is taken over (its worker died mid-translation)


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
