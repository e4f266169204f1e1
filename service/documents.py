"""Input documents: ONE table of formats (suffix -> reader) for `briefs run`, the web upload and
batch folders, and the readers themselves.

Every reader is limited by what the document contains, not by the size of the file on disk:
- text (.txt, .md): UTF-8 (or UTF-16 with a byte order mark), at most `max_chars * 4` bytes read;
- HTML (.html, .htm): the article only (trafilatura's extraction drops menus, footers, comments),
  falling back to the page's visible text when no article is found;
- .docx: a zip whose parts are checked *before* anything is inflated (declared size of each XML part,
  total inflated bytes, compression ratio), then streamed through lxml with entity expansion off,
  no DTD, no network and libxml2's size limits on (huge_tree=False); the body with its tables, then
  footnotes and endnotes, headers and footers, in reading order. A photo in the file costs nothing;
- .pdf: the text layer via pypdf, page by page (content order); a scanned or image-only PDF is
  refused with a message saying so.
Anything unreadable is BadInput (exit 2, one line), never a parser's traceback.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .errors import BadInput
from .text import decode, strip_html

# Limits on a .docx: XML inflated in all (the parts that are read; Word writes 5-20 bytes of XML per
# character of text, so 64 per character of --max-chars, 8 to 64 MB), one part's compression ratio.
DOCX_XML_PER_CHAR = 64
DOCX_XML_BYTES = (8 * 1024 * 1024, 64 * 1024 * 1024)
DOCX_MAX_RATIO = 100  # Word's XML deflates 5-20x; a zip bomb 100s or 1000s of times
DOCX_RATIO_FROM = 1024 * 1024  # small parts may compress as well as they like
MAX_FILE_BYTES = 64 * 1024 * 1024  # a .docx or .pdf file (photos included); the web page takes 20 MB
HTML_MARKUP_FACTOR = 5  # an HTML page may hold this many bytes of markup per byte of text


@dataclass(frozen=True)
class Format:
    name: str  # what the user is told the file is
    read: Callable[[bytes, int], str]  # (file bytes, max_chars) -> text
    max_bytes: Callable[[int], int]  # max_chars -> most bytes worth reading


def too_long(max_chars: int) -> BadInput:
    return BadInput(f"input is too long: over {max_chars:,} characters (split it, or raise --max-chars)")


def text_of(data: bytes, max_chars: int) -> str:
    return decode(data)


def html_of(data: bytes, max_chars: int) -> str:
    return html_text(decode(data))


def html_text(page: str) -> str:
    """The article of an HTML page, paragraphs separated by blank lines: trafilatura's main-text
    extraction (no navigation, footer, comments or sidebars) for a whole page, the visible text of
    every block otherwise (a fragment, or a page trafilatura finds no article in)."""
    if re.search(r"<\s*(html|body|nav|header|footer|aside|main|article)\b", page[:200_000], re.I):
        try:
            import trafilatura

            found = trafilatura.extract(page, include_comments=False, include_tables=True,
                                        deduplicate=True, with_metadata=False, output_format="txt")
        except Exception:  # noqa: BLE001 - any extractor failure falls back to the plain text
            found = None
        if found and found.strip():
            return "\n\n".join(line for line in found.splitlines() if line.strip())
    return strip_html(page)


# ---- .docx ------------------------------------------------------------------------------------------
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOC = "/officeDocument"
# Parts after the body, in reading order (relationship type suffix).
_AFTER_BODY = ("/footnotes", "/endnotes")
_AROUND_BODY = ("/header", "/footer")


def docx_of(data: bytes, max_chars: int) -> str:
    """Text of a .docx: headers, body (paragraphs and tables in order), footnotes, endnotes,
    footers; each part's inflated size checked before it is parsed."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as err:
        raise BadInput(f"not a readable .docx file (not a complete zip archive: {err})") from None
    with zf:
        main = _main_part(zf)
        rels = _relationships(zf, _rels_name(main))
        parts = {kind: [_resolve(main, target) for t, target in rels if t.endswith(kind)]
                 for kind in (*_AFTER_BODY, *_AROUND_BODY)}
        headers, footers = parts["/header"], parts["/footer"]
        order = [*headers, main, *parts["/footnotes"], *parts["/endnotes"], *footers]
        order = [name for name in dict.fromkeys(order) if name in zf.NameToInfo]
        _check_sizes(zf, order, xml_limit(max_chars))
        out: list[str] = []
        seen_around: set[str] = set()
        budget = [max_chars]
        for name in order:
            paras = _part_paragraphs(zf, name, budget, max_chars)
            if name in headers or name in footers:  # the same header on every section: once
                paras = [p for p in dict.fromkeys(paras) if p not in seen_around]
                seen_around.update(paras)
            out += paras
    return "\n\n".join(out)


