"""Command-line interface. Thin: parses arguments and calls the library.

Subcommands live in their own modules (``dana.cli_data`` for fetch/data,
``dana.cli_report`` for report/examples) and are registered here.
"""

from __future__ import annotations

import click

from dana import __version__


@click.group()
@click.version_option(__version__, prog_name="dana")
def main() -> None:
    """DANA - Drugs and Alcohol Needs Assessment for English local authorities."""


def _register() -> None:
    from dana import cli_batch, cli_data, cli_records, cli_report

    for module in (cli_data, cli_report, cli_batch, cli_records):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
