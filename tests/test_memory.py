"""The translation memory: corrections that win, suggestions, TMX, SQLite and PostgreSQL, the page,
the API and a Ray job on two nodes sharing one PostgreSQL memory.

The PostgreSQL tests start their own server (Debian's `postgresql` package, `make system`) in a
temporary directory on a free local port; as root, initdb runs as the `postgres` system user.
The article tests use the offline engine (Apertium + extractive briefs): real text, no weights.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from briefs import Config, Pipeline
from briefs.errors import BadInput
from briefs.translate.memory import (
    HUMAN,
    MACHINE,
    Entry,
    MemoryStats,
    MemoryTranslator,
    TranslationMemory,
    export_tmx,
    location,
    open_memory,
    read_tmx,
)
from helpers import CountingTranslator, chromium_page, free_port

CORRECTED = ("Tomorrow, 4 February, the US State Department will host the first ministerial conference on "
             "securing supply chains for critical minerals and rare earths.")


# ---- PostgreSQL, started by the tests --------------------------------------------------------------------
def _pg_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        pytest.fail(f"PostgreSQL's {name} is missing: install the Debian package postgresql (make system)")
    return found


@pytest.fixture(scope="module")
def postgres():
    """A PostgreSQL server of our own: postgresql://briefs@127.0.0.1:PORT/postgres, stopped at the end."""
    base = Path(tempfile.mkdtemp(prefix="briefs-pg-"))
    as_user: dict = {}
    if os.geteuid() == 0:  # initdb refuses root: run the server as the postgres system user
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail("running as root needs a 'postgres' system user for initdb (the postgresql package adds it)")
        os.chown(base, pw.pw_uid, pw.pw_gid)
        as_user = {"user": pw.pw_uid, "group": pw.pw_gid}
    port = free_port()
    data = base / "data"
    subprocess.run([_pg_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "briefs", "--no-sync", "-E", "UTF8"],
                   check=True, capture_output=True, **as_user)
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"
    subprocess.run([_pg_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start"],
                   check=True, capture_output=True, **as_user)
    try:
        yield f"postgresql://briefs@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([_pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], capture_output=True,
                       **as_user)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(postgres):
    """A fresh, empty database on the test server."""
    import psycopg

    name = "tm_" + uuid.uuid4().hex[:10]
    with psycopg.connect(postgres, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    return postgres.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def memory_at(request, tmp_path):
    """Where a fresh memory lives, on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "tm.sqlite")
    return request.getfixturevalue("pg_url")


# ---- the store ---------------------------------------------------------------------------------------------
def test_a_correction_wins_over_every_engine_and_only_exact_matches_apply(memory_at):
    memory = open_memory(memory_at)
    inner = CountingTranslator()
    t = MemoryTranslator(inner, memory)
    assert t.translate(["Il ministro arriva.", "Ciao."]) == ["IL MINISTRO ARRIVA.", "CIAO."]

    entry = memory.correct("Il ministro arriva.", "The minister arrives.", who="anna", engine=t.key,
                           replaced="IL MINISTRO ARRIVA.")
    assert (entry.origin, entry.author, entry.replaced, entry.engine) == (HUMAN, "anna", "IL MINISTRO ARRIVA.", t.key)
    assert entry.created  # when

    assert t.translate(["Il ministro arriva.", "Il ministro arriva!"]) == ["The minister arrives.", "IL MINISTRO ARRIVA!"]
    other = CountingTranslator()
    other.name = "another-engine"
    assert MemoryTranslator(other, memory).translate(["Il ministro arriva."]) == ["The minister arrives."]
    assert other.seen == []  # the human entry needs no engine at all

    close = memory.suggestions(["Il ministro arriva!", "Il ministro arriva.", "Tutt'altra frase."])
    assert list(close) == ["Il ministro arriva!"]  # near, not equal: a suggestion; the exact one is applied
    (s,) = close["Il ministro arriva!"]
    assert (s.source, s.target, s.author) == ("Il ministro arriva.", "The minister arrives.", "anna") and s.score >= 90
    assert memory.stats()["human"] == 1 and memory.stats()["machine"] == 3
    memory.close()

    again = open_memory(memory_at)  # persisted
    assert again.human()["Il ministro arriva."].target == "The minister arrives."
    again.close()


def test_a_correction_needs_its_sentence_text_and_editor(tmp_path):
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    for args in [("", "x", "anna"), ("Ciao.", " ", "anna"), ("Ciao.", "Hi.", "")]:
        with pytest.raises(BadInput):
            memory.correct(args[0], args[1], who=args[2])
    assert len(memory) == 0


def test_memory_location_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIEFS_MEMORY", "off")
    assert location() is None
    assert location(str(tmp_path / "x.sqlite")) == str(tmp_path / "x.sqlite")  # batch's --memory overrides
    monkeypatch.setenv("BRIEFS_MEMORY", "postgresql://db.example/tm")
    assert location() == "postgresql://db.example/tm"
    monkeypatch.delenv("BRIEFS_MEMORY")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert location() == str(tmp_path / "briefs" / "memory.sqlite")  # SQLite by default


# ---- TMX ---------------------------------------------------------------------------------------------------
def test_tmx_round_trip_keeps_every_entry(memory_at, tmp_path, cli):
    memory = open_memory(memory_at)
    memory.store("apertium:ita-spa-eng|glossary=abc", [("Ciao.", "Hi."), ("Oltre 50 le nazioni.", "Over 50 the nations.")])
    memory.store("marian:opus-mt-it-en|num_beams=4", [("Ciao.", "Hello.")])
    memory.correct("Oltre 50 le nazioni.", "More than 50 nations are there.", who="Anna Rossi",
                   engine="apertium:ita-spa-eng|glossary=abc", replaced="Over 50 the nations.")
    memory.correct("Il titolare della Farnesina <e> & «virgolette».", "The Foreign Minister <and> & “quotes”.",
                   who="bob")
    before = sorted(memory.entries(), key=lambda e: (e.origin, e.engine, e.source))
    memory.close()

    tmx = tmp_path / "out.tmx"
    code, _, err = cli("memory", "export", "--memory", memory_at, "-o", str(tmx))
    assert code == 0, err
    assert "exported 5 entries" in err
    new = str(tmp_path / "new.sqlite")
    code, _, err = cli("memory", "import", str(tmx), "--memory", new)
    assert code == 0, err
    after = sorted(open_memory(new).entries(), key=lambda e: (e.origin, e.engine, e.source))
    assert after == before

    code, out, _ = cli("memory", "stats", "--memory", new, "--json")
    stats = json.loads(out)
    assert (stats["human"], stats["machine"], stats["authors"]) == (2, 3, {"Anna Rossi": 1, "bob": 1})


def test_a_cat_tools_tmx_becomes_human_entries(tmp_path, cli):
    """A TMX from a CAT tool (no briefs properties): every unit is a translator's, by creationid."""
    tmx = tmp_path / "cat.tmx"
    tmx.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="OmegaT" segtype="sentence" o-tmf="OmegaT" adminlang="en" srclang="it"
 datatype="plaintext"/><body>
<tu creationid="translator1" creationdate="20250102T101500Z"><tuv xml:lang="it"><seg>la Farnesina</seg></tuv>
<tuv xml:lang="en"><seg>the Italian Foreign Ministry</seg></tuv></tu>
<tu><tuv xml:lang="it"><seg>sottosegretario di Stato</seg></tuv><tuv xml:lang="en"><seg>Undersecretary of State</seg></tuv></tu>
<tu><tuv xml:lang="it"><seg>senza traduzione</seg></tuv></tu>
</body></tmx>""", encoding="utf-8")
    code, _, err = cli("memory", "import", str(tmx), "--memory", str(tmp_path / "tm.sqlite"))
    assert code == 0, err
    people = TranslationMemory(tmp_path / "tm.sqlite").human()
    assert {s: (e.target, e.author) for s, e in people.items()} == {
        "la Farnesina": ("the Italian Foreign Ministry", "translator1"),
        "sottosegretario di Stato": ("Undersecretary of State", "tmx import"),
    }
    assert people["la Farnesina"].created.startswith("2025-01-02T10:15:00")


def test_bad_tmx_and_missing_file_are_one_line_exit_2(tmp_path, cli):
    bad = tmp_path / "bad.tmx"
    bad.write_text("this is not xml", encoding="utf-8")
    for path in (bad, tmp_path / "missing.tmx"):
        code, _, err = cli("memory", "import", str(path), "--memory", str(tmp_path / "tm.sqlite"))
        assert code == 2 and err.count("\n") == 1 and err.startswith("briefs: error:"), err
        assert "Traceback" not in err
    code, _, err = cli("memory", "stats", "--memory", str(tmp_path / "never-made.sqlite"))
    assert code == 2 and "no translation memory at" in err and not (tmp_path / "never-made.sqlite").exists()


def test_export_and_import_of_exported_text_are_identical_in_the_library():
    entries = [Entry("Uno.", "One.", MACHINE, "e1"), Entry("Due.", "Two.", HUMAN, "e1", "ann", "2026-01-01T00:00:00+00:00", "TWO.")]
    assert read_tmx(export_tmx(entries)) == entries


# ---- an article: correct, run again, the correction is in the translation and the briefs -----------------
def first_sentence_pair(pipeline, seed_text):
    pairs = pipeline.sentence_pairs(seed_text)
    assert pairs and pairs[0]["paragraph"] == 0 and pairs[0]["source"] in seed_text
    return pairs[0]


def test_pipeline_correct_then_rerun_shows_it_in_translation_and_briefs(tmp_path, seed_text, cli):
    memory = str(tmp_path / "tm.sqlite")
    pipeline = Pipeline(Config(engine="offline", memory=memory))
    before = pipeline.run(seed_text)
    pair = first_sentence_pair(pipeline, seed_text)
    assert pair["text"] in before.translation.text
    assert CORRECTED not in before.translation.text

    entry = pipeline.correct(pair["source"], CORRECTED, who="anna", language="it")
    assert entry.replaced == pair["text"] and entry.engine.startswith("apertium")

    after = pipeline.run(seed_text)
    assert CORRECTED in after.translation.text and pair["text"] not in after.translation.text
    assert any("US State Department will host" in b.text for b in after.briefs), [b.text for b in after.briefs]

    # every command uses the same memory: the CLI run picks the correction up through BRIEFS_MEMORY
    code, out, err = cli("run", "-", "--engine", "offline", "--json", stdin=seed_text.encode(),
                         env={"BRIEFS_MEMORY": memory})
    assert code == 0, err
    result = json.loads(out)
    assert CORRECTED in result["translation"]["text"]
    assert any("US State Department will host" in b["text"] for b in result["briefs"])


def test_correct_without_a_memory_is_bad_input():
    with pytest.raises(BadInput, match="BRIEFS_MEMORY"):
        Pipeline(Config(engine="offline")).correct("Ciao.", "Hi.", who="anna")


# ---- Ray: two nodes, one PostgreSQL memory ------------------------------------------------------------------
@pytest.mark.slow
def test_ray_job_on_two_nodes_translates_each_repeated_sentence_once(tmp_path, pg_url):
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray = pytest.importorskip("ray")
    from ray.cluster_utils import Cluster

    from briefs.batch import JobOptions, JobSpec, open_source, run_job

    shared = ["Il ministro degli Esteri arriva oggi a Roma per il vertice.",
              "Secondo il governo, le scorte di materie prime critiche bastano per un mese.",
              "La Banca d'Italia pubblica il rapporto trimestrale sull'economia del paese."]
    docs = [f"{shared[k % 3]} {shared[(k + 1) % 3]} Il consiglio comunale ha approvato il bilancio numero {k}."
            for k in range(12)]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": k, "text": t}) + "\n" for k, t in enumerate(docs)), encoding="utf-8")

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False,
                                                           "object_store_memory": 96 * 1024 * 1024})
    cluster.add_node(num_cpus=1, object_store_memory=96 * 1024 * 1024)
    try:
        ray.init(address=cluster.address, log_to_driver=False)
        assert len([n for n in ray.nodes() if n["Alive"]]) == 2
        spec = JobSpec(Config(engine="offline"), tiers=[], memory_path=pg_url)
        options = JobOptions(progress=False, batch_size=1, runner="ray", concurrency=2, cpus_per_worker=1)
        summary = run_job(open_source(src), tmp_path / "out.jsonl", spec, options, warn=lambda _: None)
    finally:
        ray.shutdown()
        cluster.shutdown()

    assert (summary.ok, summary.failed) == (12, 0)
    distinct = len(set(shared)) + 12  # three shared sentences, one of its own per document
    assert summary.translated == distinct  # across both nodes, each distinct sentence went to the engine once
    assert summary.memory_hits == 12 * 3 - distinct
    memory = open_memory(pg_url)
    assert memory.stats()["machine"] == distinct
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len({r["id"] for r in out}) == 12


def test_workers_sharing_a_memory_split_the_work(pg_url):
    """Two workers (threads here, Ray actors in a job) meet the same sentences at once: each sentence
    goes to an engine once, and both get every translation."""
    from concurrent.futures import ThreadPoolExecutor

    sentences = [f"Frase numero {k}." for k in range(40)]
    engines = [CountingTranslator(), CountingTranslator()]
    workers = [MemoryTranslator(e, open_memory(pg_url), MemoryStats()) for e in engines]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda w: w.translate(sentences), workers))
    assert results[0] == results[1] == [s.upper() for s in sentences]
    seen = engines[0].seen + engines[1].seen
    assert sorted(seen) == sorted(sentences)  # each once, between them


# ---- the page and its API ------------------------------------------------------------------------------------
@pytest.fixture
def memory_page(tmp_path):
    """The web page over an offline pipeline with its own SQLite memory: (url, pipeline)."""
    from briefs.web import build_app, launch

    pipeline = Pipeline(Config(engine="offline", memory=str(tmp_path / "tm.sqlite")))
    app = build_app(pipeline)
    launch(app, host="127.0.0.1", port=free_port(), prevent_thread_lock=True, quiet=True)
    yield app.local_url, pipeline
    app.close()


def test_a_correction_through_the_api_is_in_the_next_run(memory_page, seed_text):
    from gradio_client import Client

    url, pipeline = memory_page
    api = Client(url, verbose=False, analytics_enabled=False, download_files=False)
    assert {"/brief", "/correct"} <= set(api.view_api(print_info=False, return_format="dict")["named_endpoints"])
    before = api.predict(seed_text, api_name="/brief")
    source = pipeline.sentence_pairs(seed_text)[0]["source"]

    stored = api.predict(source, CORRECTED, "bob", "it", api_name="/correct")
    assert (stored["source"], stored["target"], stored["author"], stored["origin"]) == (source, CORRECTED, "bob", "human")
    assert stored["replaced"] and stored["replaced"] in before["translation"]["text"]

    after = api.predict(seed_text, api_name="/brief")
    assert CORRECTED in after["translation"]["text"]
    assert any("US State Department will host" in b["text"] for b in after["briefs"])

    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="editor's name"):
        api.predict(source, "Something else.", "", "it", api_name="/correct")


@pytest.mark.slow
def test_a_correction_through_the_page_is_in_the_next_run(memory_page, seed_text, recwarn):
    from playwright.sync_api import expect

    url, pipeline = memory_page
    wait = 240_000
    with chromium_page(url, 1400, 1200, wait_ms=wait) as page:
        page.locator("#article textarea").fill(seed_text)
        page.click("#run")
        expect(page.locator("#brief-extended textarea")).not_to_have_value("", timeout=wait)
        assert "US State Department will host" not in page.locator("#brief-extended textarea").input_value()

        first = pipeline.sentence_pairs(seed_text)[0]
        expect(page.locator("#correct-source textarea")).to_have_value(first["source"], timeout=wait)
        expect(page.locator("#correct-text textarea")).to_have_value(first["text"], timeout=wait)
        page.locator("#correct-text textarea").fill(CORRECTED)  # the editor rewrites the sentence in place
        page.locator("#correct-who textarea").fill("anna")
        page.click("#correct-save")

        # saved, and the article ran again: the corrected sentence is in the translation and the briefs
        expect(page.locator("#translation")).to_contain_text(CORRECTED, timeout=wait)
        expect(page.locator("#brief-extended textarea")).to_have_value(re.compile("US State Department will host"),
                                                                      timeout=wait)
        expect(page.locator("#correct-pick input")).to_have_value(re.compile(r"\[corrected\]$"), timeout=wait)
        expect(page.locator("#meta")).to_contain_text("Timings", timeout=wait)  # every field after the rerun
        assert "Traceback" not in page.content()

        # a fresh visit running the article again gets the correction from the memory
        page.goto(url)
        page.locator("#article textarea").fill(seed_text)
        page.click("#run")
        expect(page.locator("#translation")).to_contain_text(CORRECTED, timeout=wait)
    assert not [w for w in recwarn if "output values" in str(w.message)]  # the rerun fills the same fields
    entry = pipeline.translation_memory().human()[first["source"]]
    assert (entry.target, entry.author, entry.replaced) == (CORRECTED, "anna", first["text"])


@pytest.mark.slow
def test_an_unusable_memory_setting_is_one_line_with_its_exit_code(tmp_path, cli, seed_text):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    for where, code in ((str(folder), 2), (f"postgresql://briefs@127.0.0.1:{free_port()}/tm", 3)):
        got, _, err = cli("run", "-", "--engine", "offline", stdin=seed_text.encode(), env={"BRIEFS_MEMORY": where})
        assert got == code and err.startswith("briefs: error: translation memory") and err.count("\n") == 1, err


def test_a_failing_engine_releases_its_claims(tmp_path):
    class Failing(CountingTranslator):
        def translate(self, sentences, progress=None):
            raise RuntimeError("engine down")

    memory = TranslationMemory(tmp_path / "tm.sqlite")
    with pytest.raises(RuntimeError):
        MemoryTranslator(Failing(), memory).translate(["Uno."])
    assert memory.claim(Failing.name, ["Uno."], owner="someone else") == ["Uno."]  # free at once
    memory.release(Failing.name, ["Uno."], owner="someone else")
    inner = CountingTranslator()
    inner.name = Failing.name
    assert MemoryTranslator(inner, memory).translate(["Uno."]) == ["UNO."]  # no wait for a dead claim
    assert inner.seen == ["Uno."]
