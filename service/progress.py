"""The one progress bar: tqdm on stderr, for the shells (batch, eval)."""

from __future__ import annotations

import sys


def progress_bar(total: int | None, unit: str, *, initial: int = 0, enabled: bool | None = None):
    """A tqdm bar on stderr. enabled=None: shown only when stderr is a terminal. Usable as a
    context manager; `.update(n)` advances it."""
    from tqdm import tqdm

    return tqdm(total=total, initial=min(initial, total) if total else initial, unit=unit, file=sys.stderr,
                disable=None if enabled is None else not enabled, dynamic_ncols=True, mininterval=0.5,
                smoothing=0.1)
