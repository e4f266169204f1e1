"""The Markdown briefing tells an editor what the translation holds beyond its text: the wire
metadata kept out of the briefs, and which paragraphs went by another engine (English kept as written)."""

from __future__ import annotations

from briefs.render import markdown
from briefs.text import paragraphs


def test_markdown_names_the_wire_metadata_once(offline_pipeline, seed_text):
    result = offline_pipeline.run(seed_text, tiers=[])
    text = markdown(result)
    notes = text.split("## English translation")[1]
    line = next(x for x in notes.splitlines() if x.startswith("**Kept out of the briefs"))
    assert "`date 2026-02-03`" in line
    # the seed pastes its askanews dateline twice; the note names it once
    assert result.translation.metadata.count("Washington, 3 feb. (askanews) –") == 2
    assert line.count("askanews") == 1


def test_markdown_says_which_paragraphs_were_kept_as_written(offline_pipeline, seed_text, english_text):
    english = paragraphs(english_text)[1:3]
    result = offline_pipeline.run(seed_text + "\n\n" + "\n\n".join(english), tiers=[])
    n = len(result.translation.paragraphs)
    line = next(x for x in markdown(result).splitlines() if x.startswith("**Paragraph engines:**"))
    assert f"{n - 1}, {n}: kept as written (English)" in line
    assert "`apertium:ita-spa-eng`" in line

def test_a_plain_translation_has_no_notes(offline_pipeline):
    result = offline_pipeline.run("Il governo ha approvato la legge di bilancio. Il ministro ha parlato a Roma.", tiers=[])
    text = markdown(result)
    assert "Kept out of the briefs" not in text and "Paragraph engines" not in text
