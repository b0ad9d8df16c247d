"""The counting core's command line: `python -m participa.tally pb-results PATH... --rule ...`.

It imports the tally only - no Flask, no database, no web app - so counting a whole library
of Pabulib files is one quick process. Each file (folders are searched for .pb files) gives
one line of JSON with `file` and its `winners`, or its `error` and `line`; the others go on.
The exit status is 1 when any file could not be counted, 2 for a usage error.
"""

import argparse
from collections.abc import Sequence
from pathlib import Path

from participa.tally.count_files import RULES, CountOptions, count_paths, json_line, mes_settings
from participa.tally.pb import Completion

__all__ = ["main"]

MES_ONLY = ("completion", "exhaustive_stop", "comparison", "points_as_weights")


def parser() -> argparse.ArgumentParser:
    """Describe the commands and their options."""
    top = argparse.ArgumentParser(prog="python -m participa.tally", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)
    count = commands.add_parser(
        "pb-results",
        help="count Pabulib files with a PB rule; one JSON line per file",
        description="Count Pabulib (.pb) files; print one JSON object per file (JSON lines).",
    )
    count.set_defaults(parser=count)  # for usage errors of this command
    count.add_argument("paths", nargs="+", type=Path, help=".pb files, or folders holding them")
    count.add_argument(
        "--rule",
        choices=RULES,
        required=True,
        help="greedy: the standard method, with the file's META variant; mes: Equal Shares",
    )
    count.add_argument(
        "--completion",
        choices=[c.value for c in Completion],
        help="Equal Shares completion (default: add1)",
    )
    count.add_argument(
        "--exhaustive-stop", action="store_true", help="stop Add1 at the first exhaustive outcome"
    )
    count.add_argument(
        "--comparison", action="store_true", help="take the greedy outcome if more voters prefer it"
    )
    count.add_argument(
        "--points-as-weights",
        action="store_true",
        help="cumulative ballots: pay in proportion to points",
    )
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command and return the exit status."""
    args = parser().parse_args(argv)
    given = [name for name in MES_ONLY if getattr(args, name) not in (None, False)]
    if args.rule == "greedy" and given:
        names = ", ".join("--" + name.replace("_", "-") for name in given)
        args.parser.error(f"{names}: for --rule mes only")
    settings = mes_settings(
        args.completion or Completion.ADD1.value,
        exhaustive_stop=args.exhaustive_stop,
        comparison=args.comparison,
        points_as_weights=args.points_as_weights,
    )
    failed = False
    for result in count_paths(args.paths, CountOptions(args.rule, settings)):
        failed = failed or "error" in result
        print(json_line(result), flush=True)
    return 1 if failed else 0
