"""`briefs batch`: input formats, bad items, resume after kill -9, translation memory, Ray runner.

Tiny random-weight models stand in for the real ones (their English is word salad), so these tests
check the job's contract, not translation quality. `--no-briefs` keeps them quick where briefs
are not the point.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefs.batch import (
    JobOptions,
    JobSpec,
    MemoryTranslator,
    TranslationMemory,
    open_source,
    run_job,
)
from briefs.cli import main as cli_main
from briefs.errors import BadInput
from helpers import CountingTranslator

ROOT = Path(__file__).resolve().parent.parent

TEMPLATES = [
    "Il ministro degli Esteri arriva oggi a Roma per il vertice numero {n}.",
    "La Banca d'Italia pubblica il rapporto trimestrale sull'economia del paese, edizione {n}.",
    "Secondo il governo, le scorte di materie prime critiche bastano per {n} giorni.",
    "Il consiglio comunale ha approvato il bilancio con {n} voti favorevoli.",
]
GERMAN = "Der Bundestag hat heute das neue Gesetz über die Energieversorgung mit großer Mehrheit beschlossen."


def italian(n: int) -> str:
    """A short Italian document, different for every n (so each one needs the engine)."""
    return TEMPLATES[n % len(TEMPLATES)].format(n=n)


def write_jsonl(path: Path, records) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n")
    return path


def read_output(path: Path) -> list[dict]:
    """Every line of OUTPUT, each of which must be a complete JSON object."""
    raw = path.read_bytes()
    assert raw == b"" or raw.endswith(b"\n"), "OUTPUT ends in a partial line"
    return [json.loads(line) for line in raw.decode("utf-8").splitlines()]


def by_id(records: list[dict]) -> dict:
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)), f"duplicate ids in OUTPUT: {sorted(i for i in ids if ids.count(i) > 1)[:5]}"
    return {r["id"]: r for r in records}


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """One torch thread: on a shared two-core machine, two threads contending with other processes
    make the tiny models many times slower. Restored for the modules that run after this one."""
    import torch

    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


@pytest.fixture
def batch(tiny_model_args, capsys):
    """`briefs batch ARGS` in this process (models stay loaded between tests): (exit code, stderr)."""

    def run(*args: str):
        code = cli_main(["batch", *map(str, args), *tiny_model_args, "--threads", "1", "--quiet"])
        return code, capsys.readouterr().err

    return run


def job(tiny_config, source_path, output, **options):
    """The library entry point with the tiny models, translation only."""
    fmt = options.pop("format", "auto")
    spec = JobSpec(tiny_config.with_(threads=1), tiers=options.pop("tiers", []), memory_path=options.pop("memory", None))
    warnings: list[str] = []
    summary = run_job(open_source(source_path, fmt), output, spec, JobOptions(progress=False, **options),
                      warn=warnings.append)
    return summary, warnings


# ---- input formats ------------------------------------------------------------------------------
def test_jsonl_gives_one_result_line_per_item(tmp_path, batch):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": f"d{n}", "text": italian(n)} for n in range(5)] + [""])
    out = tmp_path / "out.jsonl"

    code, err = batch(src, out, "--no-briefs", "--batch-size", "2")

    assert code == 0, err
    records = by_id(read_output(out))
    assert sorted(records) == [f"d{n}" for n in range(5)]
    for r in records.values():
        assert r["source"]["language"] == "it"
        assert r["translation"]["engine"].startswith("marian:")
        assert r["translation"]["text"].strip()
        assert r["briefs"] == []
    assert "5 ok, 0 failed" in err and "docs/s" in err and "sentences/s" in err


def test_jsonl_with_briefs_keeps_the_result_contract(tmp_path, batch):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": 1, "text": italian(1) + " " + italian(2)}])
    out = tmp_path / "out.jsonl"

    code, err = batch(src, out, "--tiers", "headline,short")

    assert code == 0, err
    (record,) = read_output(out)
    assert record["id"] == 1  # a JSON number stays a number
    assert {"source", "translation", "briefs", "warnings", "timings_ms"} <= set(record)
    assert [b["tier"] for b in record["briefs"]] == ["headline", "short"]
    assert record["briefs"][0]["words"] <= 14


def test_csv_with_custom_columns_and_multiline_text(tmp_path, batch):
    src = tmp_path / "articles.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["doc", "lang", "body"])
        w.writerow(["a", "it", italian(1)])
        w.writerow(["b", "it", italian(2) + "\n\n" + italian(3)])  # two paragraphs inside one quoted cell
        w.writerow(["c", "it", italian(4)])
    out = tmp_path / "out.jsonl"

    code, err = batch(src, out, "--no-briefs", "--id-field", "doc", "--text-field", "body")

    assert code == 0, err
    records = by_id(read_output(out))
    assert sorted(records) == ["a", "b", "c"]
    assert records["b"]["source"]["paragraphs"] == 2
    assert len(records["b"]["translation"]["paragraphs"]) == 2


def test_directory_of_text_markdown_and_html_files(tmp_path, batch):
    docs = tmp_path / "archive"
    (docs / "2024" / "feb").mkdir(parents=True)
    (docs / "one.txt").write_text(italian(1), encoding="utf-8")
    (docs / "2024" / "two.md").write_text("# Notizie\n\n" + italian(2), encoding="utf-8")
    (docs / "2024" / "feb" / "three.html").write_text(
        f"<html><head><title>x</title><script>var a = 1;</script></head><body><p>{italian(3)}</p><p>{italian(7)}</p></body></html>",
        encoding="utf-8")
    (docs / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a document")
    (docs / "latin1.txt").write_bytes("Il caffè è buono e costa più di un euro a Milano.".encode("latin-1"))
    out = tmp_path / "out.jsonl"

    code, err = batch(docs, out, "--no-briefs")

    records = by_id(read_output(out))
    assert sorted(records) == ["2024/feb/three.html", "2024/two.md", "latin1.txt", "one.txt"]
    html = records["2024/feb/three.html"]
    assert html["source"]["paragraphs"] == 2  # markup and script gone, one paragraph per <p>
    assert "UTF-8" in records["latin1.txt"]["error"] and records["latin1.txt"]["exit_code"] == 2
    assert code == 4, err


# ---- bad items and unusable inputs ----------------------------------------------------------------
def test_bad_lines_become_error_lines_and_the_job_goes_on(tmp_path, tiny_config):
    src = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "ok1", "text": italian(1)},
        '{"id": "broken", "text": "Il ministro',  # invalid JSON
        {"id": "notext"},
        {"id": "empty", "text": "   \n  "},
        {"id": "number", "text": 42},
        {"id": "german", "text": GERMAN},
        {"text": italian(5)},  # no id
        "[1, 2]",
        {"id": "ok2", "text": italian(2)},
    ])
    out = tmp_path / "out.jsonl"

    summary, _ = job(tiny_config, src, out)

    records = read_output(out)
    assert len(records) == 9  # one line per input line
    errors = {(r["id"], r.get("line")): r for r in records if "error" in r}
    assert "invalid JSON" in errors[(None, 2)]["error"]
    assert "missing 'text'" in errors[("notext", 3)]["error"]
    assert "empty" in errors[("empty", 4)]["error"]
    assert "not a string" in errors[("number", 5)]["error"]
    assert "unsupported source language 'de'" in errors[("german", 6)]["error"]
    assert "missing 'id'" in errors[(None, 7)]["error"]
    assert "not a JSON object" in errors[(None, 8)]["error"]
    assert all(r["exit_code"] == 2 and "\n" not in r["error"] for r in errors.values())
    ok = [r["id"] for r in records if "error" not in r]
    assert ok == ["ok1", "ok2"]
    assert (summary.ok, summary.failed, summary.exit_code) == (2, 7, 4)

    # a rerun finds nothing left to do, and still reports that the output holds failures
    again, _ = job(tiny_config, src, out)
    assert (again.ok, again.failed, again.skipped, again.exit_code) == (0, 0, 9, 4)
    assert len(read_output(out)) == 9


def test_some_items_failing_exits_4_with_errors_in_output(tmp_path, batch):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": italian(1)}, {"id": "b", "text": ""}])
    out = tmp_path / "out.jsonl"

    code, err = batch(src, out, "--no-briefs")

    assert code == 4
    assert "1 ok, 1 failed" in err and "input is empty" in err
    assert by_id(read_output(out))["b"]["exit_code"] == 2


@pytest.mark.parametrize("name, content, message", [
    ("missing.jsonl", None, "no such file"),
    ("notes.jsonl", b"Caro diario, oggi ho tradotto.\n", "not JSONL"),
    ("array.json", b'[{"id": 1, "text": "x"}]', "JSON array"),
    ("blob.bin", b"\x00\x01\x02\x03binary", "NUL bytes"),
    ("table.csv", b"name,body\nx,Il ministro arriva oggi.\n", "no column 'id', 'text'"),
])
def test_unusable_input_exits_2_with_one_line(tmp_path, batch, name, content, message):
    src = tmp_path / name
    if content is not None:
        src.write_bytes(content)
    out = tmp_path / "out.jsonl"

    code, err = batch(src, out, "--no-briefs")

    assert code == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists() or out.read_bytes() == b""


def test_duplicate_ids_are_reported_not_merged(tmp_path, tiny_config):
    src = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "x", "text": italian(1)}, {"id": "y", "text": italian(2)}, {"id": "x", "text": italian(3)},
    ])
    out = tmp_path / "out.jsonl"

    summary, warnings = job(tiny_config, src, out)

    records = by_id(read_output(out))
    assert sorted(records) == ["x", "y"]
    assert summary.duplicates == 1 and summary.exit_code == 4
    assert warnings == ['duplicate id "x" (line 3): only its first occurrence is processed']


@pytest.mark.slow
# ---- resume and crash safety ------------------------------------------------------------------------
def test_kill_9_mid_job_then_resume_gives_every_id_exactly_once(tmp_path, tiny_model_args):
    n = 240
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": f"doc-{k:03d}", "text": italian(k)} for k in range(n)])
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "briefs.cli", "batch", str(src), str(out), "--no-briefs", "--batch-size", "8",
           *tiny_model_args, "--threads", "1"]
    env = dict(os.environ)

    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None:
        if out.exists() and out.stat().st_size > 0:
            break
        time.sleep(0.02)
    time.sleep(0.3)  # let it be somewhere inside a later batch
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL, "the job ended before it could be killed"

    before = read_output(out)
    assert 0 < len(before) < n
    assert len(before) % 8 == 0  # whole batches only: nothing of the batch in flight

    resumed = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, timeout=600)
    err = resumed.stderr.decode()
    assert resumed.returncode == 0, err
    assert f"{len(before)} skipped" in err

    records = by_id(read_output(out))
    assert sorted(records) == [f"doc-{k:03d}" for k in range(n)]
    assert all("error" not in r for r in records.values())
    assert [r["id"] for r in read_output(out)][:len(before)] == [r["id"] for r in before]  # appended, not rewritten


def test_a_torn_last_line_is_cut_off_and_its_item_redone(tmp_path, tiny_config):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": f"d{k}", "text": italian(k)} for k in range(3)])
    out = tmp_path / "out.jsonl"
    job(tiny_config, src, out)
    whole = out.read_bytes()
    lines = whole.splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:2]) + lines[2][: len(lines[2]) // 2])  # as if killed mid-write

    summary, _ = job(tiny_config, src, out)

    assert summary.repaired_bytes == len(lines[2]) // 2
    assert (summary.ok, summary.skipped) == (1, 2)
    assert sorted(by_id(read_output(out))) == ["d0", "d1", "d2"]


@pytest.mark.parametrize("content", [
    "hello\n" + json.dumps({"id": "z", "error": "x"}) + "\n",  # a foreign line before ours
    "notes without a newline",  # would look torn, but is not the start of a result line
    json.dumps({"id": "a", "text": "Il ministro arriva."}) + "\n",  # an input file given as OUTPUT
])
def test_output_that_is_not_ours_is_refused_and_left_alone(tmp_path, tiny_config, content):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": italian(1)}])
    out = tmp_path / "out.jsonl"
    out.write_text(content)

    with pytest.raises(BadInput, match="not a result line"):
        job(tiny_config, src, out)
    assert out.read_text() == content


def test_retry_failed_redoes_only_the_error_lines(tmp_path, tiny_config):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": italian(1)}, {"id": "b", "text": ""}])
    out = tmp_path / "out.jsonl"
    job(tiny_config, src, out)
    first_a = by_id(read_output(out))["a"]
    write_jsonl(src, [{"id": "a", "text": italian(1)}, {"id": "b", "text": italian(2)}])  # b fixed

    summary, _ = job(tiny_config, src, out, retry_failed=True)

    records = by_id(read_output(out))
    assert (summary.ok, summary.skipped, summary.exit_code) == (1, 1, 0)
    assert "error" not in records["b"] and records["a"] == first_a


# ---- translation memory ---------------------------------------------------------------------------
def test_memory_sends_only_new_distinct_sentences_to_the_engine(tmp_path):
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    inner = CountingTranslator()
    t = MemoryTranslator(inner, memory)

    assert t.translate(["Uno.", "Due.", "Uno."]) == ["UNO.", "DUE.", "UNO."]
    assert inner.seen == ["Uno.", "Due."]
    assert t.translate(["Due.", "Tre.", "Uno."]) == ["DUE.", "TRE.", "UNO."]
    assert inner.seen == ["Uno.", "Due.", "Tre."]
    memory.close()

    # persisted: a new process (here: a new memory object) reuses it; another engine does not
    again = MemoryTranslator(inner := CountingTranslator(), TranslationMemory(tmp_path / "tm.sqlite"))
    assert again.translate(["Tre.", "Uno."]) == ["TRE.", "UNO."] and inner.seen == []
    other = CountingTranslator()
    other.name = "other-engine"
    MemoryTranslator(other, TranslationMemory(tmp_path / "tm.sqlite")).translate(["Uno."])
    assert other.seen == ["Uno."]


def test_rerun_with_the_same_memory_translates_nothing_again(tmp_path, tiny_config):
    texts = [italian(k) for k in range(6)] + [italian(0) + " " + italian(1)]  # the last repeats two sentences
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": k, "text": t} for k, t in enumerate(texts)])
    memory = tmp_path / "tm.sqlite"

    first, _ = job(tiny_config, src, tmp_path / "one.jsonl", memory=memory, batch_size=4)
    second, _ = job(tiny_config, src, tmp_path / "two.jsonl", memory=memory, batch_size=4)

    assert first.translated == 6  # the repeated sentences of the last document came from memory
    assert first.memory_hits == 2
    assert second.translated == 0 and second.memory_hits == 6 + 2
    one, two = by_id(read_output(tmp_path / "one.jsonl")), by_id(read_output(tmp_path / "two.jsonl"))
    assert {k: r["translation"]["text"] for k, r in one.items()} == {k: r["translation"]["text"] for k, r in two.items()}


def test_default_memory_sits_next_to_the_output(tmp_path, batch):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": italian(1)}])
    code, _ = batch(src, tmp_path / "out.jsonl", "--no-briefs")
    assert code == 0
    memory = TranslationMemory(tmp_path / "out.jsonl.tm.sqlite")
    assert len(memory) == 1


# ---- Ray ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def local_ray():
    """One small local Ray instance for the module (its start-up is slow on two cores)."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray = pytest.importorskip("ray")
    ray.init(address="local", num_cpus=2, include_dashboard=False, object_store_memory=128 * 1024 * 1024,
             log_to_driver=False, _node_ip_address="127.0.0.1")
    yield ray
    ray.shutdown()


