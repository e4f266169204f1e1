"""The result contract: what one run of the Pipeline gives back (service/pipeline.py).

Source (the detected language), Translation (its paragraphs and aligned Sentences), one Brief per
tier, and the Result holding them with warnings, timings and the fidelity checks. `Result.to_dict`
is the JSON every shell writes; `Result.from_dict` reads it back. `briefs.pipeline` re-exports all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Source:
    language: str
    confidence: float
    chars: int
    paragraphs: int
    mixed_languages: list[str] = field(default_factory=list)


@dataclass
class Sentence:
    """One source sentence and its translation (ids in reading order, paragraphs counted from 0)."""

    id: int
    paragraph: int
    source: str
    text: str


@dataclass
class Translation:
    text: str
    engine: str
    paragraphs: list[str]
    sentences: list[Sentence] = field(default_factory=list)
    metadata: list[str] = field(default_factory=list)  # wire datelines, bylines... kept out of the briefs (service/wire.py)
    # the engine of each paragraph: a paragraph detected in another language goes by its own
    # ("identity" for English, kept as written)
    paragraph_engines: list[str] = field(default_factory=list)


@dataclass
class Brief:
    tier: str
    text: str
    words: int
    engine: str
    # translation sentence ids it comes from (service/fidelity.py); bullets: one list per bullet
    sources: list = field(default_factory=list)


@dataclass
class Result:
    source: Source
    translation: Translation
    briefs: list[Brief]
    warnings: list[str] = field(default_factory=list)
    timings_ms: dict[str, int] = field(default_factory=dict)
    checks: list[dict] = field(default_factory=list)  # the fidelity report (service/fidelity.py)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Result":
        """The Result `to_dict` gave (e.g. back from the web API)."""
        tr = dict(d["translation"])
        tr["sentences"] = [Sentence(**s) for s in tr.get("sentences") or []]
        return cls(source=Source(**d["source"]), translation=Translation(**tr),
                   briefs=[Brief(**b) for b in d["briefs"]], warnings=list(d["warnings"]),
                   timings_ms=dict(d["timings_ms"]), checks=[dict(c) for c in d.get("checks") or []])
