"""The hostile corpus through `briefs run`: every document is refused with exit 2 and one line within
the CPU and memory bounds, or read in full; readers keep what a user relies on."""

from __future__ import annotations

import json

import pytest
from corpus import CASES, COMMENT, FOOTER, NAV, REFUSE_CPU_S, REFUSE_PEAK_MB, measured, seed_paragraphs

from briefs.documents import read_file

ACCEPTED_PEAK_MB = 1024  # a long document read in full: no runaway either


# Refusals are quick; a document read and translated in full takes seconds (2,000 paragraphs a while):
# the fast lane keeps every refusal and one accepted document, the slow lane all.
FAST_ACCEPTED = "article.pdf"


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name, marks=[] if c.refused or c.name == FAST_ACCEPTED
                                               else [pytest.mark.slow]) for c in CASES])
def test_run(case, hostile, tmp_path):
    got = measured(["run", str(hostile[case.name]), "--engine", "offline", "--json", "--tiers", "headline"], tmp_path)
    assert got.rc == case.exit_code, got.stderr
    if case.refused:
        assert got.stdout == ""
        assert got.stderr.count("\n") == 1 and got.stderr.startswith("briefs: error: "), got.stderr
        assert case.message in got.stderr and "Traceback" not in got.stderr
        assert got.cpu_s < REFUSE_CPU_S, f"{case.name}: {got.cpu_s:.2f} s of CPU"
        assert got.peak_mb < REFUSE_PEAK_MB, f"{case.name}: {got.peak_mb:.0f} MB peak"
    else:
        result = json.loads(got.stdout)
        assert result["source"]["language"] == "it" and result["translation"]["text"].strip()
        assert result["briefs"][0]["text"]
        assert got.peak_mb < ACCEPTED_PEAK_MB, f"{case.name}: {got.peak_mb:.0f} MB peak"
        if case.name == "paragraphs_2000.txt":
            assert result["source"]["paragraphs"] == 2000
            assert len(result["translation"]["paragraphs"]) == 2000


def test_documents_keep_what_matters(hostile):
    seed = seed_paragraphs()
    # a web page: the article and its headline, not the menu, the comments or the footer
    page = read_file(hostile["page.html"], 200_000)
    assert page.split("\n\n")[0] == "Minerali critici"
    assert seed[1].strip() in page and seed[-1].strip() in page
    for junk in (NAV, FOOTER, COMMENT):
        assert junk not in page
    # a PDF: its paragraphs in order, lines joined back
    pdf = read_file(hostile["article.pdf"], 200_000).split("\n\n")
    assert [" ".join(p.split()) for p in seed[:3]] == pdf
    # a photo in a .docx costs nothing against the text limit
    assert read_file(hostile["photo.docx"], 2_000).startswith(seed[0].strip()[:40])
    # UTF-16 with a byte order mark is text
    assert read_file(hostile["utf16.txt"], 200_000).strip() == "\n\n".join(seed[:3]).strip()
