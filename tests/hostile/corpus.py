"""The hostile corpus (tests/hostile), built at test time in a temporary folder (nothing hostile is committed), and a
runner that measures a subprocess's CPU time and peak memory (resource.getrusage of a fresh child).

Each case names what a user must see: the exit code and a fragment of the one error line."""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_48b0761d22084af5.txt"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MB = 1024 * 1024

# Bounds a hostile document is refused within (issue 15): CPU seconds of the whole command (Python's
# start-up and imports included) and peak resident memory.
REFUSE_CPU_S = 2.0
REFUSE_PEAK_MB = 300


@dataclass(frozen=True)
class Case:
    name: str  # file name in the corpus (its suffix picks the reader)
    exit_code: int
    message: str  # a fragment of the one error line ("" when it succeeds)

    @property
    def refused(self) -> bool:
        return self.exit_code != 0


CASES = [
    Case("zip_bomb.docx", 2, "compression bomb"),
    Case("billion_laughs.docx", 2, "declares a DTD or entities"),
    Case("billion_laughs_late.docx", 2, "not a readable .docx"),  # DTD after 4 KB of prolog: libxml2's own limit
    Case("huge_text_node.docx", 2, "compression bomb"),
    Case("lying_sizes.docx", 2, "not a readable .docx"),  # a bomb whose zip declares 1 MB: read stops there
    Case("big_text_node.docx", 2, "not a readable .docx"),  # 11 MB text node: over libxml2's limit, not inflated
    Case("truncated.docx", 2, "not a readable .docx file (not a complete zip"),
    Case("malformed.docx", 2, "malformed XML"),
    Case("not_a_zip.docx", 2, "not a readable .docx"),
    Case("nul_bytes.txt", 2, "NUL bytes"),
    Case("single_line_5mb.txt", 2, "input is too long"),
    Case("scanned.pdf", 2, "scan"),
    Case("broken.pdf", 2, "not a readable PDF"),
    Case("pdf_bomb.pdf", 2, "compression bomb"),  # a content stream inflating to 300 MB
    Case("photo.docx", 0, ""),
    Case("utf16.txt", 0, ""),
    Case("paragraphs_2000.txt", 0, ""),
    Case("sentence_5000_words.txt", 0, ""),
    Case("article.pdf", 0, ""),
    Case("page.html", 0, ""),
]


def _part(body: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}"><w:body>{body}'
            "</w:body></w:document>").encode()


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')


def docx_bytes(document: bytes | None = None, *, chunks=None, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .docx: [Content_Types].xml and word/document.xml (given whole, or as chunks streamed
    into the zip so a bomb never sits in memory), plus `extra` parts (stored, not deflated)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        if chunks is not None:
            with zf.open("word/document.xml", "w") as fh:
                for chunk in chunks:
                    fh.write(chunk)
        else:
            zf.writestr("word/document.xml", document)
        for name, data in (extra or {}).items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_STORED)
    return buf.getvalue()


