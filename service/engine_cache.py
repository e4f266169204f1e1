"""The engines of one Pipeline, made once: which translator or summarizer `--engine` picks, and the
glossary and translation memory every translation engine gets.

`Pipeline` holds one EngineCache and delegates `translator`, `summarizer`, `glossary` and
`translation_memory` to it. The classes come from the registry (service/engines.py); an engine, the
glossary or the memory that fails to build is remembered too, so a batch does not retry it per item.
"""

from __future__ import annotations

import threading
from typing import Callable

from . import engines
from .config import Config
from .errors import BadInput, BriefsError, EngineUnavailable, ModelUnavailable, UnsupportedLanguage
from .summarize import Summarizer
from .translate import IdentityTranslator, Translator
from .translate.glossary import Glossary, GlossaryTranslator


class EngineCache:
    def __init__(self, config: Config, memory: Callable[[Translator], Translator] | None = None,
                 lock: threading.RLock | None = None):
        """`memory`: as Pipeline's (wraps every translation engine, once); without it,
        `config.memory` puts that translation memory in front of every engine. `lock`: the
        Pipeline's, shared so one lock guards all it makes once."""
        self.config = config
        self.memory = memory
        if memory is None and self.config.memory:
            self.memory = self._remembering
        # what is made once: engines by key tuple, "glossary", "memory" (the one of config.memory)
        self._made: dict[tuple | str, object] = {}
        self._notices: dict[tuple, list[str]] = {}  # engine key -> warnings every result from it carries
        self._lock = lock if lock is not None else threading.RLock()

    # ---- routing: which engine serves a language ------------------------------------------------------
    def summarizer(self, engine: str | None = None) -> tuple[Summarizer, list[str]]:
        """The summarizer for `engine` and the warnings its choice produced."""
        engine = engine or self.config.engine
        if engine == "offline":
            return self.summarizer_of("offline"), []
        try:
            return self.summarizer_of("neural"), []
        except EngineUnavailable as err:
            if engine == "neural":
                raise
            fallback = self.summarizer_of("offline")
            return fallback, [f"summarization {err.what}; used {fallback.name}"]

    def translator(self, language: str, engine: str | None = None) -> tuple[Translator, list[str]]:
        """The translator routing picks for `language` and the warnings its choice produced."""
        engine = engine or self.config.engine
        if language == "en":
            return IdentityTranslator(), []
        if engine == "offline":
            return self._translator("offline", language)
        try:
            return self._translator("neural", language)
        except EngineUnavailable as err:
            if engine == "neural":
                raise self._offline_advice(err, language) from None
            try:
                fallback, notices = self._translator("offline", language)
            except UnsupportedLanguage:
                raise self._offline_advice(err, language) from None
            except EngineUnavailable as offline_err:  # e.g. apertium not installed: name both
                if isinstance(err, ModelUnavailable):
                    raise err.without_offline(f"the offline engine is unavailable too: {offline_err}") from None
                raise EngineUnavailable(f"{err.what}; the offline engine is unavailable too: {offline_err}",
                                        err.advice) from None
            return fallback, [f"neural MT {err.what}; used {fallback.name}", *notices]

    # ---- translation memory ---------------------------------------------------------------------------
    def translation_memory(self):
        """The translation memory of `config.memory` (opened once), or None without one."""
        from .translate.memory import open_memory

        if not self.config.memory:
            return None
        return self._once("memory", lambda: open_memory(self.config.memory), BriefsError)

    def _remembering(self, translator: Translator) -> Translator:
        from .translate.memory import MemoryTranslator, glossary_fingerprint

        return MemoryTranslator(translator, self.translation_memory(), variant=glossary_fingerprint(self.config))

    # ---- made once: engines, glossary, memory ---------------------------------------------------------
    def _once(self, key: tuple | str, factory, remembered: type[BriefsError] = EngineUnavailable):
        """`factory()` once per key (an engine, the glossary, the memory); a failure of type
        `remembered` is remembered too, so a batch does not retry it per item."""
        with self._lock:
            if key not in self._made:
                try:
                    self._made[key] = factory()
                except remembered as err:
                    self._made[key] = err
            found = self._made[key]
        if isinstance(found, remembered):
            raise found
        return found

    def _mt_engine(self, key: tuple, factory) -> Translator:
        """A translation engine, once: its output gets the glossary, then the memory (if any) sits
        in front of both, so remembered sentences are the glossary's final English."""

        def make() -> Translator:
            glossary = self.glossary()  # a bad glossary file fails before any model loads
            engine = factory(glossary)
            self._notices[key] = list(getattr(engine, "notices", []))
            made: Translator = GlossaryTranslator(engine, glossary)
            return self.memory(made) if self.memory is not None else made

        return self._once(key, make)

    def _translator(self, family: str, language: str) -> tuple[Translator, list[str]]:
        """The first registered translator of `family` that serves `language` (made once), and the
        notices its results carry."""
        reasons = []
        for name, cls in engines.of_family(engines.TRANSLATORS, family):
            reason = cls.unsupported(self.config, language)
            if reason is not None:
                reasons.append(reason)
                continue
            instance = getattr(cls, "instance_key", None)
            key = (name, instance(self.config, language) if instance else language)
            made = self._mt_engine(key, lambda glossary, cls=cls: cls.from_config(self.config, language, glossary))
            return made, list(self._notices.get(key, []))
        raise UnsupportedLanguage(language, "; ".join(reasons) or f"no {family} translator is registered")

    def _offline_advice(self, err: EngineUnavailable, language: str) -> EngineUnavailable:
        """`err` advising `--engine offline` only when an offline translator serves `language`."""
        serves = any(cls.unsupported(self.config, language) is None
                     for _, cls in engines.of_family(engines.TRANSLATORS, "offline"))
        if isinstance(err, ModelUnavailable) and not serves:
            return err.without_offline()
        return err

    def summarizer_of(self, family: str) -> Summarizer:
        """The first registered summarizer of `family`, made once."""
        found = engines.of_family(engines.SUMMARIZERS, family)
        if not found:
            raise EngineUnavailable(f"no {family} summarizer is registered")
        name, cls = found[0]
        return self._once((name,), lambda: cls.from_config(self.config))

    def glossary(self) -> Glossary:
        """prompts/glossary.tsv plus the user's `--glossary` file, read once (bad file: BadInput,
        remembered like an unavailable engine, so a batch does not read it again per document)."""
        return self._once("glossary", lambda: Glossary.default(self.config.glossary, self.config.prompts_dir), BadInput)
