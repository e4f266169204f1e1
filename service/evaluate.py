"""`briefs eval`: how good each engine is, on real data, next to well-known systems scored by the same code.

- summaries: ROUGE-1/2/L/Lsum F1 (rouge-score, stemming) of every tier the pipeline writes for English
  articles, of the project's own Lead-3 baseline and of every peer system in the file, against the first
  reference and as the best over all references; each tier's mean length and how often it broke its limits.
- mt: BLEU and chrF (sacrebleu, with their signatures) of the pipeline's translator on a line-aligned test set,
  optionally restricted to one FLORES domain.
- crosslingual: FLORES-200 sentences grouped into articles by URL; the Italian article goes through the whole
  pipeline (detect, translate, summarize), the English reference article is briefed directly; ROUGE between
  the two briefs of each tier shows what translation costs the briefs.

Every run writes report.json (data, engine, model ids, versions, date), report.md and chart.png to --out.
The library functions return plain dicts; `register`/`main` are the thin CLI shell.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from .config import REPO_ROOT
from .errors import BadInput, EngineUnavailable
from .summarize.tiers import BULLET
from .text import article_sentences, sentences, word_count

EVAL_DIR = REPO_ROOT / "eval"
DATA_DIR = EVAL_DIR / "data"
REPORTS_DIR = EVAL_DIR / "reports"
SUMMEVAL = DATA_DIR / "summaries" / "summeval-cnndm-100.jsonl"
FLORES_ITA = DATA_DIR / "mt" / "flores200-devtest.ita"
FLORES_ENG = DATA_DIR / "mt" / "flores200-devtest.eng"
FLORES_META = DATA_DIR / "mt" / "flores200-devtest.metadata.tsv"

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
ROUGE_LABELS = {"rouge1": "R-1", "rouge2": "R-2", "rougeL": "R-L", "rougeLsum": "R-Lsum"}

# Sentence splitting for ROUGE-Lsum (one sentence per line). "regex" (a break after . ! or ? and
# whitespace) reproduces the published SummEval peer figures exactly (DESIGN.md); "project" is
# service.text.sentences; "nltk" is nltk.sent_tokenize and needs the punkt data installed.
SPLITS = ("regex", "project", "nltk")
_REGEX_SPLIT = re.compile(r"(?<=[.!?])\s+")

# Figures published by the model authors for the neural defaults (not run here: no model hub).
PUBLISHED_MT: dict[str, list[tuple[str, float]]] = {
    "newssyscomb2009": [("Helsinki-NLP/opus-mt-it-en (OPUS-MT leaderboard)", 34.9)],
    "newstest2009": [("Helsinki-NLP/opus-mt-it-en (OPUS-MT leaderboard)", 33.5)],
    "flores200-devtest": [("best OPUS-MT it-en (OPUS-MT leaderboard)", 32.8), ("NLLB-200 600M (OPUS-MT leaderboard)", 33.4)],
}

Bar = Callable[[int], None]  # advance a progress bar by n


# ---- sentence splitting and ROUGE ----------------------------------------------------------------
def split_sentences(text: str, how: str = "regex") -> list[str]:
    """Sentences of `text` for ROUGE-Lsum; each line (a bullet item, say) is split on its own."""
    out: list[str] = []
    for line in text.splitlines():
        line = BULLET.sub("", line).strip()
        if not line:
            continue
        if how == "regex":
            out += [s for s in _REGEX_SPLIT.split(line) if s]
        elif how == "project":
            out += sentences(line)
        elif how == "nltk":
            out += _nltk_sentences(line)
        else:
            raise BadInput(f"unknown sentence split '{how}' (use {', '.join(SPLITS)})")
    return out


def _nltk_sentences(text: str) -> list[str]:
    import nltk

    try:
        return nltk.sent_tokenize(text)
    except LookupError:
        raise EngineUnavailable(
            "nltk punkt data is not installed (python -m nltk.downloader punkt_tab on a connected machine); "
            "use --split regex or --split project"
        ) from None


class Rouge:
    """ROUGE-1, -2, -L and -Lsum F1 (x100) with rouge-score's Porter stemming.

    `score(prediction, references)` gives {"first": {...}, "best": {...}}: against the first reference,
    and per metric the best over all references (rouge-score's `score_multi` rule: the reference with
    the highest F1 for that metric)."""

    def __init__(self, split: str = "regex"):
        from rouge_score import rouge_scorer

        if split not in SPLITS:
            raise BadInput(f"unknown sentence split '{split}' (use {', '.join(SPLITS)})")
        self.split = split
        self._scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)

    def prepare(self, text: str) -> str:
        """One sentence per line: what ROUGE-Lsum reads (the other metrics ignore line breaks)."""
        return "\n".join(split_sentences(text, self.split))

    def score(self, prediction: str, references: list[str], prepared: bool = False) -> dict[str, dict[str, float]]:
        if not references:
            raise BadInput("ROUGE needs at least one reference")
        pred = prediction if prepared else self.prepare(prediction)
        refs = references if prepared else [self.prepare(r) for r in references]
        per_ref = [self._scorer.score(ref, pred) for ref in refs]
        first = {k: 100 * per_ref[0][k].fmeasure for k in ROUGE_TYPES}
        best = {k: 100 * max(s[k].fmeasure for s in per_ref) for k in ROUGE_TYPES}
        return {"first": first, "best": best}


def lead3(article: str) -> str:
    """The project's Lead-3 baseline: the first three sentences (service.text.sentences), one per line."""
    return "\n".join(article_sentences(article)[:3])


