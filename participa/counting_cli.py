"""`flask pb-results`: count Pabulib files with the counting core alone, no app needed.

The same counting and output as `python -m participa.tally pb-results` (participa.tally.cli),
as a click command: it imports click and participa.tally only. Declared as a Flask plugin
command (pyproject.toml, `flask.commands`), Flask finds it before loading the app, so
counting files never imports the web app; participa/cli.py also adds it to the app's own
commands, for installs made before the entry point existed and for the test runner.
"""

from pathlib import Path

import click
from click.core import ParameterSource

from participa.tally.count_files import RULES, CountOptions, count_paths, json_line, mes_settings
from participa.tally.pb import Completion

MES_ONLY = ("completion", "exhaustive_stop", "comparison", "points_as_weights")


@click.command("pb-results")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--rule",
    type=click.Choice(RULES),
    required=True,
    help="greedy: the standard method, with the file's META variant; mes: Equal Shares.",
)
@click.option(
    "--completion",
    type=click.Choice([c.value for c in Completion]),
    default=Completion.ADD1.value,
    show_default=True,
    help="Equal Shares completion.",
)
@click.option("--exhaustive-stop", is_flag=True, help="Stop Add1 at the first exhaustive outcome.")
@click.option(
    "--comparison", is_flag=True, help="Take the greedy outcome if more voters prefer it."
)
@click.option(
    "--points-as-weights", is_flag=True, help="Cumulative ballots: pay in proportion to points."
)
@click.pass_context
def pb_results(ctx: click.Context, paths: tuple[Path, ...], rule: str, **options) -> None:
    """Count Pabulib (.pb) files, or the .pb files in folders; one JSON line per file.

    Each line has `file` and `winners` (and how the rule reached them), or `error` and
    `line`; a bad file does not stop the others, and makes the exit status 1.
    """
    if rule == "greedy":
        given = [n for n in MES_ONLY if ctx.get_parameter_source(n) is ParameterSource.COMMANDLINE]
        if given:
            names = ", ".join("--" + n.replace("_", "-") for n in given)
            raise click.UsageError(f"{names}: for --rule mes only")
    completion = options.pop("completion")
    counting = CountOptions(rule, mes_settings(completion, **options))
    failed = False
    for result in count_paths(paths, counting):
        failed = failed or "error" in result
        click.echo(json_line(result))
    if failed:
        ctx.exit(1)
