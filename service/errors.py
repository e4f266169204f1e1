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
    """`offline`: whether `--engine offline` would serve the request (advice given only then);
    `also`: why the offline engine cannot stand in, when `--engine auto` tried it."""

    def __init__(self, model: str, reason: str, *, offline: bool = True, also: str = ""):
        self.model = model
        self.reason = reason
        self.offline = offline
        self.also = also
        advice = "on a connected machine run `briefs models pull` (or pass a local model directory)"
        if offline and not also:
            advice += ", or use `--engine offline`"
        super().__init__(f"model {model} cannot be loaded ({reason})" + (f"; {also}" if also else ""), advice)

    def __reduce__(self):
        import functools

        return functools.partial(type(self), offline=self.offline, also=self.also), (self.model, self.reason)

    def without_offline(self, also: str = "") -> "ModelUnavailable":
        """The same error for a request the offline engine cannot serve (`also`: why not)."""
        return ModelUnavailable(self.model, self.reason, offline=False, also=also)
