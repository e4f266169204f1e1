"""How far an editor can trust the fidelity report (service/fidelity.py), measured on human
translations: false checks on faithful references, and the share of deliberate corruptions flagged.

- False checks: every check on a human reference translation (source vs reference, line by line)
  counts as false; reported per 100 sentences, number/name kinds apart from all kinds.
- Recall: the references corrupted by `corruptions` (a digit changed, million <-> billion, a name
  dropped, a sentence deleted from a run of `DOC_LINES` lines); a corruption counts as flagged when
  the report of the corrupted text has a check of the expected kind that the clean text's report
  lacks. Only corruptions of something the source has are made (a number the source also has, a
  name whose words are in the source), so each one really is an error of the translation.

    python -m briefs.fidelity_eval --source eval/data/mt/flores200-devtest.ita \\
        --reference eval/data/mt/flores200-devtest.eng [--limit N] [--json]
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from dataclasses import dataclass

from .. import fidelity
from ..numbers import quantities

DOC_LINES = 4  # a sentence is deleted from documents of this many consecutive lines
_SCALE_SWAP = {"million": "billion", "billion": "million", "millions": "billions", "billions": "millions",
               "thousand": "million"}


@dataclass
class Corruption:
    kind: str  # digit, scale, name, sentence
    line: int  # first line (0-based) of what was corrupted
    source: str
    clean: str
    corrupted: str
    expect: tuple[str, ...]  # check kinds that flag it


def _wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return (0.0, 0.0)
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def corruptions(source: list[str], reference: list[str], seed: int = 13, lang: str = "it") -> list[Corruption]:
    """At most one corruption of each kind per line (a digit, a scale word, a name) and one
    deleted sentence per document of DOC_LINES lines, chosen at random with `seed`."""
    rng = random.Random(seed)
    out: list[Corruption] = []
    for n, (s, r) in enumerate(zip(source, reference)):
        src_values = [q.value for q in quantities(s, lang)]
        digits = [q for q in quantities(r, "en") if re.search(r"\d", q.text)
                  and any(fidelity._close(q.value, v) for v in src_values)]
        if digits:
            q = rng.choice(digits)
            spots = [q.start + m.start() for m in re.finditer(r"\d", q.text)]
            at = rng.choice(spots)
            new = str((int(r[at]) + rng.randint(1, 9)) % 10)
            out.append(Corruption("digit", n, s, r, r[:at] + new + r[at + 1:], ("number",)))
        scales = [m for m in re.finditer(r"\b(" + "|".join(_SCALE_SWAP) + r")\b", r)]
        if scales:
            m = rng.choice(scales)
            out.append(Corruption("scale", n, s, r, r[: m.start()] + _SCALE_SWAP[m.group()] + r[m.end():], ("number",)))
        kept = {fidelity.fold(t) for x in fidelity._source_names(s, lang) for t in x.tokens if len(t) >= 3}
        ref_fold = fidelity.fold(r)
        cands = [x for x in fidelity.names(r) if not x.initial and x.tokens
                 and all(fidelity.fold(t) in kept and ref_fold.count(fidelity.fold(t)) == 1 for t in x.tokens)]
        if cands:
            x = rng.choice(cands)
            cut = r[: x.start].rstrip() + " " + r[x.end:].lstrip()
            out.append(Corruption("name", n, s, r, cut.strip(), ("name",)))
    for start in range(0, len(source) - DOC_LINES + 1, DOC_LINES):
        gone = start + rng.randrange(DOC_LINES)
        src = "\n".join(source[start: start + DOC_LINES])
        ref = reference[start: start + DOC_LINES]
        out.append(Corruption("sentence", start, src, "\n".join(ref),
                              "\n".join(x for k, x in enumerate(ref, start) if k != gone),
                              ("dropped", "length", "number", "name")))
    return out


def _doc(text: str) -> str:
    return "\n\n".join(text.split("\n"))


def _report(c: Corruption, text: str, lang: str, glossary) -> Counter:
    if c.kind == "sentence":
        found = fidelity.check_texts(_doc(c.source), _doc(text), lang, glossary)
    else:
        found = fidelity.pair_checks(c.source, text, None, lang, glossary)
    return Counter((k.kind, k.text) for k in found if k.kind in c.expect)


def measure(source: list[str], reference: list[str], lang: str = "it", seed: int = 13, glossary=None) -> dict:
    """False checks per 100 reference sentences and corruption recall, with 95% intervals."""
    if len(source) != len(reference):
        raise ValueError(f"source has {len(source)} lines, reference {len(reference)}")
    kinds: Counter = Counter()
    examples: list[dict] = []
    for n, (s, r) in enumerate(zip(source, reference)):
        for c in fidelity.pair_checks(s, r, n, lang, glossary):
            kinds[c.kind] += 1
            if len(examples) < 40:
                examples.append(c.to_dict())
    lines = len(source)
    from ..english import words

    n_words = sum(len(words(r)) for r in reference) or 1
    doc_checks = 0  # the same references checked as documents of DOC_LINES lines (sentence alignment on)
    for start in range(0, len(source) - DOC_LINES + 1, DOC_LINES):
        doc_checks += len(fidelity.check_texts(_doc("\n".join(source[start:start + DOC_LINES])),
                                               _doc("\n".join(reference[start:start + DOC_LINES])), lang, glossary))
    doc_lines = (len(source) // DOC_LINES) * DOC_LINES or 1
    numbers_names = kinds["number"] + kinds["name"]
    per_kind: dict[str, list[int]] = {}
    missed: list[dict] = []
    for cut in corruptions(source, reference, seed, lang):
        before, after = _report(cut, cut.clean, lang, glossary), _report(cut, cut.corrupted, lang, glossary)
        hit = bool(after - before)
        per_kind.setdefault(cut.kind, [0, 0])
        per_kind[cut.kind][0] += hit
        per_kind[cut.kind][1] += 1
        if not hit and len(missed) < 20:
            missed.append({"kind": cut.kind, "line": cut.line + 1, "corrupted": cut.corrupted[:300]})
    flagged = sum(k for k, _ in per_kind.values())
    total = sum(n for _, n in per_kind.values())
    return {
        "sentences": lines,
        "false_checks_per_100": {
            "number_name": round(100 * numbers_names / lines, 2),
            "all": round(100 * sum(kinds.values()) / lines, 2),
            "by_kind": dict(kinds.most_common()),
            "aligned_documents_all": round(100 * doc_checks / doc_lines, 2),
        },
        "checks_per_1000_words": round(1000 * sum(kinds.values()) / n_words, 2),
        "recall": {
            "all": round(flagged / total, 4) if total else None,
            "ci95": [round(x, 4) for x in _wilson(flagged, total)],
            "flagged": flagged, "corruptions": total,
            "by_kind": {k: {"flagged": f, "corruptions": n, "recall": round(f / n, 4)} for k, (f, n) in per_kind.items()},
        },
        "seed": seed,
        "false_check_examples": examples,
        "missed_examples": missed,
    }


def checks_per_1000_words(pairs, lang: str = "it", glossary=None) -> dict:
    """How many checks (all, and by kind) the report raises per 1,000 words of English, over
    (source, English) pairs: lines of a test set or sentences of translated articles."""
    from ..english import words

    kinds: Counter = Counter()
    n_words = 0
    for source, english in pairs:
        n_words += len(words(english))
        kinds.update(c.kind for c in fidelity.pair_checks(source, english, None, lang, glossary))
    per = 1000 / n_words if n_words else 0.0
    return {"all": round(sum(kinds.values()) * per, 2), "by_kind": {k: round(v * per, 2) for k, v in kinds.most_common()},
            "words": n_words}


def markdown(out: dict) -> str:
    f, r = out["false_checks_per_100"], out["recall"]
    return (f"sentences {out['sentences']}: false checks per 100 sentences: number/name {f['number_name']}, "
            f"all {f['all']} {f['by_kind']}; checked as aligned documents of {DOC_LINES} lines: all "
            f"{f['aligned_documents_all']}; {out['checks_per_1000_words']} checks per 1,000 words\n"
            f"corruptions flagged: {r['flagged']}/{r['corruptions']} = {r['all']:.1%} "
            f"(95% CI {r['ci95'][0]:.1%}-{r['ci95'][1]:.1%}); "
            + ", ".join(f"{k} {v['flagged']}/{v['corruptions']}" for k, v in r["by_kind"].items()) + "\n")
