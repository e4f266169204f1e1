"""`briefs`: a thin shell over the Pipeline (docs/design.md, CLI contract).

Exit codes: 0 ok; 2 bad input; 3 a needed model or engine is unavailable; 1 anything else
(batch: 4 when some items failed). Errors are one line on stderr; `--debug` shows the traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

from .argtypes import OneLineParser
from .documents import describe
from .errors import BriefsError
from .options import common_options, config_from_args

EXIT_CODES = """exit codes:
  0  ok
  2  bad input: empty, not text, too long, unreadable document, unsupported language, bad flag
  3  a needed model or engine is unavailable
  1  anything else"""

# Shell modules; each has register(subparsers, common) adding its sub-command with func=main(args).
SHELLS: tuple[str, ...] = ("web", "evaluate", "batch", "bench", "fidelity", "memory_cli")


def read_input(path: str, max_chars: int) -> str:
    """Text of FILE or stdin ('-'), read through the one table of formats (briefs.documents)."""
    from .documents import read_file, read_stream

    if path == "-":
        if sys.stdin.isatty():
            print("briefs: reading the article from stdin; paste it and end with Ctrl-D (or give a FILE)",
                  file=sys.stderr)
        return read_stream(sys.stdin.buffer, max_chars)
    return read_file(path, max_chars)


def cmd_run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .errors import BadInput
    from .pipeline import Pipeline
    from .render import markdown
    from .translate.memory import location

    config = config_from_args(args).with_(memory=location())  # BRIEFS_MEMORY, else the default file
    text = read_input(args.file, config.max_chars)
    fmt = "json" if args.json else args.format
    if fmt == "docx" and not args.output:
        raise BadInput("--format docx writes a file: give -o FILE")
    if args.output and not Path(args.output).resolve().parent.is_dir():
        raise BadInput(f"-o {args.output}: its directory does not exist")
    result = Pipeline(config).run(text, source_lang=args.source_lang)
    if fmt == "docx":
        from .render import docx

        body = docx([(result, text)])
        Path(args.output).write_bytes(body)
        return 0
    out = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if fmt == "json" else markdown(result)
    if args.output:
        Path(args.output).write_text(out + "\n", encoding="utf-8")
    else:
        print(out)
    return 0


def cmd_models_pull(args: argparse.Namespace) -> int:
    from .models import pull

    config = config_from_args(args)  # the defaults, or the models --mt-model / --summarizer-model name
    models = args.models or sorted({*config.mt_models.values(), *filter(None, [config.mt_fallback]),
                                    config.summarizer_model})
    for model, path in zip(models, pull(models)):
        print(f"{model}\t{path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = OneLineParser(prog="briefs", description="English translation and tiered briefs of news articles.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", parents=[common], help="translate and brief one article",
                         description="Translate one article to English and write its briefs (Markdown, or JSON).",
                         epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("file", nargs="?", default="-", metavar="FILE|-",
                     help=f"the article: {describe()} (UTF-8, or UTF-16 with a byte order mark); "
                          "- or none: read stdin")
    run.add_argument("--json", action="store_true", help="print the JSON result instead of Markdown (= --format json)")
    run.add_argument("--format", choices=("markdown", "json", "docx"), default="markdown",
                     help="markdown (default), json, or docx (a Word file: briefs, then the translation side by "
                          "side; needs -o)")
    run.add_argument("-o", "--output", metavar="FILE", help="write the result to FILE instead of stdout")
    run.add_argument("--source-lang", help="skip detection: the ISO code of the source language")
    run.add_argument("--tiers", help="comma-separated tiers (default: all in prompts/tiers)")
    run.set_defaults(func=cmd_run)

    models = sub.add_parser("models", help="manage model weights")
    msub = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    pull = msub.add_parser("pull", parents=[common], help="download the models (needs the model hub)")
    pull.add_argument("models", nargs="*",
                      help="hub ids (default: every configured model: the defaults, changed by --mt-model and "
                           "--summarizer-model)")
    pull.set_defaults(func=cmd_models_pull)

    for name in SHELLS:
        importlib.import_module(f".{name}", __package__).register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BriefsError as err:
        return _fail(args, err, err.exit_code)
    except KeyboardInterrupt:
        print("briefs: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # noqa: BLE001 - the contract: one line, never a traceback
        return _fail(args, err, 1, f"unexpected error: {type(err).__name__}: {err}")


def _fail(args, err: Exception, code: int, line: str | None = None) -> int:
    if getattr(args, "debug", False):
        import traceback

        traceback.print_exception(err)
    line = " ".join((line or str(err)).split())
    print(f"briefs: error: {line}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
