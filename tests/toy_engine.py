"""A toy MT engine: everything adding an engine takes, besides its one line in
`briefs.engines.TRANSLATORS` (tests/test_engines.py adds that line)."""

from __future__ import annotations

import re

WORDS = {"le": "the", "la": "the", "ministre": "minister", "arrive": "arrives", "ce": "this", "soir": "evening"}


class ToyTranslator:
    family = "offline"  # runs without model weights

    def __init__(self, language: str, shout: bool = False):
        self.name = f"toy:{language}"
        self.shout = shout

    @classmethod
    def unsupported(cls, config, language: str) -> str | None:
        return None if language == "fr" else "the toy engine translates only fr"

    @classmethod
    def from_config(cls, config, language: str, glossary=None) -> "ToyTranslator":
        return cls(language, shout=config.num_beams == 1)  # a setting that changes the output

    def output_key(self) -> str:
        return f"{self.name}|shout={self.shout}"

    def translate(self, sentences: list[str], progress=None) -> list[str]:
        out = [re.sub(r"\w+", lambda m: WORDS.get(m[0].lower(), m[0]), s) for s in sentences]
        if progress:
            progress(len(sentences), len(sentences))
        return [s.upper() for s in out] if self.shout else out
