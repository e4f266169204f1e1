"""`briefs memory import|export|stats|correct`: the translation memory from the command line.

The memory is the one every command uses: `--memory`, else $BRIEFS_MEMORY (a file path or a
postgresql:// URL), else the default SQLite file (translate/memory.py). TMX goes through
translate-toolkit: an export imported into an empty memory gives back every entry.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import BadInput


def register(subparsers, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("memory", help="the translation memory: TMX import/export, stats, corrections",
                              description="The translation memory every command uses (BRIEFS_MEMORY: a file "
                                          "path or a postgresql:// URL; default a SQLite file).")
    sub = p.add_subparsers(dest="memory_command", required=True, metavar="ACTION")
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--memory", metavar="PATH|URL", help="the memory (default: $BRIEFS_MEMORY, else the default file)")
    where.add_argument("--debug", action="store_true", help="show tracebacks")

    imp = sub.add_parser("import", parents=[where], help="add the units of a TMX file (a CAT tool's are human entries)")
    imp.add_argument("file", metavar="FILE.tmx")
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", parents=[where], help="write every entry as TMX (stdout, or -o FILE)")
    exp.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    exp.add_argument("--human-only", action="store_true", help="only human entries (corrections, imports)")
    exp.add_argument("--source-lang", default="it", help="TMX srclang (default it)")
    exp.set_defaults(func=cmd_export)

    st = sub.add_parser("stats", parents=[where], help="entries by kind, engine and editor")
    st.add_argument("--json", action="store_true", help="print JSON")
    st.set_defaults(func=cmd_stats)

    cor = sub.add_parser("correct", parents=[where], help="store an editor's translation of one source sentence")
    cor.add_argument("source", help="the source sentence, exactly as the article has it")
    cor.add_argument("text", help="its corrected English translation")
    cor.add_argument("--who", required=True, help="the editor's name")
    cor.set_defaults(func=cmd_correct)


def _open(args, create: bool = False):
    from .translate.memory import is_url, location, open_memory

    where = location(args.memory)
    if where is None:
        raise BadInput("the translation memory is off (BRIEFS_MEMORY=off); name one with --memory")
    if not create and not is_url(where) and not Path(where).is_file():
        raise BadInput(f"no translation memory at {where} (it is made by the first run, correction or import)")
    return open_memory(where)


def cmd_import(args) -> int:
    from .translate.memory import read_tmx

    path = Path(args.file)
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    entries = read_tmx(path.read_bytes())
    memory = _open(args, create=True)
    try:
        n = memory.add(entries)
    finally:
        memory.close()
    human = sum(e.origin == "human" for e in entries)
    print(f"briefs memory: imported {n} entries ({human} human, {n - human} machine) into {memory.where}",
          file=sys.stderr)
    return 0


def cmd_export(args) -> int:
    from .translate.memory import export_tmx

    memory = _open(args)
    try:
        entries = list(memory.human().values()) if args.human_only else list(memory.entries())
    finally:
        memory.close()
    data = export_tmx(entries, source_lang=args.source_lang)
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"briefs memory: exported {len(entries)} entries to {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def cmd_stats(args) -> int:
    memory = _open(args)
    try:
        stats = memory.stats()
    finally:
        memory.close()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return 0
    print(f"memory: {stats['location']} ({stats['backend']})")
    print(f"human entries: {stats['human']}")
    for who, n in stats["authors"].items():
        print(f"  {who or '(unknown)'}: {n}")
    print(f"machine entries: {stats['machine']}")
    for engine, n in stats["engines"].items():
        print(f"  {engine}: {n}")
    return 0


def cmd_correct(args) -> int:
    memory = _open(args, create=True)
    try:
        entry = memory.correct(args.source, args.text, who=args.who)
    finally:
        memory.close()
    print(f"briefs memory: stored {entry.author}'s translation of: {entry.source}", file=sys.stderr)
    return 0