# ---- summaries ---------------------------------------------------------------------------------
@dataclass
class SummaryItem:
    id: str
    article: str
    references: list[str]
    peers: dict[str, str] = field(default_factory=dict)


def load_summaries(path: str | Path, limit: int | None = None) -> list[SummaryItem]:
    """Items of a JSONL file with {"id", "article", "references": [...], "peers": {name: summary}}
    ("peers" may be left out). A schema error is BadInput naming the file, line and field."""
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"no such file: {path}")
    items: list[SummaryItem] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if limit is not None and len(items) >= limit:
                break
            if not line.strip():
                continue
            where = f"{path.name} line {n}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise BadInput(f"{where}: not valid JSON ({err.msg})") from None
            if not isinstance(row, dict):
                raise BadInput(f"{where}: expected a JSON object with id, article, references, peers")
            for key in ("id", "article", "references"):
                if key not in row:
                    raise BadInput(f"{where}: missing field '{key}'")
            if not isinstance(row["id"], (str, int)):
                raise BadInput(f"{where}: field 'id' must be a string")
            if not isinstance(row["article"], str) or not row["article"].strip():
                raise BadInput(f"{where}: field 'article' must be non-empty text")
            refs = row["references"]
            if not isinstance(refs, list) or not refs or not all(isinstance(r, str) and r.strip() for r in refs):
                raise BadInput(f"{where}: field 'references' must be a non-empty list of non-empty strings")
            peers = row.get("peers", {})
            if not isinstance(peers, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in peers.items()):
                raise BadInput(f"{where}: field 'peers' must map system names to summary text")
            items.append(SummaryItem(str(row["id"]), row["article"], refs, peers))
    if not items:
        raise BadInput(f"{path.name}: no items (expected one JSON object per line)")
    return items


class _Acc:
    """Running sums for one system's row."""

    def __init__(self, name: str, kind: str, engine: str = ""):
        self.name, self.kind, self.engine = name, kind, engine
        self.n = 0
        self.sums = {"first": dict.fromkeys(ROUGE_TYPES, 0.0), "best": dict.fromkeys(ROUGE_TYPES, 0.0)}
        self.words = 0
        self.outside = 0
        self.limit = ""

    def add(self, scores: dict, words: int, within: bool = True) -> None:
        self.n += 1
        for ref in ("first", "best"):
            for k in ROUGE_TYPES:
                self.sums[ref][k] += scores[ref][k]
        self.words += words
        self.outside += not within

    def row(self) -> dict:
        n = max(self.n, 1)
        row = {
            "system": self.name,
            "kind": self.kind,
            "n": self.n,
            "first": {k: round(v / n, 2) for k, v in self.sums["first"].items()},
            "best": {k: round(v / n, 2) for k, v in self.sums["best"].items()},
            "mean_words": round(self.words / n, 1),
        }
        if self.kind == "tier":
            row.update(engine=self.engine, limit=self.limit, outside_limits=self.outside)
        return row


