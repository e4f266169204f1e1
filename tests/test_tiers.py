"""Tier definitions come from prompts/ and their limits hold whatever an engine writes."""

import pytest

from briefs.config import PROMPTS_DIR
from briefs.errors import BadInput
from briefs.summarize.tiers import Tier, bullet_items, fit_clause, load_tiers
from briefs.text import word_count


@pytest.fixture(scope="module")
def tiers():
    return {t.name: t for t in load_tiers(PROMPTS_DIR)}


LONG = (
    "The United States will host the first ministerial conference on critical minerals on Wednesday, "
    "with more than fifty countries expected in Washington, including all members of the G7 and several "
    "partners from Asia. Italy will be represented by foreign minister Antonio Tajani. The meeting aims to "
    "diversify supply chains of rare earths. China controls most of the market today. Australia announced "
    "its own reserve last week. Japan has stockpiled minerals for years."
)


def test_default_tiers_are_the_design_cards(tiers):
    assert list(tiers) == ["headline", "short", "bullets", "extended"]
    assert (tiers["headline"].min_words, tiers["headline"].max_words) == (6, 12)  # issue 12: a compressed main clause
    assert (tiers["short"].max_words, tiers["bullets"].max_words) == (35, 90)
    assert (tiers["bullets"].min_items, tiers["bullets"].max_items) == (3, 5)
    assert (tiers["extended"].min_words, tiers["extended"].max_words) == (120, 200)
    assert all("{text}" in t.prompt for t in tiers.values())


def test_tier_subset_and_unknown_tier():
    assert [t.name for t in load_tiers(PROMPTS_DIR, ["bullets", "headline"])] == ["bullets", "headline"]
    with pytest.raises(BadInput, match="unknown tier.*nope"):
        load_tiers(PROMPTS_DIR, ["nope"])


def test_tiers_are_editable_files(tmp_path):
    (tmp_path / "tiers").mkdir()
    (tmp_path / "tiers" / "tweet.toml").write_text('name = "tweet"\nshape = "sentence"\nmax_words = 5\n')
    (tweet,) = load_tiers(tmp_path)
    assert tweet.enforce("One two three four five six seven.") == "One two three four five."


def test_headline_one_line_no_period_cut_at_clause(tiers):
    out = tiers["headline"].enforce(LONG)
    assert out == "The United States will host the first ministerial conference on critical minerals"
    assert word_count(out) <= 12 and not out.endswith(".") and "\n" not in out


def test_short_is_one_sentence_within_limit(tiers):
    out = tiers["short"].enforce(LONG)
    assert word_count(out) <= 35 and out.endswith(".")
    assert LONG.startswith(out[:-1].rstrip(",")) or out[:-1] in LONG
    assert tiers["short"].enforce("Italy joins the alliance. More later.") == "Italy joins the alliance."


def test_bullets_three_to_five_within_90_words(tiers):
    out = tiers["bullets"].enforce(LONG)
    items = bullet_items(out)
    assert 3 <= len(items) <= 5 and all(line.startswith("- ") for line in out.splitlines())
    assert sum(word_count(i) for i in items) <= 90
    assert tiers["bullets"].within_limits(out)


def test_bullets_from_generated_list(tiers):
    out = tiers["bullets"].enforce("* one fact here\n* two facts here\n1. three facts\n- four\n- five\n- six")
    assert bullet_items(out) == ["one fact here", "two facts here", "three facts", "four", "five"]


def test_extended_keeps_whole_sentences_up_to_200_words(tiers):
    text = " ".join(f"Sentence number {i} says something about minerals and trade." for i in range(40))
    out = tiers["extended"].enforce(text)
    assert 120 <= word_count(out) <= 200 and out.endswith(".")
    assert out in text


def test_never_cuts_inside_a_word(tiers):
    words = "Supercalifragilistic-expialidocious internationalisation " * 30
    for tier in tiers.values():
        out = tier.enforce(words)
        for token in out.replace("-", " ").split():
            assert token.strip(".,") in words


def test_fit_clause_prefers_clause_boundary():
    s = "Tajani will attend the first session, represent Italy and meet the Italian-American community in Washington"
    assert fit_clause(s, 8) == "Tajani will attend the first session, represent Italy"
    assert fit_clause(s, 7) == "Tajani will attend the first session"
    assert fit_clause("short one", 8) == "short one"


def test_no_cut_at_a_conjunction_inside_a_relative_clause():
    """The seed's bullet once ended "…of the defence, whose extraction." (cut before "and commercialisation")."""
    s = ("The aim is a strategic alliance on these minerals, essential for the defence, whose extraction and "
         "commercialisation is today in the hands of China")
    assert fit_clause(s, 16) == "The aim is a strategic alliance on these minerals, essential for the defence"
    assert fit_clause("Rubio met Vance and Tajani met Wadephul in Washington on Tuesday", 6) == "Rubio met Vance"


def test_within_limits_counts_breaks():
    t = Tier(name="x", shape="paragraph", min_words=3, max_words=5)
    assert t.within_limits("one two three")
    assert not t.within_limits("one two")
    assert not t.within_limits("one two three four five six")
