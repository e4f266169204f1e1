"""briefs.documents: one table of formats, each reader limited by what the document contains."""

from __future__ import annotations

import io
import zipfile

import pytest

from briefs import documents
from briefs.documents import FORMATS, SUFFIXES, read_bytes, read_file, read_stream
from briefs.errors import BadInput

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
T = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def p(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def part(root: str, body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:{root} xmlns:w="{W}" xmlns:mc="{MC}">{body}</w:{root}>'


def word_file(tmp_path, name="full.docx") -> bytes:
    """A .docx as Word writes one: a header, the body with a table, a text box (and its markup-
    compatibility fallback copy), tracked deletions, field codes, footnotes, endnotes and a footer."""
    body = (
        p("Primo paragrafo.")
        + "<w:tbl><w:tr><w:tc>" + p("Cella A1") + "</w:tc><w:tc>" + p("Cella B1") + "</w:tc></w:tr>"
        + "<w:tr><w:tc>" + p("Cella A2") + "</w:tc><w:tc>" + p("Cella B2") + "</w:tc></w:tr></w:tbl>"
        + '<w:p><w:r><w:t>Testo</w:t></w:r><w:r><w:tab/><w:t>con</w:t></w:r><w:del><w:r><w:delText>cancellato</w:delText>'
          "</w:r></w:del><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:t> correzioni.</w:t></w:r>"
          "<w:r><mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent>" + p("Nel riquadro.")
        + "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>" + p("Nel riquadro.")
        + "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
        + p("Ultimo paragrafo.")
    )
    rels = (f'<Relationships xmlns="{REL}">'
            f'<Relationship Id="r1" Type="{T}header" Target="header1.xml"/>'
            f'<Relationship Id="r2" Type="{T}header" Target="header2.xml"/>'
            f'<Relationship Id="r3" Type="{T}footer" Target="footer1.xml"/>'
            f'<Relationship Id="r4" Type="{T}footnotes" Target="footnotes.xml"/>'
            f'<Relationship Id="r5" Type="{T}endnotes" Target="endnotes.xml"/>'
            f'<Relationship Id="r6" Type="{T}hyperlink" Target="http://example.com/x.xml" TargetMode="External"/>'
            "</Relationships>")
    parts = {
        "[Content_Types].xml": "<Types/>",
        "_rels/.rels": f'<Relationships xmlns="{REL}"><Relationship Id="d" Type="{T}officeDocument" '
                       'Target="word/document.xml"/></Relationships>',
        "word/document.xml": part("document", f"<w:body>{body}</w:body>"),
        "word/_rels/document.xml.rels": rels,
        "word/header1.xml": part("hdr", p("Intestazione")),
        "word/header2.xml": part("hdr", p("Intestazione")),  # first-page header, same text
        "word/footer1.xml": part("ftr", p("Piè di pagina")),
        "word/footnotes.xml": part("footnotes", '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/>'
                                   '</w:r></w:p></w:footnote><w:footnote w:id="1">' + p("Nota a piè.") + "</w:footnote>"),
        "word/endnotes.xml": part("endnotes", '<w:endnote w:id="1">' + p("Nota finale.") + "</w:endnote>"),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for part_name, text in parts.items():
            zf.writestr(part_name, text)
    (tmp_path / name).write_bytes(buf.getvalue())
    return buf.getvalue()


def test_docx_is_read_in_reading_order(tmp_path):
    word_file(tmp_path)
    assert read_file(tmp_path / "full.docx", 10_000).split("\n\n") == [
        "Intestazione", "Primo paragrafo.", "Cella A1", "Cella B1", "Cella A2", "Cella B2",
        "Testo con correzioni.", "Nel riquadro.", "Ultimo paragrafo.", "Nota a piè.", "Nota finale.", "Piè di pagina",
    ]


def test_docx_limit_is_on_its_text_not_its_size(tmp_path):
    data = word_file(tmp_path)
    with pytest.raises(BadInput, match="too long: over 60 characters"):
        read_bytes(data, 60, "x.docx")
    assert read_bytes(data, 500, "x.docx")  # the same file within a limit its text fits


def test_every_reader_is_in_the_one_table():
    assert set(SUFFIXES) == {".txt", ".md", ".html", ".htm", ".docx", ".pdf"}
    assert all(FORMATS[s].max_bytes(1000) >= 4000 for s in SUFFIXES)
    from briefs import web
    from briefs.batch import DOC_SUFFIXES

    assert web.UPLOAD_TYPES == list(SUFFIXES) and DOC_SUFFIXES == SUFFIXES


def test_stdin_is_sniffed(tmp_path):
    data = word_file(tmp_path)
    assert read_stream(io.BytesIO(data), 10_000).startswith("Intestazione")
    assert read_stream(io.BytesIO("Ciao, mondo".encode("utf-16")), 100) == "Ciao, mondo"
    with pytest.raises(BadInput, match="not a readable PDF"):
        read_stream(io.BytesIO(b"%PDF-1.7 broken"), 100)


def test_paths_that_are_not_documents(tmp_path):
    with pytest.raises(BadInput, match="is a directory, not a file"):
        read_file(tmp_path, 100)
    with pytest.raises(BadInput, match="no such file"):
        read_file(tmp_path / "missing.txt", 100)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_text_with_a_byte_order_mark(encoding, tmp_path):
    data = "Città più bella".encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    assert read_bytes(data, 100, "a.txt") == "Città più bella"


def test_utf16_without_bom_is_named():
    with pytest.raises(BadInput, match="UTF-16"):
        read_bytes("Città più bella".encode("utf-16-le"), 100, "a.txt")


def test_html_fragment_falls_back_to_visible_text():
    assert documents.html_text("<p>Uno.</p><p>Due.</p>").split() == ["Uno.", "Due."]