def evaluate_summaries(
    pipeline,
    items: list[SummaryItem],
    *,
    tiers: list[str] | None = None,
    engine: str | None = None,
    split: str = "regex",
    bar: Bar | None = None,
) -> dict:
    """Brief each (English) article with the pipeline's summarize stage and score tiers, the project's
    Lead-3 and the file's peers. Returns the report body: rows, per-item briefs and scores, warnings."""
    from .summarize import load_tiers

    rouge = Rouge(split)
    config = pipeline.config
    tier_list = load_tiers(config.prompts_dir, tiers if tiers is not None else config.tiers)
    accs = _tier_accs(tier_list)
    accs["lead-3 (project)"] = _Acc("lead-3 (project)", "baseline")
    warnings: list[str] = []
    per_item: list[dict] = []
    seconds = 0.0
    for item in items:
        refs = [rouge.prepare(r) for r in item.references]
        t0 = time.perf_counter()
        briefs, more = pipeline.brief(item.article, tier_list, engine)
        seconds += time.perf_counter() - t0
        warnings += [w for w in more if w not in warnings]
        record = {"id": item.id, "briefs": {}, "scores": {}}
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


def _tier_accs(tier_list) -> dict[str, _Acc]:
    accs: dict[str, _Acc] = {}
    for t in tier_list:
        accs[t.name] = _Acc(t.name, "tier")
        accs[t.name].limit = f"{t.min_words}-{t.max_words} words" if t.min_words else f"<= {t.max_words} words"
        if t.shape == "bullets":
            accs[t.name].limit += f", {t.min_items}-{t.max_items} items"
    return accs


def _round(scores: dict) -> dict:
    return {ref: {k: round(v, 2) for k, v in d.items()} for ref, d in scores.items()}


# ---- machine translation ---------------------------------------------------------------------------
def read_lines(path: str | Path) -> list[str]:
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"no such file: {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise BadInput(f"{path.name} is not UTF-8 text (byte {err.start})") from None
    return text.rstrip("\n").split("\n") if text.strip() else []


def read_metadata(path: str | Path) -> list[dict[str, str]]:
    """FLORES metadata: a TSV with a header (URL, domain, topic, ...) and one row per sentence."""
    rows = read_lines(path)
    if not rows:
        raise BadInput(f"{Path(path).name}: empty metadata file")
    header = [h.strip() for h in rows[0].split("\t")]
    if "URL" not in header or "domain" not in header:
        raise BadInput(f"{Path(path).name}: metadata needs a header with URL and domain columns")
    return [dict(zip(header, r.split("\t"))) for r in rows[1:]]


def select_domain(metadata: list[dict[str, str]], domain: str | None, n_lines: int) -> list[int]:
    """Indices of the lines in `domain` (all lines when domain is None)."""
    if len(metadata) != n_lines:
        raise BadInput(f"metadata has {len(metadata)} rows but the test set has {n_lines} lines")
    if domain is None:
        return list(range(n_lines))
    keep = [i for i, m in enumerate(metadata) if m.get("domain") == domain]
    if not keep:
        known = sorted({m.get("domain", "") for m in metadata})
        raise BadInput(f"no lines in domain '{domain}' (known: {', '.join(known)})")
    return keep


