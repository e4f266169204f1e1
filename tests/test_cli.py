"""`briefs run` as users call it: contract on stdout, one line on stderr and an exit code on failure."""

import json

import pytest

from briefs.text import paragraphs


def assert_one_line_error(code, out, err, expected_code, fragment):
    assert code == expected_code, err
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("briefs: error: "), err
    assert "Traceback" not in err
    assert fragment in lines[0], lines[0]


@pytest.mark.slow
def test_run_json_contract_end_to_end(cli, tiny_model_args, tiny_marian):
    code, out, err = cli("run", "seeds/000_48b0761d22084af5.txt", "--json", *tiny_model_args)
    assert code == 0, err
    result = json.loads(out)
    assert result["source"]["language"] == "it" and result["source"]["paragraphs"] == 9
    assert result["translation"]["engine"] == f"marian:{tiny_marian}"
    assert len(result["translation"]["paragraphs"]) == 9
    assert [b["tier"] for b in result["briefs"]] == ["headline", "short", "bullets", "extended"]
    assert isinstance(result["warnings"], list) and set(result["timings_ms"]) == {"detect", "translate", "summarize", "check"}


@pytest.mark.slow
def test_run_markdown_from_stdin(cli, tiny_model_args, seed_text):
    code, out, err = cli("run", "-", "--tiers", "headline", *tiny_model_args, stdin=seed_text.encode())
    assert code == 0, err
    assert "**Source:** Italian (`it`" in out and "## Headline" in out and "## English translation" in out
    assert "## Short" not in out


@pytest.mark.slow
def test_run_html_file(cli, tiny_model_args, seed_text, tmp_path):
    page = tmp_path / "article.html"
    body = "".join(f"<p>{p}</p>" for p in paragraphs(seed_text))
    page.write_text(f"<html><head><title>x</title><script>var a=1;</script></head><body>{body}</body></html>")
    code, out, err = cli("run", str(page), "--json", "--tiers", "headline", *tiny_model_args)
    assert code == 0, err
    result = json.loads(out)
    assert result["source"]["paragraphs"] == 9 and "<p>" not in result["translation"]["text"]


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"", "input is empty"),
        (b"   \n\n\t  \n", "input is empty"),
        (b"<html><body><p>  </p></body></html>", "input is empty"),
        ("Perché è così".encode("latin-1") * 10, "not valid UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not text"),
        (b"Ciao a tutti.", "too short to detect"),
        (b"Wasiirka arrimaha dibadda ayaa caawa yimid magaalada Washington si uu uga qayb galo shirka macdanta "
         b"muhiimka ah. Dalal badan ayaa ka qayb galaya.", "unsupported source language 'so'"),
    ],
)
def test_bad_input_exits_2_with_one_line(cli, tiny_model_args, tmp_path, content, fragment):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    code, out, err = cli("run", str(path), *tiny_model_args)
    assert_one_line_error(code, out, err, 2, fragment)


def test_too_long_input_exits_2(cli, tiny_model_args, seed_text):
    code, out, err = cli("run", "-", "--max-chars", "1000", *tiny_model_args, stdin=seed_text.encode())
    assert_one_line_error(code, out, err, 2, "too long")


@pytest.mark.slow
def test_missing_file_and_bad_flags_exit_2(cli, tiny_model_args):
    assert_one_line_error(*cli("run", "nope.txt", *tiny_model_args), 2, "no such file: nope.txt")
    assert_one_line_error(*cli("run", "seeds/000_48b0761d22084af5.txt", "--tiers", "haiku", *tiny_model_args), 2, "unknown tier")
    assert_one_line_error(*cli("run", "seeds/000_48b0761d22084af5.txt", "--mt-model", "it"), 2, "LANG=MODEL")


def test_unavailable_model_exits_3_naming_it(cli, tmp_path):
    missing = tmp_path / "opus-mt-it-en"
    code, out, err = cli("run", "seeds/000_48b0761d22084af5.txt", "--engine", "neural", "--mt-model", f"it={missing}")
    assert_one_line_error(code, out, err, 3, str(missing))
    assert "briefs models pull" in err


def test_debug_shows_the_traceback(cli):
    code, _, err = cli("run", "nope.txt", "--debug")
    assert code == 2 and "Traceback" in err and err.strip().endswith("briefs: error: no such file: nope.txt")


@pytest.mark.slow  # loads the tiny models in a subprocess
def test_source_lang_override(cli, tiny_model_args):
    code, out, err = cli("run", "-", "--source-lang", "it", "--tiers", "headline", "--json", *tiny_model_args, stdin=b"Ciao a tutti.")
    assert code == 0, err
    assert json.loads(out)["source"]["language"] == "it"


def test_models_pull_fetches_the_configured_models(monkeypatch, capsys):
    """`briefs models pull` downloads the defaults, or what --mt-model / --summarizer-model name."""
    import briefs.models
    from briefs.cli import main
    from briefs.config import DEFAULT_MT_FALLBACK, DEFAULT_MT_MODELS, DEFAULT_SUMMARIZER

    asked = []
    monkeypatch.setattr(briefs.models, "pull", lambda ids: asked.append(list(ids)) or [f"/cache/{m}" for m in ids])
    assert main(["models", "pull"]) == 0
    assert set(asked[-1]) == {*DEFAULT_MT_MODELS.values(), DEFAULT_MT_FALLBACK, DEFAULT_SUMMARIZER}
    assert main(["models", "pull", "--summarizer-model", "acme/sum", "--mt-model", "it=acme/it-en"]) == 0
    assert "acme/sum" in asked[-1] and "acme/it-en" in asked[-1]
    assert DEFAULT_SUMMARIZER not in asked[-1] and DEFAULT_MT_MODELS["it"] not in asked[-1]
    assert "acme/sum\t/cache/acme/sum" in capsys.readouterr().out
