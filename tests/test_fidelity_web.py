"""The web page shows the fidelity report: flagged spans marked in the side-by-side translation and
in the briefs, a translated sentence's (and a bullet's) source on hover or click, the checks listed.
Driven in Debian's chromium with the offline engines (rule-based, deterministic)."""

from __future__ import annotations

import pytest

from briefs import Pipeline
from briefs.text import paragraphs
from briefs.web import build_app, launch
from helpers import WAIT_MS, chromium_page, free_port


@pytest.fixture(scope="module")
def offline_url(tiny_config):
    app = build_app(Pipeline(tiny_config.with_(engine="offline", threads=1)))
    launch(app, host="127.0.0.1", port=free_port(), prevent_thread_lock=True, quiet=True)
    yield app.local_url
    app.close()


@pytest.mark.slow
def test_page_marks_flags_and_shows_sources(offline_url, flagged_article):
    from playwright.sync_api import expect

    article = flagged_article
    with chromium_page(offline_url, 1400, 1000) as page:
        page.locator("#article textarea").fill(article)
        page.click("#run")

        checks = page.locator("#fidelity ol.checks li")
        expect(checks.first).to_be_visible(timeout=WAIT_MS)
        marks = page.locator("#translation td.english mark.check")
        expect(marks.first).to_be_visible()
        assert "sottoprefetto" in [m.inner_text() for m in marks.all()]
        assert "left untranslated" in marks.first.get_attribute("title")
        assert checks.count() == len(page.locator("#fidelity ol.checks li[data-kind]").all()) >= marks.count() // 2
        assert "untranslated" in checks.first.inner_text()

        # the briefs mark what they repeat of a flagged span (the extended brief copies sentence 1)
        assert "sottoprefetto" in [m.inner_text() for m in page.locator("#fidelity .brief mark.check").all()]

        # hover a translated sentence: its Italian source appears
        sentence = page.locator("#translation td.english .sent").first
        popup = sentence.locator(".src")
        expect(popup).to_be_hidden()
        sentence.hover()
        expect(popup).to_be_visible()
        assert paragraphs(article)[0][:30] in popup.inner_text()

        # click a bullet: the article sentence it comes from appears
        bullet = page.locator('#fidelity [data-brief="bullets"]').nth(1)
        page.mouse.move(0, 0)
        bullet.click()
        source = bullet.locator(".src")
        expect(source).to_be_visible()
        assert "From the article" in source.inner_text()
        text = bullet.inner_text().split("From the article")[0].strip()
        assert text.split()[1] in source.inner_text()
