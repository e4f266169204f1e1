"""Wire-copy hygiene: datelines, agency tags, metadata lines, bylines and repeated fragments.

`split(text)` returns the article body and the pieces it took out (`Wire.metadata`), so the
briefs never see them and the translation can keep them aside, marked as metadata. Patterns
recognised (tests/test_wire.py has a real example of each):

- metadata lines or prefixes: "date 2026-02-03", "data: 03/02/2026", "Fonte: ANSA", "Tags: ...",
  "Published 3 February 2026", "Aggiornato il ...", "URL: https://...";
- datelines, Italian agencies: "Washington, 3 feb. (askanews) –", "Roma, 3 feb. (AGI) -",
  "(ANSA) - ROMA, 3 FEB -", "ROMA, 03 FEB - (ANSA)", "Milano, 3 febbraio 2026 (Adnkronos) -",
  "Roma, 3 feb. (LaPresse) -", "(Adnkronos) -" alone;
- datelines, English agencies: "WASHINGTON, Feb 3 (Reuters) -", "NEW YORK (AP) —",
  "PARIS (AFP) -", "Washington (CNN) —", "(CNN)"; agencies: ANSA, askanews, AGI, Adnkronos,
  LaPresse, Italpress, Dire, Reuters, AP, AFP, CNN, Bloomberg, dpa, EFE, UPI, Xinhua, TASS;
- a dateline pasted inside a sentence by a scraper ("ha scritto iWashington, 3 feb. (askanews)
  – n una nota"): taken out and the split word glued back ("in una nota");
- bylines and footers: "di Mario Rossi", "By Jane Smith", "dal nostro inviato ...",
  "Reporting by ...; Editing by ...", "(Reporting by ...)", "© RIPRODUZIONE RISERVATA",
  "Copyright 2026 The Associated Press. All rights reserved.", "Read more: ...";
- repeated fragments: a paragraph or sentence that occurs again later (same words, case and
  punctuation aside) is kept once, the first time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

AGENCIES = ("ANSA", "askanews", "AGI", "Adnkronos", "LaPresse", "Italpress", "Dire", "Agenzia Nova", "Nova",
            "Reuters", "AP", "AFP", "CNN", "Bloomberg", "dpa", "EFE", "UPI", "Xinhua", "TASS", "AGENPARL")
_AGENCY = r"(?i:" + "|".join(re.escape(a) for a in sorted(AGENCIES, key=len, reverse=True)) + r")"
_TAG = rf"\(\s*{_AGENCY}(?:\s*/\s*[\w.-]+)?\s*\)"  # (ANSA), (askanews), (AP Photo/...), (Reuters)
_DASH = r"[-–—]+"
_MONTH = (r"(?i:gen|feb|mar|apr|mag|giu|lug|ago|set|sett|ott|nov|dic|jan|may|jun|jul|aug|sep|sept|oct|dec)[a-zA-Z]*\.?")
_DATE = rf"(?:\d{{1,2}}\s+(?:{_MONTH})(?:\s+\d{{4}})?|(?:{_MONTH})\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}})"
_PLACE = r"(?:[A-ZÀ-Ý][\w'’.À-ÿ-]*(?:\s+(?:[A-ZÀ-Ý][\w'’.À-ÿ-]*|d[aei]l?|de|di|of|upon|on)){0,3})"
# A dateline: agency tag first, or place/date then an agency tag, or an upper-case place and date.
DATELINE = re.compile(
    rf"{_TAG}\s*(?:{_DASH}\s*)?(?:{_PLACE}\s*,\s*{_DATE}\s*(?:{_DASH}\s*)?)?"
    rf"|{_PLACE}\s*(?:,\s*{_DATE}\s*)?{_TAG}\s*(?:{_DASH}\s*)?"
    rf"|[A-ZÀ-Ý]{{2,}}(?:\s+[A-ZÀ-Ý]{{2,}}){{0,2}}\s*,\s*{_DATE}\s*{_DASH}\s*(?:{_TAG}\s*(?:{_DASH}\s*)?)?"
)
_OPENING_DATELINE = re.compile(rf"^\s*(?:{DATELINE.pattern})")
# A dateline pasted inside running text: "...Stato iWashington, 3 feb. (askanews) – n una nota".
_INNER_DATELINE = re.compile(
    rf"(?P<head>[^\W\d_]{{0,3}})(?P<line>{_PLACE}\s*,\s*{_DATE}\s*{_TAG}\s*{_DASH})\s*(?P<tail>[^\W\d_]{{1,3}}\b)?",
)
# An agency tag closing a paragraph: "... il decreto. (ANSA)."
_CLOSING_TAG = re.compile(rf"\s*{_TAG}\s*\.?\s*$")
_META_KEYS = (r"date|data|dated|fonte|source|autore|author|tags?|categor(?:y|ia)|url|link|published|pubblicato(?:\s+il)?|"
              r"updated|aggiornato(?:\s+il)?|ultimo aggiornamento|last updated|keywords|parole chiave")
_ISO = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?"
# "date 2026-02-03" opening a paragraph (the rest of the paragraph may be the article).
_META_PREFIX = re.compile(rf"^\s*(?:{_META_KEYS})\s*[:=]?\s*(?:{_ISO}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}})\s*", re.IGNORECASE)
# A whole short paragraph that is metadata: "Fonte: ANSA", "Tags: minerali, USA", "URL: https://..."
_META_LINE = re.compile(rf"^\s*(?:{_META_KEYS})\s*[:=]\s*\S.{{0,200}}$|^\s*https?://\S+\s*$", re.IGNORECASE)
_BYLINE = re.compile(
    r"^\s*(?i:di|by|from|dal(?:la)? nostr[oa] (?:inviat[oa]|corrispondente)|a cura di)\s+"
    r"[A-ZÀ-Ý][\w'’.-]+(?:\s+(?:[A-ZÀ-Ý][\w'’.-]+|and|e|de|di|van|von|del|della)){0,5}\s*[,.]?"
    r"(?:\s*(?:CNN|Reuters|AP|AFP|ANSA|BBC|[A-Z][a-z]+ [A-Z][a-z]+))?\s*$"
)
_FOOTER = re.compile(
    r"^\s*\(?\s*(?:reporting by|additional reporting by|writing by|editing by|compiled by)\b.*$"
    r"|^\s*(?:©|\(c\)|copyright)\s.*$|^.*riproduzione riservata\s*©?\s*$|^\s*(?:read more|related|leggi anche|see also)\s*:.*$"
    r"|^\s*(?:associated press|ap) writers? .{0,120} contributed(?: to this report)?\.?\s*$",
    re.IGNORECASE,
)


@dataclass
class Wire:
    body: str  # the article without the pieces below, paragraphs separated by a blank line
    metadata: list[str] = field(default_factory=list)  # what was taken out, in reading order


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def split(text: str) -> Wire:
    """The article body of `text` (paragraphs separated by blank lines) and its wire metadata."""
    from .text import paragraphs, sentences

    meta: list[str] = []
    kept: list[str] = []
    seen: set[str] = set()
    for para in paragraphs(text):
        para, taken = strip_paragraph(para, first=not kept)
        meta += taken
        if not para:
            continue
        if _META_LINE.match(para) or _BYLINE.match(para) or _FOOTER.match(para):
            meta.append(para)
            continue
        # repeated fragments: a paragraph or sentence already read is dropped
        pieces = []
        for s in sentences(para):
            k = _key(s)
            if len(k.split()) >= 5 and k in seen:
                meta.append(s)
                continue
            seen.add(k)
            pieces.append(s)
        if pieces:
            kept.append(" ".join(pieces))
    return Wire("\n\n".join(kept), meta)


def strip_paragraph(para: str, *, first: bool = False) -> tuple[str, list[str]]:
    """`para` without its metadata prefix, opening dateline (any paragraph may open with one; only
    the first is searched hard) and datelines pasted inside it; and the pieces taken out."""
    taken: list[str] = []
    m = _META_PREFIX.match(para)
    if m and m.end() < len(para) or m and first:
        taken.append(para[: m.end()].strip())
        para = para[m.end():]
    m = _OPENING_DATELINE.match(para)
    if m and m.end() < len(para) and (first or re.search(_TAG, m.group())):
        taken.append(m.group().strip())
        para = para[m.end():]

    def inner(m: re.Match) -> str:
        taken.append(m.group("line").strip())
        head, tail = m.group("head"), m.group("tail") or ""
        if head and tail:  # "i" + "n" -> "in": the scraper split a word
            return head + tail
        return (head + " " + tail).strip() if head or tail else " "

    para = _INNER_DATELINE.sub(inner, para)
    m = _CLOSING_TAG.search(para)
    if m and m.start() > 0:
        taken.append(m.group().strip(" ."))
        para = para[: m.start()].rstrip() + ("." if not para[: m.start()].rstrip().endswith((".", "!", "?")) else "")
    return " ".join(para.split()).strip(" –—-"), taken


def clean_english(text: str) -> str:
    """English text (e.g. an article given to `Pipeline.brief`) without its wire metadata."""
    return split(text).body