@pytest.mark.slow
def test_ray_runner_gives_the_same_results_as_the_local_runner(tmp_path, tiny_config, local_ray):
    records = [{"id": f"r{k}", "text": italian(k)} for k in range(10)]
    records.insert(4, '{"id": "broken"')
    records.append({"id": "r3", "text": italian(99)})  # a duplicate id
    src = write_jsonl(tmp_path / "in.jsonl", records)
    # batch size 1: the random-weight tiny model's output depends on its batch, the runners' batches differ
    local, _ = job(tiny_config, src, tmp_path / "local.jsonl", batch_size=1)
    on_ray, _ = job(tiny_config, src, tmp_path / "ray.jsonl", batch_size=1, runner="ray", concurrency=2,
                    memory=tmp_path / "ray.tm.sqlite")

    mine, theirs = by_id(read_output(tmp_path / "local.jsonl")), by_id(read_output(tmp_path / "ray.jsonl"))
    assert set(theirs) == set(mine) == {f"r{k}" for k in range(10)} | {None}
    for key, r in mine.items():
        assert theirs[key].get("translation", {}).get("text") == r.get("translation", {}).get("text")
        assert theirs[key].get("error") == r.get("error")
    assert (on_ray.ok, on_ray.failed, on_ray.duplicates) == (local.ok, local.failed, local.duplicates) == (10, 1, 1)
    assert on_ray.sentences == local.sentences == 10

    # resumable on Ray too: nothing is redone
    again, _ = job(tiny_config, src, tmp_path / "ray.jsonl", batch_size=1, runner="ray", concurrency=2)
    assert (again.ok, again.skipped) == (0, 11)
    assert len(read_output(tmp_path / "ray.jsonl")) == 11


