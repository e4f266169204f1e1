"""All settings in one typed place. Shells build a `Config` from flags; the library never reads argv."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Literal

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED = REPO_ROOT / "seeds" / "000_48b0761d22084af5.txt"  # the sample article (web example, bench input)


def default_prompts_dir() -> Path:
    """The prompts (tier definitions, glossary): $BRIEFS_PROMPTS when set, else those shipped inside
    the installed package (package data, read with importlib.resources), else the checkout's prompts/."""
    if os.environ.get("BRIEFS_PROMPTS"):
        return Path(os.environ["BRIEFS_PROMPTS"])
    shipped = resources.files(__package__) / "prompts"
    if shipped.is_dir():  # an installed wheel: <package>/prompts (pyproject.toml, package-dir)
        return Path(str(shipped))
    return REPO_ROOT / "prompts"


PROMPTS_DIR = default_prompts_dir()

Engine = Literal["auto", "neural", "offline"]
ENGINES: tuple[str, ...] = ("auto", "neural", "offline")
# How the neural models run (see README "Speed"): plain torch (fp32), torch with dynamic int8
# quantization, or CTranslate2 int8 (the `fast` extra; without it the torch backend is used).
Backend = Literal["torch", "torch-int8", "ctranslate2"]
BACKENDS: tuple[str, ...] = ("torch", "torch-int8", "ctranslate2")
SUMMARY_BACKENDS: tuple[str, ...] = ("torch", "torch-int8")
# The offline summarizer's sentence centrality: TF-IDF, or MiniLM embeddings (the `offline` extra).
EXTRACTIVES: tuple[str, ...] = ("tfidf", "minilm")


def default_cache_dir() -> Path:
    """Converted models (CTranslate2) and `briefs bench` models: $BRIEFS_CACHE or ~/.cache/briefs."""
    return Path(os.environ.get("BRIEFS_CACHE") or Path.home() / ".cache" / "briefs")

# Source language -> dedicated OPUS-MT model. Languages not listed here but in
# MULTILINGUAL_LANGUAGES go to the multilingual model; anything else is unsupported.
DEFAULT_MT_MODELS: dict[str, str] = {
    "it": "Helsinki-NLP/opus-mt-it-en",
    "fr": "Helsinki-NLP/opus-mt-fr-en",
    "es": "Helsinki-NLP/opus-mt-es-en",
    "de": "Helsinki-NLP/opus-mt-de-en",
    "nl": "Helsinki-NLP/opus-mt-nl-en",
}
DEFAULT_MT_FALLBACK = "Helsinki-NLP/opus-mt-mul-en"
# langdetect codes that opus-mt-mul-en was trained on (a subset of its source list).
MULTILINGUAL_LANGUAGES: frozenset[str] = frozenset(
    "af ar bg bn ca cs cy da el et fa fi gl he hi hr hu id is ja ko lt lv mk mr ms "
    "nl no pl pt ro ru sk sl sq sv sw ta th tl tr uk ur vi zh-cn zh-tw".split()
)
# Why distilbart-cnn-12-6: see README "Models". Same published ROUGE as bart-large-cnn
# with half the decoder layers, which is what generation time on a CPU is spent on.
DEFAULT_SUMMARIZER = "sshleifer/distilbart-cnn-12-6"


@dataclass(frozen=True)
class Config:
    engine: Engine = "auto"
    device: str = "cpu"
    threads: int | None = None  # torch intra-op threads; None leaves torch's default
    mt_models: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_MT_MODELS))
    mt_fallback: str | None = DEFAULT_MT_FALLBACK
    mt_fallback_languages: frozenset[str] = MULTILINGUAL_LANGUAGES
    summarizer_model: str = DEFAULT_SUMMARIZER
    num_beams: int = 4
    summary_beams: int = 1  # greedy: one decoder pass serves all four tiers (summarize/seq2seq.py)
    # Prompt-lookup draft tokens per decoder call in that greedy pass (same text, fewer decoder
    # calls: summarize/seq2seq.py, README "Speed"); 0 turns it off.
    summary_lookup: int = 10
    # Padded source tokens per translation batch: small batches waste little on sentences that
    # finished early, and two of them decode at once on two cores (`briefs bench`, README "Speed").
    mt_batch_tokens: int = 384
    mt_backend: Backend = "ctranslate2"  # falls back to torch when ctranslate2 is not installed
    summary_backend: Literal["torch", "torch-int8"] = "torch-int8"
    cache_dir: Path = field(default_factory=default_cache_dir)
    max_chars: int = 200_000
    min_detect_chars: int = 20
    min_detect_confidence: float = 0.70
    tiers: tuple[str, ...] | None = None  # None: every tier in prompts/tiers, in their order
    prompts_dir: Path = PROMPTS_DIR
    glossary: Path | None = None  # extra user glossary (TSV), applied after prompts/glossary.tsv
    extractive: Literal["tfidf", "minilm"] = "tfidf"  # offline summarizer's centrality: TF-IDF, or MiniLM embeddings
    # The translation memory: a SQLite path or a postgresql:// URL (translate/memory.py); None: none.
    # The shells set it from BRIEFS_MEMORY (default: a SQLite file in the user's data directory).
    memory: str | None = None

    def with_(self, **changes) -> "Config":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def mt_model_for(self, language: str) -> str | None:
        if language in self.mt_models:
            return self.mt_models[language]
        if self.mt_fallback and language in self.mt_fallback_languages:
            return self.mt_fallback
        return None
