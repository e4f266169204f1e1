"""Several articles' tier passes decoded together give each article the single-article text,
token for token (fp32 tiny models), whatever the mix of lengths, end tokens and hooks."""

from __future__ import annotations

from dataclasses import replace

import pytest

from briefs import Pipeline
from briefs.config import Config
from briefs.errors import BadInput
from briefs.summarize import load_tiers
from briefs.summarize.seq2seq import Seq2SeqSummarizer
from briefs.synthetic import build_bart


@pytest.fixture(scope="module")
def stopping_bart(tmp_path_factory, corpus):
    """A tiny BART whose end token wins at some steps and not at others, so rows end apart."""
    return build_bart(tmp_path_factory.mktemp("models") / "bart-stops", corpus, bpe_vocab=1000, eos_bias=0.3)


@pytest.fixture(scope="module")
def articles(english_text, seed_text):
    words = english_text.split()
    return [english_text, seed_text[:1500], " ".join(words[:40]), seed_text[1500:2600], " ".join(words[60:200]),
            "Rome, Tuesday. The council met and voted."]


# Two of the eight combinations in the fast lane (each model, with and without lookup, both row counts).
FAST = {("tiny_bart", 6, 2), ("stopping_bart", 0, 8)}


@pytest.mark.parametrize(("which", "lookup", "rows"), [
    pytest.param(w, k, r, marks=[] if (w, k, r) in FAST else [pytest.mark.slow])
    for w in ("tiny_bart", "stopping_bart") for k in (0, 6) for r in (2, 8)])
def test_batched_tiers_equal_one_article_at_a_time(request, which, lookup, rows, articles):
    summarizer = Seq2SeqSummarizer(str(request.getfixturevalue(which)), num_beams=1, lookup=lookup)
    summarizer.batch_rows = rows
    tiers = load_tiers(Config().prompts_dir)
    single = [summarizer.summarize(text, tiers) for text in articles]
    seen = []
    assert summarizer.summarize_many(articles, tiers, lambda done, total: seen.append((done, total))) == single
    assert seen[-1] == (len(articles), len(articles))
    assert len({t for per_article in single for t in per_article}) > len(tiers)  # articles and tiers differ
    one = load_tiers(Config().prompts_dir, ["short"])
    assert summarizer.summarize_many(articles, one) == [summarizer.summarize(t, one) for t in articles]


def test_rows_stop_at_their_own_end_token(stopping_bart, articles):
    """A row that writes its end token leaves the batch; the others go on to their own end (here
    the end token comes after a number of tokens that depends on the article's length)."""
    summarizer = Seq2SeqSummarizer(str(stopping_bart), num_beams=1)
    eos = summarizer.model.generation_config.eos_token_id
    summarizer.fixed_tokens = lambda source, n: (source[1:] * 9)[:len(source) % 17 + 3] + [eos] * n
    # tiers with no minimum, so a row may end as soon as it writes its end token
    tiers = [replace(t, shape="paragraph", min_words=0) for t in load_tiers(Config().prompts_dir, ["short", "extended"])]
    got = summarizer.summarize_many(articles, tiers)
    p = summarizer.last_pass
    ends = sorted(len(summarizer.tokenizer(a)["input_ids"]) % 17 + 4 for a in articles)  # tokens with the end token
    assert len(set(ends)) > 2 and p["rows"] == len(articles)
    assert p["tokens"] == sum(ends) and p["decoder_calls"] == ends[-1]
    assert got == [summarizer.summarize(t, tiers) for t in articles]


def test_fixed_hooks_apply_per_row(tiny_bart, articles):
    """The bench's hooks (fixed lengths, copied tokens) give the same texts batched as alone."""
    from briefs.bench import copying_tokens

    summarizer = Seq2SeqSummarizer(str(tiny_bart), num_beams=1, lookup=6)
    summarizer.fixed_lengths = lambda tier: 10 if tier.name == "headline" else 24
    summarizer.fixed_tokens = copying_tokens
    tiers = load_tiers(Config().prompts_dir, ["headline", "short"])
    single = [summarizer.summarize(text, tiers) for text in articles]
    assert summarizer.summarize_many(articles, tiers) == single
    assert summarizer.last_pass == {"tokens": len(articles) * 23, "decoder_calls": 23, "rows": len(articles)}


