"""`briefs eval`: the scorers on hand-checked examples, multi-reference scoring, limit counting, schema
errors, and small end-to-end runs of `briefs eval summaries|mt|crosslingual` on the tiny models."""

from __future__ import annotations

import json

import pytest

from briefs.errors import BadInput
from briefs.evaluate import (
    Rouge,
    SummaryItem,
    evaluate_summaries,
    flores_articles,
    lead3,
    load_summaries,
    score_mt,
    select_domain,
    split_sentences,
)


# ---- scorers ---------------------------------------------------------------------------------------
def test_rouge_1_and_2_on_a_hand_checked_pair():
    # rouge-score lower-cases and keeps [a-z0-9]+ tokens.
    # prediction: the cat sat on the mat   (6 tokens)   reference: the cat lay on the mat (6 tokens)
    # ROUGE-1: common unigrams the x2, cat, on, mat = 5 -> P = 5/6, R = 5/6, F1 = 5/6 = 83.33
    # ROUGE-2: bigrams {the cat, cat sat, sat on, on the, the mat} vs {the cat, cat lay, lay on, on the,
    #          the mat}: 3 common -> P = R = 3/5, F1 = 60.00
    s = Rouge().score("The cat sat on the mat.", ["The cat lay on the mat."])["first"]
    assert s["rouge1"] == pytest.approx(100 * 5 / 6)
    assert s["rouge2"] == pytest.approx(60.0)


def test_rouge_uses_porter_stemming():
    # "Dogs running" -> dog run; "dog runs" -> dog run: every unigram matches -> ROUGE-1 F1 = 100.
    assert Rouge().score("Dogs running", ["dog runs"])["first"]["rouge1"] == pytest.approx(100.0)


def test_rouge_lsum_reads_one_sentence_per_line():
    # reference: cats sleep all day. dogs bark at night.   prediction: the same two sentences swapped.
    # ROUGE-L over the whole text: LCS of (cat sleep all day dog bark at night) and
    # (dog bark at night cat sleep all day) is 4 of 8 tokens -> F1 = 50.
    # ROUGE-Lsum: each reference sentence is matched against the prediction's sentences (union LCS):
    # 4 + 4 of 8 tokens -> F1 = 100. So the split matters and the scorer must make it.
    s = Rouge().score("Dogs bark at night. Cats sleep all day.", ["Cats sleep all day. Dogs bark at night."])
    assert s["first"]["rougeL"] == pytest.approx(50.0)
    assert s["first"]["rougeLsum"] == pytest.approx(100.0)


def test_best_of_several_references():
    # first reference shares nothing -> 0; the second is the prediction itself -> 100.
    s = Rouge().score("The minister resigned.", ["Markets fell sharply.", "The minister resigned."])
    assert s["first"]["rouge1"] == 0.0
    assert s["best"]["rouge1"] == pytest.approx(100.0)
    # best is per metric, so never below the first reference
    t = Rouge().score("Rain in Rome today, sun tomorrow.", ["Rain today.", "Sun in Rome tomorrow."])
    assert all(t["best"][k] >= t["first"][k] for k in t["first"])


def test_sentence_splits():
    text = "Mr. Smith left on Monday. He said: hi! Then?"
    assert split_sentences(text, "regex") == ["Mr.", "Smith left on Monday.", "He said: hi!", "Then?"]
    assert split_sentences(text, "project") == ["Mr. Smith left on Monday.", "He said: hi!", "Then?"]
    # bullet items are sentences of their own, markers dropped
    assert split_sentences("- Prices rose. Wages fell\n- Rates held", "regex") == ["Prices rose.", "Wages fell", "Rates held"]


def test_lead3_is_the_first_three_sentences():
    article = "Sen. Rossi arrived in Rome on Monday. He met the mayor.\n\nThey spoke for an hour. Then he left."
    assert lead3(article) == "Sen. Rossi arrived in Rome on Monday.\nHe met the mayor.\nThey spoke for an hour."


def test_bleu_and_chrf_with_signatures():
    # identical output: every n-gram precision is 1 and the brevity penalty 1 -> BLEU 100, chrF 100
    s = score_mt(["The cat sat on the mat."], ["The cat sat on the mat."])
    assert s["bleu"] == pytest.approx(100.0) and s["chrf"] == pytest.approx(100.0)
    assert s["bleu_signature"].startswith("BLEU|nrefs:1|") and "tok:13a" in s["bleu_signature"]
    assert s["chrf_signature"].startswith("chrF2|nrefs:1|")
    # 13a tokens: The cat sat on the mat . (7) vs The cat lay on the mat . (7); n-gram precisions
    # 6/7, 4/6, 2/5, 1/4; equal lengths so BP = 1; BLEU = 100 * (6/7 * 4/6 * 2/5 * 1/4) ** (1/4) = 48.89
    assert score_mt(["The cat sat on the mat."], ["The cat lay on the mat."])["bleu"] == pytest.approx(48.89, abs=0.01)


