"""The runs: each evaluation as a library function returning the report body as a plain dict."""

from __future__ import annotations

import time
from typing import Any, Callable

from ..errors import BadInput, EngineUnavailable
from ..text import word_count
from .data import HeadlineItem, SummaryItem
from .metrics import (
    ROUGE_TYPES,
    Rouge,
    _Acc,
    _round,
    _tier_accs,
    best_sentence_words,
    bootstrap_diff,
    lead3,
    lead_words,
    leftover_rate,
    score_mt,
)

Bar = Callable[[int], None]  # advance a progress bar by n


def evaluate_summaries(
    pipeline,
    items: list[SummaryItem],
    *,
    tiers: list[str] | None = None,
    engine: str | None = None,
    split: str = "regex",
    bar: Bar | None = None,
    chunk: int = 32,
) -> dict:
    """Brief each (English) article with the pipeline's summarize stage and score tiers, the project's
    Lead-3 and the file's peers. Returns the report body: rows, per-item briefs and scores, warnings.
    Articles are summarized `chunk` at a time (decoded together by the seq2seq engine)."""
    from ..summarize import load_tiers

    rouge = Rouge(split)
    config = pipeline.config
    tier_list = load_tiers(config.prompts_dir, tiers if tiers is not None else config.tiers)
    accs = _tier_accs(tier_list)
    accs["lead-3 (project)"] = _Acc("lead-3 (project)", "baseline")
    warnings: list[str] = []
    per_item: list[dict] = []
    seconds = 0.0
    briefed: list = []
    for k, item in enumerate(items):
        if k == len(briefed):  # the next `chunk` articles summarized together (Pipeline.brief_many)
            t0 = time.perf_counter()
            briefed += pipeline.brief_many([i.article for i in items[k:k + chunk]], tier_list, engine)
            seconds += time.perf_counter() - t0
        refs = [rouge.prepare(r) for r in item.references]
        briefs, more = briefed[k]
        warnings += [w for w in more if w not in warnings]
        record: dict[str, Any] = {"id": item.id, "briefs": {}, "scores": {}}
        for tier, brief in zip(tier_list, briefs):
            scores = rouge.score(rouge.prepare(brief.text), refs, prepared=True)
            accs[tier.name].engine = brief.engine
            accs[tier.name].add(scores, brief.words, tier.within_limits(brief.text))
            record["briefs"][tier.name] = brief.text
            record["scores"][tier.name] = _round(scores)
        baseline = lead3(item.article)
        scores = rouge.score(rouge.prepare(baseline), refs, prepared=True)
        accs["lead-3 (project)"].add(scores, word_count(baseline))
        record["scores"]["lead-3 (project)"] = _round(scores)
        for name, summary in sorted(item.peers.items()):
            key = f"peer: {name}"
            acc = accs.setdefault(key, _Acc(key, "peer"))
            scores = rouge.score(rouge.prepare(summary), refs, prepared=True)
            acc.add(scores, word_count(summary))
            record["scores"][key] = _round(scores)
        per_item.append(record)
        if bar:
            bar(1)
    rows = [a.row() for a in accs.values()]
    for row in rows:  # each tier against Lead-3, paired over articles (first reference)
        if row["kind"] == "tier":
            row["vs_baseline"] = _versus(per_item, row["system"], "lead-3 (project)")
    tier_rows = [r for r in rows if r["kind"] == "tier"]
    return {
        "kind": "summaries",
        "items": len(items),
        "tiers": [t.name for t in tier_list],
        "engines": {"summarizer": sorted({r["engine"] for r in tier_rows if r.get("engine")})},
        "split": split,
        "rows": rows,
        "summarize_seconds_per_article": round(seconds / max(len(items), 1), 3),
        "warnings": warnings,
        "per_item": per_item,
    }



def _versus(per_item: list[dict], system: str, baseline: str) -> dict:
    """`system` minus `baseline` per ROUGE type (first reference), with a paired bootstrap 95% CI."""
    out: dict[str, Any] = {"baseline": baseline}
    for k in ROUGE_TYPES:
        a = [r["scores"][system]["first"][k] for r in per_item]
        b = [r["scores"][baseline]["first"][k] for r in per_item]
        out[k] = bootstrap_diff(a, b)
    return out


ORACLE = "best sentence, 14 words (reads the headline: a ceiling)"


