"""`briefs bench` in its small configuration: it runs, reports both paths side by side with the keys
the README quotes, and its fixed lengths hold. No timing is asserted (speed varies by machine)."""

import json

import pytest

from briefs.bench import out_len, table

pytest.importorskip("psutil")


@pytest.fixture(scope="module")
def report(cli, briefs_cache):
    code, out, err = cli("bench", "--small", "--json", "--articles", "12", "--threads", "1",
                         "--batch-articles", "0", "--concurrent", "0", timeout=600)
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def batch_report(cli, briefs_cache):
    code, out, err = cli("bench", "--small", "--json", "--only-batch", "--batch-articles", "3", "--concurrent", "4",
                         "--threads", "1", timeout=600)
    assert code == 0, err
    return json.loads(out)


@pytest.mark.slow
def test_batch_and_concurrency_figures(batch_report):
    r = batch_report
    assert r["paths"] == {} and "rss_growth" not in r  # --only-batch: the new figures alone
    b, c = r["batch"], r["concurrent"]
    assert b["articles"] == 3 and b["one_at_a_time_s"] > 0 and b["batched_s"] > 0
    assert r["batch_speedup"] == pytest.approx(b["one_at_a_time_s"] / b["batched_s"], rel=0.01)
    assert b["batched_articles_per_min"] == pytest.approx(60 * 3 / b["batched_s"], rel=0.01)
    assert b["same_briefs"] == 1.0  # the summaries' tokens are fixed by the bench: batching must not change them
    assert c["requests"] == 4 and c["queued"]["batches"] == [1, 1, 1, 1]
    assert sum(c["batched"]["batches"]) == 4 and len(c["batched"]["batches"]) < 4  # requests shared batches
    assert r["concurrent_median_speedup"] == pytest.approx(c["queued"]["median_s"] / c["batched"]["median_s"], rel=0.01)
    assert {"batch_speedup >= 3.0", "concurrent_median_speedup >= 2.0"} <= set(r["goals"])
    shapes = [(d["rows"], d["tokens_per_row"]) for d in r["decoder_calls"]]
    assert shapes == [(1, 1), (1, 11), (4, 1), (4, 11), (16, 1), (16, 11)]
    for d in r["decoder_calls"]:
        assert d["ms_per_call"] > 0
        assert d["ms_per_token"] == pytest.approx(d["ms_per_call"] / (d["rows"] * d["tokens_per_row"]), rel=0.05, abs=0.001)
    text = table(r)
    assert "articles/min" in text and "concurrent requests" in text and "load average" in text
    assert "16x11" in text and "decoder call" in text


def test_bench_count_flags_are_checked(cli):
    code, out, err = cli("bench", "--small", "--batch-articles", "-1")
    assert code == 2 and "--batch-articles" in err and err.strip().count("\n") == 0


@pytest.mark.slow
def test_bench_reports_both_paths_side_by_side(report):
    paths = report["paths"]
    assert set(paths) == {"baseline", "service"}
    for path in paths.values():
        for key in ("source_tokens_per_s", "output_tokens_per_s", "sentences_per_s", "translate_s", "summarize_s",
                    "end_to_end_s", "peak_rss_mb", "summary_input_tokens"):
            assert isinstance(path[key], (int, float)) and path[key] > 0, key
    assert set(report["speedup"]) >= {"mt_output_tokens_per_s", "end_to_end"}
    assert report["speedup"]["end_to_end"] == pytest.approx(
        paths["baseline"]["end_to_end_s"] / paths["service"]["end_to_end_s"], rel=0.01)
    assert paths["service"]["backends"]["mt"] == "ctranslate2-int8"  # the defaults are what is measured
    assert report["settings"]["small"] is True and report["machine"]["cores"] >= 1
    assert set(report["goals"]) and all(isinstance(v, bool) for v in report["goals"].values())


@pytest.mark.slow
def test_both_paths_translate_the_same_work(report):
    base, svc = report["paths"]["baseline"], report["paths"]["service"]
    assert base["source_tokens"] == svc["source_tokens"]
    assert base["output_tokens"] == svc["output_tokens"] == report["input"]["fixed_output_tokens"]
    assert report["input"]["sentences"] == 22  # the seed article's


@pytest.mark.slow
def test_summaries_copy_like_real_ones_and_the_worst_case_is_reported(report):
    svc = report["paths"]["service"]
    assert "SummEval" in report["settings"]["summary_workload"]
    drafted = svc["summary_pass"]
    assert drafted["decoder_calls"] < drafted["tokens"]  # copied runs settle several tokens a call
    assert drafted["tokens_per_call"] == pytest.approx(drafted["tokens"] / drafted["decoder_calls"], rel=0.01)
    assert drafted["tokens_per_call_real_summaries"] > 1
    assert svc["end_to_end_no_copy_s"] > 0 and svc["summarize_no_copy_s"] > 0
    assert "copy nothing" in table(report)


@pytest.mark.slow
def test_rss_growth_check_covers_every_article(report):
    growth = report["rss_growth"]
    assert growth["articles"] == 12 and len(growth["rss_every_10_mb"]) == 1
    assert growth["growth_mb"] == pytest.approx(growth["rss_last_mb"] - growth["rss_settled_mb"], abs=0.01)


@pytest.mark.slow
def test_table_quotes_the_report(report):
    text = table(report)
    assert "| MT output tokens/s |" in text and "| seed article end to end (s) |" in text
    row = next(line for line in text.splitlines() if line.startswith("| seed article end to end"))
    assert f"{report['speedup']['end_to_end']:.1f}x" in row
    assert "load average" in text and "goals:" in text


def test_fixed_lengths_follow_the_source():
    assert out_len("una frase di cinque parole") == round(1.15 * 5) + 1
    assert out_len("uno due tre quattro cinque sei sette otto nove dieci") > out_len("uno due")
