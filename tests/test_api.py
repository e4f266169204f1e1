"""The JSON API (/api/v1), served on 127.0.0.1 by the same process as the page, called with httpx.

The offline engines (Apertium, extractive) answer: no model weights, a second or so per article.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from briefs import Config, Pipeline
from briefs.api import Api, read_keys
from briefs.text import clean, paragraphs
from briefs.web import build_app, launch
from helpers import free_port

ROOT = Path(__file__).resolve().parent.parent
MAX_CHARS = 20_000


class Server:
    """The page with the API mounted, as `briefs web` serves it, on a free loopback port."""

    def __init__(self, tmp: Path, **api_options):
        self.pipeline = Pipeline(Config(engine="offline", threads=1, max_chars=MAX_CHARS))
        api_options.setdefault("jobs_dir", tmp / "jobs")
        self.api = Api(self.pipeline, **api_options)
        self.app = build_app(self.api.in_turn(self.pipeline))
        launch(self.app, host="127.0.0.1", port=free_port(), prevent_thread_lock=True, quiet=True, api=self.api)
        self.url = self.app.local_url.rstrip("/")

    def client(self, key: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=120)

    def close(self) -> None:
        self.api.close()
        self.app.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("api"))
    yield s
    s.close()


@pytest.fixture()
def http(server):
    with server.client() as c:
        yield c


def error_of(response, status: int) -> str:
    """The one-line message of an error answer, after checking its shape and status."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    message = body["error"]["message"]
    assert "\n" not in message and "Traceback" not in message
    return message


def wait_job(c: httpx.Client, job_id: str, timeout: float = 180) -> dict:
    end = time.monotonic() + timeout
    while True:
        status = c.get(f"/api/v1/documents/{job_id}").json()
        if status["status"] in ("done", "failed") or time.monotonic() > end:
            return status
        time.sleep(0.2)


# ---- the endpoints, good requests ------------------------------------------------------------------
def test_brief_returns_the_result_contract(http, seed_text):
    r = http.post("/api/v1/brief", json={"text": seed_text, "tiers": ["headline", "short"]})
    assert r.status_code == 200, r.text
    result = r.json()
    assert set(result) >= {"source", "translation", "briefs", "warnings", "timings_ms"}
    assert result["source"]["language"] == "it" and result["source"]["chars"] == len(clean(seed_text, MAX_CHARS))
    assert len(result["translation"]["paragraphs"]) == len(paragraphs(seed_text))
    assert result["translation"]["engine"].startswith("apertium")
    assert [b["tier"] for b in result["briefs"]] == ["headline", "short"]
    assert all(b["text"] and b["engine"] == "extractive" for b in result["briefs"])

    forced = http.post("/api/v1/brief", json={"text": paragraphs(seed_text)[1], "source_lang": "it", "tiers": []})
    assert forced.status_code == 200 and forced.json()["source"]["confidence"] == 1.0
    assert forced.json()["briefs"] == []


def test_translate_detect_and_languages(http, seed_text, english_text):
    para = paragraphs(seed_text)[1]
    t = http.post("/api/v1/translate", json={"text": para})
    assert t.status_code == 200, t.text
    assert set(t.json()) == {"source", "translation", "warnings", "timings_ms"}  # no briefs
    assert t.json()["translation"]["text"] and t.json()["translation"]["text"] != para

    mixed = "\n\n".join(paragraphs(seed_text)[:3] + paragraphs(english_text)[1:2])
    d = http.post("/api/v1/detect", json={"text": mixed})
    assert d.status_code == 200, d.text
    found = d.json()
    assert found["language"] == "it" and 0.5 < found["confidence"] <= 1
    assert found["mixed_languages"] == ["en"]
    assert [p["languages"][0]["language"] for p in found["paragraphs"]] == ["it", "it", "it", "en"]
    assert all(0 < p["languages"][0]["confidence"] <= 1 for p in found["paragraphs"])

    langs = http.get("/api/v1/languages").json()
    assert langs["target"] == "en" and langs["engines"] == ["auto", "neural", "offline"]
    it = next(r for r in langs["routes"] if r["source"] == "it")
    assert it["neural"] == "Helsinki-NLP/opus-mt-it-en" and it["offline"] == "apertium:ita-spa-eng"
    assert next(r for r in langs["routes"] if r["source"] == "fr")["offline"] is None