def evaluate_headlines(pipeline, items: list[HeadlineItem], *, engine: str | None = None, tier: str = "headline",
                       bar: Bar | None = None) -> dict:
    """The headline tier of each article against its real headline (ROUGE-1/2/L F1, stemmed), next
    to Lead-14 and Lead-10 words (the first sentence cut to 14 or 10 words) and the ceiling of an
    extractive headline (`best_sentence_words`: the article sentence, cut to 14 words, closest to the
    real headline); mean length, the share
    ending on a function word, and each system minus Lead-14 with a paired bootstrap 95% CI."""
    from ..summarize.headline import ends_on_function_word, violations

    rouge = Rouge("regex")
    (tier_def,) = pipeline.tiers([tier])
    systems = {tier: None, "lead-14 words": 14, "lead-10 words": 10, ORACLE: None}
    accs = {name: _Acc(name, "tier" if name == tier else "ceiling" if name == ORACLE else "baseline") for name in systems}
    accs[tier].limit = f"{tier_def.min_words}-{tier_def.max_words} words"
    ends = dict.fromkeys(systems, 0)
    broken = 0
    warnings: list[str] = []
    per_item: list[dict] = []
    seconds = 0.0
    for item in items:
        t0 = time.perf_counter()
        (brief,), more = pipeline.brief(item.article, [tier_def], engine)
        seconds += time.perf_counter() - t0
        warnings += [w for w in more if w not in warnings]
        accs[tier].engine = brief.engine
        texts = {tier: brief.text, **{name: lead_words(item.article, n) for name, n in systems.items() if n},
                 ORACLE: best_sentence_words(item.article, item.headline, rouge)}
        # ids and scores only: headline data sets are often research-use, so the report copies none of their text
        record: dict[str, Any] = {"id": item.id, "scores": {}}
        for name, text in texts.items():
            scores = rouge.score(text, [item.headline])
            accs[name].add(scores, word_count(text), name != tier or tier_def.within_limits(text))
            ends[name] += ends_on_function_word(text)
            record["scores"][name] = _round(scores)
        broken += bool(violations(brief.text, tier_def.min_words or 1, tier_def.max_words))
        per_item.append(record)
        if bar:
            bar(1)
    rows = [a.row() for a in accs.values()]
    n = max(len(items), 1)
    for row in rows:
        row["ends_on_function_word"] = round(100 * ends[row["system"]] / n, 1)
        if row["system"] != "lead-14 words":
            row["vs_baseline"] = _versus(per_item, row["system"], "lead-14 words")
    return {
        "kind": "headlines",
        "items": len(items),
        "tiers": [tier],
        "engines": {"summarizer": sorted({r.get("engine") for r in rows if r.get("engine")})},
        "split": "regex",
        "rows": rows,
        "reference_words": round(sum(word_count(i.headline) for i in items) / n, 1),
        "breaking_headline_rules": broken,
        "summarize_seconds_per_article": round(seconds / n, 3),
        "warnings": warnings,
        "per_item": per_item,
    }


def evaluate_mt(
    pipeline,
    sources: list[str],
    references: list[str],
    *,
    language: str = "it",
    engine: str | None = None,
    bar: Bar | None = None,
) -> dict:
    """Translate `sources` with the translator routing picks for `language` and score against `references`."""
    from .checks import checks_per_1000_words

    translator, warnings = pipeline.translator(language, engine)
    report = translate_and_score(translator, sources, references, bar=bar)
    report["checks_per_1000_words"] = checks_per_1000_words(zip(sources, report["hypotheses"]), language,
                                                            pipeline.glossary())
    return {"kind": "mt", "language": language, **report, "warnings": warnings + report["warnings"]}


def translate_and_score(translator, sources: list[str], references: list[str], *, bar: Bar | None = None) -> dict:
    """BLEU/chrF of any `Translator` (e.g. one built with other options) on line-aligned files."""
    if len(sources) != len(references):
        raise BadInput(f"source has {len(sources)} lines but reference has {len(references)}")
    if not sources:
        raise BadInput("no lines to translate")
    done = [0]

    def step(n: int, total: int) -> None:
        if bar and n > done[0]:
            bar(n - done[0])
            done[0] = n

    t0 = time.perf_counter()
    hypotheses = translator.translate(list(sources), step)
    seconds = time.perf_counter() - t0
    if len(hypotheses) != len(sources):
        raise EngineUnavailable(f"{translator.name} returned {len(hypotheses)} lines for {len(sources)}")
    return {
        "lines": len(sources),
        "engines": {"translator": translator.name},
        **score_mt(hypotheses, references),
        # words left in Italian/Spanish; the human references give the list's false-alarm floor
        "leftover": leftover_rate(hypotheses, list(sources)),
        "reference_leftover": leftover_rate(list(references)),
        "seconds": round(seconds, 2),
        "lines_per_second": round(len(sources) / seconds, 2) if seconds else None,
        "warnings": [],
        "hypotheses": hypotheses,
    }


