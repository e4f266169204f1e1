"""The translate stage: a `Translator` turns a list of sentences into English, in order.

Engines live next to this interface: `identity` (English input), `marian` (transformers
MarianMTModel), and the offline rule-based `apertium` pivot. The pipeline does segmentation and
paragraph rebuilding, so an engine only ever sees sentences.
"""

from __future__ import annotations

from typing import Callable, Protocol

Progress = Callable[[int, int], None]  # (sentences done, sentences total)


class Translator(Protocol):
    name: str  # goes to result["translation"]["engine"], e.g. "marian:Helsinki-NLP/opus-mt-it-en"

    def translate(self, sentences: list[str], progress: Progress | None = None) -> list[str]:
        """One English string per input sentence, same order and length."""
        ...

    # An engine may also define output_key() -> str: its name plus the settings that change its
    # output, which the translation memory files translations under (the name alone without it).
    # Engines are registered by name in service/engines.py.


class IdentityTranslator:
    name = "identity"

    def translate(self, sentences: list[str], progress: Progress | None = None) -> list[str]:
        if progress:
            progress(len(sentences), len(sentences))
        return list(sentences)