def _main_part(zf: zipfile.ZipFile) -> str:
    for kind, target in _relationships(zf, "_rels/.rels"):
        if kind.endswith(_OFFICE_DOC):
            name = target.lstrip("/")
            if name in zf.NameToInfo:
                return name
    if "word/document.xml" in zf.NameToInfo:
        return "word/document.xml"
    raise BadInput("not a readable .docx file (no word/document.xml in it: is it a Word document?)")


def _rels_name(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def _resolve(part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts = part.split("/")[:-1]
    for piece in target.split("/"):
        if piece == "..":
            parts = parts[:-1]
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _relationships(zf: zipfile.ZipFile, name: str) -> list[tuple[str, str]]:
    if name not in zf.NameToInfo:
        return []
    _check_sizes(zf, [name], limit=1024 * 1024)
    found = []
    for el in _stream(zf, name, tags=(_REL,)):
        if el.get("TargetMode") != "External":
            found.append((el.get("Type") or "", el.get("Target") or ""))
        el.clear()
    return found


def xml_limit(max_chars: int) -> int:
    """Most bytes of XML a .docx's text parts may inflate to."""
    least, most = DOCX_XML_BYTES
    return min(most, max(least, DOCX_XML_PER_CHAR * max_chars))


def _check_sizes(zf: zipfile.ZipFile, names: list[str], limit: int) -> None:
    """Refuse before inflating: the sizes the zip declares (reading stops at the declared size, and
    a part that inflates past it fails its CRC check, so the declaration cannot lie for long)."""
    total = 0
    for name in names:
        info = zf.getinfo(name)
        total += info.file_size
        if info.file_size > DOCX_RATIO_FROM and info.file_size > DOCX_MAX_RATIO * max(info.compress_size, 1):
            raise BadInput(f"refused .docx: part {name} inflates {info.file_size // max(info.compress_size, 1):,} "
                           f"times (a compression bomb; Word's files inflate under {DOCX_MAX_RATIO} times)")
        if total > limit:
            raise BadInput(f"refused .docx: its text parts inflate to over {limit // (1024 * 1024)} MB of XML "
                           "(a compression bomb, or far longer than an article)")


def _stream(zf: zipfile.ZipFile, name: str, tags: tuple[str, ...]):
    """Elements with the given end tags from one XML part, parsed as it inflates (entities not
    expanded, no DTD, no network, libxml2's limits on). Each part is read once, in chunks."""
    from lxml import etree

    parser = etree.XMLPullParser(events=("end",), tag=tags, resolve_entities=False, load_dtd=False, no_network=True,
                                 huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        with zf.open(name) as fh:
            head = b""
            while chunk := fh.read(256 * 1024):
                if len(head) < 4096:
                    head += chunk[:4096]
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise BadInput(f"refused .docx: part {name} declares a DTD or entities (Word never writes them)")
                parser.feed(chunk)
                yield from (el for _, el in parser.read_events())
            parser.close()
            yield from (el for _, el in parser.read_events())
    except etree.XMLSyntaxError as err:
        why = " ".join(str(getattr(err, "msg", None) or err).split())[:160]
        raise BadInput(f"not a readable .docx file ({name}: malformed XML: {why})") from None
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as err:  # CRC error, truncated, encrypted
        raise BadInput(f"not a readable .docx file ({name}: {err})") from None
    except (NotImplementedError, ValueError) as err:  # an unsupported compression method
        raise BadInput(f"not a readable .docx file ({name}: {err})") from None


def _part_paragraphs(zf: zipfile.ZipFile, name: str, budget: list[int], max_chars: int) -> list[str]:
    """Paragraph texts of one part in document order: runs' w:t text, tabs and breaks as spaces;
    w:p inside text boxes are paragraphs of their own, markup-compatibility fallbacks skipped
    (they repeat the text box), deleted text (w:delText) and field codes (w:instrText) dropped."""
    out: list[str] = []
    pieces: dict[int, list[str]] = {}  # open w:p (by depth of nesting) -> its text so far
    inner: dict[int, list[str]] = {}  # open w:p -> paragraphs of the text boxes inside it
    for el in _stream(zf, name, tags=(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}p", _MC_FALLBACK)):
        tag = el.tag
        if tag == _MC_FALLBACK:
            el.clear()
            continue
        if _inside_fallback(el):
            continue
        depth = _p_depth(el)
        if tag == f"{_W}p":
            text = " ".join("".join(pieces.pop(depth, [])).split())
            found = ([text] if text else []) + inner.pop(depth, [])
            for k in [k for k in pieces if k > depth]:
                pieces.pop(k)
            if depth > 1:  # a text box's paragraph: after the paragraph it sits in
                inner.setdefault(depth - 1, []).extend(found)
            for text in found if depth <= 1 else []:
                budget[0] -= len(text) + 2
                if budget[0] < 0:
                    raise too_long(max_chars)
                out.append(text)
            el.clear()
            parent = el.getparent()
            while parent is not None and el.getprevious() is not None:  # keep the tree small
                del parent[0]
            continue
        if tag == f"{_W}t":
            piece = el.text or ""
        else:
            piece = " "
        pieces.setdefault(depth, []).append(piece)
        el.clear()
    return out


def _inside_fallback(el) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent.tag == _MC_FALLBACK:
            return True
        parent = parent.getparent()
    return False


def _p_depth(el) -> int:
    """How many w:p elements enclose `el`, itself included."""
    depth = 0
    node = el
    while node is not None:
        if node.tag == f"{_W}p":
            depth += 1
        node = node.getparent()
    return depth


# ---- .pdf -------------------------------------------------------------------------------------------
def pdf_of(data: bytes, max_chars: int) -> str:
    """The text layer of a PDF, page after page in content order; lines joined into paragraphs
    (a line that ends a sentence and stops short of the page's usual width ends its paragraph,
    a hyphen at a line's end joins the word). Scanned pages have no text layer: refused, named."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:  # noqa: BLE001
                raise BadInput("refused PDF: it is password-protected (save an unprotected copy)") from None
        pages = list(reader.pages)
    except BadInput:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError, AttributeError) as err:
        raise BadInput(f"not a readable PDF file ({type(err).__name__}: {' '.join(str(err).split())[:120]})") from None
    if not pages:
        raise BadInput("not a readable PDF file (it has no pages)")
    out: list[str] = []
    images = 0
    total = 0
    for page in pages:
        try:
            text = page.extract_text() or ""
            if not text.strip():
                images += _has_images(page)
        except Exception as err:  # noqa: BLE001 - pypdf raises many kinds on a damaged page
            if type(err).__name__ == "LimitReachedError":  # pypdf's cap on an inflated stream
                raise BadInput("refused PDF: a page's content inflates past pypdf's limit (a compression bomb)") from None
            raise BadInput(f"not a readable PDF file (a page cannot be read: {type(err).__name__})") from None
        paras = _pdf_paragraphs(text)
        total += sum(len(p) + 2 for p in paras)
        if total > max_chars:
            raise too_long(max_chars)
        out += paras
    if sum(ch.isalpha() for p in out for ch in p) < 20:
        why = "its pages are images (a scan)" if images else "it has no text layer"
        raise BadInput(f"refused PDF: no text to read, {why}; run it through OCR, or paste the article's text")
    return "\n\n".join(out)


def _has_images(page) -> int:
    try:
        return int(bool(page.images))
    except Exception:  # noqa: BLE001
        return 0


def _pdf_paragraphs(text: str) -> list[str]:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    widths = sorted(len(line) for line in lines if line)
    if not widths:
        return []
    usual = widths[len(widths) * 3 // 4]
    paras: list[str] = []
    current = ""
    for line in lines:
        if not line:
            if current:
                paras.append(current)
            current = ""
            continue
        if current.endswith("-") and line[:1].islower():
            current = current[:-1] + line
        else:
            current = f"{current} {line}" if current else line
        if re.search(r"[.!?:»\"”]$", line) and len(line) < 0.8 * usual:
            paras.append(current)
            current = ""
    if current:
        paras.append(current)
    return paras


# ---- the one table ------------------------------------------------------------------------------------
def _text_bytes(max_chars: int) -> int:
    return max_chars * 4  # a UTF-8 character is at most 4 bytes (UTF-16: 2 or 4)


FORMATS: dict[str, Format] = {
    ".txt": Format("text", text_of, _text_bytes),
    ".md": Format("text", text_of, _text_bytes),
    ".html": Format("HTML", html_of, lambda n: _text_bytes(n) * HTML_MARKUP_FACTOR),
    ".htm": Format("HTML", html_of, lambda n: _text_bytes(n) * HTML_MARKUP_FACTOR),
    ".docx": Format(".docx", docx_of, lambda n: MAX_FILE_BYTES),
    ".pdf": Format("PDF", pdf_of, lambda n: MAX_FILE_BYTES),
}
SUFFIXES: tuple[str, ...] = tuple(FORMATS)


def describe() -> str:
    """'.txt, .md, .html, .htm, .docx or .pdf' for help texts and messages."""
    return ", ".join(SUFFIXES[:-1]) + f" or {SUFFIXES[-1]}"


def format_for(name: str | None, data: bytes = b"") -> Format:
    """The reader for a file name (by suffix); without a known suffix (stdin, an unnamed upload),
    what the bytes start with: a zip is a .docx, %PDF a PDF, anything else text."""
    suffix = Path(name).suffix.lower() if name else ""
    if suffix in FORMATS:
        return FORMATS[suffix]
    if data.startswith(b"PK\x03\x04"):
        return FORMATS[".docx"]
    if data.lstrip()[:5] == b"%PDF-":
        return FORMATS[".pdf"]
    return FORMATS[".txt"]


def read_bytes(data: bytes, max_chars: int, name: str | None = None) -> str:
    """Text of a document's bytes (at most `max_bytes + 1` of them read) in the format `name` says."""
    fmt = format_for(name, data)
    if len(data) > fmt.max_bytes(max_chars):
        if fmt.read in (text_of, html_of):
            raise too_long(max_chars)
        raise BadInput(f"refused {fmt.name} file: over {fmt.max_bytes(max_chars) // (1024 * 1024)} MB")
    return fmt.read(data, max_chars)


def read_file(path, max_chars: int) -> str:
    """Text of a document file (any format in FORMATS; an unknown suffix is read as text), read no
    further than the format's limit; BadInput for a missing, too long, unreadable or non-text file."""
    p = Path(path)
    if p.is_dir():
        raise BadInput(f"{path} is a directory, not a file (give one article's file; `briefs batch` takes folders)")
    if not p.is_file():
        raise BadInput(f"no such file: {path}")
    fmt = format_for(p.name)
    try:
        with open(p, "rb") as fh:
            data = fh.read(fmt.max_bytes(max_chars) + 1)
    except OSError as err:
        raise BadInput(f"cannot read {path}: {err.strerror or err}") from None
    return read_bytes(data, max_chars, p.name)


def read_stream(stream, max_chars: int) -> str:
    """Text of stdin: a .docx or PDF is recognised by its first bytes."""
    head = stream.read(5)
    fmt = format_for(None, head)
    return read_bytes(head + stream.read(fmt.max_bytes(max_chars) + 1 - len(head)), max_chars)