@pytest.mark.slow
def test_pipeline_run_many_briefs_each_translation_as_brief_does(tiny_config, seed_text, english_text):
    """run_many's summarize step (several documents decoded together) gives each document the
    briefs `brief` gives its translation alone; a failed document keeps its error in its place."""
    pipe = Pipeline(replace(tiny_config, summary_beams=1))
    texts = [seed_text[:1200], seed_text[1200:2600], "", english_text[:900]]
    stages = []
    batched = pipe.run_many(texts, progress=lambda stage, done, total: stages.append((stage, done, total)))
    assert isinstance(batched[2], BadInput)
    for got in batched[:2] + batched[3:]:
        alone, _ = pipe.brief(got.translation.text)
        assert [b.text for b in got.briefs] == [b.text for b in alone]
        assert all(b.text for b in got.briefs) and got.timings_ms["summarize"] >= 0
    assert ("summarize", 3, 3) in stages  # counted in documents when several go together
    single = []
    pipe.run(texts[0], progress=lambda stage, done, total: single.append((stage, done, total)))
    assert [s for s in single if s[0] == "summarize"][-1] == ("summarize", 4, 4)  # one document: its tiers


def test_extractive_engine_loops(tiny_config, seed_text):
    pipe = Pipeline(replace(tiny_config, engine="offline"))
    texts = [seed_text[:1500], seed_text[1500:3000]]
    got = pipe.run_many(texts, source_lang="it")
    assert [[b.text for b in r.briefs] for r in got] == [[b.text for b in pipe.run(t, source_lang="it").briefs] for t in texts]


def test_batcher_runs_requests_that_arrive_together_as_one_batch(tiny_config, seed_text, english_text):
    """Concurrent callers get what Pipeline.run gives each of them; those that arrive together
    share one run_many; a bad request gets its own error and does not fail the others."""
    import threading

    from briefs.batcher import Batcher

    pipe = Pipeline(replace(tiny_config, summary_beams=1))
    texts = [seed_text[:900], seed_text[900:2000], english_text[:700], "   "]
    batcher = Batcher(pipe, max_batch=8, gather_s=0.5)
    got: dict[int, object] = {}

    def ask(k):
        try:
            got[k] = batcher.run(texts[k], tiers=["headline", "short"])
        except BadInput as err:
            got[k] = err

    threads = [threading.Thread(target=ask, args=(k,)) for k in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert batcher.batches == [len(texts)]
    assert isinstance(got[3], BadInput)
    expected = pipe.run_many(texts, tiers=["headline", "short"])
    for k in range(3):
        assert got[k].to_dict()["briefs"] == expected[k].to_dict()["briefs"]
        assert got[k].translation.text == expected[k].translation.text
    assert [b.text for b in got[2].briefs] == [b.text for b in pipe.run(texts[2], tiers=["headline", "short"]).briefs]
    # one at a time when requests come one after another; a request never waits for a later batch
    alone = batcher.run(texts[0], tiers=["headline"])
    assert batcher.batches[-1] == 1 and alone.briefs[0].text == pipe.run(texts[0], tiers=["headline"]).briefs[0].text


def test_web_page_batches_concurrent_requests(tiny_config, english_text):
    """Through the page's /brief API: requests sent together come back each with its own result
    (the one Pipeline.run gives it), in fewer batches than requests."""
    import socket

    from gradio_client import Client

    from briefs.web import build_app, launch

    pipe = Pipeline(replace(tiny_config, summary_beams=1))
    app = build_app(pipe, max_batch=4)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    launch(app, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True)
    try:
        third = len(english_text) // 3
        texts = [english_text[:third], english_text[third:2 * third], english_text[2 * third:]]
        api = Client(app.local_url, verbose=False, analytics_enabled=False, download_files=False)
        jobs = [api.submit(t, None, "en", ["headline", "short"], api_name="/brief") for t in texts]
        results = [job.result(timeout=300) for job in jobs]
        assert sum(app.batcher.batches) == 3 and len(app.batcher.batches) < 3
    finally:
        app.close()
    for text, result in zip(texts, results):
        alone = pipe.run(text, source_lang="en", tiers=["headline", "short"])
        assert [b["text"] for b in result["briefs"]] == [b.text for b in alone.briefs]
        assert result["translation"]["text"] == alone.translation.text


@pytest.mark.parametrize("argv, expected", [([], 1), (["--device", "cuda"], 16), (["--max-batch", "4"], 4)])
def test_web_batches_requests_on_a_gpu_and_queues_them_on_the_cpu(monkeypatch, tmp_path, argv, expected):
    """`briefs web` without --max-batch: a queue of one on the CPU, where batches of 16 gave a
    worse median latency (README "Batch and concurrent throughput"), batches of 16 on a GPU."""
    from briefs import cli, web

    seen = {}
    monkeypatch.setenv("BRIEFS_MEMORY", str(tmp_path / "memory.sqlite"))
    monkeypatch.setattr(web, "build_app", lambda pipeline, **kw: seen.update(kw) or object())
    monkeypatch.setattr(web, "launch", lambda *a, **kw: None)
    monkeypatch.setattr(web, "_terminate_as_interrupt", lambda: None)
    monkeypatch.setattr(web, "check_port", lambda host, port: None)
    assert cli.main(["web", "--no-preload", *argv]) == 0
    assert seen["max_batch"] == expected
