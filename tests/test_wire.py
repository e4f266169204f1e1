"""Wire copy: datelines, agency tags, metadata lines, bylines and repeated fragments never reach a
brief (service/wire.py); the translation keeps them aside as `translation.metadata`."""

import pytest

from briefs import wire
from briefs.config import Config
from briefs.pipeline import Pipeline

# Openings as the agencies write them (one real-format example each).
OPENINGS = [
    ("Washington, 3 feb. (askanews) – Domani il Dipartimento di Stato ospiterà la conferenza.", "Washington, 3 feb. (askanews) –"),
    ("(ANSA) - ROMA, 03 FEB - Il presidente della Repubblica ha firmato il decreto.", "(ANSA) - ROMA, 03 FEB -"),
    ("ROMA, 3 FEB - Il governo ha approvato il decreto sulle bollette.", "ROMA, 3 FEB -"),
    ("Roma, 3 feb. (AGI) - Il ministro ha incontrato i sindacati.", "Roma, 3 feb. (AGI) -"),
    ("Milano, 3 febbraio 2026 (Adnkronos) - La Borsa chiude in rialzo.", "Milano, 3 febbraio 2026 (Adnkronos) -"),
    ("Torino, 3 feb. (LaPresse) - Stellantis presenta il piano.", "Torino, 3 feb. (LaPresse) -"),
    ("WASHINGTON, Feb 3 (Reuters) - The Federal Reserve held interest rates steady.", "WASHINGTON, Feb 3 (Reuters) -"),
    ("NEW YORK (AP) — Stocks rose on Wall Street on Tuesday.", "NEW YORK (AP) —"),
    ("PARIS (AFP) - France's president called for calm on Monday.", "PARIS (AFP) -"),
    ("(CNN)The Palestinian Authority officially became the 123rd member of the International Criminal Court.", "(CNN)"),
    ("Washington (CNN) — President Biden signed the bill on Friday.", "Washington (CNN) —"),
]


@pytest.mark.parametrize("text,dateline", OPENINGS)
def test_agency_datelines_are_taken_out(text, dateline):
    cut = wire.split(text)
    assert cut.metadata == [dateline]
    assert cut.body == text[len(dateline):].strip()


def test_ordinary_openings_are_kept():
    for text in ("Domani, 4 febbraio, il Dipartimento di Stato ospiterà la conferenza.",
                 "Tomorrow, 4 February, the State Department will host a conference.",
                 "Roma, la capitale, ha accolto il vertice."):
        assert wire.split(text) == wire.Wire(text, [])


def test_metadata_lines_bylines_and_footers():
    text = ("date 2026-02-03 Washington, 3 feb. (askanews) – Il vertice si apre domani.\n\n"
            "di Mario Rossi\n\nFonte: ANSA\n\nIl governo ha approvato il decreto. (ANSA).\n\n"
            "Reporting by Ann Saphir; Editing by Chizu Nomiyama\n\n© RIPRODUZIONE RISERVATA")
    cut = wire.split(text)
    assert cut.body == "Il vertice si apre domani.\n\nIl governo ha approvato il decreto."
    assert cut.metadata == ["date 2026-02-03", "Washington, 3 feb. (askanews) –", "di Mario Rossi", "Fonte: ANSA",
                            "(ANSA)", "Reporting by Ann Saphir; Editing by Chizu Nomiyama", "© RIPRODUZIONE RISERVATA"]


def test_scraped_dateline_inside_a_sentence_is_removed_and_the_word_mended(seed_text):
    """The seed article: 'ha scritto il Dipartimento di Stato iWashington, 3 feb. (askanews) – n una nota'."""
    cut = wire.split(seed_text)
    assert "ha scritto il Dipartimento di Stato in una nota" in cut.body
    assert "askanews" not in cut.body and "date 2026" not in cut.body
    assert cut.body.startswith("Domani, 4 febbraio, il Dipartimento di Stato")


def test_repeated_fragments_are_kept_once():
    para = "Il ministro Tajani interverrà nella prima sessione dei lavori."
    cut = wire.split(f"{para} Poi parlerà Rubio.\n\nAltro testo qui.\n\n{para}")
    assert cut.body.count(para) == 1 and cut.metadata == [para]


def test_seed_translation_keeps_metadata_aside_and_briefs_are_clean(seed_text):
    result = Pipeline(Config()).run(seed_text, engine="offline")
    assert result.translation.metadata[:2] == ["date 2026-02-03", "Washington, 3 feb. (askanews) –"]
    assert not result.translation.text.startswith(("Given", "date"))
    for brief in result.briefs:
        for debris in ("askanews", "2026-02-03", "3 feb.", "iWashington", " n a note"):
            assert debris not in brief.text, (brief.tier, debris)


def test_english_articles_given_to_brief_lose_their_dateline():
    text = ("WASHINGTON, Feb 3 (Reuters) - The Federal Reserve held interest rates steady on Wednesday and signalled "
            "two cuts later this year. Officials said inflation was easing. Markets rose after the decision.")
    briefs, _ = Pipeline(Config()).brief(text, ["headline", "short"], "offline")
    assert all("Reuters" not in b.text and "WASHINGTON" not in b.text for b in briefs)