def test_health_openapi_and_metrics(server, http, seed_text):
    assert http.get("/healthz").json()["status"] == "ok"
    schema = http.get("/api/v1/openapi.json").json()
    assert set(schema["paths"]) == {
        "/api/v1/brief", "/api/v1/translate", "/api/v1/detect", "/api/v1/languages", "/api/v1/check", "/api/v1/corrections", "/api/v1/suggestions",
        "/api/v1/documents", "/api/v1/documents/{job_id}", "/api/v1/documents/{job_id}/result", "/healthz", "/metrics"}
    assert "text" in schema["components"]["schemas"]["BriefRequest"]["properties"]

    # auto with no neural weights here: the offline engines serve it, and that is a fallback
    r = http.post("/api/v1/brief", json={"text": paragraphs(seed_text)[1], "engine": "auto", "tiers": ["headline"]})
    assert r.status_code == 200 and any("; used " in w for w in r.json()["warnings"])
    http.post("/api/v1/brief", json={"text": ""})
    text = http.get("/metrics").text
    assert 'briefs_api_requests_total{endpoint="/api/v1/brief",method="POST",status="200"}' in text
    assert 'briefs_api_requests_total{endpoint="/api/v1/brief",method="POST",status="400"}' in text
    assert 'briefs_api_request_seconds_bucket{endpoint="/api/v1/brief"' in text
    assert "briefs_queue_length 0.0" in text
    assert 'briefs_engine_fallbacks_total{stage="translate"}' in text
    assert 'briefs_engine_fallbacks_total{stage="summarize"}' in text


def test_concurrent_requests_each_get_their_own_answer(server, seed_text):
    from concurrent.futures import ThreadPoolExecutor

    paras = paragraphs(seed_text)
    texts = [f"Notizia numero {i + 1}. {paras[i % len(paras)]}" for i in range(8)]

    def ask(text):
        with server.client() as c:
            return c.post("/api/v1/translate", json={"text": text}).json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(ask, texts))
    for i, (text, result) in enumerate(zip(texts, results)):
        assert result["source"]["chars"] == len(clean(text, MAX_CHARS))
        assert re.search(r"\d+", result["translation"]["text"]).group() == str(i + 1)  # its own "Notizia numero i"


def test_the_page_keeps_working_with_the_api_mounted(server, seed_text):
    from gradio_client import Client

    page = httpx.get(server.url + "/", timeout=60)
    assert page.status_code == 200 and "<html" in page.text.lower()
    result = Client(server.url, verbose=False, analytics_enabled=False, download_files=False).predict(
        paragraphs(seed_text)[1], tier_names=["headline"], api_name="/brief")
    assert result["source"]["language"] == "it" and [b["tier"] for b in result["briefs"]] == ["headline"]


# ---- bad input: JSON errors, one line, the status from the exit code --------------------------------------
@pytest.mark.parametrize("body, status, expected", [
    ({"text": "   \n "}, 400, "input is empty"),
    ({"text": "Questo è un articolo abbastanza lungo.", "source_lang": "xx"}, 400, "unsupported source language 'xx'"),
    ({"text": "ciao", "engine": "fastest"}, 400, "engine:"),
    ({"text": "Questo è un articolo abbastanza lungo.", "tiers": ["haiku"]}, 400, "haiku"),
    ({"txt": "typo"}, 400, "text:"),
    ({"text": "parola " * 4000}, 413, "input is too long"),
    ({"text": "Questo è un articolo abbastanza lungo da riconoscere.", "engine": "neural"}, 503,
     "cannot be loaded"),
], ids=["empty", "unsupported-language", "unknown-engine", "unknown-tier", "missing-text", "too-long",
        "engine-unavailable"])
def test_bad_requests_get_a_json_error(http, body, status, expected):
    assert expected in error_of(http.post("/api/v1/brief", json=body), status)


