"""The README's flag table says what `briefs run --help` says: the same shared flags, and the same
default wherever the help states one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefs.cli import build_parser

README = Path(__file__).resolve().parent.parent / "README.md"


def _table() -> dict[str, str]:
    """flag -> default cell of the table under "| flag | default |"."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index("| flag | default | |")
    rows: dict[str, str] = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        for flag in re.findall(r"`(--[a-z][a-z-]*)", cells[0]):
            rows[flag] = cells[1]
    return rows


def _help(monkeypatch, capsys) -> dict[str, str]:
    """flag -> its help text, for the shared (pipeline) flags and --debug of `briefs run --help`."""
    monkeypatch.setenv("COLUMNS", "1000")  # one line per flag: no wrapping inside a default
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--help"])
    text = capsys.readouterr().out
    group = text.split("\npipeline:\n", 1)[1] + "\n" + text.split("\noptions:\n", 1)[1].split("\n\n")[0]
    flags: dict[str, str] = {}
    flag = None
    for line in group.splitlines():  # "  --flag ARG  help", or "  --flag ARG" and the help on the next lines
        m = re.match(r"  (--[a-z][a-z-]*)(?: \S+)?(?:\s{2,}(.*))?$", line)
        if m:
            flag = m[1]
            flags[flag] = m[2] or ""
        elif flag and line.startswith("   "):
            flags[flag] = (flags[flag] + " " + line.strip()).strip()
        else:
            flag = None
    flags.pop("--help", None)
    return {f: h for f, h in flags.items() if f not in ("--json", "--source-lang", "--tiers", "--format", "--output")}  # run's own


def _stated_default(help_text: str) -> str | None:
    """The default a help text states: "(default X ...", "(default: X)" or "X (default)"."""
    m = re.search(r"\(default:? ([^;)]+?)(?:[;)]|$)", help_text) or re.match(r"(\S+) \(default\)", help_text)
    return m[1].strip() if m else None


def test_flag_table_lists_exactly_the_shared_flags(monkeypatch, capsys):
    assert sorted(_table()) == sorted(_help(monkeypatch, capsys))


def test_flag_table_defaults_match_the_help(monkeypatch, capsys):
    table = _table()
    stated = {flag: _stated_default(text) for flag, text in _help(monkeypatch, capsys).items()}
    checked = {flag: default for flag, default in stated.items() if default is not None}
    assert len(checked) >= 8  # the parsing found the defaults (engine, device, beams, backends, lookup, ...)
    assert {flag: table[flag] for flag in checked} == checked
