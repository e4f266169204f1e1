"""argparse types for numeric and device flags: a value out of bounds is argparse's error (exit 2,
one line), never a Python error later or a silent no-op. Used by every shell's parser."""

from __future__ import annotations

import argparse
import math
import re


def integer(least: int | None = None, most: int | None = None):
    """An int type for `type=`: 'N' within [least, most]."""
    return _number(int, "a whole number", least, most)


def real(least: float | None = None, most: float | None = None, *, above: float | None = None):
    """A float type for `type=`: within [least, most] (or strictly above `above`)."""
    return _number(float, "a number", least, most, above)


def _number(kind, what: str, least, most, above=None):
    if above is not None:
        bounds = f"above {above:g}" + (f" and at most {most:,}" if most is not None else "")
    elif least is not None and most is not None:
        bounds = f"from {least:,} to {most:,}"
    elif least is not None:
        bounds = f"{least:,} or more"
    else:
        bounds = f"{most:,} or less"

    def parse(text: str):
        try:
            value = kind(text.replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what} {bounds}, got '{text}'") from None
        if (least is not None and value < least) or (most is not None and value > most) or \
                (above is not None and not value > above) or math.isnan(value):
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its own messages
    return parse


def device(text: str) -> str:
    """cpu, cuda or cuda:N."""
    value = text.strip().lower()
    if not re.fullmatch(r"cpu|cuda(:\d{1,2})?", value):
        raise argparse.ArgumentTypeError(f"expected cpu, cuda or cuda:N, got '{text}'")
    return value


class OneLineParser(argparse.ArgumentParser):
    """argparse's errors as one line (`briefs run: error: ...; see briefs run --help`), exit 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())} (see {self.prog} --help)\n")
