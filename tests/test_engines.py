"""The engine registry: an engine is one module plus one registry line; the translation memory
files its output under the engine's own `output_key()`; errors carry structured fields."""

from __future__ import annotations

import json
import pickle

import pytest

from briefs import Config, Pipeline, engines
from briefs.cli import main as cli_main
from briefs.errors import EngineUnavailable, ModelUnavailable
from briefs.translate.memory import MemoryTranslator, TranslationMemory
from toy_engine import ToyTranslator

FRENCH = "Le ministre arrive ce soir.\n\nLa conférence commence demain."


@pytest.fixture
def toy(monkeypatch):
    monkeypatch.setitem(engines.TRANSLATORS, "toy", ToyTranslator)  # the one registry line


@pytest.fixture
def french(tmp_path):
    path = tmp_path / "fr.txt"
    path.write_text(FRENCH, encoding="utf-8")
    return str(path)


def test_an_unregistered_engine_is_not_used(french, capsys):
    code = cli_main(["run", french, "--engine", "offline", "--source-lang", "fr", "--tiers", "headline"])
    assert code == 2 and "unsupported source language 'fr'" in capsys.readouterr().err


def test_a_registered_engine_serves_its_language_through_the_cli(toy, french, capsys):
    code = cli_main(["run", french, "--json", "--engine", "offline", "--source-lang", "fr", "--tiers", "headline"])
    out = capsys.readouterr()
    assert code == 0, out.err
    result = json.loads(out.out)
    assert result["translation"]["engine"] == "toy:fr"
    assert result["translation"]["paragraphs"][0] == "the minister arrives this evening."
    assert [b["tier"] for b in result["briefs"]] == ["headline"]


def test_auto_falls_back_to_the_registered_offline_engine(toy, tmp_path):
    pipeline = Pipeline(Config(mt_models={"fr": str(tmp_path / "missing")}))
    translator, warnings = pipeline.translator("fr")
    assert translator.name == "toy:fr"
    assert warnings == [f"neural MT model {tmp_path / 'missing'} cannot be loaded (no such model directory); "
                        "used toy:fr"]


def test_memory_keys_on_the_engines_output_settings(toy, tmp_path):
    """Changing a setting that changes the output must not bring back translations remembered
    under the old one; the same settings reuse them."""
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    runs = []
    for beams in (4, 1, 4):
        pipeline = Pipeline(Config(engine="offline", num_beams=beams), memory=lambda t: MemoryTranslator(t, memory))
        runs.append(pipeline.run(FRENCH, source_lang="fr", tiers=[]).translation.paragraphs[0])
    assert runs == ["the minister arrives this evening.", "THE MINISTER ARRIVES THIS EVENING.",
                    "the minister arrives this evening."]
    keys = {row[0] for row in memory.db.execute("SELECT engine FROM memory")}
    assert keys == {"toy:fr|shout=False", "toy:fr|shout=True"}
    memory.close()


def test_engine_errors_carry_structured_fields():
    err = ModelUnavailable("org/model", "CUDA was asked for but torch sees no GPU; use --device cpu")
    assert (err.model, err.reason, err.exit_code) == ("org/model", "CUDA was asked for but torch sees no GPU; use --device cpu", 3)
    assert err.what == "model org/model cannot be loaded (CUDA was asked for but torch sees no GPU; use --device cpu)"
    assert str(err) == f"{err.what}; {err.advice}" and "briefs models pull" in err.advice
    again = pickle.loads(pickle.dumps(err))  # errors cross process boundaries (Ray actors)
    assert (type(again), again.model, str(again)) == (ModelUnavailable, err.model, str(err))
    plain = EngineUnavailable("offline translator unavailable", "install it")
    assert (plain.what, plain.advice, str(pickle.loads(pickle.dumps(plain)))) == (
        "offline translator unavailable", "install it", "offline translator unavailable; install it")
