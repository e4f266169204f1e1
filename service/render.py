"""Human-readable views of a Result (the JSON view is `Result.to_dict()`)."""

from __future__ import annotations

from .pipeline import Result

LANGUAGE_NAMES = {"it": "Italian", "en": "English", "fr": "French", "es": "Spanish", "de": "German", "pt": "Portuguese"}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def markdown(result: Result) -> str:
    src = result.source
    lines = [
        "# Briefing",
        "",
        f"**Source:** {language_name(src.language)} (`{src.language}`, confidence {src.confidence:.2f}), "
        f"{src.chars:,} characters, {src.paragraphs} paragraphs"
        + (f"; also contains {', '.join(src.mixed_languages)}" if src.mixed_languages else ""),
        "",
    ]
    if result.warnings:
        lines += ["> **Warnings**", *[f"> - {w}" for w in result.warnings], ""]
    for brief in result.briefs:
        lines += [f"## {brief.tier.capitalize()} ({brief.words} words)", "", brief.text, ""]
    lines += [f"## English translation", "", *[p + "\n" for p in result.translation.paragraphs]]
    engines = [f"translation: `{result.translation.engine}`"] + sorted({f"briefs: `{b.engine}`" for b in result.briefs})
    timings = ", ".join(f"{k} {v} ms" for k, v in result.timings_ms.items())
    lines += ["---", f"Engines: {'; '.join(engines)}. Timings: {timings}.", ""]
    return "\n".join(lines)
