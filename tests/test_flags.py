"""Flags checked by argparse (exit 2, one line), help that tells the truth, advice that works."""

from __future__ import annotations

import io
import sys

import pytest

from briefs import Config, Pipeline
from briefs.cli import build_parser, main
from briefs.errors import BadInput, EngineUnavailable

BAD_FLAGS = [
    (["run", "--max-chars", "-5"], "--max-chars"),
    (["run", "--max-chars", "0"], "--max-chars"),
    (["run", "--threads", "-1"], "--threads"),
    (["run", "--threads", "0"], "--threads"),
    (["run", "--beams", "0"], "--beams"),
    (["run", "--beams", "-3"], "--beams"),
    (["run", "--beams", "two"], "--beams"),
    (["run", "--summary-beams", "0"], "--summary-beams"),
    (["run", "--summary-lookup", "-1"], "--summary-lookup"),
    (["run", "--device", "tpu"], "--device"),
    (["run", "--device", "cuda:x"], "--device"),
    (["web", "--port", "0"], "--port"),
    (["web", "--port", "70000"], "--port"),
    (["batch", "in", "out", "--batch-size", "0"], "--batch-size"),
    (["batch", "in", "out", "--concurrency", "0"], "--concurrency"),
    (["batch", "in", "out", "--cpus-per-worker", "0"], "--cpus-per-worker"),
    (["batch", "in", "out", "--cpus-per-worker", "nan"], "--cpus-per-worker"),
    (["eval", "mt", "--source", "a", "--reference", "b", "--limit", "0"], "--limit"),
    (["bench", "--repeat", "0"], "--repeat"),
    (["bench", "--articles", "-1"], "--articles"),
]


@pytest.mark.parametrize("argv,flag", BAD_FLAGS, ids=[" ".join(a) for a, _ in BAD_FLAGS])
def test_numeric_flags_are_bounded(argv, flag, capsys):
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(argv)
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert err.count("\n") == 1 and f"argument {flag}" in err and "Traceback" not in err, err


@pytest.mark.parametrize("value", ["cpu", "cuda", "cuda:1", "CUDA:0"])
def test_devices_accepted(value):
    assert build_parser().parse_args(["run", "--device", value]).device == value.lower()


def test_run_help_says_stdin_and_exit_codes(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "none: read stdin" in out and ".pdf" in out
    for line in ("0 ok", "2 bad input", "3 a needed model or engine is unavailable", "1 anything else"):
        assert line in out


class _Terminal(io.BytesIO):
    def isatty(self):
        return True

    @property
    def buffer(self):
        return self


def test_run_on_a_terminal_says_it_reads_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", _Terminal(b""))
    assert main(["run", "--engine", "offline"]) == 2
    err = capsys.readouterr().err
    assert "reading the article from stdin" in err and "input is empty" in err


def test_a_directory_is_named_a_directory(tmp_path, capsys):
    assert main(["run", str(tmp_path)]) == 2
    assert "is a directory, not a file" in capsys.readouterr().err


CHINESE = "中国政府周二宣布，将在明年扩大对关键矿产的投资，以确保供应链的安全和稳定。官员表示，这项计划将涉及多个部门的合作。"
ARABIC = "أعلنت الحكومة يوم الثلاثاء أنها ستزيد الاستثمار في المعادن الحيوية العام المقبل لضمان أمن سلاسل التوريد واستقرارها."
ITALIAN = ("Il Dipartimento di Stato degli Stati Uniti ospiterà domani la prima conferenza ministeriale sui minerali "
           "critici, con i rappresentanti di numerosi Paesi europei.")


def _missing_models(tmp_path) -> Config:
    missing = str(tmp_path / "no-such-model")
    return Config(engine="auto", mt_models={"it": missing}, mt_fallback=missing, summarizer_model=missing,
                  mt_backend="torch")


@pytest.mark.parametrize("text", [CHINESE, ARABIC], ids=["chinese", "arabic"])
@pytest.mark.parametrize("engine", ["auto", "neural"])
def test_no_offline_advice_where_offline_cannot_help(text, engine, tmp_path):
    with pytest.raises(EngineUnavailable) as info:
        Pipeline(_missing_models(tmp_path)).run(text, engine=engine, tiers=[])
    assert "--engine offline" not in str(info.value) and "briefs models pull" in str(info.value)


def test_offline_advice_where_it_helps(tmp_path):
    with pytest.raises(EngineUnavailable, match="--engine offline"):
        Pipeline(_missing_models(tmp_path)).run(ITALIAN, engine="neural", tiers=[])


def test_auto_names_both_engines_when_apertium_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFS_APERTIUM", str(tmp_path / "no-apertium"))
    with pytest.raises(EngineUnavailable) as info:
        Pipeline(_missing_models(tmp_path)).run(ITALIAN, tiers=[])
    message = str(info.value)
    assert "no-such-model" in message and "no-apertium" in message and "offline engine is unavailable too" in message
    assert "--engine offline" not in message  # it was just tried


def test_web_addresses_are_not_a_language(tmp_path):
    urls = ("https://www.example.com/news/2024/01/articolo-lungo.html\n"
            "https://www.askanews.it/esteri/2025/02/03/conferenza-minerali\nhttp://t.co/abcdef123")
    with pytest.raises(BadInput, match="too short to detect its language.*web addresses not counted"):
        Pipeline(_missing_models(tmp_path)).run(urls, tiers=[])
    # an article that quotes a web address is still itself
    result = Pipeline(_missing_models(tmp_path)).run(ITALIAN + " Fonte: https://www.state.gov/minerals-ministerial",
                                                     engine="offline", tiers=[])
    assert result.source.language == "it"
