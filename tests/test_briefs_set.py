"""The tiers work as a set: bullets add what the headline and short brief do not say, no sentence
is in two tiers (the extended paragraph aside), the tiers reach beyond the first paragraph, marks
balance in every brief, and a tier that cannot be filled says so in `warnings`. Tier files are
checked like the glossary and read once per Pipeline."""

import random
import re
import shutil

import pytest

from briefs.config import PROMPTS_DIR, Config
from briefs.pipeline import Pipeline
from briefs.summarize import tiers as tiers_mod
from briefs.summarize.tiers import balance_marks, bullet_items
from briefs.text import paragraphs, sentences


def _key(s: str) -> set[str]:
    return set(re.findall(r"\w+", s.lower()))


def _near(a: str, b: str) -> bool:
    ka, kb = _key(a), _key(b)
    return len(ka & kb) / max(min(len(ka), len(kb)), 1) >= 0.8


def _balanced(text: str) -> bool:
    return balance_marks(text) == " ".join(text.split()) or all(
        text.count(o) == text.count(c) for o, c in (("“", "”"), ("(", ")"), ("[", "]"), ("«", "»")))


@pytest.fixture(scope="module")
def seed_result(seed_text):
    return Pipeline(Config()).run(seed_text, engine="offline")


def _check_set(result_briefs, english: str) -> None:
    by = {b.tier: b.text for b in result_briefs}
    items = bullet_items(by["bullets"])
    assert all(by.values()), by
    for item in items:  # no bullet repeats the short brief (or is a near-duplicate of it)
        assert not _near(item, by["short"]), (item, by["short"])
    for text in by.values():
        assert _balanced(text), text
    # at least one bullet states a fact from beyond the first paragraph
    first = _key(paragraphs(english)[0])
    later = [s for p in paragraphs(english)[1:] for s in sentences(p)]
    assert any(_near(i, s) and not _key(i) <= first for i in items for s in later), items


def test_seed_tiers_form_a_set(seed_result):
    _check_set(seed_result.briefs, seed_result.translation.text)
    by = {b.tier: b.text for b in seed_result.briefs}
    assert "Tajani" in by["bullets"] or "Rubio" in by["bullets"] or "50" in by["bullets"]


def test_english_tiers_form_a_set(english_text):
    briefs, warnings = Pipeline(Config()).brief(english_text, None, "offline")
    _check_set(briefs, english_text)
    # a 108-word article cannot make a 120-word paragraph: said, not hidden
    assert warnings == ["the extended tier has 108 words, under its minimum of 120: the article is too short"]


def test_a_quotation_cut_by_a_limit_is_closed():
    text = ("The minister said “the conference will build an alliance on critical minerals for electric vehicles, "
            "semiconductors and defence, and it will start a dialogue on common investment projects for the next ten "
            "years across the Atlantic”. Officials expect fifty nations. Italy sends its foreign minister.")
    briefs, _ = Pipeline(Config()).brief(text, ["short", "bullets"], "offline")
    for b in briefs:
        assert b.text.count("“") == b.text.count("”"), b.text


def test_a_5000_word_sentence_fills_every_tier_or_says_why():
    rng = random.Random(1)
    words = ("the minister said that the government would approve the new plan for the regions and the unions asked "
             "for more money while the opposition").split()
    text = " ".join(rng.choice(words) for _ in range(5000))
    briefs, warnings = Pipeline(Config()).brief(text, None, "offline")
    by = {b.tier: b for b in briefs}
    assert by["extended"].words >= 120
    assert len(bullet_items(by["bullets"].text)) >= 3 or any(w.startswith("the bullets tier") for w in warnings)
    assert all(b.text for b in briefs)


