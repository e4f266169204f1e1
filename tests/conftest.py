"""Shared fixtures: tiny models of the real classes, built once per test session.

Nothing here reaches the network: the hub is switched off and any connection to a non-loopback
address fails the test.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ["BRIEFS_MEMORY"] = "off"  # no test writes to the user's translation memory; memory tests name theirs

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_48b0761d22084af5.txt"
ENGLISH = Path(__file__).parent / "data" / "english.txt"

_connect = socket.socket.connect


def _loopback_only(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1", "0.0.0.0")) and self.family != socket.AF_UNIX:
        raise RuntimeError(f"test tried to reach the network: {address}")
    return _connect(self, address)


socket.socket.connect = _loopback_only


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


# Real Italian news prose with words the offline engine's dictionaries do not hold (it translates the
# seed with none left): what the fidelity report must flag as left untranslated.
FLAGGED_PARAGRAPH = (
    "Il sindaco ha ricevuto il sottoprefetto comunale dopo le vampate dei vacanzieri. La volpe è entrata nell'ufficio del "
    "sottoprefetto di Mario Bianchi il 3 febbraio 2026, e 1,2 miliardi di euro sono stati stanziati per 15mila famiglie."
)
# words no dictionary of the lexicon holds, nor MultiWordNet ("monovolume" was one until it came: "minivan")
FLAGGED_WORDS = frozenset({"sottoprefetto", "vampate", "vacanzieri"})


@pytest.fixture(scope="session")
def flagged_words() -> frozenset[str]:
    """The words of FLAGGED_PARAGRAPH that the offline engine leaves in Italian."""
    return FLAGGED_WORDS


@pytest.fixture(scope="session")
def flagged_article(seed_text) -> str:
    """The flagged paragraph, then three paragraphs of the seed."""
    from briefs.text import paragraphs

    return "\n\n".join([FLAGGED_PARAGRAPH, *paragraphs(seed_text)[1:4]])


@pytest.fixture(scope="session")
def english_text() -> str:
    return ENGLISH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def corpus(seed_text, english_text) -> str:
    return seed_text + "\n" + english_text


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory, corpus) -> Path:
    """An opus-mt-shaped directory (MarianMTModel, SentencePiece trained on the seed) with random weights."""
    from briefs.synthetic import build_marian

    return build_marian(tmp_path_factory.mktemp("models") / "tiny-opus-mt-it-en", corpus, eos_bias=0.2)


@pytest.fixture(scope="session")
def tiny_bart(tmp_path_factory, corpus) -> Path:
    """A BART summarizer directory (byte-level BPE trained on the texts) with random weights."""
    from briefs.synthetic import build_bart

    return build_bart(tmp_path_factory.mktemp("models") / "tiny-bart", corpus, bpe_vocab=1000, eos_bias=0.5)


@pytest.fixture(scope="session")
def tiny_config(tiny_marian, tiny_bart):
    from briefs import Config

    # the torch backends, whose models load through briefs.models (tests/test_fast_paths.py covers
    # the CTranslate2 and int8 defaults; the CLI tests run the defaults end to end)
    return Config(engine="neural", mt_models={"it": str(tiny_marian)}, mt_fallback=None,
                  summarizer_model=str(tiny_bart), num_beams=2, summary_beams=1, threads=1,
                  mt_backend="torch", summary_backend="torch")


@pytest.fixture(scope="session", autouse=True)
def briefs_cache(tmp_path_factory) -> Path:
    """Converted models (CTranslate2) and bench models go to a temporary cache, never ~/.cache;
    CLI subprocesses inherit it."""
    path = tmp_path_factory.mktemp("briefs-cache")
    os.environ["BRIEFS_CACHE"] = str(path)
    return path


@pytest.fixture(scope="session")
def tiny_pipeline(tiny_config):
    from briefs import Pipeline

    return Pipeline(tiny_config)


@pytest.fixture(scope="session")
def apertium():
    """The offline engine's Italian translator (Apertium + the word lexicon), no weights."""
    from briefs.translate.apertium import ApertiumTranslator

    return ApertiumTranslator("it")


@pytest.fixture(scope="session")
def offline_pipeline():
    """A Pipeline on the offline engine: real text end to end, no weights."""
    from briefs import Config, Pipeline

    return Pipeline(Config(engine="offline"))


def run_cli(*args: str, stdin: bytes | None = None, env: dict | None = None, timeout: int = 300):
    """`briefs ARGS` in a subprocess, as a user runs it: (exit code, stdout, stderr)."""
    proc = subprocess.run(
        [sys.executable, "-m", "briefs.cli", *args], input=stdin, capture_output=True, cwd=ROOT,
        env={**os.environ, **(env or {})}, timeout=timeout,
    )
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


@pytest.fixture(scope="session")
def cli():
    return run_cli


@pytest.fixture(scope="session")
def tiny_model_args(tiny_marian, tiny_bart) -> list[str]:
    return ["--engine", "neural", "--mt-model", f"it={tiny_marian}", "--summarizer-model", str(tiny_bart),
            "--beams", "2", "--threads", "1"]
