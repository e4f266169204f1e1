"""The one pipeline: text -> detect -> route -> translate -> summarize -> Result.

CLI, web page, batch runner, evaluation and benchmark all call `Pipeline`; none re-implements a
stage. Engines (and so models) are created lazily, once per Pipeline (its EngineCache,
service/engine_cache.py), and models once per process. The Result it returns and its parts are
defined in service/result.py and re-exported here.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Callable, cast

from . import wire
from .config import ENGINES, Config
from .detect import detect
from .engine_cache import EngineCache
from .errors import BadInput, BriefsError
from .result import Brief, Result, Sentence, Source, Translation
from .summarize import Summarizer, Tier
from .summarize.tiers import read_tiers, select_tiers, shortfall
from .text import clean, paragraphs, sentences, word_count
from .translate import Translator
from .translate.glossary import Glossary

__all__ = ["Brief", "Pipeline", "Progress", "Result", "Sentence", "Source", "Translation"]

# progress(stage, done, total): stage is "detect", "translate" (sentences) or "summarize" (tiers)
Progress = Callable[[str, int, int], None]


@dataclass
class _Doc:
    """One document on its way through the stages."""

    text: str
    paragraphs: list[str]
    language: str
    confidence: float
    mixed: list[str]
    translator: Translator
    warnings: list[str]
    timings: dict[str, int]
    metadata: list[str] = field(default_factory=list)
    routes: list[Translator] = field(default_factory=list)  # per paragraph (default: `translator`)


class Pipeline:
    def __init__(self, config: Config | None = None, *, memory: Callable[[Translator], Translator] | None = None):
        """`memory`, when given, wraps every translation engine this Pipeline creates (once per
        engine), e.g. with a translation memory (briefs.batch). Without it, `config.memory` (a path
        or URL) puts that translation memory in front of every engine."""
        self.config = config or Config()
        self._lock = threading.RLock()
        self.engines = EngineCache(self.config, memory, self._lock)
        self._tier_defs: dict[str, Tier] | None = None
        from .models import set_threads

        set_threads(self.config.threads)

    # ---- public API -------------------------------------------------------------------------
    def run(
        self,
        text: str,
        *,
        source_lang: str | None = None,
        tiers: list[str] | None = None,
        engine: str | None = None,
        progress: Progress | None = None,
    ) -> Result:
        """Translate and brief one article; raises BriefsError subclasses on bad input or engines."""
        (result,) = self.run_many([text], source_lang=source_lang, tiers=tiers, engine=engine, progress=progress)
        if isinstance(result, BriefsError):
            raise result
        return result

    def run_many(
        self,
        texts: list[str],
        *,
        source_lang: str | None = None,
        tiers: list[str] | None = None,
        engine: str | None = None,
        progress: Progress | None = None,
    ) -> list[Result | BriefsError]:
        """Many articles at once: sentences of every document go through each translator together
        (length-sorted batches, repeated sentences translated once). A document that fails gets its
        error in its place; the others go on."""
        engine = engine or self.config.engine
        tier_list = self.tiers(tiers if tiers is not None else self.config.tiers)
        docs: list[_Doc | BriefsError] = []
        for k, text in enumerate(texts, 1):
            try:
                docs.append(self._prepare(text, source_lang, engine))
            except BriefsError as err:
                docs.append(err)
            if progress:
                progress("detect", k, len(texts))
        english = self._translate_all([d for d in docs if isinstance(d, _Doc)], progress)
        briefed = self._brief_all([d for d in docs if isinstance(d, _Doc)], english, tier_list, engine, progress)
        results: list[Result | BriefsError] = []
        for doc in docs:
            if isinstance(doc, BriefsError):
                results.append(doc)
                continue
            try:
                results.append(self._finish(doc, english[id(doc)], tier_list, engine, progress, briefed.get(id(doc))))
            except BriefsError as err:
                results.append(err)
        return results

    def brief(
        self,
        english: str,
        tiers: list[Tier] | list[str] | None = None,
        engine: str | None = None,
        progress: Progress | None = None,
    ) -> tuple[list[Brief], list[str]]:
        """The summarize stage alone on English text: one Brief per tier (limits enforced) and the
        warnings the summarizer's choice produced. `run` uses it after translating; evaluation calls it
        directly on English articles."""
        (done,) = self.brief_many([english], tiers, engine, progress)
        return done

    def brief_many(
        self,
        englishes: list[str],
        tiers: list[Tier] | list[str] | None = None,
        engine: str | None = None,
        progress: Progress | None = None,
    ) -> list[tuple[list[Brief], list[str]]]:
        """`brief` of each English text, in order; a summarizer with `summarize_many` (seq2seq)
        decodes several texts together (same texts as one at a time), others go one by one.
        Progress counts tiers for one text, texts for several."""
        engine = engine or self.config.engine
        if tiers is None or any(isinstance(t, str) for t in tiers):
            tiers = self.tiers(tiers if tiers is not None else self.config.tiers)  # type: ignore[arg-type]
        tiers = cast("list[Tier]", tiers)  # names were loaded above
        if not tiers or not englishes:
            return [([], []) for _ in englishes]
        summarizer, warnings = self.summarizer(engine)
        step = (lambda done, total: progress("summarize", done, total)) if progress else None
        englishes = [wire.split(e).body or e for e in englishes]  # English input too: no dateline reaches a brief
        many = getattr(summarizer, "summarize_many", None)
        if len(englishes) == 1 or many is None:
            raws = [summarizer.summarize(e, tiers, step if len(englishes) == 1 else None) for e in englishes]
            if step and len(englishes) > 1:
                step(len(englishes), len(englishes))
        else:
            raws = many(englishes, tiers, step)
        out = []
        for english, raw in zip(englishes, raws):
            briefs = []
            more = list(warnings)
            for tier, draft in zip(tiers, raw):
                text = tier.enforce(draft)
                if tier.shape == "line":
                    text = self._checked_headline(text, english, tier, summarizer, more)
                short = shortfall(tier, text)
                if short:
                    more.append(short)
                briefs.append(Brief(tier.name, text, word_count(text), summarizer.name))
            out.append((briefs, more))
        return out

    def _checked_headline(self, text: str, english: str, tier: Tier, summarizer, warnings: list[str]) -> str:
        """A headline that breaks the headline rules (summarize/headline.py) is repaired, or else
        replaced by the extractive compressed main clause; the reason goes to `warnings`."""
        from .summarize import headline

        low, high = tier.min_words or headline.MIN_WORDS, tier.max_words
        broken = headline.violations(text, min(low, high), high)
        if not broken:
            return text
        fixed = headline.repair(text, high)
        if fixed and not headline.violations(fixed, min(low, high), high):
            warnings.append(f"{tier.name} from {summarizer.name} repaired ({'; '.join(broken)})")
            return fixed
        if not summarizer.name.startswith("extractive"):
            (compressed,) = self.engines.summarizer_of("offline").summarize(english, [tier])
            compressed = tier.enforce(compressed)
            if compressed and not headline.violations(compressed, min(low, high), high):
                warnings.append(f"{tier.name} from {summarizer.name} replaced by the compressed main clause ({'; '.join(broken)})")
                return compressed
        warnings.append(f"{tier.name} breaks the headline rules ({'; '.join(broken)}): no sentence of the article compresses within them")
        return text

    def tiers(self, names: list[str] | tuple[str, ...] | None = None) -> list[Tier]:
        """The tiers `names` picks (all: None), from prompts/tiers read once per Pipeline."""
        with self._lock:
            if self._tier_defs is None:
                self._tier_defs = read_tiers(self.config.prompts_dir)
        return select_tiers(self._tier_defs, names)

    def summarizer(self, engine: str | None = None) -> tuple[Summarizer, list[str]]:
        """The summarizer for `engine` and the warnings its choice produced."""
        return self.engines.summarizer(engine)

    def translator(self, language: str, engine: str | None = None) -> tuple[Translator, list[str]]:
        """The translator routing picks for `language` and the warnings its choice produced."""
        return self.engines.translator(language, engine)

    def glossary(self) -> Glossary:
        """prompts/glossary.tsv plus the user's `--glossary` file, read once (bad file: BadInput)."""
        return self.engines.glossary()

    # ---- translation memory: corrections and suggestions -------------------------------------------
    def translation_memory(self):
        """The translation memory of `config.memory` (opened once), or None without one."""
        return self.engines.translation_memory()

    @property
    def memory(self) -> Callable[[Translator], Translator] | None:
        """What wraps every translation engine this Pipeline creates (see __init__), or None."""
        return self.engines.memory

    def correct(self, source_sentence: str, text: str, *, who: str, language: str = "it",
                engine: str | None = None):
        """An editor's translation of one source sentence (as in `sentence_pairs`), stored as a human
        entry that wins over machine output from now on: the next run of any article with that
        sentence has it in its translation and in its briefs. Returns the stored Entry."""
        from .translate.memory import MemoryTranslator

        memory = self.translation_memory()
        if memory is None:
            raise BadInput("no translation memory is configured (set BRIEFS_MEMORY to a file or postgresql:// URL)")
        source_sentence = (source_sentence or "").strip()
        key, replaced = "", None
        try:
            translator, _ = self.translator(language, engine)
        except BriefsError:
            translator = None
        if isinstance(translator, MemoryTranslator):
            key = translator.key
            replaced = memory.lookup(key, [source_sentence]).get(source_sentence)
        return memory.correct(source_sentence, text, who=who, engine=key, replaced=replaced)

    def suggestions(self, source_sentences: list[str]) -> dict:
        """Human entries close to (not equal to) each source sentence: {sentence: [Suggestion]}."""
        memory = self.translation_memory()
        return memory.suggestions(source_sentences) if memory is not None else {}

    def sentence_pairs(self, text: str, *, source_lang: str | None = None, engine: str | None = None) -> list[dict]:
        """The article's sentences and their translations, in reading order (a run's
        `translation.sentences`, without briefs): [{"id", "paragraph", "source", "text"}]."""
        result = self.run(text, source_lang=source_lang, tiers=[], engine=engine)
        return [asdict(s) for s in result.translation.sentences]

    # ---- stages ---------------------------------------------------------------------------------
    def _prepare(self, text: str, source_lang: str | None, engine: str) -> _Doc:
        t0 = time.perf_counter()
        if engine not in ENGINES:
            raise BadInput(f"unknown engine '{engine}' (use {', '.join(ENGINES[:-1])} or {ENGINES[-1]})")
        text = clean(text, self.config.max_chars)
        cut = wire.split(text)  # datelines, bylines, metadata lines: kept aside, never briefed
        paras = paragraphs(cut.body) or paragraphs(text)
        if source_lang:
            language, confidence, mixed = source_lang.lower(), 1.0, []
        else:
            found = detect(
                paras, min_chars=self.config.min_detect_chars, min_confidence=self.config.min_detect_confidence
            )
            language, confidence, mixed = found.language, found.confidence, found.mixed_languages
        t1 = time.perf_counter()
        translator, warnings = self.translator(language, engine)
        routes = [translator] * len(paras)
        if mixed:
            routes, warnings = self._route(found.paragraph_languages, language, translator, engine, warnings)
        return _Doc(text, paras, language, confidence, mixed, translator, warnings, {"detect": _ms(t0, t1)},
                    cut.metadata if cut.body else [], routes)

    def _route(self, languages: list[str | None], language: str, translator: Translator, engine: str,
               warnings: list[str]) -> tuple[list[Translator], list[str]]:
        """Each paragraph's translator: a paragraph detected (confidently) in another supported
        language goes by its own language, English as written; one in a language with no engine
        is translated as the document's language. Says which in the warnings."""
        routes: list[Translator] = []
        routed: dict[str, list[int]] = {}
        unrouted: list[str] = []
        for k, lang in enumerate(languages, 1):
            if not lang or lang == language:
                routes.append(translator)
                continue
            try:
                other, more = self.translator(lang, engine)
            except BriefsError:
                routes.append(translator)
                unrouted.append(lang)
                continue
            routes.append(other)
            routed.setdefault(lang, []).append(k)
            warnings += [w for w in more if w not in warnings]
        for lang, numbers in routed.items():
            which = "paragraph " + str(numbers[0]) if len(numbers) == 1 else "paragraphs " + ", ".join(map(str, numbers))
            done = "kept as written" if lang == "en" else f"translated as '{lang}'"
            warnings.append(f"{which} in '{lang}' {done}, not as '{language}'")
        if unrouted:
            others = ", ".join(dict.fromkeys(unrouted))
            warnings.append(f"paragraphs in other languages ({others}) were translated as '{language}'")
        return routes, warnings

    def _translate_all(self, docs: list[_Doc], progress: Progress | None) -> dict[int, list[list[tuple[str, str]]]]:
        """Per document (keyed by id(doc)), its paragraphs as (source, English) sentence pairs, one
        translate call per engine (a paragraph goes to its own route's engine)."""
        out: dict[int, list[list[tuple[str, str]]]] = {id(d): [[] for _ in d.paragraphs] for d in docs}
        by_engine: dict[int, list[tuple[_Doc, int]]] = {}
        for doc in docs:
            for k, route in enumerate(doc.routes or [doc.translator] * len(doc.paragraphs)):
                by_engine.setdefault(id(route), []).append((doc, k))
        spent: dict[int, float] = {}
        for group in by_engine.values():
            doc0, k0 = group[0]
            translator = (doc0.routes or [doc0.translator] * len(doc0.paragraphs))[k0]
            split = [sentences(doc.paragraphs[k]) for doc, k in group]
            flat = [s for para in split for s in para]
            t0 = time.perf_counter()
            step = (lambda done, total: progress("translate", done, total)) if progress else None
            english = iter(translator.translate(flat, step))
            elapsed = _ms(t0, time.perf_counter())
            total_chars = sum(len(doc.paragraphs[k]) for doc, k in group) or 1
            for (doc, k), para in zip(group, split):
                out[id(doc)][k] = [(s, next(english)) for s in para]
                spent[id(doc)] = spent.get(id(doc), 0) + elapsed * len(doc.paragraphs[k]) / total_chars
        for doc in docs:
            doc.timings["translate"] = round(spent.get(id(doc), 0))
        return out

    def _brief_all(self, docs: list[_Doc], english: dict, tiers: list[Tier], engine: str,
                   progress: Progress | None) -> dict[int, tuple[list[Brief], list[str]] | BriefsError]:
        """The summarize step of run_many: every document's briefs (keyed by id(doc)) from one
        brief_many call, its time shared out by text length as _translate_all does."""
        if not tiers or not docs:
            return {}
        texts = ["\n\n".join(" ".join(t for _, t in para) for para in english[id(d)]) for d in docs]
        t0 = time.perf_counter()
        try:
            done: list = self.brief_many(texts, tiers, engine, progress)
        except BriefsError as err:
            done = [err] * len(docs)
        elapsed = _ms(t0, time.perf_counter())
        total_chars = sum(len(t) for t in texts) or 1
        for doc, text in zip(docs, texts):
            doc.timings["summarize"] = round(elapsed * len(text) / total_chars)
        return {id(d): b for d, b in zip(docs, done)}

    def _finish(self, doc: _Doc, pairs: list[list[tuple[str, str]]], tiers: list[Tier], engine: str,
                progress, briefed: tuple[list[Brief], list[str]] | BriefsError | None = None) -> Result:
        """`briefed`: this document's (briefs, warnings) from _brief_all, else briefed here."""
        english = [" ".join(t for _, t in para) for para in pairs]
        aligned = [Sentence(k, p, s, t) for k, (p, s, t) in
                   enumerate((p, s, t) for p, para in enumerate(pairs) for s, t in para)]
        text = "\n\n".join(english)
        briefs: list[Brief] = []
        warnings = list(doc.warnings)
        if isinstance(briefed, BriefsError):
            raise briefed
        if briefed is not None:
            briefs, more = briefed
            warnings += more
        elif tiers:
            t0 = time.perf_counter()
            briefs, more = self.brief(text, tiers, engine, progress)
            warnings += more
            doc.timings["summarize"] = _ms(t0, time.perf_counter())
        checks = self._fidelity(doc, aligned, briefs, tiers)
        return Result(
            source=Source(doc.language, doc.confidence, len(doc.text), len(doc.paragraphs), doc.mixed),
            translation=Translation(text, doc.translator.name, english, aligned, doc.metadata,
                                    [r.name for r in doc.routes or [doc.translator] * len(english)]),
            briefs=briefs,
            warnings=warnings,
            timings_ms=doc.timings,
            checks=checks,
        )

    def _fidelity(self, doc: _Doc, aligned: list[Sentence], briefs: list[Brief], tiers: list[Tier]) -> list[dict]:
        """The fidelity report (service/fidelity.py); sets each brief's `sources`."""
        from . import fidelity

        t0 = time.perf_counter()
        shapes = {t.name: t.shape for t in tiers}
        sources, checks = fidelity.report(
            [asdict(s) for s in aligned], [(b.tier, b.text, shapes.get(b.tier) == "bullets") for b in briefs],
            doc.language, self.glossary(), translated=doc.language != "en")
        for brief, src in zip(briefs, sources):
            brief.sources = src
        doc.timings["check"] = _ms(t0, time.perf_counter())
        return [c.to_dict() for c in checks]


def _ms(t0: float, t1: float) -> int:
    return round((t1 - t0) * 1000)
