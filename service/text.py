"""Input hygiene and segmentation: bytes -> clean text -> paragraphs -> sentences.

The sentence splitter is rule based and knows Italian (and English) abbreviations, so
"3 feb. (askanews)", "sen. Rossi", "dott. Bianchi" or "J.D. Vance" never end a sentence.
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata

from .errors import BadInput

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "article", "section")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), or UTF-16/UTF-32 with a byte order mark; anything else is bad
    input, not mojibake."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as err:
                name = codec.upper()
                raise BadInput(f"input starts as {name} text but is not valid {name} (byte {err.start}); "
                               "save it as UTF-8 and retry") from None
    if b"\x00" in data:
        if data.count(b"\x00") * 3 > len(data):
            raise BadInput("input is not text: it contains NUL bytes (if it is UTF-16 text without a byte "
                           "order mark, save it as UTF-8 and retry)")
        raise BadInput("input is not text (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise BadInput(f"input is not valid UTF-8 text (byte {err.start}); save it as UTF-8 and retry") from None


def looks_like_html(text: str) -> bool:
    return len(_TAG.findall(text[:5000])) >= 2


def strip_html(text: str) -> str:
    """Visible text of an HTML document, one paragraph per block element."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "noscript", "head", "template"]):
        tag.decompose()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    return soup.get_text()


def clean(text: str, max_chars: int) -> str:
    """Normalised article text, or BadInput with the reason. Paragraph breaks are kept."""
    if looks_like_html(text):
        from .documents import html_text

        text = html_text(text)
    text = html.unescape(text) if "&" in text else text
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    text = "\n\n".join(paragraphs(text))
    if not text.strip():
        raise BadInput("input is empty (no text after removing whitespace and markup)")
    if len(text) > max_chars:
        raise BadInput(f"input is too long: {len(text):,} characters, the limit is {max_chars:,} (split it, or raise --max-chars)")
    return text


def paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks, inner whitespace collapsed; a file with no blank lines
    but one paragraph per line is treated as one paragraph per line."""
    blocks = re.split(r"\n\s*\n", text)
    if len(blocks) == 1 and text.count("\n") >= 2:
        blocks = text.split("\n")
    return [" ".join(b.split()) for b in blocks if b.strip()]


# Lower-cased tokens that take a period without ending a sentence.
ABBREVIATIONS = frozenset(
    """
    sen on dott dr dott.ssa prof prof.ssa sig sig.ra sigg ing avv arch geom rag gen col magg cap ten
    mons don fr sr sra st mr mrs ms jr dep pres vicepres amm dir ass min sott sottosegr
    ecc etc es p pag pagg art artt cap capp n nn nr num vol voll cfr v vs ca c.a a.c d.c
    sec secc fig tab op cit ibid ed eds rev
    gen feb mar apr mag giu lug ago set sett ott nov dic
    jan jun jul aug sep oct dec
    lun mar mer gio ven sab dom
    spa s.p.a srl s.r.l inc ltd co corp int tel
    mln mld mrd km kg cm mm mq
    """.split()
)
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
_OPENER = re.compile(r"\s+[\"'“‘«(\[–—-]*\s*(\S)")


def sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences; the pieces joined by single spaces give it back."""
    out: list[str] = []
    start = 0
    for m in _END.finditer(paragraph):
        nxt = _OPENER.match(paragraph, m.end())
        if not nxt or not _may_end(paragraph, start, m.start(), m.group(), nxt.group(1)):
            continue
        piece = paragraph[start : m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return out


def article_sentences(text: str) -> list[str]:
    """Every sentence of a text, paragraph after paragraph."""
    return [s for p in paragraphs(text) for s in sentences(p)]


def _may_end(text: str, start: int, dot: int, mark: str, next_char: str) -> bool:
    if not (next_char.isupper() or next_char.isdigit()):
        return False  # "... 3 feb. (askanews) – domani", lower case goes on
    if mark[0] != ".":
        return True
    word = re.search(r"(\S+)$", text[start:dot])
    if not word:
        return True
    token = word.group(1).lstrip("\"'“‘«([").lower()
    if token in ABBREVIATIONS or token.rstrip(".") in ABBREVIATIONS:
        return False
    if re.fullmatch(r"(?:[^\W\d_]\.)*[^\W\d_]", token):
        return False  # initials: "J.D.", "A.", "U.S."
    return True


def word_count(text: str) -> int:
    return len(re.findall(r"[^\W_](?:[\w'’.\-]*[^\W_])?", text))