def score_mt(hypotheses: list[str], references: list[str]) -> dict:
    """Corpus BLEU and chrF with sacrebleu's default settings and their signatures."""
    from sacrebleu.metrics import BLEU, CHRF

    bleu, chrf = BLEU(), CHRF()
    b = bleu.corpus_score(hypotheses, [references])
    c = chrf.corpus_score(hypotheses, [references])
    return {
        "bleu": round(b.score, 2),
        "chrf": round(c.score, 2),
        "bleu_detail": str(b),
        "bleu_signature": f"BLEU|{bleu.get_signature()}",
        "chrf_signature": f"chrF2|{chrf.get_signature()}",
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
    translator, warnings = pipeline.translator(language, engine)
    report = translate_and_score(translator, sources, references, bar=bar)
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
        "seconds": round(seconds, 2),
        "lines_per_second": round(len(sources) / seconds, 2) if seconds else None,
        "warnings": [],
        "hypotheses": hypotheses,
    }


# ---- cross-lingual check -------------------------------------------------------------------------------
def flores_articles(source: list[str], reference: list[str], metadata: list[dict[str, str]],
                    domain: str | None = None) -> list[tuple[str, str, str]]:
    """(url, source article, reference article): FLORES sentences grouped by URL, in file order."""
    keep = select_domain(metadata, domain, len(source))
    if len(source) != len(reference):
        raise BadInput(f"source has {len(source)} lines but reference has {len(reference)}")
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for i in keep:
        src, ref = groups.setdefault(metadata[i]["URL"], ([], []))
        src.append(source[i].strip())
        ref.append(reference[i].strip())
    return [(url, " ".join(s), " ".join(r)) for url, (s, r) in groups.items()]


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
    from .errors import BriefsError
    from .summarize import load_tiers

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
    languages: dict[str, int] = {}
    engines = {"translator": set(), "summarizer": set()}
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
        record = {"url": url, "briefs": {}, "scores": {}}
        for tier, via, ref in zip(tier_list, result.briefs, direct):
            engines["summarizer"].add(via.engine)
            scores = rouge.score(via.text, [ref.text])
            accs[tier.name].engine = via.engine
            accs[tier.name].add(scores, via.words, tier.within_limits(via.text))
            record["briefs"][tier.name] = {"via_translation": via.text, "direct": ref.text}
            record["scores"][tier.name] = _round(scores)
        english = result.translation.text
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
        "article_bleu": mt["bleu"],
        "article_chrf": mt["chrf"],
        "bleu_signature": mt["bleu_signature"],
        "chrf_signature": mt["chrf_signature"],
        "warnings": warnings,
        "per_item": per_item,
    }


# ---- reports ---------------------------------------------------------------------------------------------
def environment(config, engines: dict) -> dict:
    """What a reader needs to reproduce a run: model ids, package versions, machine, date."""
    from importlib import metadata

    versions = {}
    for pkg in ("briefs", "rouge-score", "sacrebleu", "nltk", "transformers", "torch", "matplotlib"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    used = " ".join(str(v) for v in engines.values())
    if "apertium" in used:
        versions.update(_dpkg_versions(("apertium", "apertium-spa-ita", "apertium-eng-spa")))
    try:
        import os

        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "engine_requested": config.engine,
        "engines": engines,
        "models": {"summarizer": config.summarizer_model, "mt": dict(config.mt_models)},
        "settings": _settings(config),
        "revision": _revision(),
        "versions": versions,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": load,
    }


def _settings(config) -> dict:
    """Every Config field (paths as text), less the long language list."""
    from dataclasses import fields

    out = {}
    for f in fields(config):
        value = getattr(config, f.name)
        if f.name in ("mt_fallback_languages", "mt_models"):
            continue
        out[f.name] = str(value) if isinstance(value, Path) else list(value) if isinstance(value, tuple) else value
    return out


def _revision() -> str | None:
    """The checkout's commit, with '-dirty' when tracked files differ from it."""
    try:
        proc = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=12"], cwd=REPO_ROOT,
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def _dpkg_versions(packages: Iterable[str]) -> dict[str, str]:
    out = {}
    for pkg in packages:
        try:
            proc = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if proc.returncode == 0 and proc.stdout:
            out[pkg] = proc.stdout
    return out


