"""The hostile corpus as a folder through `briefs batch`: every document of the table of formats is
picked up (a .docx or .pdf is not skipped), each hostile one becomes an error line with its one-line
reason and exit code, the others are translated, all within the memory bound."""

from __future__ import annotations

import json

import pytest
from corpus import CASES, REFUSE_CPU_S, REFUSE_PEAK_MB, measured


def _folder(tmp_path, hostile, cases):
    folder = tmp_path / "in"
    folder.mkdir()
    for case in cases:
        (folder / case.name).symlink_to(hostile[case.name])
    return folder


def test_batch_refuses_each_hostile_document_on_its_line(hostile, tmp_path):
    refused = [c for c in CASES if c.refused]
    out = tmp_path / "out.jsonl"
    got = measured(["batch", str(_folder(tmp_path, hostile, refused)), str(out), "--engine", "offline",
                    "--no-briefs", "--no-memory", "--quiet"], tmp_path)
    assert got.rc == 4, got.stderr
    lines = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert set(lines) == {c.name for c in refused}
    for case in refused:
        line = lines[case.name]
        assert line["exit_code"] == case.exit_code and case.message in line["error"] and "\n" not in line["error"]
    assert got.cpu_s < REFUSE_CPU_S, f"{got.cpu_s:.2f} s of CPU for {len(refused)} refusals"
    assert got.peak_mb < REFUSE_PEAK_MB, f"{got.peak_mb:.0f} MB peak"


@pytest.mark.slow
def test_batch_reads_every_format_in_a_folder(hostile, tmp_path):
    accepted = [c for c in CASES if not c.refused]
    out = tmp_path / "out.jsonl"
    got = measured(["batch", str(_folder(tmp_path, hostile, accepted)), str(out), "--engine", "offline",
                    "--tiers", "headline", "--no-memory", "--quiet"], tmp_path)
    assert got.rc == 0, got.stderr
    lines = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert set(lines) == {c.name for c in accepted}  # .docx, .pdf, .html, .txt alike
    assert all(r["translation"]["text"] and r["source"]["language"] == "it" for r in lines.values())
    assert got.peak_mb < 1024, f"{got.peak_mb:.0f} MB peak"


def test_batch_help_lists_exit_codes(cli):
    code, out, _ = cli("batch", "--help")
    assert code == 0
    for line in ("0  every item ok", "4  some items failed", "2  INPUT unusable", "3  a needed model"):
        assert line in out
