"""Human-readable views of a Result (the JSON view is `Result.to_dict()`)."""

from __future__ import annotations

import html

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
    lines += checks_markdown(result.checks)
    lines += ["## English translation", "", *[p + "\n" for p in result.translation.paragraphs]]
    lines += _translation_notes(result.translation)
    engines = [f"translation: `{result.translation.engine}`"] + sorted({f"briefs: `{b.engine}`" for b in result.briefs})
    timings = ", ".join(f"{k} {v} ms" for k, v in result.timings_ms.items())
    lines += ["---", f"Engines: {'; '.join(engines)}. Timings: {timings}.", ""]
    return "\n".join(lines)


def _translation_notes(translation) -> list[str]:
    """What an editor should know about the translation beyond its text: the wire metadata kept out
    of the briefs (service/wire.py), and the paragraphs that went by another engine than the rest
    (English kept as written, or another source language)."""
    lines = []
    if translation.metadata:
        kept = list(dict.fromkeys(translation.metadata))  # a dateline repeated in the paste, once
        lines += ["**Kept out of the briefs (wire metadata):** " + "; ".join(f"`{m}`" for m in kept), ""]
    engines = translation.paragraph_engines
    if engines and len(set(engines)) > 1:
        by_engine: dict[str, list[str]] = {}
        for number, engine in enumerate(engines, 1):
            by_engine.setdefault(engine, []).append(str(number))
        lines += ["**Paragraph engines:** " + "; ".join(
            f"{', '.join(ns)}: {'kept as written (English)' if e == 'identity' else f'`{e}`'}"
            for e, ns in by_engine.items()), ""]
    return lines


# ---- the fidelity report -------------------------------------------------------------------------------
def _where(check: dict) -> str:
    where = check.get("where", "translation")
    k = check.get("sentence")
    if where == "translation":
        return f"translation, sentence {k + 1}" if isinstance(k, int) else "translation"
    tier = where.split(":", 1)[-1]
    return f"{tier} brief, part {k + 1}" if isinstance(k, int) else f"{tier} brief"


def checks_markdown(checks: list[dict]) -> list[str]:
    """Markdown lines listing the fidelity checks (empty list: none)."""
    if not checks:
        return []
    lines = [f"## Checks ({len(checks)})", "", "Rule-based: each points at a place an editor should look.", ""]
    lines += [f"- **{c['kind']}** ({_where(c)}): {c['message']}" for c in checks]
    return lines + [""]


_CSS = """<style>
.fid .sent{position:relative;cursor:pointer;border-radius:3px}
.fid .sent:hover,.fid .sent:focus{background:#ddf4ff;outline:none}
.fid .sent .src{display:none;position:absolute;left:0;top:1.4em;z-index:20;min-width:18em;max-width:34em;
  background:#fff;border:1px solid #8c959f;border-radius:6px;padding:6px 8px;color:#24292f;font-size:.9em;
  box-shadow:0 3px 10px rgba(0,0,0,.15);white-space:normal}
.fid .sent:hover .src,.fid .sent:focus .src{display:block}
.fid mark.check{background:#ffd8b5;border-bottom:2px solid #d1242f;padding:0 1px}
.fid .src .line{display:block;margin-top:2px} .fid .brief{margin-bottom:6px}
.fid ol.checks{margin:4px 0 0 18px} .fid .kind{font-weight:600}
</style>"""


def _marked(text: str, spans: list[tuple[str, str]]) -> str:
    """`text` HTML-escaped, each flagged span in a <mark> titled with its check's message."""
    places: list[tuple[int, int, str]] = []
    for span, message in spans:
        at = text.find(span) if span else -1
        if at >= 0 and not any(a < at + len(span) and at < b for a, b, _ in places):
            places.append((at, at + len(span), message))
    out, last = [], 0
    for a, b, message in sorted(places):
        out += [html.escape(text[last:a]),
                f'<mark class="check" title="{html.escape(message)}">{html.escape(text[a:b])}</mark>']
        last = b
    out.append(html.escape(text[last:]))
    return "".join(out)


