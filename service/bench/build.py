"""The bench's models: random weights in the default models' architectures (briefs.synthetic),
tokenizers trained on the evaluation corpora (eval/data/mt) or the seed article, built once per
specification into `<cache>/bench/` and reused."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from ..config import REPO_ROOT, SEED
from ..evaluate.data import DATA_DIR

EVAL_MT = DATA_DIR / "mt"
ENGLISH = REPO_ROOT / "tests" / "data" / "english.txt"


def specs(small: bool) -> dict:
    from ..synthetic import DISTILBART_CNN_12_6, OPUS_MT_IT_EN, TINY

    if small:
        return {"mt": dict(TINY, vocab_size=2000), "summarizer": dict(TINY, vocab_size=2000), "spm_vocab": 300,
                "bpe_vocab": 1000, "corpus": "seed"}
    return {"mt": OPUS_MT_IT_EN, "summarizer": DISTILBART_CNN_12_6, "spm_vocab": 16000, "bpe_vocab": 16000,
            "corpus": "eval/data/mt" if EVAL_MT.is_dir() else "seed"}


def _corpora(kind: str) -> tuple[str, str]:
    """(Marian tokenizer corpus, BART tokenizer corpus)."""
    seed = SEED.read_text(encoding="utf-8")
    if kind == "seed":
        text = seed + "\n" + ENGLISH.read_text(encoding="utf-8")
        return text, text
    ita = "\n".join(p.read_text(encoding="utf-8") for p in sorted(EVAL_MT.glob("*.ita")))
    eng = "\n".join(p.read_text(encoding="utf-8") for p in sorted(EVAL_MT.glob("*.eng")))
    return seed + "\n" + ita + "\n" + eng, ita + "\n" + eng


def build_models(cache_dir: Path, small: bool, log=lambda line: None) -> tuple[Path, Path]:
    """(Marian dir, BART dir), built once per specification into <cache_dir>/bench/ and reused."""
    import transformers

    from .. import synthetic

    spec = specs(small)
    mt_corpus, sum_corpus = _corpora(spec["corpus"])
    key = hashlib.sha256(json.dumps(
        [spec, hashlib.sha256((mt_corpus + sum_corpus).encode()).hexdigest(), transformers.__version__],
        sort_keys=True).encode()).hexdigest()[:12]
    root = Path(cache_dir) / "bench" / f"{'small' if small else 'full'}-{key}"
    jobs = [("opus-mt-it-en", synthetic.build_marian, mt_corpus, dict(spm_vocab=spec["spm_vocab"], **spec["mt"])),
            ("distilbart-cnn-12-6", synthetic.build_bart, sum_corpus, dict(bpe_vocab=spec["bpe_vocab"], **spec["summarizer"]))]
    out: list[Path] = []
    for name, build, corpus, kwargs in reversed(jobs):  # the summarizer first: the MT model reads its vocabulary
        target = root / name
        if not (target / "config.json").is_file():
            log(f"building {name} ({'tiny' if small else 'full size'}, random weights) into {target}")
            root.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
            try:
                build(tmp, corpus, **kwargs)
                if build is synthetic.build_marian:
                    _favour_one_token_words(tmp, out[0])
                try:
                    os.rename(tmp, target)
                except OSError:  # another process built it first
                    if not (target / "config.json").is_file():
                        raise
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        out.append(target)
    return out[1], out[0]


def _favour_one_token_words(marian: Path, bart: Path) -> None:
    """Keep the random MT model's word bias only on words the summarizer's tokenizer reads as one
    token (compute unchanged; only which random word wins changes)."""
    import torch
    from transformers import MarianMTModel

    vocab = json.loads((marian / "vocab.json").read_text(encoding="utf-8"))
    summarizer_vocab = json.loads((bart / "vocab.json").read_text(encoding="utf-8"))
    model = MarianMTModel.from_pretrained(marian)
    with torch.no_grad():
        for token, idx in vocab.items():
            if token.startswith("▁") and "Ġ" + token[1:] not in summarizer_vocab:
                model.final_logits_bias[0, idx] = 0.0
    model.save_pretrained(marian)
