"""Tiers: what each brief looks like and how long it may be, read from prompts/tiers/*.toml.

`Tier.enforce` is the one place limits are applied, after any engine has generated: it keeps
whole sentences, then whole clauses, then whole words, and never cuts inside a word.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import BadInput
from ..text import sentences, word_count

Shape = Literal["line", "sentence", "bullets", "paragraph"]
_SHAPES = ("line", "sentence", "bullets", "paragraph")
# Points where a sentence may be shortened and still read as a clause.
# A bullet marker opening a line: "- ", "* ", "• ", "1. ", "2) ".
BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_CLAUSE = re.compile(r"\s*(?:[,;:]|\s[–—-])\s+|\s+(?=(?:and|but|while|which|who|after|as|because|since|although|with)\s)")


@dataclass(frozen=True)
class Tier:
    name: str
    shape: Shape
    max_words: int
    min_words: int = 0
    min_items: int = 1
    max_items: int = 1
    prompt: str = "{text}"
    order: int = 0

    # Token bounds for plain summarization models (about 1.35 BPE tokens per English word).
    @property
    def max_new_tokens(self) -> int:
        return math.ceil(self.max_words * 1.35) + 4

    @property
    def min_new_tokens(self) -> int:
        return math.ceil(max(self.min_words, self.max_words * 0.4 if self.shape != "paragraph" else 0) * 1.35)

    def within_limits(self, text: str) -> bool:
        items = bullet_items(text) if self.shape == "bullets" else [text]
        words = sum(word_count(i) for i in items)
        if self.shape == "bullets" and not self.min_items <= len(items) <= self.max_items:
            return False
        return self.min_words <= words <= self.max_words and bool(text.strip())

    def enforce(self, text: str) -> str:
        text = " ".join(text.split()) if self.shape != "bullets" else text.strip()
        if self.shape == "bullets":
            return self._bullets(text)
        if self.shape == "paragraph":
            return _fit_sentences(sentences(text), self.max_words) or fit_words(text, self.max_words)
        first = (sentences(text) or [""])[0]
        if self.shape == "line":
            return fit_clause(first, self.max_words).rstrip(" .")
        out = fit_clause(first, self.max_words)
        return out if not out or out[-1] in ".!?\"”’»)" else out.rstrip(",;:–—- ") + "."

    def _bullets(self, text: str) -> str:
        items = bullet_items(text)
        if len(items) < self.min_items:  # generated prose: one sentence per bullet
            items = [s for i in items for s in sentences(i)]
        kept: list[str] = []
        budget = self.max_words
        for item in items[: self.max_items]:
            words = word_count(item)
            if words > budget:
                shortened = fit_clause(item, budget) if len(kept) < self.min_items else ""
                if shortened:
                    kept.append(shortened)
                break
            kept.append(item)
            budget -= words
        return "\n".join(f"- {k}" for k in kept)


def bullet_items(text: str) -> list[str]:
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    if len(lines) > 1 or (lines and re.match(r"^[-*•]\s", lines[0])):
        return [BULLET.sub("", l) for l in lines]
    return sentences(" ".join(lines)) if lines else []


def _fit_sentences(parts: list[str], max_words: int) -> str:
    kept, used = [], 0
    for s in parts:
        n = word_count(s)
        if used + n > max_words:
            break
        kept.append(s)
        used += n
    return " ".join(kept)


def fit_words(text: str, max_words: int) -> str:
    """At most `max_words` whole words (the cut falls on whitespace, never inside a word)."""
    out, n = [], 0
    for tok in text.split():
        n += word_count(tok)
        if n > max_words:
            break
        out.append(tok)
    return " ".join(out).rstrip(",;:–—-")


def clause_cut(sentence: str, max_words: int) -> str:
    """The longest prefix of `sentence` ending at a clause boundary that fits `max_words` and keeps
    at least a third of them; "" when there is none."""
    best = ""
    for m in _CLAUSE.finditer(sentence):
        prefix = sentence[: m.start()].rstrip()
        words = word_count(prefix)
        if words > max_words:
            break
        if words >= max(3, max_words // 3):
            best = prefix
    return best


def fit_clause(sentence: str, max_words: int) -> str:
    """The sentence if it fits, else its longest clause prefix that fits, else whole words."""
    if word_count(sentence) <= max_words:
        return sentence
    return clause_cut(sentence, max_words) or fit_words(sentence, max_words)


def load_tiers(prompts_dir: Path, names: tuple[str, ...] | list[str] | None = None) -> list[Tier]:
    """Tiers in their `order`; `names` picks and orders a subset (unknown names are bad input)."""
    found: dict[str, Tier] = {}
    for path in sorted((Path(prompts_dir) / "tiers").glob("*.toml")):
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        tier = Tier(**data)
        if tier.shape not in _SHAPES:
            raise ValueError(f"{path}: shape must be one of {', '.join(_SHAPES)}")
        found[tier.name] = tier
    if not found:
        raise FileNotFoundError(f"no tier definitions in {Path(prompts_dir) / 'tiers'}")
    if names is None:
        return sorted(found.values(), key=lambda t: (t.order, t.name))
    unknown = [n for n in names if n not in found]
    if unknown:
        raise BadInput(f"unknown tier(s): {', '.join(unknown)} (known: {', '.join(sorted(found))})")
    return [found[n] for n in names]
