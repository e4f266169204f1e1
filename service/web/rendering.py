"""What the web page shows, from a pipeline result or error: errors in words for staff (not for the
command line), user values made safe for Markdown, the progress line, the result's warnings and
engines, and the files behind the download buttons. No Gradio here: plain strings and files."""

from __future__ import annotations

import html
import json
import re
import shutil
import time
import uuid
from pathlib import Path

from ..errors import BriefsError

# Advice written for the command line -> what a staff member on the page can do instead.
_STAFF_WORDS = [
    (re.compile(r"\s*\((?:split it, or )?raise --max-chars[^)]*\)"), " (split it into shorter parts)"),
    (re.compile(r"pass --source-lang"), "choose the source language in the list"),
    (re.compile(r"on a connected machine run `briefs models pull` \(or pass a local model directory\)"),
     "ask whoever runs this service to install the model"),
    (re.compile(r"use `--engine offline`"), "choose the offline engine"),
    (re.compile(r"`--engine (\w+)`"), r"the \1 engine"),
    (re.compile(r"\s*\(raise --max-chars to accept it\)"), ""),
    (re.compile(r"; use --device cpu"), ""),
]


def staff_message(err: Exception) -> str:
    """One line for the page: the error without command-line advice, HTML-escaped (Gradio renders
    its messages as HTML, and they may quote what the user typed)."""
    line = " ".join(str(err).split())
    for pattern, words in _STAFF_WORDS:
        line = pattern.sub(words, line)
    return html.escape(line, quote=False)


def _md(value: str) -> str:
    """A user-supplied value inside Markdown: no HTML, no markup."""
    return re.sub(r"([\\`*_{}\[\]<>()#+!|~])", r"\\\1", html.escape(str(value), quote=False))


def _article(text: str | None, file: str | None, max_chars: int) -> str:
    """The article: the uploaded file's text when a file is given, else the text box."""
    if file:
        from ..documents import read_file

        return read_file(file, max_chars)  # Gradio has checked the type against UPLOAD_TYPES
    return text or ""


def _progress_reporter(progress, n_tiers: int):
    """pipeline progress(stage, done, total), called after each step, -> the page's progress bar
    named after the step now under way: detect, translate n/N sentences, summarize tier k/K."""

    def report(stage: str, done: int, total: int) -> None:
        if stage == "translate" and done >= total and n_tiers:
            stage, done, total = "summarize", 0, n_tiers
        if stage == "detect":
            progress((done, total), desc="detect language", unit="articles")
        elif stage == "translate":
            progress((done, total), desc=f"translate {done}/{total} sentences", unit="sentences")
        elif stage == "summarize" and done < total:
            progress((done, total), desc=f"summarize tier {done + 1}/{total}", unit="tiers")
        elif stage == "summarize articles" and done < total:  # several requests batched together
            progress((done, total), desc=f"summarize {total} articles together", unit="articles")
        else:
            progress((done, total), desc=f"{stage} done", unit="steps")

    return report


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _tier_label(tier) -> str:
    limit = f"{tier.min_words}–{tier.max_words} words" if tier.min_words else f"≤ {tier.max_words} words"
    return f"{tier.name.capitalize()} ({limit})"


def _lines(tier) -> int:
    return {"line": 1, "sentence": 2, "bullets": 5}.get(tier.shape, 7)


def _source_paragraphs(text: str, max_chars: int) -> list[str]:
    from ..text import clean, paragraphs

    try:
        return paragraphs(clean(text, max_chars))
    except BriefsError:
        return []


def _warnings_html(warnings: list[str]) -> str:
    if not warnings:
        return ""
    items = "".join(f"<li>{html.escape(w)}</li>" for w in warnings)
    return ('<div role="alert" style="background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;'
            'padding:8px 12px;color:#3b2e00"><strong>Warnings</strong>'
            f'<ul style="margin:4px 0 0 18px">{items}</ul></div>')


def _meta(result: dict) -> str:
    engines = {f"translation `{result['translation']['engine']}`"}
    engines |= {f"briefs `{b['engine']}`" for b in result["briefs"]}
    timings = ", ".join(f"{k} {v:,} ms" for k, v in result["timings_ms"].items())
    return f"**Engines:** {'; '.join(sorted(engines, reverse=True))}  \n**Timings:** {timings}"


def _write_downloads(outdir: Path, result: dict, source_text: str = "") -> tuple[Path, Path, Path]:
    """briefing.md, .json and .docx for the download buttons; files older than an hour are removed."""
    from ..pipeline import Result
    from ..render import docx, markdown

    cutoff = time.time() - 3600
    for old in outdir.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass
    folder = outdir / uuid.uuid4().hex[:12]
    folder.mkdir()
    md_path, json_path = folder / "briefing.md", folder / "briefing.json"
    md_path.write_text(markdown(Result.from_dict(result)), encoding="utf-8")
    json_path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    docx_path = folder / "briefing.docx"
    docx_path.write_bytes(docx([(Result.from_dict(result), source_text)]))
    return md_path, json_path, docx_path
