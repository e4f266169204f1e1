"""The staff web page and its /brief API, served in-process on 127.0.0.1 with the tiny models.

The tiny models run with one torch thread: on a busy 2-core machine torch's default thread pool
makes these small matrices many times slower (measured: 5 s vs 44-110 s for the seed article).
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from briefs import Pipeline
from briefs.errors import BadInput
from briefs.summarize import load_tiers
from briefs.text import clean, paragraphs, word_count
from briefs.web import SEED_LABEL, build_app, launch, parse_auth
from briefs.wire import split
from helpers import WAIT_MS, chromium_page, free_port

TIERS = ["headline", "short", "bullets", "extended"]


@pytest.fixture(scope="module")
def web_pipeline(tiny_config):
    import torch

    before = torch.get_num_threads()
    yield Pipeline(tiny_config.with_(num_beams=1, threads=1))
    torch.set_num_threads(before)


def serve(pipeline, **kw):
    app = build_app(pipeline)
    launch(app, host="127.0.0.1", port=free_port(), prevent_thread_lock=True, quiet=True, **kw)
    return app


@pytest.fixture(scope="module")
def url(web_pipeline):
    app = serve(web_pipeline)
    yield app.local_url
    app.close()


def client(url, **kw):
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False, download_files=False, **kw)


def brief_error(url, *args, **kw) -> str:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as info:
        client(url).predict(*args, api_name="/brief", **kw)
    return str(info.value)


def test_api_returns_the_result_contract(url, seed_text, tiny_marian, tiny_bart, tiny_config):
    api = client(url)
    assert set(api.view_api(print_info=False, return_format="dict")["named_endpoints"]) == {"/brief"}

    result = api.predict(seed_text, api_name="/brief")

    assert set(result) >= {"source", "translation", "briefs", "warnings", "timings_ms"}
    src = result["source"]
    assert src["language"] == "it" and 0.9 <= src["confidence"] <= 1.0
    assert src["chars"] == len(clean(seed_text, 200_000))
    assert src["paragraphs"] == len(paragraphs(seed_text)) == len(result["translation"]["paragraphs"])
    assert str(tiny_marian) in result["translation"]["engine"]  # "marian:<dir>" or a faster backend's name
    assert result["translation"]["text"] == "\n\n".join(result["translation"]["paragraphs"])
    limits = {t.name: t for t in load_tiers(tiny_config.prompts_dir)}
    assert [b["tier"] for b in result["briefs"]] == TIERS
    for b in result["briefs"]:
        assert str(tiny_bart) in b["engine"]
        assert 0 < b["words"] == word_count(b["text"]) <= limits[b["tier"]].max_words, b
    assert set(result["timings_ms"]) == {"detect", "translate", "summarize", "check"}


def test_api_options_and_uploaded_files(url, seed_text, tmp_path):
    from docx import Document
    from gradio_client import handle_file

    paras = paragraphs(seed_text)
    doc = Document()
    for p in paras[:2]:
        doc.add_paragraph(p)
    doc.save(tmp_path / "article.docx")
    (tmp_path / "article.html").write_text(
        f"<html><head><style>p {{color: red}}</style></head><body><p>{paras[1]}</p><p>{paras[2]}</p>"
        "<script>alert('x')</script></body></html>", encoding="utf-8")
    api = client(url)

    from_docx = api.predict("ignored when a file is given", handle_file(str(tmp_path / "article.docx")), "it",
                            ["headline"], api_name="/brief")
    assert from_docx["source"]["paragraphs"] == 2
    assert from_docx["source"]["confidence"] == 1.0  # the override skipped detection
    assert [b["tier"] for b in from_docx["briefs"]] == ["headline"]

    from_html = api.predict("", handle_file(str(tmp_path / "article.html")), tier_names=[], api_name="/brief")
    assert from_html["source"]["paragraphs"] == 2 and from_html["source"]["language"] == "it"
    assert from_html["source"]["chars"] == len(paras[1]) + 2 + len(paras[2])  # no CSS, no script
    assert from_html["briefs"] == []  # no tier ticked: translation only


@pytest.mark.slow
def test_twenty_concurrent_requests_are_all_answered_by_one_set_of_models(url, seed_text):
    from briefs import models

    paras = paragraphs(seed_text)
    texts = [f"Notizia numero {i + 1}. {paras[i % len(paras)]}" for i in range(20)]
    client(url).predict(texts[0], tier_names=["headline"], api_name="/brief")  # models in memory
    loads_before = models._load.cache_info().misses

    def ask(text):
        return client(url).predict(text, tier_names=["headline"], api_name="/brief")

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(ask, texts))

    assert len(results) == 20
    for text, result in zip(texts, results):  # each answer belongs to its own request
        assert result["source"]["chars"] == len(clean(text, 200_000))
        assert len(result["translation"]["paragraphs"]) == 1
        assert [b["tier"] for b in result["briefs"]] == ["headline"]
    assert models._load.cache_info().misses == loads_before  # no model was loaded again


def test_progress_names_the_step_under_way(web_pipeline, seed_text):
    from briefs.web import _progress_reporter

    seen: list[tuple[str, tuple]] = []
    web_pipeline.run(seed_text, tiers=["headline", "short"],
                     progress=_progress_reporter(lambda frac, desc, unit: seen.append((desc, frac)), 2))
    steps = [desc for desc, _ in seen]
    assert steps[0] == "detect language"
    translating = [d for d in steps if d.startswith("translate ")]
    assert translating and all(d.endswith(" sentences") for d in translating)
    # the last sentences done: the label moves on to the tier now being written (an engine may
    # report each tier, or all tiers at once when one decoder pass writes them all)
    summarizing = steps[len(translating) + 1:]
    assert summarizing[0] == "summarize tier 1/2" and summarizing[-1] == "summarize done"
    assert set(summarizing[1:-1]) <= {"summarize tier 2/2"}
    assert seen[len(translating) + 1][1] == (0, 2) and seen[-1][1] == (2, 2)


@pytest.mark.parametrize(
    "args, kwargs, expected",
    [
        (["   \n  "], {}, "input is empty"),
        (["parola " * 40_000], {}, "input is too long"),
        (["Questo è un articolo abbastanza lungo da riconoscere la lingua."], {"source_lang": "xx"},
         "unsupported source language 'xx'"),
        (["ok"], {"engine": "fastest"}, "'fastest'"),  # Gradio checks it: "... not in the list of choices"
    ],
    ids=["empty", "too-long", "unsupported-language", "unknown-engine"],
)
def test_bad_input_gives_one_clear_message(url, args, kwargs, expected):
    message = brief_error(url, *args, **kwargs)
    assert expected in message
    assert "Traceback" not in message and "File \"" not in message


def test_unreadable_uploads_are_refused(url, tmp_path):
    from gradio_client import handle_file

    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not an article")
    message = brief_error(url, "", handle_file(str(tmp_path / "photo.jpg")))
    assert "Invalid file type" in message and ".docx" in message and ".pdf" in message
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not an article")
    assert "not a readable PDF" in brief_error(url, "", handle_file(str(tmp_path / "broken.pdf")))
    (tmp_path / "latin1.txt").write_bytes("Città più bella".encode("latin-1"))
    assert "not valid UTF-8" in brief_error(url, "", handle_file(str(tmp_path / "latin1.txt")))
    (tmp_path / "fake.docx").write_bytes(b"plain text, not a zip")
    assert "not a readable .docx" in brief_error(url, "", handle_file(str(tmp_path / "fake.docx")))


def test_staff_login(web_pipeline, seed_text):
    app = serve(web_pipeline, auth=("staff", "s3cret:with-colon"))
    try:
        with pytest.raises(Exception, match="credentials were not provided"):
            client(app.local_url)
        with pytest.raises(Exception, match="Could not login"):
            client(app.local_url, auth=("staff", "wrong"))
        result = client(app.local_url, auth=("staff", "s3cret:with-colon")).predict(
            paragraphs(seed_text)[1], tier_names=[], api_name="/brief")
        assert result["source"]["language"] == "it"
    finally:
        app.close()


def test_auth_setting_and_cli_errors(cli):
    assert parse_auth("staff:pa:ss") == ("staff", "pa:ss")
    assert parse_auth(None) is None
    for bad in ("staff", ":pw", "staff:"):
        with pytest.raises(BadInput):
            parse_auth(bad)
    code, out, err = cli("web", "--auth", "no-colon", "--no-preload")
    assert code == 2 and err.count("\n") == 1 and "USER:PASSWORD" in err and "Traceback" not in err
    code, out, err = cli("web", "--no-preload", env={"BRIEFS_WEB_AUTH": "nopassword"})
    assert code == 2 and "BRIEFS_WEB_AUTH" in err


@pytest.mark.slow
def test_browser_end_to_end(url, seed_text, english_text, tmp_path):
    from docx import Document
    from playwright.sync_api import expect

    outside: list[str] = []

    def local_only(route):
        if route.request.url.startswith(url) or route.request.url.startswith(("data:", "blob:")):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    with chromium_page(url, 1400, 1000, before_goto=lambda page: page.route("**/*", local_only),
                       accept_downloads=True) as page:
        article = page.locator("#article textarea")

        doc = Document()
        for p in paragraphs(seed_text)[:2]:
            doc.add_paragraph(p)
        doc.save(tmp_path / "two.docx")
        page.locator("#upload input[type=file]").set_input_files(str(tmp_path / "two.docx"))
        # an uploaded file's text lands in the box
        expect(article).to_have_value("\n\n".join(paragraphs(seed_text)[:2]), timeout=WAIT_MS)

        page.get_by_text(SEED_LABEL[:30], exact=False).click()  # the one-click example
        expect(article).to_have_value(seed_text, timeout=WAIT_MS)
        article.fill("")
        article.fill(seed_text)  # as staff paste it
        page.click("#run")

        rows = page.locator("#translation tbody tr")
        expect(rows).to_have_count(len(paragraphs(seed_text)), timeout=WAIT_MS)
        for tier in TIERS:
            expect(page.locator(f"#brief-{tier} textarea")).not_to_have_value("", timeout=WAIT_MS)
        expect(page.locator("#detected")).to_contain_text("Italian", timeout=WAIT_MS)
        expect(page.locator("#meta")).to_contain_text("Timings", timeout=WAIT_MS)
        body = split(seed_text).body  # the wire dateline and metadata line are not translated
        assert rows.first.locator("td").first.inner_text().startswith(paragraphs(body)[0][:40])
        assert rows.first.locator("td").nth(1).inner_text().strip()  # its English

        with page.expect_download() as download:
            page.click("#download-json")
        saved = json.loads(open(download.value.path(), encoding="utf-8").read())
        assert [b["tier"] for b in saved["briefs"]] == TIERS
        assert saved["briefs"][0]["text"] == page.locator("#brief-headline textarea").input_value()
        shot = tmp_path / "web.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000

        # random-weight headlines break the headline rules, so the seed may carry that warning,
        # but not the mixed-language one the next run must show
        expect(page.locator("#warnings")).not_to_contain_text("kept as written")
        mixed = "\n\n".join(paragraphs(seed_text)[:3] + paragraphs(english_text)[1:2])
        article.fill(mixed)
        page.click("#run")
        expect(page.locator("#warnings")).to_contain_text("in 'en' kept as written", timeout=WAIT_MS)
        expect(page.locator("#warnings")).to_be_visible()

        article.fill("")
        page.click("#run")
        expect(page.get_by_text("input is empty", exact=False).first).to_be_visible(timeout=WAIT_MS)
        assert "Traceback" not in page.content()
    assert outside == []  # the page fetched nothing from outside this machine


@pytest.mark.slow
def test_phone_width_failed_upload_and_escaping(url, seed_text, tmp_path):
    """At 390 px: every brief box shows its whole text; a broken upload is removed from the page with
    a note saying why (and pasted text is used next); each run clears the last result; a custom
    source-language value is shown as text, not HTML."""
    from playwright.sync_api import expect

    with chromium_page(url, 390, 844) as page:
        article = page.locator("#article textarea")
        expect(page.locator("#status")).to_be_attached()  # progress shows by Run, not only at the bottom

        (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 a zip cut short")
        page.locator("#upload input[type=file]").set_input_files(str(tmp_path / "broken.docx"))
        expect(page.locator("#upload-note")).to_contain_text("broken.docx was not used", timeout=WAIT_MS)
        expect(page.locator("#upload-note")).to_contain_text("not a readable .docx")
        expect(page.locator("#upload")).not_to_contain_text("broken.docx", timeout=WAIT_MS)

        article.fill(seed_text)
        page.locator("#engine").get_by_text("offline", exact=True).click()  # real sentences: long lines
        page.click("#run")
        for tier in TIERS:
            expect(page.locator(f"#brief-{tier} textarea")).not_to_have_value("", timeout=WAIT_MS)
        expect(page.locator("#meta")).to_contain_text("Timings", timeout=WAIT_MS)
        assert len(page.locator("#brief-headline textarea").input_value()) > 60  # two lines or more here
        for width in (390, 1400, 390, 320):  # the phone turned, a window resized: boxes follow
            page.set_viewport_size({"width": width, "height": 844})
            page.wait_for_timeout(300)
            for tier in TIERS:
                box = page.locator(f"#brief-{tier} textarea")
                height, needed = box.evaluate("t => [t.clientHeight, t.scrollHeight]")
                assert needed <= height + 2, f"{tier} at {width} px: {needed} px of text in a {height} px box"
            assert needed <= height + 2, f"{tier}: {needed} px of text in a {height} px box"

        source = page.locator("#source-lang input")
        source.fill("<b>xx</b>")
        source.press("Enter")
        page.click("#run")
        expect(page.locator("#brief-headline textarea")).to_have_value("", timeout=WAIT_MS)  # cleared
        expect(page.get_by_text("unsupported source language '<b>xx</b>'", exact=False).first).to_be_visible(
            timeout=WAIT_MS)
        expect(page.locator("#detected")).to_contain_text("No result", timeout=WAIT_MS)


@pytest.mark.slow
def test_login_attempts_are_throttled_per_client(web_pipeline, monkeypatch):
    import time

    import httpx

    from briefs import web

    monkeypatch.setattr(web, "LOGIN_WINDOW_S", 8.0)
    app = serve(web_pipeline, auth=("staff", "right"))
    try:
        with httpx.Client(base_url=app.local_url) as http:
            def login(password):
                return http.post("login", data={"username": "staff", "password": password})

            codes = [login(f"wrong{k}").status_code for k in range(30)]
            assert codes[:5] == [400] * 5 and set(codes[5:]) == {429}  # 30 guesses: 5 checked, the rest refused
            refused = login("right")  # even the right password waits
            assert refused.status_code == 429 and "Too many failed logins" in refused.json()["detail"]
            wait = int(refused.headers["retry-after"])
            assert 0 < wait <= 9
            time.sleep(wait + 0.3)  # the window passes
            assert login("right").status_code == 200
            assert login("wrong").status_code == 400  # a good login cleared the count
    finally:
        app.close()


@pytest.mark.parametrize("error,expected", [
    (BadInput("input is too long: over 200,000 characters (split it, or raise --max-chars)"),
     "input is too long: over 200,000 characters (split it into shorter parts)"),
    (BadInput("cannot decide the language of the text; pass --source-lang"),
     "cannot decide the language of the text; choose the source language in the list"),
    (BadInput("unsupported source language '<img src=x onerror=alert(1)>'"),
     "unsupported source language '&lt;img src=x onerror=alert(1)&gt;'"),
])
def test_page_messages_are_for_staff_and_escaped(error, expected):
    from briefs.web import staff_message

    assert staff_message(error) == expected


def test_model_advice_on_the_page_names_no_commands():
    from briefs.errors import ModelUnavailable
    from briefs.web import staff_message

    message = staff_message(ModelUnavailable("Helsinki-NLP/opus-mt-it-en", "not in the local cache"))
    assert "`" not in message and "--" not in message and "offline engine" in message


def test_login_throttle_counts_each_client_apart():
    import asyncio

    from briefs.web import LoginThrottle

    async def gradio_login(scope, receive, send):  # every password wrong
        await send({"type": "http.response.start", "status": 400, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    throttle = LoginThrottle(gradio_login, failures=5, window_s=60)

    def attempt(address, path="/login"):
        sent = []

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "method": "POST", "path": path, "client": (address, 5000)}
        asyncio.run(throttle(scope, None, send))
        return sent[0]["status"]

    assert [attempt("10.0.0.1") for _ in range(7)] == [400] * 5 + [429] * 2
    assert attempt("10.0.0.2") == 400  # another client is not held up
    assert attempt("10.0.0.1", "/gradio_api/queue/join") == 400  # only logins are throttled


def test_progress_shows_by_run_and_over_the_briefs(web_pipeline):
    app = build_app(web_pipeline)
    config = app.get_config_file()
    ids = {c.get("props", {}).get("elem_id"): c["id"] for c in config["components"]}
    (dep,) = [d for d in config["dependencies"] if d.get("api_name") == "brief"]
    shown = set(dep["show_progress_on"])
    assert ids["status"] in shown and {ids[f"brief-{t}"] for t in TIERS} <= shown
    assert ids["translation"] not in shown