# ---- limits, data files ------------------------------------------------------------------------------
class _Fixed:
    """A summarizer that writes a given number of words for each tier (to test limit counting)."""

    name = "fixed"

    def __init__(self, words: dict[str, list[int]]):
        self.words = words
        self.calls = 0

    def summarize(self, text, tiers, progress=None):
        out = [" ".join(["word"] * self.words[t.name][self.calls]) + "." for t in tiers]
        self.calls += 1
        return out


def test_tier_limits_are_enforced_and_counted(tmp_path, monkeypatch):
    from briefs import Config, Pipeline

    pipeline = Pipeline(Config())
    fixed = _Fixed({"headline": [30, 10], "extended": [150, 60]})
    monkeypatch.setattr(pipeline, "summarizer", lambda engine=None: (fixed, []))
    items = [SummaryItem(str(i), "One sentence here. Another one there.", ["One sentence here."]) for i in range(2)]
    report = evaluate_summaries(pipeline, items, tiers=["headline", "extended"])
    rows = {r["system"]: r for r in report["rows"]}
    # headline: 30 words are cut to the 12-word limit, 10 are kept -> both within limits
    assert rows["headline"]["outside_limits"] == 0
    assert rows["headline"]["mean_words"] == pytest.approx((12 + 10) / 2)
    # extended is 120-200 words: 150 is within, 60 is too short -> one of two outside
    assert rows["extended"]["outside_limits"] == 1
    assert rows["extended"]["n"] == 2
    assert {"lead-3 (project)"} <= set(rows)


def test_schema_is_checked_line_by_line(tmp_path):
    good = {"id": "a", "article": "Text.", "references": ["Ref."], "peers": {"lead3": "Text."}}
    path = tmp_path / "data.jsonl"
    path.write_text(json.dumps(good) + "\n\n" + json.dumps({"id": "b", "article": "Text."}) + "\n")
    with pytest.raises(BadInput, match=r"data.jsonl line 3: missing field 'references'"):
        load_summaries(path)
    path.write_text(json.dumps({**good, "references": []}) + "\n")
    with pytest.raises(BadInput, match=r"line 1: field 'references' must be a non-empty list"):
        load_summaries(path)
    path.write_text("{not json\n")
    with pytest.raises(BadInput, match=r"line 1: not valid JSON"):
        load_summaries(path)
    path.write_text(json.dumps({k: v for k, v in good.items() if k != "peers"}) + "\n")
    assert load_summaries(path)[0].peers == {}  # peers are optional


def test_schema_error_is_one_line_and_exit_2(cli, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "x", "references": ["r"]}) + "\n")
    code, out, err = cli("eval", "summaries", "--data", str(path), "--out", str(tmp_path / "r"))
    assert code == 2
    assert err.strip() == "briefs: error: bad.jsonl line 1: missing field 'article'"
    assert "Traceback" not in err and not (tmp_path / "r").exists()


def test_flores_sentences_group_into_articles_by_url():
    meta = [{"URL": u, "domain": d} for u, d in [("A", "wikinews"), ("A", "wikinews"), ("B", "wikivoyage"), ("A", "wikinews")]]
    src, ref = ["a1", "a2", "b1", "a3"], ["A1", "A2", "B1", "A3"]
    assert flores_articles(src, ref, meta) == [("A", "a1 a2 a3", "A1 A2 A3"), ("B", "b1", "B1")]
    assert flores_articles(src, ref, meta, "wikivoyage") == [("B", "b1", "B1")]
    with pytest.raises(BadInput, match="known: wikinews, wikivoyage"):
        select_domain(meta, "sports", 4)
    with pytest.raises(BadInput, match="metadata has 4 rows but the test set has 3 lines"):
        select_domain(meta, None, 3)


