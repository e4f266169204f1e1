"""Errors the shells turn into one line on stderr and an exit code (see docs/design.md, CLI contract)."""

from __future__ import annotations


class BriefsError(Exception):
    """Base class: `exit_code` is what the CLI returns, `str(err)` the one line it prints."""

    exit_code = 1


class BadInput(BriefsError):
    """Empty, undecodable, too long, or unsupported-language input."""

    exit_code = 2


class UnsupportedLanguage(BadInput):
    def __init__(self, language: str, detail: str = ""):
        self.language = language
        super().__init__(f"unsupported source language '{language}'" + (f": {detail}" if detail else ""))


class EngineUnavailable(BriefsError):
    """A model or engine the request needs cannot be loaded or run.

    `what`: what cannot be used and why, one clause (a fallback's warning quotes it); `advice`: what
    the user can do about it. The message is both, joined with "; "."""

    exit_code = 3

    def __init__(self, what: str, advice: str = ""):
        self.what = what
        self.advice = advice
        super().__init__(f"{what}; {advice}" if advice else what)

    def __reduce__(self):
        return type(self), (self.what, self.advice)


class ModelUnavailable(EngineUnavailable):
    def __init__(self, model: str, reason: str):
        self.model = model
        self.reason = reason
        super().__init__(
            f"model {model} cannot be loaded ({reason})",
            "on a connected machine run `briefs models pull` (or pass a local model directory), or use `--engine offline`",
        )

    def __reduce__(self):
        return type(self), (self.model, self.reason)