def test_malformed_bodies_and_the_check_endpoint(http):
    assert "not valid JSON" in error_of(
        http.post("/api/v1/brief", content=b"{not json", headers={"Content-Type": "application/json"}), 400)
    assert "text:" in error_of(http.post("/api/v1/detect", json={}), 400)
    assert "too short to detect" in error_of(http.post("/api/v1/detect", json={"text": "Ciao!"}), 400)
    source = "Il governo ha stanziato 15 milioni di euro per la ricostruzione di Genova, ha detto Giorgia Meloni."
    faithful = "The government allocated 15 million euros for the reconstruction of Genoa, Giorgia Meloni said."
    lossy = "The government allocated money for the reconstruction, the prime minister said."
    r = http.post("/api/v1/check", json={"source": source, "translation": lossy, "source_lang": "it"})
    assert r.status_code == 200, r.text
    checks = r.json()["checks"]
    assert checks and all(set(c) >= {"kind", "where", "sentence", "text", "message"} for c in checks)
    assert any("15" in c["text"] or "Meloni" in c["text"] for c in checks)
    good = http.post("/api/v1/check", json={"source": source, "translation": faithful}).json()["checks"]
    assert len(good) < len(checks)
    assert "input is empty" in error_of(http.post("/api/v1/check", json={"source": source, "translation": " "}), 400)


# ---- keys and quotas ------------------------------------------------------------------------------------------
def test_keys_are_required_once_configured(tmp_path, seed_text):
    keyfile = tmp_path / "keys.txt"
    keyfile.write_text("# staff tools\nkey-from-file\n\n", encoding="utf-8")
    keys = read_keys("key-one, key-two", keyfile)
    assert len(keys) == 3 and not {"key-one", "key-two", "key-from-file"} & set(keys)  # only digests kept
    server = Server(tmp_path, keys=keys)
    try:
        body = {"text": paragraphs(seed_text)[1], "tiers": []}
        with server.client() as anonymous:
            assert "missing API key" in error_of(anonymous.post("/api/v1/brief", json=body), 401)
            assert "missing API key" in error_of(anonymous.get("/api/v1/languages"), 401)
            assert "missing API key" in error_of(anonymous.get("/metrics"), 401)
            assert anonymous.get("/healthz").status_code == 200  # liveness needs no key
        with server.client("key-three") as wrong:
            assert "wrong API key" in error_of(wrong.post("/api/v1/brief", json=body), 401)
        for key in ("key-two", "key-from-file"):
            with server.client(key) as ok:
                assert ok.post("/api/v1/brief", json=body).status_code == 200
                assert ok.get("/metrics").status_code == 200
    finally:
        server.close()


def test_without_keys_only_this_machine_may_call(server):
    from types import SimpleNamespace

    from briefs.api import ApiError

    def ask(host):
        return server.api.authorize(SimpleNamespace(headers={}, client=SimpleNamespace(host=host)))

    assert ask("127.0.0.1") == "anonymous" and ask("::1") == "anonymous"
    with pytest.raises(ApiError) as info:
        ask("10.1.2.3")
    assert info.value.status == 401 and "BRIEFS_API_KEYS" in info.value.message


def test_over_quota_is_429_with_retry_after(tmp_path, seed_text):
    para = paragraphs(seed_text)[1]
    server = Server(tmp_path, keys=read_keys("k1,k2"), rate=2, chars_per_day=len(para) * 3)
    try:
        with server.client("k1") as k1, server.client("k2") as k2:
            for _ in range(2):
                assert k1.post("/api/v1/translate", json={"text": para}).status_code == 200
            over = k1.post("/api/v1/translate", json={"text": para})
            assert "requests per minute" in error_of(over, 429)
            assert 1 <= int(over.headers["Retry-After"]) <= 60
            assert k2.post("/api/v1/translate", json={"text": para}).status_code == 200  # per key
            # characters: k2 has used one paragraph of three; two more do not fit today
            big = k2.post("/api/v1/translate", json={"text": para + "\n\n" + para + "\n\n" + para})
            assert "characters per day" in error_of(big, 429)
            assert 1 <= int(big.headers["Retry-After"]) <= 86400
    finally:
        server.close()


