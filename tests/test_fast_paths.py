"""The fast paths give the reference engines' output: exactly where nothing is quantized, and within
a stated tolerance where weights are int8.

Tolerance for int8 (CTranslate2 int8, torch dynamic int8): teacher-forced log-probabilities of the
fp32 model's own greedy output may move by at most 0.05 nats on average and 0.25 at worst per token.
Int8 with one scale per output channel rounds each weight by at most 1/254 of its row's largest
magnitude and activations are quantized per call the same way, so logits move by a fraction of a
percent. On the full-size random-weight opus-mt-it-en the measured moves are 0.004 (CTranslate2)
and 0.008 (torch) nats on average, 0.014 and 0.038 at worst (see README "Speed"); the tiny models
here move less. The bound is several times what was measured and still far below a shift that
changes translations in practice: CTranslate2's published OPUS-MT benchmark loses 0.27 BLEU at
int8 (27.92 -> 27.65, newstest2014 en-de).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from briefs import Pipeline
from briefs.config import Config
from briefs.summarize import load_tiers, seq2seq
from briefs.summarize.seq2seq import Seq2SeqSummarizer
from briefs.synthetic import build_bart
from briefs.text import paragraphs, sentences
from briefs.translate import ctranslate
from briefs.translate.marian import MarianTranslator

ctranslate2 = pytest.importorskip("ctranslate2")  # the `fast` extra; CI installs it (`.[dev]`)

MEAN_NATS, MAX_NATS = 0.05, 0.25


@pytest.fixture(scope="module")
def seed_sentences(seed_text):
    return [s for p in paragraphs(seed_text) for s in sentences(p)]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("ct2-cache")


@pytest.mark.slow
def test_ctranslate2_unquantized_greedy_equals_torch(tiny_marian, seed_sentences, cache):
    torch_engine = MarianTranslator(str(tiny_marian), num_beams=1)
    fast = ctranslate.CTranslate2Translator(str(tiny_marian), num_beams=1, quantization="float32", cache_dir=cache)
    reference = torch_engine.translate(seed_sentences)
    assert fast.translate(seed_sentences) == reference
    assert all(reference) and len(reference) == len(seed_sentences)
    # with a length the model cannot choose (as in the bench), still token for token the same
    for engine in (torch_engine, fast):
        engine.fixed_lengths = lambda piece: len(piece.split()) + 1
    try:
        forced = torch_engine.translate(seed_sentences)
        assert fast.translate(seed_sentences) == forced
        assert [len(t.split()) for t in forced] != [len(t.split()) for t in reference]  # the hook did act
    finally:
        torch_engine.fixed_lengths = fast.fixed_lengths = None


def _teacher_forced(model, tokenizer, sentence, target):
    import torch

    enc = tokenizer(sentence, return_tensors="pt")
    dec = torch.tensor([[model.config.decoder_start_token_id] + target[:-1]])
    with torch.inference_mode():
        logits = model(**enc, decoder_input_ids=dec).logits[0]
    return torch.log_softmax(logits, -1)[torch.arange(len(target)), torch.tensor(target)].numpy()


def _greedy(model, tokenizer, sentence, n=16):
    import torch

    with torch.inference_mode():
        out = model.generate(**tokenizer(sentence, return_tensors="pt"), num_beams=1, min_new_tokens=n, max_new_tokens=n)
    return out[0, 1:].tolist()


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["ctranslate2-int8", "torch-int8"])
def test_int8_log_probabilities_within_tolerance(tiny_marian, seed_sentences, cache, backend):
    reference = MarianTranslator(str(tiny_marian), num_beams=1)
    tok, fp32 = reference.tokenizer, reference.model
    if backend == "torch-int8":
        quantized = MarianTranslator(str(tiny_marian), num_beams=1, quantize=True)
        assert quantized.backend == "torch-int8" and quantized.model is not fp32

        def score(sentence, target):
            return _teacher_forced(quantized.model, tok, sentence, target)
    else:
        fast = ctranslate.CTranslate2Translator(str(tiny_marian), num_beams=1, quantization="int8", cache_dir=cache)
        assert fast.backend == "ctranslate2-int8"

        def score(sentence, target):
            tokens = tok.convert_ids_to_tokens(target)
            result = fast.translator.score_batch([list(fast._tokens(sentence))], [tokens[:-1]])[0]
            return np.array(result.log_probs)  # the end token is scored last, as in the reference

    moves = []
    for sentence in seed_sentences[:8]:
        target = _greedy(fp32, tok, sentence)
        ref = _teacher_forced(fp32, tok, sentence, target)
        got = score(sentence, target)
        assert got.shape == ref.shape
        moves.append(np.abs(got - ref))
    moves = np.concatenate(moves)
    assert moves.mean() <= MEAN_NATS and moves.max() <= MAX_NATS, (moves.mean(), moves.max())
    assert moves.max() > 0  # the weights really are quantized


def test_int8_translations_are_whole_and_in_order(tiny_marian, seed_sentences, cache):
    fast = ctranslate.CTranslate2Translator(str(tiny_marian), num_beams=4, cache_dir=cache)
    out = fast.translate(seed_sentences + [seed_sentences[0], "  "])
    assert len(out) == len(seed_sentences) + 2 and out[-1] == "  " and out[-2] == out[0]
    assert all(o.strip() for o in out[:-1])


# ---- the summarizer: one greedy pass for all tiers --------------------------------------------------
@pytest.fixture(scope="module")
def stopping_bart(tmp_path_factory, corpus):
    """A tiny BART whose end token wins at some steps and not at others (the interesting case)."""
    return build_bart(tmp_path_factory.mktemp("models") / "bart-stops", corpus, bpe_vocab=1000, eos_bias=0.3)


@pytest.mark.slow
@pytest.mark.parametrize("lookup", [0, 6])
@pytest.mark.parametrize("which", ["tiny_bart", "stopping_bart"])
def test_one_greedy_pass_equals_one_pass_per_tier(request, which, lookup, english_text, seed_text):
    """With prompt-lookup drafts on (6) the shared pass is our own loop; the per-tier reference is
    transformers' generate()."""
    summarizer = Seq2SeqSummarizer(str(request.getfixturevalue(which)), num_beams=1, lookup=lookup)
    tiers = load_tiers(Config().prompts_dir)
    for text in (english_text, seed_text[:1500]):
        encoded = summarizer._encode(text)
        per_tier = [summarizer._generate(text, tier, encoded) for tier in tiers]
        assert summarizer._generate_tiers(tiers, encoded) == per_tier
        assert summarizer.summarize(text, tiers) == per_tier
    assert len({len(t.split()) for t in per_tier}) > 1  # the tiers do differ


