"""Honest evaluation: tune and test halves, paired bootstrap intervals, and the headline evaluation
against real headlines (briefs eval headlines)."""

import json

import pytest

from briefs.errors import BadInput
from briefs.evaluate import Rouge, best_sentence_words, bootstrap_diff, half, lead_words, load_headlines

ARTICLES = [
    ("rates", "Bank holds rates at 4.75%",
     "The Bank of England has left interest rates on hold at 4.75% for the sixth month in a row. The decision was "
     "expected by most economists. Inflation remains close to the target of 2%, the Bank said in a statement."),
    ("jobs", "Insurer Marsh cuts 2,500 jobs",
     "Up to 2,500 jobs are to go at US insurance broker Marsh after a fall in profits. The firm said the cuts "
     "would save $375m a year. Its shares rose 3% in early trading in New York."),
    ("strike", "Train strike grips Buenos Aires",
     "A strike on the Buenos Aires underground has caused traffic chaos and long queues at bus stops. Workers "
     "want a six-hour day. The city's mayor called for talks with the unions on Tuesday."),
]


def test_halves_are_disjoint_and_cover_the_file():
    items = list(range(11))
    tune, test = half(items, "tune"), half(items, "test")
    assert tune == [0, 2, 4, 6, 8, 10] and test == [1, 3, 5, 7, 9]
    assert sorted(tune + test) == items and half(items, "all") == items
    with pytest.raises(BadInput):
        half(items, "train")


def test_bootstrap_interval_brackets_the_mean_and_is_reproducible():
    a = [40 + (k % 7) for k in range(60)]
    b = [39 + (k % 5) for k in range(60)]
    ci = bootstrap_diff(a, b)
    assert ci["low"] <= ci["diff"] <= ci["high"] and ci == bootstrap_diff(a, b)
    same = bootstrap_diff(a, a)
    assert same == {"diff": 0.0, "low": 0.0, "high": 0.0}
    clear = bootstrap_diff([x + 5 for x in b], b)
    assert clear["low"] == clear["high"] == 5.0


def test_lead_words_is_the_first_sentence_cut():
    assert lead_words(ARTICLES[0][2], 5) == "The Bank of England has"


def test_the_extractive_ceiling_is_the_sentence_closest_to_the_headline():
    """Not the first sentence when a later one says the headline's words; cut to 14 words."""
    article = ARTICLES[1][2]
    assert best_sentence_words(article, "Marsh cuts will save $375m", Rouge()) == "The firm said the cuts would save $375m a year."
    assert best_sentence_words(article, ARTICLES[1][1], Rouge()) == lead_words(article, 14)
    assert len(best_sentence_words(ARTICLES[0][2], "rates on hold", Rouge()).split()) == 14


@pytest.fixture
def headlines_file(tmp_path):
    path = tmp_path / "heads.jsonl"
    path.write_text("".join(json.dumps({"id": i, "headline": h, "article": a}) + "\n" for i, h, a in ARTICLES),
                    encoding="utf-8")
    return path


def test_headlines_schema_is_checked(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "article": "Text."}\n', encoding="utf-8")
    with pytest.raises(BadInput, match="bad.jsonl line 1: missing field 'headline'"):
        load_headlines(bad)


def test_eval_headlines_end_to_end(cli, headlines_file, tmp_path):
    out = tmp_path / "report"
    code, stdout, err = cli("eval", "headlines", "--engine", "offline", "--data", str(headlines_file), "--json",
                            "--out", str(out))
    assert code == 0, err
    report = json.loads(stdout)
    rows = {r["system"]: r for r in report["rows"]}
    ceiling = "best sentence, 14 words (reads the headline: a ceiling)"
    assert set(rows) == {"headline", "lead-14 words", "lead-10 words", ceiling} and report["items"] == 3
    assert rows[ceiling]["kind"] == "ceiling" and rows[ceiling]["first"]["rouge1"] >= rows["lead-14 words"]["first"]["rouge1"]
    head = rows["headline"]
    assert head["ends_on_function_word"] == 0.0 and head["outside_limits"] == 0 and report["breaking_headline_rules"] == 0
    assert 6 <= head["mean_words"] <= 12 and 0 < head["first"]["rouge1"] <= 100
    assert set(head["vs_baseline"]["rouge1"]) == {"diff", "low", "high"}
    # the report copies none of the data's text (headline sets are often research-use)
    saved = (out / "report.json").read_text(encoding="utf-8")
    assert all(h not in saved and a[:40] not in saved for _, h, a in ARTICLES)
    assert "| headline (extractive) |" in (out / "report.md").read_text(encoding="utf-8")


def test_eval_summaries_half_reports_intervals_against_lead3(cli, tmp_path, english_text):
    path = tmp_path / "sums.jsonl"
    rows = [{"id": f"a{k}", "article": english_text, "references": ["Italy joins the minerals alliance."]} for k in range(4)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    code, stdout, err = cli("eval", "summaries", "--engine", "offline", "--data", str(path), "--half", "test",
                            "--tiers", "headline,short,bullets", "--json", "--out", str(tmp_path / "r"))
    assert code == 0, err
    report = json.loads(stdout)
    assert report["items"] == 2 and report["half"] == "test"
    bullets = next(r for r in report["rows"] if r["system"] == "bullets")
    assert bullets["vs_baseline"]["baseline"] == "lead-3 (project)"
    assert "paired bootstrap 95% CI" in (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
