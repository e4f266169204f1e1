"""Input hygiene and segmentation: what the translator is fed decides what staff read."""

import pytest

from briefs.errors import BadInput
from briefs.text import clean, decode, paragraphs, sentences, word_count


def test_seed_abbreviations_do_not_split(seed_text):
    first = paragraphs(seed_text)[0]
    split = sentences(first)
    assert split[0].startswith("date 2026-02-03 Washington, 3 feb. (askanews) – Domani, 4 febbraio")
    assert not any(s.endswith("feb.") for s in split)
    vance = [s for p in paragraphs(seed_text) for s in sentences(p) if "Vance" in s]
    assert len(vance) == 1 and "J.D. Vance, il Segretario di Stato Marco Rubio" in vance[0]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ha parlato il sen. Rossi. Poi il dott. Bianchi ha risposto.",
         ["Ha parlato il sen. Rossi.", "Poi il dott. Bianchi ha risposto."]),
        ("Lo ha detto il prof. Verdi ieri. La seduta è tolta!", ["Lo ha detto il prof. Verdi ieri.", "La seduta è tolta!"]),
        ("Roma, 3 feb. (askanews) – Il governo ha deciso. Domani si vota.",
         ["Roma, 3 feb. (askanews) – Il governo ha deciso.", "Domani si vota."]),
        ("Costa 1,2 miliardi. Il piano (Exim) parte a gennaio.", ["Costa 1,2 miliardi.", "Il piano (Exim) parte a gennaio."]),
        ("“Dobbiamo imparare.” Lo ha detto Tajani.", ["“Dobbiamo imparare.”", "Lo ha detto Tajani."]),
        ("Nessun punto finale", ["Nessun punto finale"]),
    ],
)
def test_italian_sentence_rules(text, expected):
    assert sentences(text) == expected


def test_sentences_cover_the_paragraph_exactly(seed_text):
    for p in paragraphs(seed_text):
        assert " ".join(sentences(p)) == p


def test_paragraphs_keep_order_and_collapse_whitespace():
    assert paragraphs("Uno\n  due.\n\n\n  Tre   quattro.\n\nCinque.") == ["Uno due.", "Tre quattro.", "Cinque."]


def test_clean_strips_html_into_paragraphs():
    html = "<html><head><style>p{}</style><script>x=1</script></head><body><h1>Titolo</h1><p>Primo &amp; paragrafo.</p><p>Secondo.</p></body></html>"
    assert clean(html, 1000) == "Titolo\n\nPrimo & paragrafo.\n\nSecondo."


@pytest.mark.parametrize("bad", ["", "   \n\t  ", "<p> </p><div></div>"])
def test_clean_rejects_empty(bad):
    with pytest.raises(BadInput, match="empty"):
        clean(bad, 1000)


def test_clean_rejects_too_long():
    with pytest.raises(BadInput, match="too long: 1,001 characters, the limit is 1,000"):
        clean("a" * 1001, 1000)


def test_decode_rejects_binary_and_bad_utf8():
    with pytest.raises(BadInput, match="not text"):
        decode(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(BadInput, match="not valid UTF-8"):
        decode("perché".encode("latin-1"))
    assert decode("\ufeffciao".encode("utf-8")) == "ciao"


def test_word_count_counts_words_not_punctuation():
    assert word_count("U.S. vice-president J.D. Vance – 10 billion dollars, l’Italia!") == 8