def test_one_greedy_pass_honours_fixed_lengths(stopping_bart, english_text):
    summarizer = Seq2SeqSummarizer(str(stopping_bart), num_beams=1)
    summarizer.fixed_lengths = lambda tier: 12 if tier.name == "headline" else 30
    tiers = load_tiers(Config().prompts_dir, ["headline", "short"])
    out = summarizer.summarize(english_text, tiers)
    encoded = summarizer._encode(english_text)
    assert out == [summarizer._generate(english_text, t, encoded) for t in tiers]
    ids = [summarizer.tokenizer(o, add_special_tokens=False)["input_ids"] for o in out]
    assert len(ids[0]) < len(ids[1]) and out[1].startswith(out[0])


def _greedy_pass(summarizer, text, steps=80, hold=0):
    hidden, mask, source = summarizer._encode(text)
    watch = seq2seq._EndWatch(summarizer.model.generation_config.eos_token_id, hold_until=hold)
    return summarizer._lookup_pass(hidden, mask, source, steps, watch)


@pytest.mark.parametrize("wrong_at", [None, 0, 3])
@pytest.mark.parametrize("hold", [0, 80])
def test_drafts_change_the_number_of_decoder_calls_not_the_text(stopping_bart, english_text, monkeypatch,
                                                                wrong_at, hold):
    """Drafts that are the model's own greedy continuation are all kept (k + 1 tokens a call); a
    draft wrong from position w on keeps w tokens plus the model's choice; the text never changes."""
    plain = Seq2SeqSummarizer(str(stopping_bart), num_beams=1, lookup=0)
    reference = _greedy_pass(plain, english_text, hold=hold)
    assert plain.last_pass["decoder_calls"] == len(reference)
    k = 6

    def oracle(index, source, out, most):
        draft = reference[len(out):len(out) + most]
        if wrong_at is not None and wrong_at < len(draft):
            draft[wrong_at] = (draft[wrong_at] + 1) % plain.model.config.vocab_size
        return draft

    monkeypatch.setattr(seq2seq, "_draft", oracle)
    drafted = Seq2SeqSummarizer(str(stopping_bart), num_beams=1, lookup=k)
    assert _greedy_pass(drafted, english_text, hold=hold) == reference
    per_call = k + 1 if wrong_at is None else wrong_at + 1
    assert drafted.last_pass["decoder_calls"] <= -(-len(reference) // per_call) + 1
    if hold == 0:
        assert reference[-1] == plain.model.generation_config.eos_token_id  # the end token stopped both


def test_fixed_tokens_are_written_and_copied_runs_take_few_calls(tiny_bart, english_text):
    """The bench's workload hook: the pass writes exactly the tokens asked for, and runs copied
    from the article are settled several to a decoder call."""
    from briefs.bench import copying_tokens

    summarizer = Seq2SeqSummarizer(str(tiny_bart), num_beams=1, lookup=6)
    summarizer.fixed_tokens = copying_tokens
    hidden, mask, source = summarizer._encode(english_text)
    out = _greedy_pass(summarizer, english_text, steps=120, hold=120)
    assert out == copying_tokens(source, 120)
    assert summarizer.last_pass["decoder_calls"] < 120 / 2


def test_torch_int8_summarizer_close_to_fp32(tiny_bart, english_text):
    import torch

    fp32 = Seq2SeqSummarizer(str(tiny_bart), num_beams=1)
    int8 = Seq2SeqSummarizer(str(tiny_bart), num_beams=1, backend="torch-int8")
    assert (fp32.backend, int8.backend) == ("torch-fp32", "torch-int8")
    enc = fp32.tokenizer(english_text, return_tensors="pt")
    target = fp32.tokenizer(" ".join(english_text.split()[:30]), return_tensors="pt")["input_ids"]
    with torch.inference_mode():
        a = torch.log_softmax(fp32.model(**enc, decoder_input_ids=target).logits, -1)
        b = torch.log_softmax(int8.model(**enc, decoder_input_ids=target).logits, -1)
    idx = target[0, 1:]
    moves = (a[0, :-1].gather(-1, idx[:, None]) - b[0, :-1].gather(-1, idx[:, None])).abs()
    assert moves.mean() <= MEAN_NATS and moves.max() <= MAX_NATS


# ---- routing and caching ------------------------------------------------------------------------------
def test_pipeline_routes_mt_backends(tiny_config, tmp_path, seed_text):
    fast = Pipeline(replace(tiny_config, mt_backend="ctranslate2", cache_dir=tmp_path))
    engine = fast.translator("it")[0]
    assert engine.name == f"marian:{tiny_config.mt_models['it']}"  # same model, another backend
    while hasattr(engine, "inner"):
        engine = engine.inner
    assert engine.backend == "ctranslate2-int8"
    result = fast.run(seed_text, tiers=["headline"])
    assert len(result.translation.paragraphs) == len(paragraphs(seed_text)) and result.briefs[0].text
    assert list((tmp_path / "ct2").iterdir())  # converted once, into the configured cache
    quantized = Pipeline(replace(tiny_config, mt_backend="torch-int8")).translator("it")[0]
    while hasattr(quantized, "inner"):
        quantized = quantized.inner
    assert quantized.backend == "torch-int8"


@pytest.mark.slow
def test_loading_ctranslate2_leaves_torch_threads_alone(tiny_marian, tmp_path):
    """CTranslate2 (two workers) sets the OpenMP thread count it shares with torch; the summarizer
    that runs after the translation must keep its cores. In a fresh process, torch imported first,
    as the CLI and the bench do."""
    import subprocess
    import sys

    code = (
        "import torch; torch.set_num_threads(2)\n"
        "from pathlib import Path\n"
        "from briefs.translate.ctranslate import CTranslate2Translator\n"
        f"CTranslate2Translator({str(tiny_marian)!r}, threads=2, cache_dir=Path({str(tmp_path)!r}))\n"
        "print(torch.get_num_threads())\n"
    )
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=root)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split()[-1] == "2"


