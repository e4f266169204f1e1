"""`briefs check`: the fidelity report of a translation made elsewhere."""

from __future__ import annotations

from pathlib import Path

from .pairs import check_texts, pair_checks


# ---- `briefs check` --------------------------------------------------------------------------------------
def register(subparsers, common) -> None:
    p = subparsers.add_parser(
        "check", help="the fidelity report of a translation made elsewhere (a human's, another engine's)",
        description="Rule-based checks of a translation against its source: numbers, names, untranslated "
                    "words, dropped sentences, length, loops. Checks found are not an error (exit 0).")
    p.add_argument("--source", required=True, type=Path, help="the source text (UTF-8)")
    p.add_argument("--translation", required=True, type=Path, help="its English translation (UTF-8)")
    p.add_argument("--lines", action="store_true",
                   help="the two files are line-aligned: one JSON object a line, {\"line\": n, \"checks\": [...]}")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--source-lang", default="it", help="the source language (default it)")
    p.add_argument("--glossary", type=Path, help="extra glossary TSV whose names must be kept")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.set_defaults(func=main)


def main(args) -> int:
    import json

    from ..config import Config
    from ..documents import read_file
    from ..errors import BadInput
    from ..translate.glossary import Glossary

    limit = Config().max_chars
    glossary = Glossary.default(args.glossary)
    lang = args.source_lang.strip().lower()
    source, translation = read_file(args.source, limit * 20), read_file(args.translation, limit * 20)
    if args.lines:
        src, tgt = source.splitlines(), translation.splitlines()
        if len(src) != len(tgt):
            raise BadInput(f"--lines: {args.source} has {len(src)} lines, {args.translation} has {len(tgt)}")
        for n, (s, t) in enumerate(zip(src, tgt), 1):
            checks = [c.to_dict() for c in pair_checks(s, t, None, lang, glossary)]
            print(json.dumps({"line": n, "checks": checks}, ensure_ascii=False), flush=False)
        return 0
    from ..text import clean

    try:
        source = clean(source, limit * 20)
    except BadInput as err:
        raise BadInput(f"{args.source}: {err}") from None
    try:
        translation = clean(translation, limit * 20)
    except BadInput as err:
        raise BadInput(f"{args.translation}: {err}") from None
    found = check_texts(source, translation, lang, glossary)
    if args.json:
        print(json.dumps({"checks": [c.to_dict() for c in found]}, ensure_ascii=False, indent=2))
    else:
        for c in found:
            print(f"sentence {c.sentence + 1 if c.sentence is not None else '-'}\t{c.kind}\t{c.text}\t{c.message}")
        print(f"{len(found)} checks")
    return 0
