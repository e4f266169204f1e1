"""The whole pipeline through the production loading code, on tiny random-weight models."""

import json
from dataclasses import replace

import pytest

from briefs import Config, Pipeline
from briefs.errors import BadInput, ModelUnavailable, UnsupportedLanguage
from briefs.pipeline import Result
from briefs.summarize.seq2seq import Seq2SeqSummarizer
from briefs.summarize.tiers import load_tiers
from briefs.synthetic import build_bart
from briefs.text import paragraphs, sentences, word_count
from briefs.translate.marian import MarianTranslator


@pytest.fixture(scope="module")
def seed_result(tiny_pipeline, seed_text):
    return tiny_pipeline.run(seed_text)


def test_result_contract(seed_result, seed_text, tiny_marian, tiny_bart):
    d = seed_result.to_dict()
    assert set(d) >= {"source", "translation", "briefs", "warnings", "timings_ms"}
    assert d["source"]["language"] == "it" and d["source"]["confidence"] > 0.9
    assert d["source"]["paragraphs"] == len(paragraphs(seed_text)) == 9
    assert d["source"]["mixed_languages"] == []
    assert d["translation"]["engine"] == f"marian:{tiny_marian}"
    assert d["translation"]["text"] == "\n\n".join(d["translation"]["paragraphs"])
    assert [b["tier"] for b in d["briefs"]] == ["headline", "short", "bullets", "extended"]
    for b in d["briefs"]:
        assert set(b) == {"tier", "text", "words", "engine", "sources"}
        assert b["engine"] == f"seq2seq:{tiny_bart}" and b["words"] == word_count(b["text"])
    assert set(d["timings_ms"]) == {"detect", "translate", "summarize", "check"}
    assert Result.from_dict(json.loads(json.dumps(d))) == seed_result  # what the web API returns reads back


def test_briefs_within_tier_limits(seed_result):
    limits = {t.name: t for t in load_tiers(Config().prompts_dir)}
    for brief in seed_result.briefs:
        tier = limits[brief.tier]
        assert 0 < brief.words <= tier.max_words, brief
    headline = seed_result.briefs[0].text
    assert "\n" not in headline and not headline.endswith(".")


@pytest.mark.slow
def test_paragraphs_translated_in_order(tiny_config, seed_text):
    # one sentence per batch: random weights make near-ties that padding could flip
    pipeline = Pipeline(replace(tiny_config, mt_batch_tokens=1))
    result = pipeline.run(seed_text, tiers=[])
    translator, _ = pipeline.translator("it")
    assert len(result.translation.paragraphs) == 9
    for source, english in zip(paragraphs(seed_text), result.translation.paragraphs):
        assert english == " ".join(translator.translate(sentences(source)))


def test_english_input_is_not_translated(tiny_pipeline, english_text):
    result = tiny_pipeline.run(english_text, tiers=["headline"])
    assert result.source.language == "en"
    assert result.translation.engine == "identity"
    assert result.translation.paragraphs == paragraphs(english_text)
    assert [b.tier for b in result.briefs] == ["headline"]


def test_routing_map_and_unsupported_language(tiny_config, tiny_marian):
    french = "Le ministre des affaires étrangères arrivera ce soir à Washington pour la conférence sur les minéraux critiques."
    with pytest.raises(UnsupportedLanguage, match="'fr'"):
        Pipeline(tiny_config).run(french)
    mapped = Pipeline(replace(tiny_config, mt_models={"it": str(tiny_marian), "fr": str(tiny_marian)}))
    assert mapped.run(french, tiers=[]).translation.engine == f"marian:{tiny_marian}"
    fallback = Pipeline(replace(tiny_config, mt_models={}, mt_fallback=str(tiny_marian), mt_fallback_languages=frozenset({"fr"})))
    assert fallback.run(french, tiers=[]).source.language == "fr"


def test_source_lang_override_skips_detection(tiny_pipeline):
    result = tiny_pipeline.run("Ciao.", source_lang="it", tiers=[])
    assert result.source.language == "it" and result.source.confidence == 1.0


def test_too_short_to_detect(tiny_pipeline):
    with pytest.raises(BadInput, match="too short.*--source-lang"):
        tiny_pipeline.run("Ciao a tutti.")