def data_info(*paths: Path | None) -> list[dict]:
    out = []
    for p in paths:
        if p is None:
            continue
        p = Path(p)
        out.append({"path": _shown(p), "sha256": hashlib.sha256(p.read_bytes()).hexdigest()[:16]})
    return out


def _shown(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(p)


def _fmt(x: float) -> str:
    return f"{x:.2f}"


def markdown(report: dict) -> str:
    """The report as Markdown: what was run, then the table(s)."""
    env = report["environment"]
    kind = report["kind"]
    data = ", ".join(f"`{d['path']}`" for d in report["data"])
    engines = "; ".join(f"{k}: {', '.join(v) or 'none' if isinstance(v, list) else v}" for k, v in env["engines"].items())
    lines = [f"# briefs eval {kind}", "",
             f"- data: {data}" + (f" (first {report['limit']})" if report.get("limit") else ""),
             f"- engine: `{env['engine_requested']}` → {engines}",
             f"- date: {env['date']}; revision {env.get('revision')}; "
             + ", ".join(f"{k} {v}" for k, v in env["versions"].items())]
    if kind in ("summaries", "crosslingual"):
        lines.append(f"- ROUGE: rouge-score, F1 x100, Porter stemming, ROUGE-Lsum on one sentence per line "
                     f"(split: {report['split']})")
    if kind == "summaries":
        lines += [f"- {report['items']} articles; summarize stage {report['summarize_seconds_per_article']} s per "
                  f"article (all tiers), load average {env['load_average']}", ""]
        head = "| system | R-1 | R-2 | R-L | R-Lsum | best R-1 | best R-2 | best R-L | best R-Lsum | words | outside limits |"
        lines += [head, "|" + "---|" * 11]
        for r in report["rows"]:
            name = f"{r['system']} ({r['engine']})" if r["kind"] == "tier" else r["system"]
            outside = f"{r['outside_limits']}/{r['n']} ({r['limit']})" if r["kind"] == "tier" else "–"
            cells = [_fmt(r["first"][k]) for k in ROUGE_TYPES] + [_fmt(r["best"][k]) for k in ROUGE_TYPES]
            lines.append(f"| {name} | " + " | ".join(cells) + f" | {r['mean_words']} | {outside} |")
        lines += ["", "R-x: against the first reference (the original highlights); best R-x: best over all "
                  "references. Peers are the SummEval system outputs shipped in the data file."]
    elif kind == "mt":
        sel = f", domain {report['domain']}" if report.get("domain") else ""
        lines += [f"- {report['lines']} lines{sel}; {report['lines_per_second']} lines/s, load average "
                  f"{env['load_average']}", "",
                  "| system | BLEU | chrF |", "|---|---|---|",
                  f"| {report['engines']['translator']} (run here) | {_fmt(report['bleu'])} | {_fmt(report['chrf'])} |"]
        for name, bleu in report.get("published", []):
            lines.append(f"| {name} (published, not run here) | {bleu:.1f} | – |")
        lines += ["", f"- `{report['bleu_signature']}`", f"- `{report['chrf_signature']}`", f"- {report['bleu_detail']}"]
    elif kind == "crosslingual":
        lines += [f"- {report['briefed']} of {report['articles']} articles briefed; detected languages "
                  f"{report['detected_languages']}; article translation BLEU {report['article_bleu']:.2f}, "
                  f"chrF {report['article_chrf']:.2f}", "",
                  "| tier | R-1 | R-2 | R-L | R-Lsum | words (via translation) | outside limits |", "|" + "---|" * 7]
        for r in report["rows"]:
            outside = f"{r['outside_limits']}/{r['n']}" if r["kind"] == "tier" else "–"
            cells = [_fmt(r["first"][k]) for k in ROUGE_TYPES]
            lines.append(f"| {r['system']} | " + " | ".join(cells) + f" | {r['mean_words']} | {outside} |")
        lines += ["", "Each tier's brief of the Italian article (detect → translate → summarize) scored against the "
                  "same tier's brief of the English reference article; 100 would mean translation changed nothing. "
                  "lead-3 (translation only): first three sentences of the translation against those of the reference."]
    if report.get("warnings"):
        lines += ["", "Warnings: " + "; ".join(report["warnings"])]
    return "\n".join(lines) + "\n"


def chart(report: dict, path: Path) -> Path:
    """A bar chart PNG: ROUGE per tier and peer (summaries, crosslingual), or BLEU/chrF (mt)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if report["kind"] == "mt":
        names = [_wrap(f"{report['engines']['translator']} (run here)")]
        names += [_wrap(f"{n} (published)") for n, _ in report.get("published", [])]
        bleu = [report["bleu"]] + [b for _, b in report.get("published", [])]
        fig, ax = plt.subplots(figsize=(max(5, 2.4 * len(names)), 4))
        bars = ax.bar(range(len(names)), bleu, color=["#4c72b0"] + ["#999999"] * (len(names) - 1))
        ax.bar_label(bars, fmt="%.1f")
        ax.set_xticks(range(len(names)), names, fontsize=8)
        ax.set_ylabel("BLEU")
        ax.set_title(f"BLEU, {report['data'][0]['path']} (chrF {report['chrf']:.1f})", fontsize=9)
    else:
        rows = report["rows"]
        metrics = ("rouge1", "rouge2", "rougeLsum")
        fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(rows) + 2), 4.5))
        width = 0.8 / len(metrics)
        for j, m in enumerate(metrics):
            vals = [r["first"][m] for r in rows]
            bars = ax.bar([i + (j - 1) * width for i in range(len(rows))], vals, width, label=ROUGE_LABELS[m])
            ax.bar_label(bars, fmt="%.1f", fontsize=6)
        ax.set_xticks(range(len(rows)), [_wrap(r["system"], 14) for r in rows], fontsize=8)
        ax.set_ylabel("F1 x100")
        ax.legend(fontsize=8)
        what = "vs first reference" if report["kind"] == "summaries" else "via translation vs direct"
        ax.set_title(f"ROUGE {what}: {report['data'][0]['path']}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _wrap(label: str, width: int = 24) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(label, width)) or label


def write_report(report: dict, out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "report.json", "markdown": out / "report.md", "chart": out / "chart.png"}
    paths["json"].write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    paths["markdown"].write_text(markdown(report), encoding="utf-8")
    chart(report, paths["chart"])
    return paths


# ---- CLI shell ----------------------------------------------------------------------------------------------
def register(subparsers, common: argparse.ArgumentParser) -> None:
    ev = subparsers.add_parser("eval", help="evaluate the engines: ROUGE for briefs, BLEU/chrF for translation")
    sub = ev.add_subparsers(dest="eval_command", required=True, metavar="KIND")

    def shared(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help="print the JSON report instead of the Markdown table")
        p.add_argument("--limit", type=int, help="only the first N items")
        p.add_argument("--out", type=Path, help="report folder (default eval/reports/KIND-DATA-TIMESTAMP)")
        p.set_defaults(func=main)

    s = sub.add_parser("summaries", parents=[common], help="ROUGE of each tier, a Lead-3 baseline and the file's peers")
    s.add_argument("--data", type=Path, default=SUMMEVAL, metavar="FILE.jsonl",
                   help='JSONL of {"id", "article", "references": [...], "peers": {name: summary}} '
                        f"(default {_shown(SUMMEVAL)})")
    s.add_argument("--tiers", help="comma-separated tiers (default: all)")
    s.add_argument("--split", choices=SPLITS, default="regex", help="sentence split for ROUGE-Lsum (default regex)")
    shared(s)

    m = sub.add_parser("mt", parents=[common], help="BLEU and chrF of the translator on a line-aligned test set")
    m.add_argument("--source", type=Path, required=True, help="source sentences, one per line")
    m.add_argument("--reference", type=Path, required=True, help="English reference, one line per source line")
    m.add_argument("--source-lang", default="it", help="language of the source lines (default it)")
    m.add_argument("--metadata", type=Path, help="FLORES metadata TSV (URL, domain, ...) for --domain")
    m.add_argument("--domain", help="only lines of this FLORES domain (wikinews, wikivoyage, wikibooks)")
    shared(m)

    c = sub.add_parser("crosslingual", parents=[common],
                       help="FLORES articles: briefs via translation against briefs of the English reference")
    c.add_argument("--source", type=Path, default=FLORES_ITA, help=f"default {_shown(FLORES_ITA)}")
    c.add_argument("--reference", type=Path, default=FLORES_ENG, help=f"default {_shown(FLORES_ENG)}")
    c.add_argument("--metadata", type=Path, default=FLORES_META, help=f"default {_shown(FLORES_META)}")
    c.add_argument("--domain", help="only articles of this FLORES domain")
    c.add_argument("--source-lang", help="skip detection (default: the pipeline detects each article)")
    c.add_argument("--tiers", help="comma-separated tiers (default: all)")
    c.add_argument("--split", choices=SPLITS, default="regex", help="sentence split for ROUGE-Lsum (default regex)")
    shared(c)


def main(args: argparse.Namespace) -> int:
    from .cli import config_from_args
    from .pipeline import Pipeline

    if args.limit is not None and args.limit < 1:
        raise BadInput("--limit must be at least 1")
    config = config_from_args(args)
    pipeline = Pipeline(config)
    kind = args.eval_command
    tiers = [t.strip() for t in args.tiers.split(",") if t.strip()] if getattr(args, "tiers", None) else None
    if kind == "summaries":
        items = load_summaries(args.data, args.limit)
        with _bar(len(items), "articles") as bar:
            report = evaluate_summaries(pipeline, items, tiers=tiers, split=args.split, bar=bar)
        data = [args.data]
    elif kind == "mt":
        sources, references = read_lines(args.source), read_lines(args.reference)
        if len(sources) != len(references):
            raise BadInput(f"{args.source.name} has {len(sources)} lines but {args.reference.name} has {len(references)}")
        if args.domain and not args.metadata:
            raise BadInput("--domain needs --metadata (the FLORES metadata TSV)")
        keep = select_domain(read_metadata(args.metadata), args.domain, len(sources)) if args.metadata else range(len(sources))
        keep = list(keep)[: args.limit] if args.limit else list(keep)
        with _bar(len(keep), "lines") as bar:
            report = evaluate_mt(pipeline, [sources[i] for i in keep], [references[i] for i in keep],
                                 language=args.source_lang.lower(), bar=bar)
        report["domain"] = args.domain
        if not args.limit and not args.domain:
            report["published"] = PUBLISHED_MT.get(args.source.stem, [])
        data = [args.source, args.reference, args.metadata]
    else:
        articles = flores_articles(read_lines(args.source), read_lines(args.reference), read_metadata(args.metadata),
                                   args.domain)
        articles = articles[: args.limit] if args.limit else articles
        with _bar(2 * len(articles), "article briefs") as bar:  # via translation, then direct
            report = evaluate_crosslingual(pipeline, articles, tiers=tiers, source_lang=args.source_lang,
                                           split=args.split, bar=bar)
        report["domain"] = args.domain
        data = [args.source, args.reference, args.metadata]
    report["data"] = data_info(*data)
    report["limit"] = args.limit
    report["environment"] = environment(config, report["engines"])
    name = "-".join(x for x in (kind, Path(data[0]).stem, getattr(args, "domain", None)) if x)
    out = args.out or REPORTS_DIR / f"{name}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    paths = write_report(report, out)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(markdown(report), end="")
    print(f"briefs: report written to {_shown(paths['json'].parent)}/ (report.json, report.md, chart.png)", file=sys.stderr)
    return 0


class _bar:
    """A tqdm progress bar on stderr (silent when stderr is not a terminal); yields its update function."""

    def __init__(self, total: int, unit: str):
        self.total, self.unit = total, unit

    def __enter__(self) -> Bar:
        from tqdm import tqdm

        self._bar = tqdm(total=self.total, unit=self.unit, file=sys.stderr, disable=None, dynamic_ncols=True)
        return self._bar.update

    def __exit__(self, *exc) -> None:
        self._bar.close()