def _bomb_chunks(total: int, unit: bytes):
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>'.encode()
    yield head
    block = unit * (MB // len(unit))
    for _ in range(total // len(block)):
        yield block
    yield b"</w:t></w:r></w:p></w:body></w:document>"


def lying_bomb(megabytes: int = 200, declared: int = MB) -> bytes:
    """A zip bomb whose local header and central directory both declare `declared` bytes inflated."""
    import struct

    data = bytearray(docx_bytes(chunks=_bomb_chunks(megabytes * MB, b"</w:t><w:t>lol")))
    name = b"word/document.xml"
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        at = data.index(signature)
        while data[at + name_at: at + name_at + len(name)] != name:
            at = data.index(signature, at + 4)
        assert struct.unpack_from("<I", data, at + size_at)[0] > megabytes * MB // 2  # the true size (no zip64)
        struct.pack_into("<I", data, at + size_at, declared)
    return bytes(data)


def laughs(padding: int = 0) -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{k} "{("&lol%s;" % ("" if k == 1 else k - 1)) * 10}">' for k in range(1, 10))
    return ('<?xml version="1.0"?>' + ("<!--" + "x" * padding + "-->" if padding else "")
            + f'<!DOCTYPE w:document [{entities}]><w:document xmlns:w="{W}"><w:body>'
            f"<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>").encode()


def pdf_bytes(pages: list[list[str]] | None, *, image: bool = False) -> bytes:
    """A PDF written by hand: each page's lines in Helvetica (WinAnsi), or one image and no text."""
    objects: list[bytes] = []
    kids = []
    page_objs = []
    for lines in (pages or [[]]):
        if image:
            data = bytes(random.Random(1).randrange(256) for _ in range(64 * 64 * 3))
            img = len(objects) + 1
            objects.append(b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceRGB "
                           b"/BitsPerComponent 8 /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
            content = b"q 500 0 0 700 50 50 cm /Im1 Do Q"
            resources = b"<< /XObject << /Im1 %d 0 R >> >>" % img
        else:
            ops = [b"BT /F1 11 Tf 14 TL 50 780 Td"]
            for line in lines:
                esc = line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
                ops.append(b"(" + esc + b") Tj T*")
            ops.append(b"ET")
            content = b"\n".join(ops)
            resources = b"<< /Font << /F1 FONT 0 R >> >>"
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        page_objs.append((len(objects), resources))
    font = len(objects) + 1
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    pages_id = len(objects) + 1 + len(page_objs)
    for content_id, resources in page_objs:
        objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 842] /Contents %d 0 R /Resources %s >>"
                       % (pages_id, content_id, resources.replace(b"FONT", str(font).encode())))
        kids.append(len(objects))
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
    objects.append(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, len(objects), xref)
    return bytes(out)


def pdf_bomb(megabytes: int = 300) -> bytes:
    """A one-page PDF whose content stream deflates from ~300 KB to `megabytes` MB."""
    import zlib

    co = zlib.compressobj(9)
    comp = co.compress(b"BT /F1 11 Tf 50 780 Td (Ciao) Tj ET\n")
    comp += b"".join(co.compress(b" " * MB) for _ in range(megabytes)) + co.flush()
    pdf = pdf_bytes([["x"]])
    start = pdf.index(b"<< /Length")
    end = pdf.index(b"endstream", start) + len(b"endstream")
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(comp) + comp + b"\nendstream"
    return pdf[:start] + stream + pdf[end:]  # offsets in xref are off now: pypdf rebuilds them


def italian_paragraph(k: int) -> str:
    """The k-th of many distinct short Italian paragraphs (a wire copy repeats none: repeats are dropped)."""
    who = ["Il ministro", "La delegazione italiana", "Il segretario di Stato", "La commissione", "Il governo"]
    did = ["ha presentato", "ha discusso", "ha annunciato", "ha criticato", "ha approvato"]
    what = ["un piano per le terre rare", "nuovi accordi sui minerali critici", "il bilancio dell'anno",
            "una riforma della rete elettrica", "gli investimenti nelle catene di approvvigionamento"]
    where = ["a Washington", "a Roma", "a Bruxelles", "a Milano", "a Napoli", "a Torino", "a Bari", "a Genova"]
    return f"{who[k % 5]} {did[k // 5 % 5]} {what[k // 25 % 5]} {where[k // 125 % 8]} ({k + 1})."


def wrap(text: str, width: int = 80) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + ([line] if line else [])


def seed_paragraphs() -> list[str]:
    return [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]


NAV = "Home Esteri Economia Cerca nel sito"
FOOTER = "Tutti i diritti riservati"
COMMENT = "Che vergogna, nessuno ne parla mai"


def build(folder: Path) -> dict[str, Path]:
    from docx import Document

    folder.mkdir(parents=True, exist_ok=True)
    seed = seed_paragraphs()
    files: dict[str, bytes] = {}
    files["zip_bomb.docx"] = docx_bytes(chunks=_bomb_chunks(256 * MB, b"</w:t><w:t>lol"))
    files["lying_sizes.docx"] = lying_bomb()
    files["huge_text_node.docx"] = docx_bytes(chunks=_bomb_chunks(300 * MB, b"a"))
    rng = random.Random(15)
    letters = "abcdefghijklmnopqrstuvwxyz"
    files["big_text_node.docx"] = docx_bytes(chunks=_bomb_chunks(11 * MB, "".join(rng.choice(letters) for _ in range(MB)).encode()))
    files["billion_laughs.docx"] = docx_bytes(laughs())
    files["billion_laughs_late.docx"] = docx_bytes(laughs(padding=5000))
    good = docx_bytes(_part("".join(_p(p) for p in seed[:3])))
    files["truncated.docx"] = good[: len(good) // 2]
    files["malformed.docx"] = docx_bytes(_part(_p(seed[0]) + "<w:p><w:r><w:t>non chiuso</w:r></w:p>"))
    files["not_a_zip.docx"] = b"plain text saved with the wrong name, " * 10
    doc = Document()
    for p in seed[:3]:
        doc.add_paragraph(p)
    buf = io.BytesIO()
    doc.save(buf)
    photo = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(photo, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr(zipfile.ZipInfo("word/media/photo1.jpeg"), os.urandom(int(1.3 * MB)), compress_type=zipfile.ZIP_STORED)
    files["photo.docx"] = photo.getvalue()
    files["utf16.txt"] = "\n\n".join(seed[:3]).encode("utf-16")
    files["nul_bytes.txt"] = seed[0].encode() + b"\x00\x00binary\x00" + seed[1].encode()
    files["single_line_5mb.txt"] = (" ".join(seed).replace("\n", " ").encode() * 2000)[: 5 * MB]
    files["paragraphs_2000.txt"] = "\n\n".join(italian_paragraph(k) for k in range(2000)).encode()
    words = " ".join(seed).replace(".", "").split()
    files["sentence_5000_words.txt"] = (" ".join(words[k % len(words)] for k in range(5000)) + ".").encode()
    files["article.pdf"] = pdf_bytes([wrap(p) + [""] for p in seed[:3]])
    files["scanned.pdf"] = pdf_bytes(None, image=True)
    files["pdf_bomb.pdf"] = pdf_bomb()
    files["broken.pdf"] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n"
    body = "".join(f"<p>{p}</p>" for p in seed)
    files["page.html"] = (
        f"<html><head><title>Askanews</title></head><body><nav><ul><li><a href='/'>{NAV}</a></li></ul></nav>"
        f"<main><article><h1>Minerali critici</h1>{body}</article><section class='comments'><h3>Commenti</h3>"
        f"<div class='comment'><p>Mario: {COMMENT} in televisione!</p></div></section></main>"
        f"<footer><p>© 2025 Askanews S.p.A. {FOOTER}</p></footer></body></html>").encode()
    paths = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        paths[name] = folder / name
    assert set(paths) == {c.name for c in CASES}
    return paths


_MEASURE = r"""
import json, resource, subprocess, sys
proc = subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL)
use = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"rc": proc.returncode, "cpu_s": use.ru_utime + use.ru_stime, "peak_mb": use.ru_maxrss / 1024},
          open(sys.argv[1], "w"))
"""


@dataclass
class Measured:
    rc: int
    stdout: str
    stderr: str
    cpu_s: float  # user + system CPU of the command and its children
    peak_mb: float  # largest resident set of the command (or of one of its children)


def measured(args: list[str], tmp_path: Path, timeout: int = 300) -> Measured:
    """`briefs ARGS` under a fresh wrapper process, so getrusage(RUSAGE_CHILDREN) is this command's alone."""
    report = tmp_path / f"rusage-{os.getpid()}-{random.random():.9f}.json"
    proc = subprocess.run([sys.executable, "-c", _MEASURE, str(report), sys.executable, "-m", "briefs.cli", *args],
                          capture_output=True, cwd=ROOT, timeout=timeout, env=dict(os.environ))
    use = json.loads(report.read_text())
    return Measured(use["rc"], proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"),
                    use["cpu_s"], use["peak_mb"])