def _spans(checks: list[dict], where: str) -> dict[int | None, list[tuple[str, str]]]:
    out: dict[int | None, list[tuple[str, str]]] = {}
    for c in checks:
        if c.get("where") == where:
            out.setdefault(c.get("sentence"), []).append((c.get("text") or "", f"{c['kind']}: {c['message']}"))
    return out


def side_by_side_html(result: dict, source_paragraphs: list[str], language: str) -> str:
    """The translation paragraph by paragraph beside its source: every English sentence shows its
    source sentence on hover or click (focus), flagged spans are marked on both sides."""
    sentences = result["translation"].get("sentences") or []
    english = result["translation"]["paragraphs"]
    cell = "padding:6px 10px;vertical-align:top;border-top:1px solid #d0d7de;width:50%;line-height:1.45"
    head = "padding:6px 10px;text-align:left;font-weight:600"
    flagged = _spans(result.get("checks") or [], "translation")
    rows = []
    if sentences:
        by_para: dict[int, list[dict]] = {}
        for s in sentences:
            by_para.setdefault(s["paragraph"], []).append(s)
        for k in range(max(by_para, default=-1) + 1):
            src_cell, en_cell = [], []
            for s in by_para.get(k, []):
                spans = flagged.get(s["id"], [])
                src_cell.append(f'<span class="sent-source" data-sid="{s["id"]}">{_marked(s["source"], spans)}</span>')
                text = _marked(s["text"], spans) if s["text"].strip() else \
                    '<mark class="check" title="dropped: no translation">[not translated]</mark>'
                en_cell.append(f'<span class="sent" tabindex="0" data-sid="{s["id"]}">{text}'
                               f'<span class="src"><b>Source:</b> {html.escape(s["source"])}</span></span>')
            rows.append(f'<tr><td style="{cell};color:#57606a">{" ".join(src_cell)}</td>'
                        f'<td style="{cell}" class="english">{" ".join(en_cell)}</td></tr>')
    else:
        for k in range(max(len(source_paragraphs), len(english))):
            s = html.escape(source_paragraphs[k]) if k < len(source_paragraphs) else ""
            e = html.escape(english[k]) if k < len(english) else ""
            rows.append(f'<tr><td style="{cell};color:#57606a">{s}</td><td style="{cell}" class="english">{e}</td></tr>')
    return (f'{_CSS}<table class="fid" style="width:100%;border-collapse:collapse;font-size:0.95em">'
            f'<thead><tr><th style="{head}">Source ({html.escape(language)})</th>'
            f'<th style="{head}">English</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def fidelity_html(result: dict) -> str:
    """Each brief with its flagged spans marked and, on hover or click, the translation sentences
    it comes from; then the list of checks."""
    from .fidelity import brief_units

    sentences = {s["id"]: s for s in result["translation"].get("sentences") or []}
    checks = result.get("checks") or []
    parts = [_CSS, '<div class="fid">']
    for b in result["briefs"]:
        bullets = (bool(b.get("sources")) and isinstance(b["sources"][0], list)) or \
            b["text"].lstrip().startswith(("- ", "* ", "• "))
        units = brief_units(b["text"], bullets)
        sources = b.get("sources") or []
        flagged = _spans(checks, f"brief:{b['tier']}")
        carried = _spans(checks, "translation")  # a flagged span of the translation the brief repeats
        items = []
        for k, unit in enumerate(units):
            ids = sources[k] if bullets and k < len(sources) else ([] if bullets else sources)
            spans = flagged.get(k, []) + [x for sid in ids for x in carried.get(sid, []) if x[0] and x[0] in unit]
            origin = "".join(f'<span class="line">{sid + 1}. {html.escape(sentences[sid]["text"])}</span>'
                             for sid in ids if sid in sentences) or '<span class="line">no article sentence supports it</span>'

            items.append(f'<span class="sent" tabindex="0" data-brief="{html.escape(b["tier"])}" data-unit="{k}">'
                         f'{_marked(unit, spans)}<span class="src"><b>From the article:</b>{origin}</span>'
                         '</span>')
        body = "".join(f"<li>{i}</li>" for i in items) if bullets else " ".join(items)
        parts.append(f'<div class="brief" data-tier="{html.escape(b["tier"])}"><b>{html.escape(b["tier"].capitalize())}</b>'
                     + (f"<ul>{body}</ul>" if bullets else f'<div class="text">{body}</div>') + "</div>")
    if checks:
        parts.append(f'<div><b>Checks ({len(checks)})</b> — rule-based, each points at a place to look:'
                     '<ol class="checks">' + "".join(
                         f'<li data-kind="{html.escape(c["kind"])}"><span class="kind">{html.escape(c["kind"])}</span> '
                         f'({html.escape(_where(c))}): {html.escape(c["message"])}</li>' for c in checks)
                     + "</ol></div>")
    else:
        parts.append("<div><b>Checks</b>: none.</div>")
    return "".join(parts) + "</div>"


# ---- .docx (python-docx): the briefs, then the translation side by side with the source ---------------
DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx(items, titles: list[str] | None = None) -> bytes:
    """A Word document of one or more briefings. `items`: a Result, or (Result, source text) pairs;
    `titles`: a heading per item (default "Briefing"). Each item: source line, warnings, one heading
    per brief (bullets as a list), then a two-column table, source paragraph | English paragraph."""
    import io

    from docx import Document
    from docx.shared import Pt

    from .errors import BriefsError
    from .summarize.tiers import BULLET
    from .text import clean, paragraphs

    if isinstance(items, Result):
        items = [(items, "")]
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10.5)
    for k, (result, source_text) in enumerate(items):
        if k:
            doc.add_page_break()
        src = result.source
        doc.add_heading(titles[k] if titles else "Briefing", level=0 if not titles else 1)
        doc.add_paragraph(
            f"Source: {language_name(src.language)} ({src.language}, confidence {src.confidence:.2f}), "
            f"{src.chars:,} characters, {src.paragraphs} paragraphs"
            + (f"; also contains {', '.join(src.mixed_languages)}" if src.mixed_languages else ""))
        if result.warnings:
            doc.add_heading("Warnings", level=2)
            for w in result.warnings:
                doc.add_paragraph(w, style="List Bullet")
        for brief in result.briefs:
            doc.add_heading(f"{brief.tier.capitalize()} ({brief.words} words)", level=2)
            lines = [line for line in brief.text.splitlines() if line.strip()]
            if len(lines) > 1 and all(BULLET.match(line) for line in lines):
                for line in lines:
                    doc.add_paragraph(BULLET.sub("", line), style="List Bullet")
            else:
                doc.add_paragraph(brief.text)
        doc.add_heading("Translation", level=2)
        try:
            source = paragraphs(clean(source_text, max(len(source_text), 1))) if source_text else []
        except BriefsError:
            source = []
        english = result.translation.paragraphs
        table = doc.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        head = table.rows[0].cells
        head[0].text, head[1].text = f"Source ({language_name(src.language)})", "English"
        for cell in head:
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for i in range(max(len(source), len(english))):
            cells = table.add_row().cells
            cells[0].text = source[i] if i < len(source) else ""
            cells[1].text = english[i] if i < len(english) else ""
        if result.checks:  # the fidelity report, as in the Markdown
            doc.add_heading(f"Checks ({len(result.checks)})", level=2)
            for c in result.checks:
                doc.add_paragraph(f"{c['kind']} ({_where(c)}): {c['message']}", style="List Bullet")
        engines = [f"translation: {result.translation.engine}"] + sorted({f"briefs: {b.engine}" for b in result.briefs})
        doc.add_paragraph(f"Engines: {'; '.join(engines)}.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
