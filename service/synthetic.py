"""Random-weight models of the real architectures, saved like hub models.

The tests build tiny ones (a few hundred vocabulary entries, a SentencePiece / BPE tokenizer
trained on the text given) and `briefs bench` builds full-size ones (opus-mt-it-en's shape, the
default summarizer's shape): the compute equals the real models', nothing is downloaded, and
both load through the production code path (`briefs.models.load_seq2seq`).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

# Published architectures of the default models (their config.json on the hub).
OPUS_MT_IT_EN = dict(vocab_size=80035, d_model=512, encoder_layers=6, decoder_layers=6,
                     encoder_attention_heads=8, decoder_attention_heads=8,
                     encoder_ffn_dim=2048, decoder_ffn_dim=2048, max_position_embeddings=512)
DISTILBART_CNN_12_6 = dict(vocab_size=50264, d_model=1024, encoder_layers=12, decoder_layers=6,
                           encoder_attention_heads=16, decoder_attention_heads=16,
                           encoder_ffn_dim=4096, decoder_ffn_dim=4096, max_position_embeddings=1024)
TINY = dict(d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=2,
            decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64)


def _favour_words(model, tokens: dict[str, int], marker: str, eos: int, bias: float = 8.0, eos_bias: float = 0.0) -> None:
    """Random weights pick any token and never stop; tests want short texts made of words and
    periods, so whole-word tokens (and ".") get a logit bias and end-of-sequence `eos_bias` more.
    Compute is unchanged; only which token wins changes."""
    import torch

    with torch.no_grad():
        for token, idx in tokens.items():
            word = token[len(marker):] if token.startswith(marker) else None
            if token == "." or (word and word.isalpha()):
                model.final_logits_bias[0, idx] = bias
        model.final_logits_bias[0, eos] = bias + eos_bias


def _train_spm(corpus: str, prefix: Path, vocab_size: int) -> Path:
    import sentencepiece as spm

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        fh.write(corpus)
    spm.SentencePieceTrainer.train(
        input=fh.name, model_prefix=str(prefix), vocab_size=vocab_size, character_coverage=1.0,
        model_type="unigram", bos_id=-1, eos_id=-1, unk_id=0, hard_vocab_limit=False,
        minloglevel=2,
    )
    Path(fh.name).unlink()
    return prefix.with_suffix(".model")


def build_marian(out: Path, corpus: str, *, spm_vocab: int = 300, seed: int = 0, words: bool = True,
                 eos_bias: float = 0.0, **arch) -> Path:
    """A MarianMTModel + MarianTokenizer directory. `arch` overrides TINY (e.g. OPUS_MT_IT_EN);
    with a vocab_size larger than the SentencePiece vocabulary the rest is filled with dummy
    entries, so the embedding and output layers have the real size."""
    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    model_file = _train_spm(corpus, out / "spm", spm_vocab)
    for name in ("source.spm", "target.spm"):
        (out / name).write_bytes(model_file.read_bytes())
    model_file.unlink()
    (out / "spm.vocab").unlink(missing_ok=True)
    sp = spm.SentencePieceProcessor(model_file=str(out / "source.spm"))
    pieces = ["</s>", "<unk>"] + [sp.id_to_piece(i) for i in range(sp.get_piece_size()) if sp.id_to_piece(i) != "<unk>"]
    params = {**TINY, **arch}
    target = params.pop("vocab_size", len(pieces) + 1)
    pieces += [f"<extra_{i}>" for i in range(max(0, target - len(pieces) - 1))]
    vocab = {p: i for i, p in enumerate(pieces)}
    vocab["<pad>"] = len(vocab)
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tok = MarianTokenizer(str(out / "source.spm"), str(out / "target.spm"), str(out / "vocab.json"), source_lang="it", target_lang="en")
    tok.save_pretrained(out)
    pad = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab), pad_token_id=pad, decoder_start_token_id=pad, eos_token_id=0,
        forced_eos_token_id=0, scale_embedding=True, share_encoder_decoder_embeddings=True, **params,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    if words:
        _favour_words(model, vocab, "▁", eos=0, eos_bias=eos_bias)
    model.generation_config = GenerationConfig(  # as opus-mt-it-en's generation_config.json
        pad_token_id=pad, decoder_start_token_id=pad, eos_token_id=0, forced_eos_token_id=0,
        bad_words_ids=[[pad]], max_length=512, num_beams=4,
    )
    model.save_pretrained(out)
    return out


def build_bart(out: Path, corpus: str, *, bpe_vocab: int = 400, seed: int = 0, words: bool = True,
               eos_bias: float = 0.0, **arch) -> Path:
    """A BartForConditionalGeneration + byte-level BPE tokenizer directory (see build_marian)."""
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizerFast, GenerationConfig

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    params = {**TINY, "max_position_embeddings": 1024, **arch}
    target = params.pop("vocab_size", None)
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator([corpus], vocab_size=bpe_vocab, special_tokens=specials, show_progress=False)
    vocab = bpe.get_vocab()
    if target and target > len(vocab):
        bpe.add_tokens([f"<extra_{i}>" for i in range(target - len(vocab))])
    bpe.save_model(str(out))
    tok = BartTokenizerFast(vocab=str(out / "vocab.json"), merges=str(out / "merges.txt"),
                            model_max_length=params["max_position_embeddings"])
    if target and target > len(tok):
        tok.add_tokens([f"<extra_{i}>" for i in range(target - len(tok))])
    tok.save_pretrained(out)
    config = BartConfig(
        vocab_size=len(tok), pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id, decoder_start_token_id=tok.eos_token_id,
        forced_bos_token_id=tok.bos_token_id, forced_eos_token_id=tok.eos_token_id, **params,
    )  # type: ignore[call-arg]  # forced_bos_token_id: a generation setting BartConfig's stub omits
    torch.manual_seed(seed)
    model = BartForConditionalGeneration(config)
    if words:
        _favour_words(model, tok.get_vocab(), "Ġ", eos=tok.eos_token_id, eos_bias=eos_bias)
    model.generation_config = GenerationConfig(
        pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
        decoder_start_token_id=tok.eos_token_id, forced_bos_token_id=tok.bos_token_id,
        forced_eos_token_id=tok.eos_token_id,
        # random weights favour special tokens; a trained model never writes them mid-text
        bad_words_ids=[[t] for t in (tok.pad_token_id, tok.unk_token_id, tok.mask_token_id, tok.bos_token_id)],
    )
    model.save_pretrained(out)
    return out
