"""Language detection (langdetect, seeded so the same text always gives the same answer)."""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field

from .errors import BadInput

_lock = threading.Lock()  # langdetect's factory is global state
_MIN_PARAGRAPH_CHARS = 40  # shorter paragraphs (datelines, captions) are not judged on their own


@dataclass(frozen=True)
class Detection:
    language: str
    confidence: float
    paragraph_languages: list[str | None] = field(default_factory=list)  # None: too short to judge

    @property
    def mixed_languages(self) -> list[str]:
        """Other languages that whole paragraphs are written in, most frequent first."""
        counts = Counter(l for l in self.paragraph_languages if l and l != self.language)
        return [lang for lang, _ in counts.most_common()]


def _langs(text: str) -> list[tuple[str, float]]:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    with _lock:
        DetectorFactory.seed = 0
        try:
            return [(l.lang, l.prob) for l in detect_langs(text)]
        except LangDetectException:
            return []


# Web addresses, e-mail addresses and @handles are no language's words (a text of URLs alone was
# "Turkish"): they are left out of what detection sees.
_NOT_WORDS = re.compile(r"(?:https?://|ftp://|www\.)\S+|\S+@\S+\.\w+|(?<!\w)[@#]\w+|\b\S+\.(?:com|org|net|it|html?|php)\b\S*",
                        re.I)


def _words(text: str) -> str:
    return _NOT_WORDS.sub(" ", text)


def detect(paragraphs: list[str], *, min_chars: int = 20, min_confidence: float = 0.70) -> Detection:
    """Language of the whole text plus each paragraph's; BadInput when it cannot be decided."""
    words = [_words(p) for p in paragraphs]
    addresses = words != list(paragraphs)
    paragraphs, text = words, "\n\n".join(words)
    letters = sum(ch.isalpha() for ch in text)
    if letters < min_chars:
        raise BadInput(
            f"text too short to detect its language ({letters} letters, need {min_chars}"
            f"{', web addresses not counted' if addresses else ''}); pass --source-lang"
        )
    ranked = _langs(text)
    if not ranked or ranked[0][1] < min_confidence:
        guess = f" (best guess '{ranked[0][0]}' at {ranked[0][1]:.2f})" if ranked else ""
        raise BadInput(f"cannot decide the language of the text{guess}; pass --source-lang")
    language, confidence = ranked[0]
    per_paragraph = []
    for p in paragraphs:
        top = _langs(p) if sum(ch.isalpha() for ch in p) >= _MIN_PARAGRAPH_CHARS else []
        per_paragraph.append(top[0][0] if top and top[0][1] >= 0.9 else None)
    return Detection(language, round(confidence, 4), per_paragraph)
