"""Reports: what a reader needs to reproduce a run (environment, data hashes), the Markdown table
and the chart, written to a report folder."""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Iterable

from ..config import REPO_ROOT
from .data import _shown
from .metrics import ROUGE_LABELS, ROUGE_TYPES


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
        # the word lexicon's (those installed): its answers change with them
        versions.update(_dpkg_versions(("apertium-cat-ita", "apertium-eng-cat", "apertium-spa-cat", "apertium-fra-cat", "dict-freedict-ita-eng",
                                        "dict-freedict-eng-ita", "dict-freedict-spa-eng", "dict-freedict-ita-spa", "dict-freedict-fra-ita")))
    try:
        import os

        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
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
        lines += [f"- {report['items']} articles{_half(report)}; summarize stage {report['summarize_seconds_per_article']} s per "
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
        lines += _versus_table(report)
    elif kind == "headlines":
        lines += [f"- ROUGE: rouge-score, F1 x100, Porter stemming, against the article's real headline; "
                  f"{report['items']} articles{_half(report)}; real headlines average {report['reference_words']} words",
                  f"- headlines breaking the headline rules: {report['breaking_headline_rules']} of {report['items']}", "",
                  "| system | R-1 | R-2 | R-L | words | ends on a function word (%) | outside limits |", "|" + "---|" * 7]
        for r in report["rows"]:
            name = f"{r['system']} ({r['engine']})" if r["kind"] == "tier" else r["system"]
            outside = f"{r['outside_limits']}/{r['n']} ({r['limit']})" if r["kind"] == "tier" else "–"
            cells = [_fmt(r["first"][k]) for k in ("rouge1", "rouge2", "rougeL")]
            lines.append(f"| {name} | " + " | ".join(cells) + f" | {r['mean_words']} | {r['ends_on_function_word']} | {outside} |")
        lines += _versus_table(report)
    elif kind == "mt":
        sel = f", domain {report['domain']}" if report.get("domain") else ""
        lines += [f"- {report['lines']} lines{sel}; {report['lines_per_second']} lines/s, load average "
                  f"{env['load_average']}", "",
                  "| system | BLEU | chrF | leftover words /1000 |", "|---|---|---|---|",
                  f"| {report['engines']['translator']} (run here) | {_fmt(report['bleu'])} | {_fmt(report['chrf'])} | "
                  f"{_leftover(report.get('leftover'))} |"]
        if report.get("reference_leftover"):
            lines.append(f"| human reference (the word list's false-alarm floor) | – | – | {_leftover(report['reference_leftover'])} |")
        for name, bleu in report.get("published", []):
            lines.append(f"| {name} (published, not run here) | {bleu:.1f} | – | – |")
        lines += ["", f"- `{report['bleu_signature']}`", f"- `{report['chrf_signature']}`", f"- {report['bleu_detail']}"]
        if report.get("checks_per_1000_words"):
            c = report["checks_per_1000_words"]
            lines.append(f"- fidelity checks per 1,000 words of translation: {c['all']} "
                         f"({', '.join(f'{k} {v}' for k, v in c['by_kind'].items()) or 'none'})")
        if report.get("leftover", {}).get("top"):
            lines.append(f"- leftover words (briefs.english.leftover_words), most frequent: {', '.join(report['leftover']['top'][:12])}")
    elif kind == "crosslingual":
        lines += [f"- {report['briefed']} of {report['articles']} articles briefed; detected languages "
                  f"{report['detected_languages']}; article translation BLEU {report['article_bleu']:.2f}, "
                  f"chrF {report['article_chrf']:.2f}; fidelity checks per 1,000 words of translation "
                  f"{report.get('checks_per_1000_words')}", "",
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


def _half(report: dict) -> str:
    which = report.get("half", "all")
    return {"all": "", "tune": " (tune half: items 1, 3, 5...)",
            "test": " (held-out half: items 2, 4, 6..., not used for tuning)"}.get(which, "")


def _versus_table(report: dict) -> list[str]:
    """Each system minus the baseline, mean over articles with a paired bootstrap 95% CI."""
    rows = [r for r in report["rows"] if r.get("vs_baseline")]
    if not rows:
        return []
    base = rows[0]["vs_baseline"]["baseline"]
    metrics = ("rouge1", "rouge2", "rougeL") if report["kind"] == "headlines" else ("rouge1", "rouge2", "rougeLsum")
    out = ["", f"Against {base} (mean difference, paired bootstrap 95% CI over articles; an interval across 0 "
               "is no measurable difference):", "",
           "| system | " + " | ".join(f"Δ {ROUGE_LABELS[m]}" for m in metrics) + " |", "|" + "---|" * (len(metrics) + 1)]
    for r in rows:
        cells = [f"{v['diff']:+.2f} [{v['low']:+.2f}, {v['high']:+.2f}]" for v in (r["vs_baseline"][m] for m in metrics)]
        out.append(f"| {r['system']} | " + " | ".join(cells) + " |")
    return out


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
        metrics = ("rouge1", "rouge2", "rougeL") if report["kind"] == "headlines" else ("rouge1", "rouge2", "rougeLsum")
        fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(rows) + 2), 4.5))
        width = 0.8 / len(metrics)
        for j, m in enumerate(metrics):
            vals = [r["first"][m] for r in rows]
            bars = ax.bar([i + (j - 1) * width for i in range(len(rows))], vals, width, label=ROUGE_LABELS[m])
            ax.bar_label(bars, fmt="%.1f", fontsize=6)
        ax.set_xticks(range(len(rows)), [_wrap(r["system"], 14) for r in rows], fontsize=8)
        ax.set_ylabel("F1 x100")
        ax.legend(fontsize=8)
        what = {"summaries": "vs first reference", "headlines": "vs real headline"}.get(report["kind"], "via translation vs direct")
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


def _leftover(found: dict | None) -> str:
    if not found:
        return "–"
    return f"{found['per_1000']:.2f} ({found['words']} of {found['of']} words; 95% CI {found['low']:.2f}–{found['high']:.2f})"
