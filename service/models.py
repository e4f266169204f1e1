"""Loading transformers models: from a hub id or a local directory, once per process, lazily.

Honours HF_HOME / HF_HUB_OFFLINE (transformers reads them), prefers safetensors, and never runs
code shipped with a model (trust_remote_code=False). Failures become ModelUnavailable (exit 3).
"""

from __future__ import annotations

import os
import threading
from functools import cache, lru_cache
from pathlib import Path

from .errors import ModelUnavailable

_lock = threading.Lock()
# What a snapshot of a model needs (config, safetensors weights, tokenizer files), for `pull` and
# the CTranslate2 converter's snapshot lookup alike.
MODEL_FILES = ["*.json", "*.safetensors", "*.spm", "*.txt", "*.model", "vocab*", "merges*"]


def set_threads(threads: int | None) -> None:
    if threads:
        import torch

        torch.set_num_threads(threads)


def load_seq2seq(model_id: str, device: str = "cpu"):
    """(tokenizer, model) for an encoder-decoder model, in eval mode on `device`; cached."""
    with _lock:  # two web requests must not load the same model twice
        return _load(model_id, device)


@cache
def _load(model_id: str, device: str):
    import torch
    import transformers
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    transformers.logging.set_verbosity_error()  # our own errors say what matters, in one line
    transformers.logging.disable_progress_bar()

    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ModelUnavailable(model_id, "CUDA was asked for but torch sees no GPU; use --device cpu")
    # With no hub in reach, look in the local cache only: otherwise the hub client retries for
    # about a minute per file before transformers gives up (and `--engine auto` falls back).
    check_local_path(model_id)
    offline = not (Path(model_id).is_dir() or hub_reachable())
    try:
        tokenizer = AutoTokenizer.from_pretrained(model_id, trust_remote_code=False, local_files_only=offline)
        model = AutoModelForSeq2SeqLM.from_pretrained(
            model_id, trust_remote_code=False, local_files_only=offline
        )
    except Exception as err:  # OSError, HF hub errors, ValueError for a wrong kind of model
        reason = "not in the local cache and the model hub is unreachable" if offline else _reason(err)
        raise ModelUnavailable(model_id, reason) from err
    model.to(device).eval()
    return tokenizer, model


def check_local_path(model_id: str) -> None:
    """A model id written as a path must be an existing directory (never a hub lookup)."""
    if model_id.startswith(("/", "./", "../", "~")) and not Path(model_id).expanduser().is_dir():
        raise ModelUnavailable(model_id, "no such model directory")


@lru_cache(maxsize=1)
def hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the model hub answers at all (HF_ENDPOINT and proxy settings honoured), asked once
    per process; False when HF_HUB_OFFLINE is set."""
    import urllib.error
    import urllib.request

    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        return False
    from huggingface_hub import constants

    try:
        urllib.request.urlopen(urllib.request.Request(constants.ENDPOINT, method="HEAD"), timeout=timeout).close()
    except urllib.error.HTTPError:
        return True  # it answered, if only with an error status
    except (OSError, ValueError):
        return False
    return True


def _reason(err: Exception) -> str:
    text = " ".join(str(err).split())
    lowered = text.lower()
    if any(k in lowered for k in ("offline", "connect", "resolve", "outgoing traffic", "cached snapshot")):
        return "not in the local cache and the model hub is unreachable"
    return (text[:160] + "…") if len(text) > 160 else text or type(err).__name__


def pull(model_ids: list[str]) -> list[str]:
    """Download models into the HF cache (HF_HOME) on a connected machine; returns local paths."""
    from huggingface_hub import snapshot_download

    return [snapshot_download(m, allow_patterns=MODEL_FILES) for m in model_ids]


def load_seq2seq_int8(model_id: str):
    """(tokenizer, model) like load_seq2seq, with torch dynamic int8 quantization of every Linear
    layer (weights int8 per output channel, activations quantized per call); CPU only; cached.
    Loaded apart from load_seq2seq's cache, so only the int8 copy stays in memory."""
    with _lock:
        return _load_int8(model_id)


@cache
def _load_int8(model_id: str):
    import warnings

    import torch

    tokenizer, model = _load.__wrapped__(model_id, "cpu")
    with warnings.catch_warnings():  # torch.ao.quantization is deprecated in favour of torchao; it works
        warnings.simplefilter("ignore")
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig}, inplace=True)
    return tokenizer, model