def evaluate_crosslingual(
    pipeline,
    articles: list[tuple[str, str, str]],
    *,
    tiers: list[str] | None = None,
    engine: str | None = None,
    source_lang: str | None = None,
    split: str = "regex",
    bar: Bar | None = None,
    chunk: int = 32,
) -> dict:
    """Brief each source article through the whole pipeline and its reference article directly
    (English, summarize stage only); ROUGE of the first against the second, per tier."""
    from ..errors import BriefsError
    from ..summarize import load_tiers

    rouge = Rouge(split)
    config = pipeline.config
    tier_list = load_tiers(config.prompts_dir, tiers if tiers is not None else config.tiers)
    results: list = []
    for start in range(0, len(articles), chunk):  # run_many batches translation; chunks let the bar move
        group = [a[1] for a in articles[start : start + chunk]]
        results += pipeline.run_many(group, source_lang=source_lang, tiers=[t.name for t in tier_list], engine=engine)
        if bar:
            bar(len(group))
    accs = _tier_accs(tier_list)
    accs["lead-3 (translation only)"] = _Acc("lead-3 (translation only)", "baseline")
    warnings: list[str] = []
    failed: list[dict] = []
    translations, refs_text, per_item = [], [], []
    checks_seen = {"checks": 0, "words": 0}  # the fidelity report of each result
    languages: dict[str, int] = {}
    engines: dict[str, set[str]] = {"translator": set(), "summarizer": set()}
    for (url, _, reference), result in zip(articles, results):
        if isinstance(result, BriefsError):
            failed.append({"url": url, "error": str(result)})
            continue
        languages[result.source.language] = languages.get(result.source.language, 0) + 1
        engines["translator"].add(result.translation.engine)
        warnings += [w for w in result.warnings if w not in warnings]
        direct, more = pipeline.brief(reference, tier_list, engine)
        if bar:
            bar(1)
        warnings += [w for w in more if w not in warnings]
        record: dict[str, Any] = {"url": url, "briefs": {}, "scores": {}}
        for tier, via, ref in zip(tier_list, result.briefs, direct):
            engines["summarizer"].add(via.engine)
            scores = rouge.score(via.text, [ref.text])
            accs[tier.name].engine = via.engine
            accs[tier.name].add(scores, via.words, tier.within_limits(via.text))
            record["briefs"][tier.name] = {"via_translation": via.text, "direct": ref.text}
            record["scores"][tier.name] = _round(scores)
        english = result.translation.text
        checks_seen["checks"] += len(result.checks)
        checks_seen["words"] += word_count(english)
        lead = lead3(english)
        scores = rouge.score(lead, [lead3(reference)])
        accs["lead-3 (translation only)"].add(scores, word_count(lead))
        record["scores"]["lead-3 (translation only)"] = _round(scores)
        translations.append(english)
        refs_text.append(reference)
        per_item.append(record)
    if not per_item:
        raise BadInput(f"no article could be briefed: {failed[0]['error'] if failed else 'no articles'}")
    mt = score_mt(translations, refs_text)
    return {
        "kind": "crosslingual",
        "articles": len(articles),
        "briefed": len(per_item),
        "failed": failed,
        "detected_languages": languages,
        "tiers": [t.name for t in tier_list],
        "engines": {k: sorted(v) for k, v in engines.items()},
        "split": split,
        "rows": [a.row() for a in accs.values()],
        "checks_per_1000_words": round(1000 * checks_seen["checks"] / checks_seen["words"], 2) if checks_seen["words"] else None,
        "article_bleu": mt["bleu"],
        "article_chrf": mt["chrf"],
        "bleu_signature": mt["bleu_signature"],
        "chrf_signature": mt["chrf_signature"],
        "warnings": warnings,
        "per_item": per_item,
    }


