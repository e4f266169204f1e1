"""`briefs eval`: how good each engine is, on real data, next to well-known systems scored by the same code.

- summaries: ROUGE-1/2/L/Lsum F1 (rouge-score, stemming) of every tier the pipeline writes for English
  articles, of the project's own Lead-3 baseline and of every peer system in the file, against the first
  reference and as the best over all references; each tier's mean length and how often it broke its limits.
- mt: BLEU and chrF (sacrebleu, with their signatures) of the pipeline's translator on a line-aligned test set,
  optionally restricted to one FLORES domain.
- headlines: the headline tier against real headlines (ROUGE-1/2/L, mean length, share ending on a function
  word), next to Lead-14/Lead-10 words, with paired bootstrap 95% confidence intervals against Lead-14.
- `--half tune|test` (summaries, headlines): settings are chosen on the tune half, figures reported on the test half.
- crosslingual: FLORES-200 sentences grouped into articles by URL; the Italian article goes through the whole
  pipeline (detect, translate, summarize), the English reference article is briefed directly; ROUGE between
  the two briefs of each tier shows what translation costs the briefs.

Every run writes report.json (data, engine, model ids, versions, date), report.md and chart.png to --out.
The library functions return plain dicts; `register`/`main` are the thin CLI shell.

Modules: `metrics` (ROUGE, BLEU/chrF, Lead-3), `data` (file readers), `runs` (the evaluations),
`report` (environment, Markdown, chart), `command` (the sub-command). The data files' paths live in `data`.
"""

from __future__ import annotations

from .command import main, register
from .data import HeadlineItem, SummaryItem, flores_articles, load_headlines, load_summaries, read_lines, select_domain
from .metrics import (
    HALVES,
    ROUGE_LABELS,
    ROUGE_TYPES,
    SPLITS,
    Rouge,
    best_sentence_words,
    bootstrap_diff,
    half,
    lead3,
    lead_words,
    score_mt,
    split_sentences,
)
from .report import chart, data_info, environment, markdown, write_report
from .runs import Bar, evaluate_crosslingual, evaluate_headlines, evaluate_mt, evaluate_summaries, translate_and_score

__all__ = [
    "ROUGE_LABELS", "ROUGE_TYPES", "SPLITS", "HALVES", "HeadlineItem", "bootstrap_diff", "evaluate_headlines", "half",
    "lead_words", "best_sentence_words", "load_headlines", "Bar", "Rouge", "SummaryItem", "chart", "data_info", "environment",
    "evaluate_crosslingual", "evaluate_mt", "evaluate_summaries", "flores_articles", "lead3", "load_summaries",
    "main", "markdown", "read_lines", "register", "score_mt", "select_domain", "split_sentences",
    "translate_and_score", "write_report",
]