@pytest.mark.parametrize("name", ["in.jsonl", "in.data"])  # by its suffix, and by its content
def test_jsonl_saved_with_a_byte_order_mark_is_read(tmp_path, name):
    """Windows editors save UTF-8 with a BOM; the file is still JSONL and every item is read."""
    src = tmp_path / name
    rows = [{"id": f"d{n}", "text": italian(n)} for n in range(3)]
    src.write_bytes(codecs.BOM_UTF8 + "".join(json.dumps(r) + "\n" for r in rows).encode("utf-8"))
    source = open_source(src)
    assert source.kind == "jsonl"
    source.check()
    items = list(source.items())
    assert [(i.id, i.text, i.error) for i in items] == [(r["id"], r["text"], None) for r in rows]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "dir"])
def test_a_shard_reads_back_exactly_its_items(tmp_path, fmt):
    """The Ray runner's read step: items named by (offset, indices) come back as the full pass gave them."""
    texts = [italian(k) if k % 3 else italian(k) + "\n\n" + italian(k + 1) for k in range(12)]
    if fmt == "jsonl":
        src = write_jsonl(tmp_path / "in.jsonl", [{"id": k, "text": t} for k, t in enumerate(texts)] + ["{bad"])
    elif fmt == "csv":
        src = tmp_path / "in.csv"
        with open(src, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([["id", "text"], *([str(k), t] for k, t in enumerate(texts)), ["12"]])
    else:
        src = tmp_path / "docs"
        src.mkdir()
        for k, t in enumerate(texts + ["x"]):
            (src / f"{k:02d}.txt").write_text(t, encoding="utf-8")
    source = open_source(src)
    items = list(source.items())
    assert len(items) == 13

    wanted = [items[k] for k in (4, 5, 7, 12)]
    shard = {"offset": wanted[0].offset or 0, "line": wanted[0].line or 0, "indices": [i.index for i in wanted],
             "paths": [i.id for i in wanted]}
    got = list(source.read_shard(shard))

    assert [(i.index, i.id, i.text, i.line, i.error) for i in got] == [(i.index, i.id, i.text, i.line, i.error) for i in wanted]


def test_memory_key_has_the_settings_that_change_translations(tiny_config, tmp_path):
    """Two beam sizes, or two glossaries, must not share remembered translations."""
    from briefs.batch import Worker

    def key(config):
        worker = Worker(JobSpec(config.with_(threads=1), tiers=[]))
        translator, _ = worker.pipeline.translator("it")
        return translator.key

    glossary = tmp_path / "g.tsv"
    glossary.write_text("Farnesina\tthe Italian Foreign Ministry\n", encoding="utf-8")
    keys = {key(tiny_config), key(tiny_config.with_(num_beams=3)), key(tiny_config.with_(glossary=glossary))}
    assert len(keys) == 3
    assert key(tiny_config) == key(tiny_config)