# ---- documents ------------------------------------------------------------------------------------------------
def pdf_bytes(paras: list[str]) -> bytes:
    """A one-page PDF with a real text layer (Helvetica, WinAnsi), one text line per ~80 characters."""
    import textwrap

    lines: list[str] = []
    for p in paras:
        lines += textwrap.wrap(p, 80) + [""]
    ops = ["BT", "/F1 10 Tf", "14 TL", "50 780 Td"]
    for line in lines:
        esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({esc}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_a_pdf_document_job_gives_json_markdown_and_docx(http, seed_text):
    from docx import Document

    paras = paragraphs(seed_text)[1:3]
    r = http.post("/api/v1/documents", files={"file": ("article.pdf", pdf_bytes(paras), "application/pdf")},
                  data={"tiers": "headline,bullets"})
    assert r.status_code == 202, r.text
    job = r.json()
    assert r.headers["Location"] == f"/api/v1/documents/{job['id']}"
    assert job["status"] in ("queued", "running", "done") and job["progress"]["total"] == 1
    status = wait_job(http, job["id"])
    assert status["status"] == "done", status
    assert status["progress"] == {"done": 1, "failed": 0, "total": 1, "fraction": 1.0}

    result = http.get(f"/api/v1/documents/{job['id']}/result").json()
    assert result["source"]["language"] == "it" and result["source"]["paragraphs"] == 2
    assert [b["tier"] for b in result["briefs"]] == ["headline", "bullets"]
    md = http.get(f"/api/v1/documents/{job['id']}/result", params={"format": "markdown"})
    assert md.headers["content-type"].startswith("text/markdown") and "## Headline" in md.text
    word = http.get(f"/api/v1/documents/{job['id']}/result", params={"format": "docx"})
    assert word.status_code == 200 and 'filename="article.docx"' in word.headers["content-disposition"]
    doc = Document(io.BytesIO(word.content))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    checks = [f"Checks ({len(result['checks'])})"] if result["checks"] else []
    assert [h.split(" (")[0] for h in headings[:3]] == ["Headline", "Bullets", "Translation"] and headings[3:] == checks
    (table,) = doc.tables
    assert [c.text for c in table.rows[0].cells] == ["Source (Italian)", "English"]
    assert table.rows[1].cells[0].text.split()[:4] == paras[0].split()[:4]  # source | English, side by side
    assert table.rows[1].cells[1].text == result["translation"]["paragraphs"][0]


def test_a_scanned_pdf_and_bad_uploads_are_refused_at_once(http):
    image_only = pdf_bytes([]).replace(b"/F1 10 Tf", b"")
    assert "PDF" in error_of(http.post("/api/v1/documents", files={"file": ("scan.pdf", image_only)}), 400)
    assert "unsupported upload type '.exe'" in error_of(
        http.post("/api/v1/documents", files={"file": ("tool.exe", b"MZ\x90\x00")}), 400)
    assert "not valid UTF-8" in error_of(
        http.post("/api/v1/documents", files={"file": ("latin1.txt", "Città".encode("latin-1"))}), 400)
    assert "not JSONL" in error_of(http.post("/api/v1/documents", files={"file": ("batch.jsonl", b"[1, 2]")}), 400)
    assert "file:" in error_of(http.post("/api/v1/documents", data={"tiers": "headline"}), 400)
    assert "input is too long" in error_of(
        http.post("/api/v1/documents", files={"file": ("long.txt", ("parola " * 4000).encode())}), 413)
    assert "haiku" in error_of(http.post("/api/v1/documents", files={"file": ("a.txt", b"Ciao a tutti.")},
                                         data={"tiers": "haiku"}), 400)
    assert "no document job" in error_of(http.get("/api/v1/documents/" + "0" * 32), 404)
    assert "no document job" in error_of(http.get("/api/v1/documents/not-a-job-id"), 404)


def test_a_web_page_is_read_without_its_navigation_and_footer(http, seed_text):
    paras = paragraphs(seed_text)[1:4]
    page = ("<!DOCTYPE html><html><head><title>Notizie</title><style>nav{color:red}</style></head><body>"
            "<header><nav><ul><li><a href='/'>Home</a></li><li><a href='/politica'>Politica</a></li>"
            "<li><a href='/abbonati'>Abbonati al giornale</a></li></ul></nav></header>"
            "<main><article><h1>Minerali critici a Washington</h1>"
            + "".join(f"<p>{p}</p>" for p in paras)
            + "</article></main><aside>Leggi anche: altre notizie dal mondo</aside>"
            "<footer><p>Copyright 2026 Giornale Srl - Partita IVA 01234567890 - Tutti i diritti riservati</p>"
            "<p>Privacy | Cookie policy | Contatti</p></footer></body></html>")
    r = http.post("/api/v1/documents", files={"file": ("page.html", page.encode("utf-8"), "text/html")},
                  data={"tiers": "none"})
    assert r.status_code == 202, r.text
    assert wait_job(http, r.json()["id"])["status"] == "done"
    result = http.get(f"/api/v1/documents/{r.json()['id']}/result").json()
    english = result["translation"]["text"]
    assert result["source"]["paragraphs"] in (len(paras), len(paras) + 1)  # the article (its title may count)
    for boilerplate in ("Copyright", "01234567890", "Cookie", "Abbonati", "Leggi anche"):
        assert boilerplate not in english
    assert result["briefs"] == []


def test_a_jsonl_batch_job(http, seed_text):
    paras = paragraphs(seed_text)
    lines = [json.dumps({"id": f"n{i}", "text": p}) for i, p in enumerate(paras[:3])] + ['{"id": "bad", "text": 7}']
    r = http.post("/api/v1/documents", files={"file": ("batch.jsonl", "\n".join(lines).encode())},
                  data={"tiers": "headline", "source_lang": "it"})
    assert r.status_code == 202 and r.json()["kind"] == "batch" and r.json()["total"] == 4
    status = wait_job(http, r.json()["id"])
    assert status["status"] == "done" and status["progress"]["done"] == 4 and status["progress"]["failed"] == 1
    items = http.get(f"/api/v1/documents/{r.json()['id']}/result").json()["items"]
    assert [i["id"] for i in items] == ["n0", "n1", "n2", "bad"]
    assert "error" in items[3] and all(i["briefs"][0]["tier"] == "headline" for i in items[:3])


@pytest.mark.slow
def test_a_documents_job_survives_a_server_restart(tmp_path, seed_text):
    """`briefs web` is killed (SIGKILL) in the middle of a job; started again on the same jobs
    directory, it finishes the job without redoing the documents already written."""
    paras = paragraphs(seed_text)
    items = [{"id": f"doc-{i:02d}", "text": f"Notizia numero {i + 1}. {paras[i % len(paras)]}"} for i in range(24)]
    port, jobs = free_port(), tmp_path / "jobs"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "briefs.cli", "web", "--engine", "offline", "--no-preload", "--port", str(port),
           "--jobs-dir", str(jobs), "--threads", "1"]

    def start():
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        end = time.monotonic() + 180
        while time.monotonic() < end:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    return proc
            except httpx.HTTPError:
                time.sleep(0.3)
        proc.kill()
        raise AssertionError(f"briefs web did not start: {proc.stderr.read().decode()[-2000:]}")

    base = f"http://127.0.0.1:{port}/api/v1/documents"
    first = start()
    try:
        body = "\n".join(json.dumps(i, ensure_ascii=False) for i in items).encode("utf-8")
        job = httpx.post(base, files={"file": ("archive.jsonl", body)}, data={"tiers": "none"}, timeout=60).json()
        while True:  # kill it once part of the job is written
            done = httpx.get(f"{base}/{job['id']}", timeout=10).json()["progress"]["done"]
            if done:
                break
            time.sleep(0.05)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert 0 < done < len(items), "the job finished before the server was killed"
    kept = (jobs / job["id"] / "output.jsonl").read_text(encoding="utf-8").splitlines()

    second = start()
    try:
        with httpx.Client(timeout=60) as c:
            status = wait_job(httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60), job["id"])
            assert status["status"] == "done" and status["resumed"] == 1
            assert status["progress"] == {"done": 24, "failed": 0, "total": 24, "fraction": 1.0}
            result = c.get(f"{base}/{job['id']}/result").json()["items"]
    finally:
        second.terminate()
        second.wait(30)
    assert sorted(r["id"] for r in result) == [i["id"] for i in items]  # each once
    lines = (jobs / job["id"] / "output.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines[:len(kept) - 1] == kept[:len(kept) - 1]  # what was written before the kill was kept


# ---- the CLI's .docx ------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_cli_writes_a_docx_briefing(cli, tmp_path, seed_text):
    from docx import Document

    out = tmp_path / "briefing.docx"
    code, _, err = cli("run", "seeds/000_48b0761d22084af5.txt", "--engine", "offline", "--format", "docx",
                            "-o", str(out))
    assert code == 0, err
    doc = Document(str(out))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert doc.paragraphs[0].text == "Briefing" and doc.paragraphs[0].style.name == "Title"
    code, stdout, err = cli("run", "seeds/000_48b0761d22084af5.txt", "--engine", "offline", "--json")
    n_checks = len(json.loads(stdout)["checks"])
    assert [h.split(" (")[0] for h in headings] == ["Headline", "Short", "Bullets", "Extended", "Translation"] + \
        (["Checks"] if n_checks else [])
    under: dict[str, list[str]] = {}  # heading -> the list items under it
    for p in doc.paragraphs:
        if p.style.name.startswith("Heading"):
            current = under.setdefault(p.text.split(" (")[0], [])
        elif p.style.name == "List Bullet":
            current.append(p.text)
    assert 3 <= len(under["Bullets"]) <= 5  # the bullets tier as a list
    assert len(under.get("Checks", [])) == n_checks
    (table,) = doc.tables
    assert len(table.rows) == 1 + len(paragraphs(seed_text))
    assert table.rows[1].cells[0].text == paragraphs(seed_text)[0]

    code, _, err = cli("run", "seeds/000_48b0761d22084af5.txt", "--engine", "offline", "--format", "docx")
    assert code == 2 and "-o FILE" in err and err.count("\n") == 1


def test_bad_api_settings_are_one_line_errors(cli, tmp_path):
    code, _, err = cli("web", "--no-preload", "--api-keys", str(tmp_path / "missing.txt"))
    assert code == 2 and err.count("\n") == 1 and "--api-keys" in err and "Traceback" not in err
    (tmp_path / "empty.txt").write_text("# no keys yet\n", encoding="utf-8")
    code, _, err = cli("web", "--no-preload", "--api-keys", str(tmp_path / "empty.txt"))
    assert code == 2 and "no keys in it" in err
    code, _, err = cli("web", "--no-preload", "--api-rate", "-1")
    assert code == 2 and "--api-rate must be 0 or more" in err


def test_the_page_offers_the_briefing_as_word(server, seed_text, tmp_path):
    from docx import Document

    from briefs.web import _write_downloads

    result = server.pipeline.run(seed_text, tiers=["headline"])
    md, js, word = _write_downloads(tmp_path, result.to_dict(), seed_text)
    assert word.name == "briefing.docx" and md.is_file() and js.is_file()
    doc = Document(str(word))
    assert [p.text.split(" (")[0] for p in doc.paragraphs if p.style.name.startswith("Heading")] == \
        ["Headline", "Translation"] + (["Checks"] if result.checks else [])
    assert doc.tables[0].rows[1].cells[0].text == paragraphs(seed_text)[0]
    assert doc.tables[0].rows[1].cells[1].text == result.translation.paragraphs[0]


# ---- editors' corrections (the translation memory) ------------------------------------------------------
def test_a_correction_through_the_rest_api_is_in_the_next_run(tmp_path, seed_text):
    corrected = "Tomorrow, 4 February, the US State Department will host the first ministerial conference on critical minerals."
    pipeline = Pipeline(Config(engine="offline", threads=1, max_chars=MAX_CHARS, memory=str(tmp_path / "tm.sqlite")))
    api = Api(pipeline, jobs_dir=tmp_path / "jobs")
    app = build_app(api.in_turn(pipeline))
    launch(app, host="127.0.0.1", port=free_port(), prevent_thread_lock=True, quiet=True, api=api)
    try:
        with httpx.Client(base_url=app.local_url.rstrip("/"), timeout=120) as c:
            before = c.post("/api/v1/brief", json={"text": seed_text}).json()
            source = before["translation"]["sentences"][0]["source"]
            r = c.post("/api/v1/corrections", json={"source": source, "text": corrected, "who": "bob"})
            assert r.status_code == 201, r.text
            stored = r.json()
            assert (stored["source"], stored["target"], stored["author"], stored["origin"]) == (source, corrected, "bob", "human")
            assert stored["replaced"] == before["translation"]["sentences"][0]["text"]
            after = c.post("/api/v1/brief", json={"text": seed_text}).json()
            assert after["translation"]["sentences"][0]["text"] == corrected
            assert any("US State Department will host" in b["text"] for b in after["briefs"])
            near = source.replace("Domani", "Oggi")
            hints = c.post("/api/v1/suggestions", json={"sentences": [near]}).json()
            assert hints[near][0]["target"] == corrected and hints[near][0]["score"] >= 90
            assert "source sentence" in error_of(c.post("/api/v1/corrections", json={"source": " ", "text": "x", "who": "bob"}), 400)
    finally:
        app.close()
        api.close()
