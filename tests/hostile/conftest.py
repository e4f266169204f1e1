"""Fixtures of the hostile corpus (corpus.py builds it in a temporary folder at test time)."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import build


@pytest.fixture(scope="session")
def hostile(tmp_path_factory) -> dict[str, Path]:
    """name -> path of every file of the corpus."""
    return build(tmp_path_factory.mktemp("hostile"))
