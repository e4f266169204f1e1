"""The engine registry: engine name -> engine class, as sacrebleu maps metric names to classes.

An engine class says which `family` it belongs to ("neural": needs model weights; "offline": runs
without them) and builds itself from the Config:

    translators: unsupported(config, language) -> str | None   why it cannot serve `language`, or None
                 from_config(config, language, glossary) -> Translator
                 instance_key(config, language)  (optional) languages with the same key share one engine
    summarizers: from_config(config) -> Summarizer

and each engine names the settings that change its output with `output_key()` (the translation
memory files translations under it). `--engine neural|offline` uses the first engine of that family
here that serves the language; `auto` tries neural, then offline (docs/design.md, "Engines").

Adding an engine: one module with its class, and one line below. A value is the class itself or
"module:Class" relative to this package (imported when first needed, so `--engine offline` never
imports torch).
"""

from __future__ import annotations

import importlib
from typing import Any

TRANSLATORS: dict[str, Any] = {
    "marian": ".translate.marian:MarianTranslator",  # OPUS-MT on torch or CTranslate2
    "apertium": ".translate.apertium:ApertiumTranslator",  # rule-based, through Spanish
}
SUMMARIZERS: dict[str, Any] = {
    "seq2seq": ".summarize.seq2seq:Seq2SeqSummarizer",  # a hub summarization or instruction model
    "extractive": ".summarize.extractive:ExtractiveSummarizer",  # TF-IDF or MiniLM sentence selection
}
FAMILIES = ("neural", "offline")


def engine_class(value: Any) -> Any:
    """The class a registry value names."""
    if not isinstance(value, str):
        return value
    module, _, name = value.partition(":")
    return getattr(importlib.import_module(module, __package__), name)


def of_family(table: dict[str, Any], family: str) -> list[tuple[str, Any]]:
    """(name, class) of the registered engines of `family`, in registry order."""
    if family not in FAMILIES:
        raise ValueError(f"unknown engine family '{family}' (use {', '.join(FAMILIES)})")
    found = [(name, engine_class(value)) for name, value in table.items()]
    return [(name, cls) for name, cls in found if getattr(cls, "family", None) == family]
