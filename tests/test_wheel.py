"""The wheel installs and runs anywhere: build it from a copy of the sources, install it into a new
virtualenv and run `briefs run --engine offline` from another directory (no checkout on the path).

The new virtualenv gets only the wheel (pip --no-deps); the already installed dependencies (torch,
transformers, ...) are borrowed from this interpreter's site-packages through a .pth line that comes
after the venv's own site-packages, so the wheel's package is the one imported. Dependency resolution
itself is not what this checks: the wheel's contents (modules, prompts, entry point) are.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from briefs.summarize.tiers import load_tiers

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_48b0761d22084af5.txt"
PACKAGE = "briefs"  # the import package (the distribution is `briefs`)

pytestmark = pytest.mark.slow


def _sources(dest: Path) -> Path:
    """The files git tracks or would track (not ignored), copied: a build from the working tree
    would pick up stale build/ output or local caches."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, listed):
        src = ROOT / os.fsdecode(name)
        if src.is_file():
            (dest / os.fsdecode(name)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / os.fsdecode(name))
    return dest


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BRIEFS_PROMPTS", "VIRTUAL_ENV")}
    return {**env, **extra}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the venv's bin directory, the wheel path)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = _sources(tmp / "src")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                    str(tmp / "dist"), str(src)], check=True, capture_output=True, env=_clean_env())
    (wheel,) = (tmp / "dist").glob("briefs-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, capture_output=True, env=_clean_env())
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    (Path(site) / "zz_borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin", wheel


def test_the_wheel_holds_every_module_and_the_prompts(installed):
    _, wheel = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / PACKAGE).rglob("*.py")}
    assert modules - names == set()  # a subpackage missing from pyproject's packages list shows here
    prompts = {f"{PACKAGE}/prompts/{p.relative_to(ROOT / 'prompts').as_posix()}"
               for p in (ROOT / "prompts").rglob("*") if p.is_file()}
    assert prompts and prompts - names == set()


def test_briefs_run_offline_from_another_directory(installed, tmp_path):
    bin_dir, _ = installed
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(bin_dir / "python"), "-c", f"import {PACKAGE}; print({PACKAGE}.__file__)"],
                           cwd=elsewhere, capture_output=True, text=True, env=_clean_env(), check=True)
    assert Path(where.stdout.strip()).is_relative_to(bin_dir.parent)  # the wheel's copy, not the checkout

    proc = subprocess.run([str(bin_dir / "briefs"), "run", str(SEED), "--engine", "offline", "--json"],
                          cwd=elsewhere, capture_output=True, text=True, env=_clean_env(), timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["translation"]["engine"].startswith("apertium:")
    assert "China" in result["translation"]["text"]  # the shipped glossary (Cina -> China) was applied
    assert [b["tier"] for b in result["briefs"]] == [t.name for t in load_tiers(ROOT / "prompts")]

    # a BRIEFS_PROMPTS folder still overrides the shipped prompts
    own = tmp_path / "own"
    (own / "tiers").mkdir(parents=True)
    shutil.copy(ROOT / "prompts" / "tiers" / "headline.toml", own / "tiers" / "headline.toml")
    proc = subprocess.run([str(bin_dir / "briefs"), "run", str(SEED), "--engine", "offline", "--json"],
                          cwd=elsewhere, capture_output=True, text=True, env=_clean_env(BRIEFS_PROMPTS=str(own)),
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert [b["tier"] for b in json.loads(proc.stdout)["briefs"]] == ["headline"]
