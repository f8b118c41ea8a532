"""Command-line interface. Thin: parses arguments and calls the library.

Subcommands live in their own modules (``dana.cli_data`` for fetch/data,
``dana.cli_report`` for report/examples, ``dana.cli_batch`` for batch, ``dana.cli_diff``
for diff, ``dana.cli_serve`` for serve, ``dana.cli_records`` for records) and are registered
here.
"""

from __future__ import annotations

import click

from dana import __version__, cli_batch, cli_data, cli_diff, cli_records, cli_report, cli_serve


@click.group()
@click.version_option(__version__, prog_name="dana")
def main() -> None:
    """DANA - Drugs and Alcohol Needs Assessment for English local authorities."""


for _module in (cli_data, cli_report, cli_batch, cli_diff, cli_serve, cli_records):
    for _command in _module.COMMANDS:
        main.add_command(_command)