def test_a_tier_that_cannot_be_filled_is_named_in_warnings():
    briefs, warnings = Pipeline(Config()).brief("Italy joins the minerals alliance of fifty nations.", None, "offline")
    by = {b.tier: b for b in briefs}
    assert by["short"].text
    assert any(w.startswith("the bullets tier has 1 item") for w in warnings), warnings
    assert any(w.startswith("the extended tier has") and "minimum of 120" in w for w in warnings), warnings


# ---- tier files ------------------------------------------------------------------------------------------
@pytest.fixture
def prompts(tmp_path):
    shutil.copytree(PROMPTS_DIR, tmp_path / "prompts")
    return tmp_path / "prompts"


@pytest.mark.parametrize("edit,message", [
    (lambda s: s.replace("max_words = 12", "max_word = 12"), "headline.toml: unknown key 'max_word'"),
    (lambda s: s.replace("max_words = 12", 'max_words = "12"'), "headline.toml: 'max_words' must be a whole number"),
    (lambda s: s.replace('shape = "line"', 'shape = "lines"'), "headline.toml: 'shape' must be one of"),
    (lambda s: s.replace("min_words = 6", "min_words = 20"), "headline.toml: 'min_words' (20) is over 'max_words' (12)"),
    (lambda s: s.replace("{max_words} words", "{max_wrds} words"), "headline.toml: 'prompt' uses unknown field(s) {max_wrds}"),
    (lambda s: s + "\nname = ", "headline.toml: not valid TOML"),
])
def test_a_bad_tier_file_exits_2_naming_file_and_key(prompts, cli, edit, message):
    path = prompts / "tiers" / "headline.toml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    code, out, err = cli("run", "-", "--engine", "offline", stdin=b"The minister arrived in Washington today.",
                         env={"BRIEFS_PROMPTS": str(prompts)})
    assert code == 2 and len(err.strip().splitlines()) == 1 and message in err, err
    assert "Traceback" not in err


def test_prompts_take_the_tiers_own_numbers():
    tiers = {t.name: t for t in tiers_mod.load_tiers(PROMPTS_DIR)}
    assert "6 to 12 words" in tiers["headline"].prompt and "{text}" in tiers["headline"].prompt
    assert "3 to 5 key facts" in tiers["bullets"].prompt and "at most 90 words" in tiers["bullets"].prompt
    assert "120 to 200 words" in tiers["extended"].prompt


def test_tier_files_are_read_once_per_pipeline(monkeypatch):
    reads = []
    real = tiers_mod.read_tier
    monkeypatch.setattr(tiers_mod, "read_tier", lambda path: reads.append(path) or real(path))
    pipe = Pipeline(Config())
    for _ in range(3):
        pipe.brief("Italy joins the minerals alliance of fifty nations. Tajani flies to Washington.", ["headline"], "offline")
    pipe.tiers(["short", "bullets"])
    assert len(reads) == 4  # the four files, once


def test_short_brief_fuses_two_facts_and_bullet_one_tells_the_lead():
    """The short brief joins the lead's main clause with another sentence's; it is not a
    near-duplicate of any bullet, so bullet 1 may tell the lead sentence in full."""
    text = ("The Reserve Bank of Australia raised its benchmark interest rate to 5.5% on Wednesday, "
            "the highest level in four years, despite signs of a slowdown in the economy.\n\n"
            "Shortly after the decision, new figures showed that economic growth fell in the last quarter. "
            "Analysts criticised the move and said households with large mortgages would suffer. "
            "The bank said it had acted to curb inflation, which is expected to rise above its target band. "
            "Exporters warned that a stronger currency would hurt their sales in Asia.")
    briefs, _ = Pipeline(Config()).brief(text, ["headline", "short", "bullets"], "offline")
    by = {b.tier: b.text for b in briefs}
    assert "; " in by["short"] and by["short"].startswith("The Reserve Bank of Australia raised"), by["short"]
    items = bullet_items(by["bullets"])
    assert items[0].startswith("The Reserve Bank of Australia raised its benchmark interest rate"), items
    for item in items:
        assert not _near(item, by["short"]), (item, by["short"])