def test_ctranslate2_missing_falls_back_to_torch(tiny_config, tmp_path, monkeypatch, caplog, seed_text):
    monkeypatch.setattr(ctranslate, "available", lambda: False)
    pipe = Pipeline(replace(tiny_config, mt_backend="ctranslate2", cache_dir=tmp_path))
    engine = pipe.translator("it")[0]
    while hasattr(engine, "inner"):
        engine = engine.inner
    assert isinstance(engine, MarianTranslator) and engine.backend == "torch-fp32"
    assert "ctranslate2 is not installed" in caplog.text
    for _ in range(2):  # every result says so, not only the first one that loaded the engine
        result = pipe.run(seed_text[:400], tiers=["headline"])
        assert any("ctranslate2 is not installed" in w and "torch" in w for w in result.warnings)


def test_conversion_is_cached_per_model_and_quantization(tiny_marian, tmp_path, monkeypatch):
    first = ctranslate.converted(str(tiny_marian), "int8", tmp_path)
    other = ctranslate.converted(str(tiny_marian), "float32", tmp_path)
    assert first != other and (first / "model.bin").is_file() and (other / "model.bin").is_file()
    monkeypatch.setattr(ctranslate, "_converter", lambda source: pytest.fail("converted twice"))
    assert ctranslate.converted(str(tiny_marian), "int8", tmp_path) == first
    assert sorted(p.name for p in (tmp_path / "ct2").iterdir()) == sorted([first.name, other.name])  # no temp left


def test_missing_model_is_still_model_unavailable(tmp_path):
    from briefs.errors import ModelUnavailable

    with pytest.raises(ModelUnavailable):
        ctranslate.converted(str(tmp_path / "no-such-model"), "int8", tmp_path)


def test_cli_backend_flags_reach_config():
    from briefs.cli import build_parser, config_from_args

    args = build_parser().parse_args(["run", "x.txt", "--mt-backend", "torch-int8", "--summary-backend", "torch",
                                      "--summary-beams", "2", "--summary-lookup", "0"])
    config = config_from_args(args)
    assert (config.mt_backend, config.summary_backend, config.summary_beams) == ("torch-int8", "torch", 2)
    assert config.summary_lookup == 0 and Config().summary_lookup > 0


def test_negative_summary_lookup_is_one_line_exit_2(cli, tmp_path):
    code, out, err = cli("run", "-", "--summary-lookup", "-1", stdin="Buongiorno a tutti, questo è un articolo.".encode())
    assert code == 2 and err.strip().count("\n") == 0 and "--summary-lookup" in err
