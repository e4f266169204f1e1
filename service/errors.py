"""Errors the shells turn into one line on stderr and an exit code (see DESIGN.md, CLI contract)."""

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
    """A model or engine the request needs cannot be loaded or run."""

    exit_code = 3


class ModelUnavailable(EngineUnavailable):
    def __init__(self, model: str, reason: str):
        self.model = model
        self.reason = reason
        super().__init__(
            f"model {model} cannot be loaded ({reason}); on a connected machine run "
            f"`briefs models pull` (or pass a local model directory), or use `--engine offline`"
        )
