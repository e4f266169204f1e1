"""Fixed translations and protected names, applied to every MT engine's output.

A glossary file is UTF-8 TSV, one entry a line: `source<TAB>English`. A line with the source
alone (no tab) is a name to keep exactly as written. `#` starts a comment; blank lines are
skipped. prompts/glossary.tsv is always read; a user glossary (`--glossary FILE`) is read after it
and wins on the same source term. Matching is case-sensitive on whole words ("Usa" matches in
"gli Usa" and "dell’Usa", not in "usato"); longer terms win ("Corea del Sud" before "Corea").

Articles: Italian puts an article before country names ("la Cina"), English does not. A plain
English side ("China") therefore drops a "the" the engine wrote right before it ("of the China"
becomes "of China"). An English side written with a leading "the " ("the United States") keeps
the engine's article when there is one and adds none when there is not.

How each engine uses it: the rule-based `apertium` engine replaces the terms before translating
(so the pivot cannot mangle them) and writes the English side after; for every engine,
`GlossaryTranslator` rewrites source terms the engine left untranslated in its English output
("the Farnesina" becomes "the Italian Foreign Ministry").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..config import PROMPTS_DIR
from ..errors import BadInput
from ..numbers import englishify
from . import Progress, Translator

_COMMENT = re.compile(r"(?:^|\s)#.*$")  # a whole-line comment, or one after whitespace
_THE_BEFORE = re.compile(r"(?:(?<=\s)|^)([Tt]he)\s+$")


@dataclass(frozen=True)
class Entry:
    source: str
    english: str  # without the optional leading "the " of the file
    drop_article: bool = False  # True: "of the China" -> "of China"

    @classmethod
    def parse(cls, source: str, english: str | None) -> "Entry":
        """An entry from a file's columns; `english` None: a name kept as written."""
        if english is None:
            return cls(source, source, False)
        if english.startswith("the "):
            return cls(source, english[4:], False)
        return cls(source, english, True)

    @property
    def is_name(self) -> bool:
        """A name kept as written, article and all."""
        return self.source == self.english and not self.drop_article


class Glossary:
    def __init__(self, entries: list[Entry] | None = None):
        found: dict[str, Entry] = {}
        for e in entries or []:
            found[e.source] = e  # later entries (the user's) win
        self.entries: dict[str, Entry] = found
        terms = sorted(found, key=lambda s: (-len(s), s))
        self._pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)") if terms else None
        )

    def __len__(self) -> int:
        return len(self.entries)

    def __bool__(self) -> bool:
        return bool(self.entries)

    @classmethod
    def load(cls, *paths: Path | str | None) -> "Glossary":
        """Entries of every file given (None is skipped), later files winning."""
        entries: list[Entry] = []
        for path in paths:
            if path is not None:
                entries += read_entries(Path(path))
        return cls(entries)

    @classmethod
    def default(cls, user: Path | str | None = None, prompts_dir: Path | str = PROMPTS_DIR) -> "Glossary":
        """prompts/glossary.tsv (when present) and then the user's glossary."""
        return cls.load(*cls.sources(user, prompts_dir))

    @staticmethod
    def sources(user: Path | str | None = None, prompts_dir: Path | str = PROMPTS_DIR) -> tuple[Path | None, Path | None]:
        """The files `default` reads, in order: the shipped glossary (None when absent), the user's."""
        shipped = Path(prompts_dir) / "glossary.tsv"
        return (shipped if shipped.is_file() else None), (Path(user) if user else None)

    def find(self, text: str) -> list[tuple[int, int, Entry]]:
        """Non-overlapping (start, end, entry) matches in `text`, left to right, longest first."""
        if self._pattern is None:
            return []
        return [(m.start(), m.end(), self.entries[m.group()]) for m in self._pattern.finditer(text)]

    def apply(self, english: str) -> str:
        """`english` with every source term it still contains replaced by its English side."""
        if self._pattern is None:
            return english
        out: list[str] = []
        last = 0
        for start, end, entry in self.find(english):
            if entry.is_name:
                continue
            out.append(english[last:start])
            place(out, entry)
            last = end
        out.append(english[last:])
        return "".join(out)


def place(out: list[str], entry: Entry) -> None:
    """Append `entry`'s English to the text pieces in `out`, settling the article before it."""
    before = "".join(out)
    text = entry.english
    m = _THE_BEFORE.search(before)
    if m and entry.drop_article:  # "of the China" -> "of China"
        before = before[: m.start(1)]
        if m.group(1) == "The":
            text = text[:1].upper() + text[1:]
    elif not before.strip() or re.search(r"[.!?]\s*$", before):
        text = text[:1].upper() + text[1:]  # "southern Italy" opening a sentence
    out[:] = [before, text]


def read_entries(path: Path) -> list[Entry]:
    """Entries of one glossary file; any malformed line is bad input naming the file and line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise BadInput(f"glossary file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise BadInput(f"glossary {path} is not a readable UTF-8 text file ({type(err).__name__})") from None
    entries = []
    for n, line in enumerate(lines, 1):
        body = _COMMENT.sub("", line)
        if not body.strip():
            continue
        cols = [" ".join(c.split()) for c in body.split("\t")]
        if len(cols) > 2 or not all(cols):
            raise BadInput(f"glossary {path}, line {n}: expected 'source<TAB>English' or a name alone, got {line.strip()[:60]!r}")
        entries.append(Entry.parse(cols[0], cols[1] if len(cols) == 2 else None))
    return entries


class GlossaryTranslator:
    """Any translator, with the glossary applied to its English output and Italian number and date
    forms it left rewritten for English (`numbers.englishify`: "15mila" -> "15,000"). Same name as
    the inner one. The pipeline wraps every MT engine in it, so every engine's output gets both."""

    def __init__(self, inner: Translator, glossary: Glossary):
        self.inner = inner
        self.glossary = glossary
        self.name = inner.name

    def translate(self, sentences: list[str], progress: Progress | None = None) -> list[str]:
        return [englishify(self.glossary.apply(s)) for s in self.inner.translate(sentences, progress)]

    def output_key(self) -> str:
        return output_key(self.inner)


def output_key(translator) -> str:
    """The translator's name plus the settings that change its output (its `output_key()`; the
    name alone for an engine that has no such settings)."""
    key = getattr(translator, "output_key", None)
    return key() if callable(key) else translator.name
