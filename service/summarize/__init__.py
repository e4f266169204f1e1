"""The summarize stage: a `Summarizer` writes one English text per tier.

Engines live next to this interface: `seq2seq` (a hub summarization model, or an instruction
model driven by the tier prompts) and the weight-free `extractive` engine. Whatever an engine
writes, the pipeline passes it through `Tier.enforce`, so limits hold for every engine.
"""

from __future__ import annotations

from typing import Callable, Protocol

from .tiers import Tier, load_tiers

Progress = Callable[[int, int], None]  # (tiers done, tiers total)

__all__ = ["Summarizer", "Tier", "load_tiers", "Progress"]


class Summarizer(Protocol):
    name: str  # goes to each brief's "engine", e.g. "seq2seq:sshleifer/distilbart-cnn-12-6"

    def summarize(self, text: str, tiers: list[Tier], progress: Progress | None = None) -> list[str]:
        """One raw text per tier, in the tiers' order (limits are enforced by the caller)."""
        ...

    # Optional: `summarize_many(texts, tiers, progress=None) -> list[list[str]]`, summarize() of
    # each text, done together (seq2seq decodes several articles at once); Pipeline.brief_many
    # uses it where an engine has it and loops over summarize() where not (extractive).
