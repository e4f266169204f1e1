"""The fidelity report: sentence alignment and brief attribution in the result, the checks an editor
relies on (numbers, names, untranslated words, dropped sentences, length, loops, invented facts),
`briefs check`, the Markdown and the measured trust on real human translations."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from briefs import Pipeline, wire
from briefs.evaluate.checks import corruptions, measure
from briefs.fidelity import (
    attribute,
    check_texts,
    content_words,
    loops,
    pair_checks,
    report,
)
from briefs.pipeline import Result
from briefs.render import markdown
from briefs.text import paragraphs
from briefs.translate.glossary import Glossary

ROOT = Path(__file__).resolve().parents[1]
MT = ROOT / "eval" / "data" / "mt"
CHECK_KEYS = {"kind", "where", "sentence", "text", "message"}


def kinds(source, target, **kw):
    return [c.kind for c in pair_checks(source, target, 0, **kw)]


@pytest.fixture(scope="module")
def offline_result(seed_text, tiny_config):
    return Pipeline(tiny_config.with_(engine="offline")).run(seed_text).to_dict()


# ---- the contract ---------------------------------------------------------------------------------------
def test_result_pairs_every_source_sentence_with_its_translation(offline_result, seed_text):
    tr = offline_result["translation"]
    sents = tr["sentences"]
    assert [s["id"] for s in sents] == list(range(len(sents)))
    assert {s.keys() == {"id", "paragraph", "source", "text"} for s in sents} == {True}
    # the pairs rebuild both sides paragraph by paragraph (of the article without its wire metadata)
    body = paragraphs(wire.split(seed_text).body)
    for k, (source_para, english_para) in enumerate(zip(body, tr["paragraphs"], strict=True)):
        mine = [s for s in sents if s["paragraph"] == k]
        assert " ".join(s["source"] for s in mine) == source_para
        assert " ".join(s["text"] for s in mine) == english_para
    assert "Tajani" in next(s["text"] for s in sents if "Tajani" in s["source"])


def test_every_brief_names_the_sentences_it_comes_from(offline_result):
    sents = {s["id"]: s["text"] for s in offline_result["translation"]["sentences"]}
    for brief in offline_result["briefs"]:
        assert brief["sources"], brief["tier"]
        if brief["tier"] == "bullets":
            assert all(isinstance(ids, list) and ids for ids in brief["sources"])
            assert len(brief["sources"]) == len([l for l in brief["text"].splitlines() if l.strip()])
        else:
            assert all(isinstance(i, int) and i in sents for i in brief["sources"])
    # an extractive headline is compressed from one sentence (its dateline dropped): that sentence
    headline = next(b for b in offline_result["briefs"] if b["tier"] == "headline")
    words = lambda t: set(re.findall(r"\w+", t.lower()))  # noqa: E731
    assert headline["sources"] == [0] and words(headline["text"]) <= words(sents[0])


@pytest.fixture(scope="module")
def flagged_result(flagged_article, tiny_config):
    return Pipeline(tiny_config.with_(engine="offline")).run(flagged_article).to_dict()


def test_result_round_trips_with_the_new_fields(offline_result, flagged_result):
    again = Result.from_dict(json.loads(json.dumps(flagged_result)))
    assert again.to_dict() == flagged_result
    assert {c.keys() == CHECK_KEYS for c in flagged_result["checks"]} == {True}
    old = dict(offline_result, translation={k: v for k, v in offline_result["translation"].items() if k != "sentences"})
    old.pop("checks")
    assert Result.from_dict(old).checks == []  # a result saved before these fields still loads


def test_neural_engines_keep_the_pairing_and_get_sources(tiny_pipeline, seed_text):
    result = tiny_pipeline.run("\n\n".join(paragraphs(seed_text)[:3]), tiers=["headline", "bullets"]).to_dict()
    assert len(result["translation"]["sentences"]) >= 3
    assert " ".join(s["text"] for s in result["translation"]["sentences"] if s["paragraph"] == 0) == \
        result["translation"]["paragraphs"][0]
    assert [b["tier"] for b in result["briefs"]] == ["headline", "bullets"]
    ids = {s["id"] for s in result["translation"]["sentences"]}
    headline, bullets = result["briefs"]
    assert set(headline["sources"]) <= ids
    assert all(isinstance(x, list) and set(x) <= ids for x in bullets["sources"])
    # a seq2seq brief sentence the article does not support is flagged, not silently attributed
    unsupported = {(c["where"], c["sentence"]) for c in result["checks"] if c["kind"] == "unsupported"}
    for k, x in enumerate(bullets["sources"]):
        assert x or ("brief:bullets", k) in unsupported


def test_english_input_gets_no_translation_checks(tiny_pipeline, english_text):
    result = tiny_pipeline.run(english_text, tiers=[]).to_dict()
    assert all(s["source"] == s["text"] for s in result["translation"]["sentences"])
    assert [c for c in result["checks"] if c["where"] == "translation"] == []


# ---- the checks -------------------------------------------------------------------------------------------
def test_numbers_in_italian_forms_match_and_a_changed_one_is_flagged():
    it = "Il 3 feb. sono stati stanziati 1,2 miliardi di euro per 15mila famiglie, il 3,5% in più."
    en = "On 3 February 1.2 billion euros were allocated for 15,000 families, 3.5% more."
    assert kinds(it, en) == []
    assert "number" in kinds(it, en.replace("1.2 billion", "1.2 million"))
    assert "number" in kinds(it, en.replace("15,000", "16,000"))
    assert "number" in kinds(it, en.replace("3 February", "4 February"))
    assert "number" in kinds("Sono 2.200.112 abitanti.", "There are 2,200,12 inhabitants.")
    assert kinds("Sono 2.200.112 abitanti.", "There are 2,200,112 inhabitants.") == []


def test_names_dropped_or_changed_are_flagged_translated_names_are_not():
    it = "Il ministro Antonio Tajani ha incontrato a Washington il segretario Marco Rubio."
    en = "Minister Antonio Tajani met Secretary Marco Rubio in Washington."
    assert kinds(it, en) == []
    assert "name" in kinds(it, en.replace(" Marco Rubio", ""))
    assert "name" in kinds(it, en.replace("Tajani", "Tajoli").replace("Antonio ", ""))
    glossary = Glossary.default()
    assert kinds("La Germania e la Cina.", "Germany and China.", glossary=glossary) == []
    assert "name" in kinds("La Germania e la Cina.", "Germany and Japan.", glossary=glossary)


def test_untranslated_words_are_flagged_english_is_not():
    found = pair_checks("Il titolare della Farnesina ha parlato di semiconduttori.",
                        "The titolare of the Italian Foreign Ministry spoke of semiconduttori and confiabilidad.", 0)
    assert sorted(c.text for c in found if c.kind == "untranslated") == ["confiabilidad", "semiconduttori", "titolare"]
    assert kinds("Il ministro ha parlato.", "The minister spoke.") == []


def test_every_leftover_word_of_the_offline_translation_is_flagged(offline_result, flagged_result, flagged_words):
    """The offline engine translates the seed with no Italian or Spanish word left (the leftovers it
    had before its dictionaries are not there, as whole words, and nothing is flagged); an article with
    words no dictionary holds has each of them flagged where it stands."""
    before = {"semiconduttori", "extraeuropei", "sottosegretario", "riconfigurazione", "resiliencia", "manifattura",
              "antaño", "confiabilidad", "titolare", "coordinamento", "filiere", "rappresaglia", "siti", "mercè",
              "benefica", "emprendedores", "augurado"}
    seed_words = set(re.findall(r"\w+", offline_result["translation"]["text"].lower()))
    assert not before & seed_words
    assert not [c for c in offline_result["checks"] if c["kind"] == "untranslated"]
    flagged = {c["text"] for c in flagged_result["checks"] if c["kind"] == "untranslated"}
    english_words = set(re.findall(r"\w+", flagged_result["translation"]["text"]))
    assert flagged_words & english_words == flagged_words  # still left by the engine
    assert flagged_words <= flagged
    for c in flagged_result["checks"]:
        if c["kind"] == "untranslated":
            s = flagged_result["translation"]["sentences"][c["sentence"]]
            assert c["text"] in s["text"]


def test_dropped_sentences_length_and_loops():
    assert kinds("Il governo ha deciso di aumentare le tasse sulle sigarette.", "") == ["dropped"]
    assert "length" in kinds("Il governo ha deciso di aumentare le tasse sulle sigarette dal prossimo anno.", "Taxes.")
    assert loops("the the the the cat") == ["the"]
    assert loops("we have we have we have a plan") == ["we have"]
    assert loops("a normal sentence with no loop in it") == []
    assert "repeat" in kinds("Il governo ha deciso.", "The government has decided decided decided decided.")
    source = "Il governo ha deciso. Le tasse aumentano del 5%. Lo ha detto Mario Rossi ieri a Roma."
    english = "The government has decided. Mario Rossi said so yesterday in Rome."
    dropped = [c for c in check_texts(source, english) if c.kind in ("dropped", "number")]
    assert dropped and all(c.sentence == 1 for c in dropped)


def test_brief_attribution_and_invented_facts():
    sentences = [{"id": 0, "paragraph": 0, "source": "", "text": "The minister met Marco Rubio in Washington."},
                 {"id": 1, "paragraph": 0, "source": "", "text": "The fund is worth 10 billion dollars."},
                 {"id": 2, "paragraph": 1, "source": "", "text": "Australia announced a reserve."}]
    sources, found = report(sentences, [("short", "The fund is worth 10 billion dollars.", False),
                                        ("bullets", "- The minister met Rubio.\n- Australia announced a reserve.", True),
                                        ("headline", "Giorgia Meloni pledges 12 billion for rare earth mines", False)],
                            translated=False)
    assert sources[:2] == [[1], [[0], [2]]]
    invented = sorted(c.text for c in found if c.kind == "invented")
    assert "12 billion" in invented and "Giorgia Meloni" in invented
    assert {c.where for c in found} == {"brief:headline"}
    assert any(c.kind == "unsupported" for c in found)
    ids, share = attribute("Rubio met the minister", [set(content_words(s["text"])) for s in sentences])
    assert ids == [0] and share == 1.0


# ---- where people see it ---------------------------------------------------------------------------------
def test_markdown_lists_the_checks_after_the_briefs(flagged_result):
    text = markdown(Result.from_dict(flagged_result))
    assert flagged_result["checks"]
    assert text.index("## Checks") > text.index("## Extended") and text.index("## Checks") < text.index("## English")
    assert "sottoprefetto" in text.split("## Checks")[1].split("## English")[0]


def test_briefs_check_command(cli, tmp_path):
    src, tgt = tmp_path / "src.txt", tmp_path / "tgt.txt"
    src.write_text("Il governo ha stanziato 1,2 miliardi.\nMario Draghi ha parlato a Roma.\n", encoding="utf-8")
    tgt.write_text("The government allocated 1.2 billion.\nDraghi spoke in Paris.\n", encoding="utf-8")
    code, out, err = cli("check", "--source", str(src), "--translation", str(tgt), "--lines")
    assert code == 0, err
    lines = [json.loads(l) for l in out.splitlines()]
    assert [l["line"] for l in lines] == [1, 2]
    assert lines[0]["checks"] == []
    assert [c["kind"] for c in lines[1]["checks"]] == ["name"] and lines[1]["checks"][0]["text"] == "Roma"
    code, out, err = cli("check", "--source", str(src), "--translation", str(tgt), "--json")
    assert code == 0 and [c["text"] for c in json.loads(out)["checks"]] == ["Roma"]
    (tmp_path / "short.txt").write_text("one line\n", encoding="utf-8")
    code, out, err = cli("check", "--source", str(src), "--translation", str(tmp_path / "short.txt"), "--lines")
    assert code == 2 and err.count("\n") == 1 and "2 lines" in err and "Traceback" not in err
    code, out, err = cli("check", "--source", str(tmp_path / "missing.txt"), "--translation", str(tgt))
    assert code == 2 and "no such file" in err


# ---- measured trust ----------------------------------------------------------------------------------------
def test_corruptions_of_real_references_are_flagged():
    """A small real sample (newssyscomb2009, first 160 lines): at least 90% of the digits changed,
    scales swapped, names dropped and sentences deleted are flagged, and the clean references
    raise few number/name checks."""
    src = (MT / "newssyscomb2009.ita").read_text(encoding="utf-8").splitlines()[:160]
    ref = (MT / "newssyscomb2009.eng").read_text(encoding="utf-8").splitlines()[:160]
    made = corruptions(src, ref)
    assert {c.kind for c in made} == {"digit", "scale", "name", "sentence"}
    assert all(c.corrupted != c.clean for c in made)
    out = measure(src, ref, glossary=Glossary.default())
    assert out["recall"]["all"] >= 0.9, out["recall"]
    assert out["false_checks_per_100"]["number_name"] <= 5, out["false_checks_per_100"]


@pytest.mark.slow  # a batch job in a subprocess
def test_batch_output_carries_the_report(cli, tmp_path, flagged_article):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("\n\n".join(paragraphs(flagged_article)[:2]), encoding="utf-8")
    code, _, err = cli("batch", str(folder), str(tmp_path / "out.jsonl"), "--engine", "offline", "--tiers", "headline")
    assert code == 0, err
    (line,) = [json.loads(l) for l in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert line["translation"]["sentences"] and line["briefs"][0]["sources"]
    assert "sottoprefetto" in [c["text"] for c in line["checks"]]


def test_eval_checks_command(cli):
    args = ["eval", "checks", "--source", str(MT / "newssyscomb2009.ita"), "--reference", str(MT / "newssyscomb2009.eng")]
    code, out, err = cli(*args, "--limit", "40", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["sentences"] == 40 and report["data"]["limit"] == 40
    assert {"number_name", "all", "by_kind"} <= set(report["false_checks_per_100"])
    assert report["recall"]["corruptions"] > 0 and 0 <= report["recall"]["all"] <= 1
    code, _, err = cli(*args, "--offset", "100000")
    assert code == 2 and "no lines" in err and err.count("\n") == 1
