"""The evaluation data: where it lives, and readers for its files (SummEval-style JSONL, line-aligned
test sets, FLORES metadata and articles). A schema error is BadInput naming the file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..config import REPO_ROOT
from ..errors import BadInput
from ..jsonl import LineError, records

EVAL_DIR = REPO_ROOT / "eval"
DATA_DIR = EVAL_DIR / "data"
REPORTS_DIR = EVAL_DIR / "reports"
SUMMEVAL = DATA_DIR / "summaries" / "summeval-cnndm-100.jsonl"
FLORES_ITA = DATA_DIR / "mt" / "flores200-devtest.ita"
FLORES_ENG = DATA_DIR / "mt" / "flores200-devtest.eng"
FLORES_META = DATA_DIR / "mt" / "flores200-devtest.metadata.tsv"

# Figures published by the model authors for the neural defaults (not run here: no model hub).
PUBLISHED_MT: dict[str, list[tuple[str, float]]] = {
    "newssyscomb2009": [("Helsinki-NLP/opus-mt-it-en (OPUS-MT leaderboard)", 34.9)],
    "newstest2009": [("Helsinki-NLP/opus-mt-it-en (OPUS-MT leaderboard)", 33.5)],
    "flores200-devtest": [("best OPUS-MT it-en (OPUS-MT leaderboard)", 32.8), ("NLLB-200 600M (OPUS-MT leaderboard)", 33.4)],
}

@dataclass
class SummaryItem:
    id: str
    article: str
    references: list[str]
    peers: dict[str, str] = field(default_factory=dict)


def _objects(path: str | Path, fields: tuple[str, ...], limit: int | None):
    """(where, row) for each JSON object of a JSONL file that has `fields`, at most `limit` of them;
    BadInput naming the file and line for anything else, and for a file with no objects."""
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"no such file: {path}")
    count = 0
    for n, row in records(path):
        if limit is not None and count >= limit:
            break
        where = f"{path.name} line {n}"
        if isinstance(row, LineError):
            raise BadInput(f"{where}: not valid JSON ({row.decode.msg})" if row.decode else f"{where}: {row}")
        if not isinstance(row, dict):
            raise BadInput(f"{where}: expected a JSON object with {', '.join(fields)}")
        for key in fields:
            if key not in row:
                raise BadInput(f"{where}: missing field '{key}'")
        count += 1
        yield where, row
    if not count:
        raise BadInput(f"{path.name}: no items (expected one JSON object per line)")


def load_summaries(path: str | Path, limit: int | None = None) -> list[SummaryItem]:
    """Items of a JSONL file with {"id", "article", "references": [...], "peers": {name: summary}}
    ("peers" may be left out). A schema error is BadInput naming the file, line and field."""
    items: list[SummaryItem] = []
    for where, row in _objects(path, ("id", "article", "references"), limit):
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
    return items


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


def _shown(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(p)




@dataclass
class HeadlineItem:
    id: str
    article: str
    headline: str


def load_headlines(path: str | Path, limit: int | None = None) -> list[HeadlineItem]:
    """Items of a JSONL file with {"id", "headline", "article"}: news articles with their real
    headlines. A schema error is BadInput naming the file, line and field."""
    items: list[HeadlineItem] = []
    for where, row in _objects(path, ("id", "headline", "article"), limit):
        for key in ("headline", "article"):
            if not isinstance(row[key], str) or not row[key].strip():
                raise BadInput(f"{where}: field '{key}' must be non-empty text")
        items.append(HeadlineItem(str(row["id"]), row["article"], row["headline"]))
    return items
