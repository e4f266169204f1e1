"""Tiers: what each brief looks like and how long it may be, read from prompts/tiers/*.toml.

`Tier.enforce` is the one place limits are applied, after any engine has generated: it keeps
whole sentences, then whole clauses, then whole words, and never cuts inside a word.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, replace
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
        """`text` within this tier's shape and limits, its quotation marks and brackets balanced."""
        text = " ".join(text.split()) if self.shape != "bullets" else text.strip()
        if self.shape == "bullets":
            return "\n".join(f"- {balance_marks(i)}" for i in bullet_items(self._bullets(text)))
        if self.shape == "paragraph":
            return balance_marks(_fit_sentences(sentences(text), self.max_words) or fit_words(text, self.max_words))
        first = (sentences(text) or [""])[0]
        if self.shape == "line":
            return balance_marks(fit_clause(first, self.max_words).rstrip(" ."), close=False).rstrip(" .")
        out = fit_clause(first, self.max_words)
        out = out if not out or out[-1] in ".!?\"”’»)" else out.rstrip(",;:–—- ") + "."
        return balance_marks(out)

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


def shortfall(tier: Tier, text: str) -> str | None:
    """Why `text` does not fill `tier` (a line for `warnings`), or None when it does."""
    if not text.strip():
        return f"the {tier.name} tier is empty: nothing in the article fits its limits ({tier.max_words} words)"
    if tier.shape == "bullets":
        n = len(bullet_items(text))
        if n < tier.min_items:
            return f"the {tier.name} tier has {n} item(s), under its {tier.min_items}-{tier.max_items}: the article has too few sentences that fit"
    words = word_count(text)
    if words < tier.min_words:
        return f"the {tier.name} tier has {words} words, under its minimum of {tier.min_words}: the article is too short"
    return None


_OPEN_CLOSE = (("“", "”"), ("«", "»"), ("(", ")"), ("[", "]"), ("‘", "’"))