def test_mixed_languages_reported(tiny_pipeline, seed_text, english_text):
    mixed = seed_text + "\n\n" + paragraphs(english_text)[1]
    result = tiny_pipeline.run(mixed, tiers=[])
    assert result.source.language == "it" and result.source.mixed_languages == ["en"]
    assert any("en" in w for w in result.warnings)


def test_overlong_sentence_split_at_clauses_never_truncated(tiny_marian, seed_text):
    translator = MarianTranslator(str(tiny_marian), num_beams=1)
    clauses = [s.rstrip(".") for p in paragraphs(seed_text) for s in sentences(p)]
    monster = ", ".join(clauses * 3) + "."
    assert translator.n_tokens(monster) > 512
    pieces = translator.split_long(monster)
    assert len(pieces) > 1
    assert all(translator.n_tokens(p) <= translator.max_tokens for p in pieces)
    assert " ".join(pieces) == monster  # nothing dropped
    for left, right in zip(pieces, pieces[1:]):  # cut at clause boundaries
        assert left.endswith((",", ";", ":")) or right.startswith(("–", "—", "-")), (left[-20:], right[:20])
    out = translator.translate([monster, "Breve frase."])
    assert len(out) == 2 and out[0] and out[1]


def test_model_unavailable_names_the_model(tiny_config, seed_text, tmp_path):
    missing = str(tmp_path / "no-such-model")
    pipe = Pipeline(replace(tiny_config, mt_models={"it": missing}))
    with pytest.raises(ModelUnavailable) as err:
        pipe.run(seed_text)
    assert missing in str(err.value) and "briefs models pull" in str(err.value)
    assert err.value.exit_code == 3


def test_long_article_is_summarized_in_chunks(tmp_path_factory, corpus, english_text):
    small = build_bart(tmp_path_factory.mktemp("models") / "bart-128", corpus, bpe_vocab=1000, max_position_embeddings=128)
    summarizer = Seq2SeqSummarizer(str(small), num_beams=1)
    article = "\n\n".join([english_text] * 3)
    budget = summarizer.budget
    assert budget == summarizer.window == 128  # a plain model reads its whole window
    chunks = summarizer.chunks(article, budget)
    assert len(chunks) > 1 and all(summarizer.n_tokens(c) <= budget for c in chunks)
    assert " ".join(chunks) == " ".join(s for p in paragraphs(article) for s in sentences(p))  # every sentence kept
    fed = []
    original = summarizer._generate
    summarizer._generate = lambda text, tier, encoded=None: fed.append((text, tier.name)) or original(text, tier, encoded)
    out = summarizer.summarize(article, load_tiers(Config().prompts_dir, ["headline", "short"]))
    assert len(out) == 2
    assert [t for t, name in fed if name == "chunk"][: len(chunks)] == chunks  # every chunk was read
    assert summarizer.n_tokens(fed[-1][0]) <= budget  # the tiers read a text that fits the window


def test_models_load_once_per_process(tiny_config, tiny_bart):
    from briefs.models import _load

    Pipeline(tiny_config).summarizer()
    before = _load.cache_info()
    for _ in range(3):  # new pipelines (as web workers or batch actors make) reuse the loaded model
        Pipeline(tiny_config).summarizer()
    after = _load.cache_info()
    assert after.misses == before.misses and after.hits >= before.hits + 3


def test_progress_reports_every_stage(tiny_pipeline, seed_text):
    seen = []
    tiny_pipeline.run(seed_text, tiers=["headline", "short"], progress=lambda stage, done, total: seen.append((stage, done, total)))
    stages = [s for s, _, _ in seen]
    assert stages[0] == "detect" and "translate" in stages and stages[-1] == "summarize"
    assert seen[-1] == ("summarize", 2, 2)
    last_translate = [x for x in seen if x[0] == "translate"][-1]
    assert last_translate[1] == last_translate[2]


def test_run_many_keeps_going_after_a_bad_document(tiny_pipeline, seed_text):
    results = tiny_pipeline.run_many([seed_text, "", seed_text], tiers=[])
    assert isinstance(results[1], BadInput)
    assert results[0].translation.paragraphs == results[2].translation.paragraphs
