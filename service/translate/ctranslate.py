"""MT with CTranslate2: the transformers model converted at first use (int8 by default) and cached.

The conversion reads the same local model directory (or hub snapshot) the torch engine loads and
writes `<cache_dir>/ct2/<name>-<quantization>-<hash>`, the hash covering the source directory's
path, its files' sizes and times, the quantization and the ctranslate2 version; a second process
reuses it. ctranslate2 is optional (the `fast` extra): `available()` says whether it imports, and
the pipeline falls back to the torch engine when it does not.

Scheduling is `SentenceEngine`'s (length-sorted batches across sentences and documents); batches
are submitted asynchronously, so tokenizing and detokenizing overlap the decoding of other batches,
and two batches decode at once, each on its own cores (`split_threads`): on two cores, two
single-threaded workers on small batches beat one two-threaded worker on large ones (about 330
against 140 output tokens/s in `briefs bench`, beam 4), since a decoder step is too small to
share well between threads and small batches waste little on sentences that finished early.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from functools import cache, lru_cache
from pathlib import Path
from typing import Iterator

from ..config import default_cache_dir
from ..errors import EngineUnavailable, ModelUnavailable
from .marian import Batch, SentenceEngine

_convert_lock = threading.Lock()


def available() -> bool:
    try:
        import ctranslate2  # noqa: F401
    except ImportError:
        return False
    return True


def model_dir(model_id: str) -> Path:
    """The local directory holding `model_id`: itself, or its snapshot in the HF cache (fetched
    when the hub is reachable, as the torch engine would)."""
    from ..models import MODEL_FILES, _reason, check_local_path, hub_reachable

    check_local_path(model_id)
    if Path(model_id).is_dir():
        return Path(model_id).resolve()

    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(
            model_id, local_files_only=not hub_reachable(),
            allow_patterns=MODEL_FILES,
        ))
    except Exception as err:  # noqa: BLE001 - hub errors, offline cache misses
        raise ModelUnavailable(model_id, _reason(err)) from err


def converted(model_id: str, quantization: str = "int8", cache_dir: Path | None = None) -> Path:
    """The CTranslate2 directory for `model_id` at `quantization`, converting it on first use."""
    source = model_dir(model_id)
    h = hashlib.sha256(f"{source}|{quantization}|{_version()}".encode())
    for f in sorted(source.iterdir()):
        if f.is_file():
            st = f.stat()
            h.update(f"|{f.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    root = Path(cache_dir or default_cache_dir()) / "ct2"
    target = root / f"{source.name}-{quantization}-{h.hexdigest()[:16]}"
    if (target / "model.bin").is_file():
        return target
    with _convert_lock:  # threads of this process; other processes convert into their own temp dir
        if (target / "model.bin").is_file():
            return target
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=root))
        try:
            _converter(str(source)).convert(str(tmp), quantization=None if quantization == "float32" else quantization,
                                            force=True)
            try:
                os.rename(tmp, target)
            except OSError:  # another process finished first; its copy is as good
                if not (target / "model.bin").is_file():
                    raise
        except Exception as err:
            raise EngineUnavailable(f"CTranslate2 cannot convert {model_id}: {type(err).__name__}: {err}") from err
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def _version() -> str:
    import ctranslate2

    return ctranslate2.__version__


def _converter(source: str):
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):
        def load_model(self, model_class, model_name_or_path, **kwargs):
            model = super().load_model(model_class, model_name_or_path, **kwargs)
            # transformers 5 dropped BartConfig.normalize_before (hub configs of BART models still
            # carry it); BART is post-norm, and the converter reads the attribute.
            if model.config.model_type == "bart" and not hasattr(model.config, "normalize_before"):
                model.config.normalize_before = False
            return model

    return Converter(source)


def compute_type(device: str, quantization: str) -> str:
    if quantization == "int8" and device.startswith("cuda"):
        return "int8_float16"
    return quantization


def split_threads(threads: int | None, device: str = "cpu") -> tuple[int, int]:
    """(inter_threads, intra_threads) for `threads` cores (None: all of them): two workers when
    there are two cores or more, the cores shared between them. On a GPU, one worker."""
    if device.startswith("cuda"):
        return 1, 1
    cores = threads or os.cpu_count() or 1
    inter = 2 if cores >= 2 else 1
    return inter, max(1, cores // inter)


def load_translator(model_id: str, *, device: str = "cpu", quantization: str = "int8", threads: int | None = None,
                    cache_dir: Path | None = None):
    """A ctranslate2.Translator over the converted model; cached per process and settings."""
    inter, intra = split_threads(threads, device)
    return _load(model_id, device, quantization, intra, inter, str(cache_dir or default_cache_dir()))


@cache
def _load(model_id, device, quantization, threads, inter_threads, cache_dir):
    import ctranslate2
    import torch

    path = converted(model_id, quantization, Path(cache_dir))
    kind, _, index = device.partition(":")
    torch_threads = torch.get_num_threads()
    try:
        return ctranslate2.Translator(str(path), device=kind, device_index=int(index or 0),
                                      compute_type=compute_type(device, quantization),
                                      inter_threads=inter_threads, intra_threads=threads)
    except (RuntimeError, ValueError) as err:  # e.g. CUDA asked for and absent
        raise EngineUnavailable(f"CTranslate2 cannot load {model_id} on {device}: {err}") from err
    finally:
        # CTranslate2 sets the OpenMP thread count of the calling thread to its intra_threads, which
        # torch shares: without this the summarizer would run on one core (1.5x slower on two).
        torch.set_num_threads(torch_threads)


class CTranslate2Translator(SentenceEngine):
    """An OPUS-MT (Marian) model run by CTranslate2, by default with int8 weights."""

    def __init__(self, model_id: str, *, device: str = "cpu", num_beams: int = 4, batch_tokens: int = 384,
                 quantization: str = "int8", threads: int | None = None, cache_dir: Path | None = None):
        from transformers import AutoTokenizer

        self.model_id = model_id
        self.name = f"marian:{model_id}"  # the same model as the torch engine; the backend differs
        self.backend = f"ctranslate2-{compute_type(device, quantization)}"
        self.device = device
        self.num_beams = num_beams
        self.batch_tokens = batch_tokens
        self.translator = load_translator(model_id, device=device, quantization=quantization, threads=threads,
                                          cache_dir=cache_dir)
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir(model_id)))
        self.max_tokens = 512  # OPUS-MT's positions; pieces are split to fit, never truncated
        self._tokens = lru_cache(maxsize=4096)(self._tokenize)

    def _tokenize(self, text: str) -> tuple[str, ...]:
        return tuple(self.tokenizer.convert_ids_to_tokens(self.tokenizer(text)["input_ids"]))

    def n_tokens(self, text: str) -> int:
        return len(self._tokens(text))

    def _decode(self, batches: list[Batch]) -> Iterator[list[str]]:
        pending = []
        for texts, lengths in batches:
            least, most = self.max_new_tokens(texts, lengths)  # counts the end token, as transformers does
            pending.append(self.translator.translate_batch(
                [list(self._tokens(t)) for t in texts], beam_size=self.num_beams, asynchronous=True,
                max_decoding_length=most - 1, min_decoding_length=max(least - 1, 1), max_input_length=0,
            ))
        for (texts, _), results in zip(batches, pending):
            hyps: list[list[str]] = [r.result().hypotheses[0] for r in results]
            if self.fixed_lengths is not None:  # each piece its own length (the end token not written)
                hyps = [h[:self.fixed_lengths(t) - 1] for h, t in zip(hyps, texts)]
            yield [self.tokenizer.decode(self.tokenizer.convert_tokens_to_ids(h), skip_special_tokens=True)  # type: ignore[misc]
                   for h in hyps]