# ---- end to end ----------------------------------------------------------------------------------------
@pytest.fixture
def summaries_file(tmp_path, english_text):
    paras = [p for p in english_text.split("\n\n") if p.strip()]
    rows = [
        {"id": "1", "article": "\n\n".join(paras[:2]), "references": [paras[0], paras[1]],
         "peers": {"first-para": paras[0]}},
        {"id": "2", "article": "\n\n".join(paras[2:4]), "references": [paras[2]], "peers": {"first-para": paras[2]}},
    ]
    path = tmp_path / "mini.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.slow
def test_eval_summaries_end_to_end(cli, tiny_model_args, summaries_file, tmp_path):
    out = tmp_path / "report"
    code, stdout, err = cli("eval", "summaries", "--data", str(summaries_file), "--tiers", "headline,short",
                            "--json", "--out", str(out), *tiny_model_args)
    assert code == 0, err
    report = json.loads(stdout)
    rows = {r["system"]: r for r in report["rows"]}
    assert set(rows) == {"headline", "short", "lead-3 (project)", "peer: first-para"}
    assert report["items"] == 2 and rows["headline"]["n"] == 2
    # a peer that is the first reference itself scores 100 against the first reference
    assert rows["peer: first-para"]["first"]["rouge1"] == pytest.approx(100.0)
    assert rows["headline"]["mean_words"] <= 14 and rows["short"]["mean_words"] <= 35
    assert rows["headline"]["engine"].startswith("seq2seq:")
    env = report["environment"]
    assert env["engine_requested"] == "neural" and env["versions"]["rouge-score"] and env["date"]
    assert report["data"][0]["path"].endswith("mini.jsonl")
    assert json.loads((out / "report.json").read_text())["rows"] == report["rows"]
    assert "| headline (seq2seq:" in (out / "report.md").read_text()
    assert (out / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_eval_mt_end_to_end_with_domain(cli, tiny_model_args, tmp_path):
    src, ref, meta = tmp_path / "t.ita", tmp_path / "t.eng", tmp_path / "t.tsv"
    src.write_text("Il ministro è arrivato.\nLa riunione è finita.\nIl treno parte alle otto.\n", encoding="utf-8")
    ref.write_text("The minister arrived.\nThe meeting ended.\nThe train leaves at eight.\n", encoding="utf-8")
    meta.write_text("URL\tdomain\ttopic\nu1\twikinews\tx\nu1\twikinews\tx\nu2\twikivoyage\ty\n", encoding="utf-8")
    code, stdout, err = cli("eval", "mt", "--source", str(src), "--reference", str(ref), "--metadata", str(meta),
                            "--domain", "wikinews", "--out", str(tmp_path / "r"), *tiny_model_args)
    assert code == 0, err
    assert "BLEU|nrefs:1|" in stdout and "chrF2|nrefs:1|" in stdout and "2 lines, domain wikinews" in stdout
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["lines"] == 2 and len(report["hypotheses"]) == 2
    assert report["engines"]["translator"].startswith("marian:")
    # misaligned files are bad input
    ref.write_text("The minister arrived.\n", encoding="utf-8")
    code, _, err = cli("eval", "mt", "--source", str(src), "--reference", str(ref), "--out", str(tmp_path / "r2"),
                       *tiny_model_args)
    assert code == 2 and "has 3 lines but t.eng has 1" in err


@pytest.mark.slow
def test_eval_crosslingual_end_to_end(cli, tiny_model_args, tmp_path):
    src, ref, meta = tmp_path / "f.ita", tmp_path / "f.eng", tmp_path / "f.tsv"
    src.write_text("Il ministro è arrivato a Roma lunedì.\nHa incontrato il sindaco della città.\n"
                   "Il treno per Milano parte alle otto.\n", encoding="utf-8")
    ref.write_text("The minister arrived in Rome on Monday.\nHe met the mayor of the city.\n"
                   "The train to Milan leaves at eight.\n", encoding="utf-8")
    meta.write_text("URL\tdomain\nu1\twikinews\nu1\twikinews\nu2\twikivoyage\n", encoding="utf-8")
    code, stdout, err = cli("eval", "crosslingual", "--source", str(src), "--reference", str(ref),
                            "--metadata", str(meta), "--source-lang", "it", "--tiers", "headline", "--json",
                            "--out", str(tmp_path / "r"), *tiny_model_args)
    assert code == 0, err
    report = json.loads(stdout)
    assert report["articles"] == 2 and report["briefed"] == 2
    assert [r["system"] for r in report["rows"]] == ["headline", "lead-3 (translation only)"]
    assert report["engines"]["translator"][0].startswith("marian:")
    assert report["per_item"][0]["briefs"]["headline"]["direct"]