def balance_marks(text: str, *, close: bool = True) -> str:
    """`text` with every quotation mark and bracket paired: a closing mark with no opening one is
    dropped; an opening mark left open (a cut inside a quotation) is closed at the end, before the
    final stop (or dropped, with close=False). A ’ inside or ending a word is an apostrophe."""
    chars = list(text)
    for o, c in _OPEN_CLOSE:
        stack: list[int] = []
        for k, ch in enumerate(chars):
            if ch == o:
                stack.append(k)
            elif ch == c:
                if o == "‘" and (k + 1 < len(chars) and chars[k + 1].isalpha() or not stack):
                    continue  # an apostrophe: "don’t", "workers’"
                if stack:
                    stack.pop()
                else:
                    chars[k] = ""
        for k in stack:
            chars[k] = "" if not close else chars[k]
        if close and stack:
            body = "".join(chars).rstrip()
            stop = body[-1] if body and body[-1] in ".!?" else ""
            body = body[: len(body) - len(stop)].rstrip(",;:–—- ")
            chars = list(body + c * len(stack) + stop)
    out = "".join(chars)
    if out.count('"') % 2:  # straight quotes: close the last one, or drop it
        if close:
            stop = out[-1] if out and out[-1] in ".!?" else ""
            out = out[: len(out) - len(stop)].rstrip() + '"' + stop
        else:
            k = out.rfind('"')
            out = out[:k] + out[k + 1:]
    return " ".join(out.split())


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
    at least a third of them; "" when there is none. A conjunction inside a relative clause is no
    boundary: "…, whose extraction and commercialisation is…" is not cut to "…, whose extraction"."""
    best = ""
    for m in _CLAUSE.finditer(sentence):
        prefix = sentence[: m.start()].rstrip()
        words = word_count(prefix)
        if words > max_words:
            break
        if words >= max(3, max_words // 3) and not (m.group().strip() == "" and _IN_RELATIVE.search(prefix)):
            best = prefix
    return best


# the prefix's last clause (since its last punctuation) opens with a relative word
_IN_RELATIVE = re.compile(r"(?:^|[,;:–—(]\s*)(?:whose|which|who|whom|where|in which|of which)\s[^,;:–—()]*$", re.IGNORECASE)


def fit_clause(sentence: str, max_words: int) -> str:
    """The sentence if it fits, else its longest clause prefix that fits, else whole words."""
    if word_count(sentence) <= max_words:
        return sentence
    return clause_cut(sentence, max_words) or fit_words(sentence, max_words)


_FIELDS = {f: t for f, t in (("name", str), ("shape", str), ("max_words", int), ("min_words", int),
                              ("min_items", int), ("max_items", int), ("prompt", str), ("order", int))}
_REQUIRED = ("name", "shape", "max_words")


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def read_tier(path: Path) -> Tier:
    """One tier file, checked: a bad file is BadInput naming the file and the key (exit 2)."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise BadInput(f"{path}: not valid TOML ({err})") from None
    except OSError as err:
        raise BadInput(f"{path}: cannot be read ({err.strerror})") from None
    for key, value in data.items():
        if key not in _FIELDS:
            raise BadInput(f"{path}: unknown key '{key}' (known: {', '.join(_FIELDS)})")
        want = _FIELDS[key]
        if not isinstance(value, want) or isinstance(value, bool):
            raise BadInput(f"{path}: '{key}' must be {'a whole number' if want is int else 'a string'}, not {value!r}")
        if isinstance(value, int) and value < 0:
            raise BadInput(f"{path}: '{key}' must not be negative ({value})")
    for key in _REQUIRED:
        if key not in data:
            raise BadInput(f"{path}: missing key '{key}'")
    if data["shape"] not in _SHAPES:
        raise BadInput(f"{path}: 'shape' must be one of {', '.join(_SHAPES)}, not '{data['shape']}'")
    if data["max_words"] < 1:
        raise BadInput(f"{path}: 'max_words' must be at least 1")
    if data.get("min_words", 0) > data["max_words"]:
        raise BadInput(f"{path}: 'min_words' ({data['min_words']}) is over 'max_words' ({data['max_words']})")
    if data.get("min_items", 1) > data.get("max_items", 1):
        raise BadInput(f"{path}: 'min_items' ({data['min_items']}) is over 'max_items' ({data.get('max_items', 1)})")
    tier = Tier(**data)
    # the prompt may use the tier's own numbers ({max_words}, {min_items}...): each number lives in this file only
    values = {f: getattr(tier, f) for f in _FIELDS if f != "prompt"}
    try:
        prompt = tier.prompt.format_map(_Keep(values))
    except (ValueError, IndexError) as err:
        raise BadInput(f"{path}: 'prompt' is not a valid template ({err})") from None
    unknown = sorted(set(re.findall(r"\{(\w*)\}", prompt)) - {"text"})
    if unknown:
        raise BadInput(f"{path}: 'prompt' uses unknown field(s) {', '.join('{' + u + '}' for u in unknown)} "
                       f"(known: text, {', '.join(values)})")
    if "{text}" not in prompt:
        raise BadInput(f"{path}: 'prompt' must contain {{text}} (where the article goes)")
    return replace(tier, prompt=prompt)


def read_tiers(prompts_dir: Path) -> dict[str, Tier]:
    """Every tier defined in prompts_dir/tiers/*.toml, by name, checked (see read_tier)."""
    found: dict[str, Tier] = {}
    for path in sorted((Path(prompts_dir) / "tiers").glob("*.toml")):
        tier = read_tier(path)
        if tier.name in found:
            raise BadInput(f"{path}: tier '{tier.name}' is defined twice")
        found[tier.name] = tier
    if not found:
        raise BadInput(f"no tier definitions in {Path(prompts_dir) / 'tiers'}")
    return found


def select_tiers(found: dict[str, Tier], names: tuple[str, ...] | list[str] | None = None) -> list[Tier]:
    """Tiers in their `order`; `names` picks and orders a subset (unknown names are bad input)."""
    if names is None:
        return sorted(found.values(), key=lambda t: (t.order, t.name))
    unknown = [n for n in names if n not in found]
    if unknown:
        raise BadInput(f"unknown tier(s): {', '.join(unknown)} (known: {', '.join(sorted(found))})")
    return [found[n] for n in names]


def load_tiers(prompts_dir: Path, names: tuple[str, ...] | list[str] | None = None) -> list[Tier]:
    """read_tiers then select_tiers (a Pipeline reads the files once and keeps them)."""
    return select_tiers(read_tiers(prompts_dir), names)
