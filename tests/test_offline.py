"""Offline mode on real text: the apertium pivot (names, glossary, numbers, alignment), the
extractive briefs within every tier's limits, and the fallback from neural engines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from briefs import Config, Pipeline
from briefs.errors import BadInput, EngineUnavailable
from briefs.summarize.extractive import ExtractiveSummarizer
from briefs.summarize.tiers import load_tiers
from briefs.text import paragraphs, sentences, word_count
from briefs.translate.apertium import ApertiumTranslator
from briefs.translate.glossary import Glossary, GlossaryTranslator
from briefs.translate.marian import MarianTranslator

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_48b0761d22084af5.txt"

TIERS = load_tiers(Config().prompts_dir)


@pytest.fixture(scope="module")
def seed_offline(offline_pipeline, seed_text):
    return offline_pipeline.run(seed_text)


def seed_sentences(text: str) -> list[str]:
    return [s for p in paragraphs(text) for s in sentences(p)]


# ---- apertium ---------------------------------------------------------------------------------------
def test_seed_names_and_glossary_terms_come_out_right(seed_offline):
    english = seed_offline.translation.text
    assert seed_offline.translation.engine == "apertium:ita-spa-eng"
    for name in ("Marco Rubio", "J.D. Vance", "Antonio Tajani", "David Copley", "Jacob Helberg", "Donald Trump", "Maros Sefcovic"):
        assert name in english
    assert "China" in english and "Cina" not in english
    assert "Italian Foreign Ministry" in english and "Farnesina" not in english
    assert not re.search(r"\b(?:Mark|Blond)\b", english)
    assert not re.search(r"(?<!\w)[*#@]\w", english)  # no unknown-word marks


def test_the_pivot_alone_mangles_names(apertium):
    # What protection is for: without it the second step turns the name into English words.
    bare = ApertiumTranslator("it", glossary=Glossary(), protect_names=False)
    sentence = "Per gli Usa parteciperà il Segretario di Stato Marco Rubio."
    assert "Marco Rubio" not in bare.translate([sentence])[0]
    assert "Marco Rubio" in apertium.translate([sentence])[0]


def test_name_opening_a_sentence_is_protected_when_seen_inside_another(apertium):
    out = apertium.translate(["Il segretario Marco Rubio è arrivato ieri.", "Rubio ha parlato con la stampa."])
    assert "Marco Rubio" in out[0]
    assert out[1].startswith("Rubio ")


def test_common_words_and_places_are_still_translated(apertium):
    (out,) = apertium.translate(["Il Segretario di Stato è arrivato in Europa con il ministro."])
    assert "Secretary of State" in out and "Europe" in out


def test_glossary_articles_and_numbers(apertium):
    out = apertium.translate([
        "Le esportazioni della Cina sono cresciute del 5% in un anno.",
        "La Farnesina ha stanziato 1,2 miliardi per il Mezzogiorno.",
    ])
    assert "of China" in out[0] and "the China" not in out[0] and "5%" in out[0]
    assert out[1].startswith("The Italian Foreign Ministry") and "1.2 billion" in out[1]
    assert "southern Italy" in out[1] and "the southern Italy" not in out[1]


def test_one_output_per_sentence_in_order_whatever_the_text(apertium):
    source = [f"Il ministro ha parlato {k} volte con i giornalisti" for k in range(60)]
    awkward = ["", "Titolo senza punto", "Che cosa succede?", "Prezzi [in calo] a $5 / @mercato <oggi> {x} \\ ~ # * fine.",
               "«Virgolette» e “altre” e l’apostrofo.", "Uno. Due. Tre."]
    sentences_in = awkward[:3] + source + awkward[3:]
    out = apertium.translate(sentences_in)
    assert len(out) == len(sentences_in)
    assert out[0] == ""
    numbered = out[3 : 3 + len(source)]
    assert [int(re.search(r"\d+", o).group()) for o in numbered] == list(range(60))
    assert "[" in out[-3] and "$5" in out[-3] and "@" in out[-3]


def test_missing_apertium_is_engine_unavailable(monkeypatch):
    monkeypatch.setenv("BRIEFS_APERTIUM", "/nonexistent/apertium")
    with pytest.raises(EngineUnavailable, match="apt-get install apertium apertium-spa-ita apertium-eng-spa cg3"):
        ApertiumTranslator("it")


def test_missing_apertium_exits_3_with_one_line(cli):
    code, out, err = cli("run", str(SEED), "--engine", "offline", env={"BRIEFS_APERTIUM": "/nonexistent/apertium"})
    assert code == 3 and out == ""
    assert len(err.strip().splitlines()) == 1 and "apt-get install apertium" in err


# ---- glossary -----------------------------------------------------------------------------------------
class _Echo:
    """A stand-in MT engine whose English output we choose (the neural engine's place)."""

    name = "marian:fake"

    def __init__(self, outputs: list[str]):
        self.outputs = outputs

    def translate(self, sentences, progress=None):
        return self.outputs[: len(sentences)]


def test_glossary_rewrites_any_engines_output():
    glossary = Glossary.default()
    inner = _Echo(["the Farnesina said so.", "Exports of the Cina fell.", "The Cina replied.", "Forza Italia voted."])
    t = GlossaryTranslator(inner, glossary)
    assert t.name == "marian:fake"
    assert t.translate(["a", "b", "c", "d"]) == [
        "the Italian Foreign Ministry said so.", "Exports of China fell.", "China replied.", "Forza Italia voted.",
    ]


def test_pipeline_puts_the_glossary_on_the_neural_engine(tiny_config, tmp_path, seed_text):
    user = tmp_path / "mine.tsv"
    user.write_text("# mine\nFarnesina\tthe Foreign Office\n", encoding="utf-8")
    pipeline = Pipeline(tiny_config.with_(glossary=user))
    translator, warnings = pipeline.translator("it")
    assert isinstance(translator, GlossaryTranslator) and translator.name.startswith("marian:")
    assert pipeline.glossary().apply("the Farnesina") == "the Foreign Office"  # the user's entry wins
    assert pipeline.translator("en")[0].name == "identity"


def test_user_glossary_protects_names_in_offline_mode(tmp_path, seed_text):
    user = tmp_path / "names.tsv"
    user.write_text("Progetto Vault\nWadephul\tJohann Wadephul\n", encoding="utf-8")
    english = Pipeline(Config(engine="offline", glossary=user)).run(seed_text, tiers=[]).translation.text
    assert "Progetto Vault" in english and "Project Vault" not in english
    assert "Johann Wadephul" in english


def test_bad_glossary_fails_every_document_alike_and_is_read_once(tmp_path, tiny_config, seed_text, monkeypatch):
    """In run_many (a batch) every document gets the same one-line error; the file is read once
    and no translation model is built for a job that cannot run."""
    bad = tmp_path / "bad.tsv"
    bad.write_text("Cina\tChina\textra column\n", encoding="utf-8")
    reads = []
    real = Glossary.default.__func__
    monkeypatch.setattr(Glossary, "default", classmethod(lambda cls, *a: reads.append(a) or real(cls, *a)))
    pipe = Pipeline(tiny_config.with_(glossary=bad))
    made = []
    monkeypatch.setattr(MarianTranslator, "from_config", classmethod(lambda cls, *a: made.append(a)))
    out = pipe.run_many([seed_text[:300], seed_text[300:700]], tiers=[])
    assert all(isinstance(r, BadInput) and "bad.tsv, line 1" in str(r) for r in out)
    assert len(reads) == 1 and made == []


def test_bad_glossary_is_bad_input(tmp_path, cli):
    bad = tmp_path / "bad.tsv"
    bad.write_text("Cina\tChina\textra column\n", encoding="utf-8")
    with pytest.raises(BadInput, match="line 1"):
        Glossary.load(bad)
    code, _, err = cli("run", str(SEED), "--engine", "offline", "--glossary", str(bad))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "bad.tsv, line 1" in err
    code, _, err = cli("run", str(SEED), "--engine", "offline", "--glossary", str(tmp_path / "missing.tsv"))
    assert code == 2 and "glossary file not found" in err


# ---- extractive briefs -----------------------------------------------------------------------------------
def _check_tiers(briefs: list[str], article: str) -> None:
    source_words = set(re.findall(r"[^\W_][\w'’-]*", article.lower()))
    for tier, text in zip(TIERS, briefs):
        words = word_count(text)
        assert text and words <= tier.max_words, (tier.name, text)
        assert set(re.findall(r"[^\W_][\w'’-]*", text.lower())) <= source_words, (tier.name, text)  # no word cut in two
        if tier.shape == "line":
            assert "\n" not in text and not text.endswith(".")
        if tier.shape == "bullets":
            items = text.splitlines()
            assert tier.min_items <= len(items) <= tier.max_items and all(i.startswith("- ") for i in items)
        if tier.shape == "paragraph":
            assert words >= min(tier.min_words, word_count(article)), words
        if tier.shape != "paragraph" or word_count(article) >= tier.min_words:
            assert tier.within_limits(text), (tier.name, text)


def test_extractive_tiers_on_the_seed_translated_offline(seed_offline):
    briefs = [b.text for b in seed_offline.briefs]
    assert [b.tier for b in seed_offline.briefs] == [t.name for t in TIERS]
    assert {b.engine for b in seed_offline.briefs} == {"extractive"}
    _check_tiers(briefs, seed_offline.translation.text)


@pytest.mark.parametrize("variant", ["tfidf", "minilm"])
def test_extractive_tiers_on_english_text(english_text, variant):
    summarizer = ExtractiveSummarizer(variant)
    raw = summarizer.summarize(english_text, TIERS)
    briefs = [t.enforce(r) for t, r in zip(TIERS, raw)]
    assert briefs == raw  # the engine already honours the limits; enforce changes nothing
    _check_tiers(briefs, english_text)
    # A short article (under the extended tier's minimum) gives all it has.
    assert word_count(briefs[-1]) == word_count(english_text) < TIERS[-1].min_words


def test_extractive_handles_long_sentences_and_tiny_input():
    long = " ".join(["The committee, after a debate that lasted the whole night and part of the morning, approved the plan"] * 1)
    text = "\n\n".join([long + f" number {k} with a very long list of conditions, amendments and exceptions." for k in range(5)])
    briefs = [t.enforce(r) for t, r in zip(TIERS, ExtractiveSummarizer().summarize(text, TIERS))]
    _check_tiers(briefs[:3], text)
    assert ExtractiveSummarizer().summarize("Short.", TIERS)[0] == "Short."


# ---- engine choice and fallback -------------------------------------------------------------------------
@pytest.mark.slow
def test_auto_falls_back_to_offline_engines_with_warnings(cli, tmp_path):
    missing_mt, missing_sum = tmp_path / "no-mt-model", tmp_path / "no-summarizer"
    code, out, err = cli("run", str(SEED), "--json", "--engine", "auto",
                         "--mt-model", f"it={missing_mt}", "--summarizer-model", str(missing_sum))
    assert code == 0, err
    result = json.loads(out)
    assert result["translation"]["engine"] == "apertium:ita-spa-eng"
    assert {b["engine"] for b in result["briefs"]} == {"extractive"}
    mt_warning, sum_warning = result["warnings"]
    assert mt_warning.startswith(f"neural MT model {missing_mt} cannot be loaded") and mt_warning.endswith("used apertium:ita-spa-eng")
    assert str(missing_sum) in sum_warning and sum_warning.endswith("used extractive")


@pytest.mark.slow
def test_offline_json_contract(cli):
    code, out, err = cli("run", str(SEED), "--engine", "offline", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert set(result) >= {"source", "translation", "briefs", "warnings", "timings_ms"}
    assert result["source"]["language"] == "it" and result["warnings"] == []
    assert "Marco Rubio" in result["translation"]["text"] and "China" in result["translation"]["text"]
    assert [b["tier"] for b in result["briefs"]] == [t.name for t in TIERS]
    for tier, brief in zip(TIERS, result["briefs"]):
        assert tier.within_limits(brief["text"]), brief
        assert brief["words"] == word_count(brief["text"])


def test_neural_engine_does_not_fall_back(tmp_path):
    pipeline = Pipeline(Config(engine="neural", mt_models={"it": str(tmp_path / "none")}))
    with pytest.raises(EngineUnavailable, match="no such model directory"):
        pipeline.translator("it")
