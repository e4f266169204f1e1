"""What the endpoints compute beyond a Pipeline run: languages of a text and its paragraphs
(/detect), the routes to English and their engines (/languages), and the fidelity report of a
translation made elsewhere (/check)."""

import os
import shutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .routes import Api


def detect_languages(text: str, config) -> dict:
    """Whole-text language and confidence, plus each paragraph's ranked candidates."""
    from ..detect import _langs, detect
    from ..text import clean, paragraphs

    paras = paragraphs(clean(text, config.max_chars))
    found = detect(paras, min_chars=config.min_detect_chars, min_confidence=config.min_detect_confidence)
    per = []
    for k, p in enumerate(paras):
        ranked = _langs(p) if sum(ch.isalpha() for ch in p) >= config.min_detect_chars else []
        per.append({"index": k, "chars": len(p),
                    "languages": [{"language": lang, "confidence": round(prob, 4)} for lang, prob in ranked[:3]]})
    return {"language": found.language, "confidence": found.confidence,
            "mixed_languages": found.mixed_languages, "paragraphs": per}


def languages_info(config) -> dict:
    """Every source language with a route to English, and which engine serves it."""
    from ..config import ENGINES, MULTILINGUAL_LANGUAGES
    from ..render import language_name
    from ..translate.apertium import PIVOTS, ApertiumTranslator

    apertium = shutil.which(os.environ.get("BRIEFS_APERTIUM", "apertium"))
    routes: list[dict[str, str | None]] = [{"source": "en", "name": "English", "neural": "identity",
                                            "offline": "identity"}]
    for code in sorted({*config.mt_models, *(MULTILINGUAL_LANGUAGES if config.mt_fallback else ())}):
        if code == "en" or not config.mt_model_for(code):
            continue
        offline = None
        if code in ApertiumTranslator.languages:
            dirs = PIVOTS[code]
            offline = "apertium:" + "-".join([dirs[0].split("-")[0]] + [d.split("-")[1] for d in dirs])
        routes.append({"source": code, "name": language_name(code), "neural": config.mt_model_for(code),
                       "offline": offline})
    return {"target": "en", "engines": list(ENGINES), "default_engine": config.engine,
            "summarizers": {"neural": f"seq2seq:{config.summarizer_model}", "offline": "extractive"},
            "offline_available": apertium is not None, "routes": routes}


def fidelity_report(source: str, translation: str, source_lang: str | None, api: "Api") -> dict:
    """briefs.fidelity's report for a translation made elsewhere (`briefs check`'s): the source's
    sentences aligned to the translation's, each pair checked (names, numbers, untranslated words,
    length, loops, dropped sentences)."""
    from .. import fidelity
    from ..detect import detect
    from ..text import clean, paragraphs

    config = api.config
    if source_lang is None:
        found = detect(paragraphs(clean(source, config.max_chars)), min_chars=config.min_detect_chars,
                       min_confidence=config.min_detect_confidence)
        source_lang = found.language
    clean(translation, config.max_chars)  # empty or too long: 400 / 413 like any text
    checks = fidelity.check_texts(source, translation, source_lang.lower(), api.pipeline.glossary())
    return {"source_lang": source_lang.lower(), "checks": [c.to_dict() for c in checks]}
