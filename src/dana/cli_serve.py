"""`dana serve`: the local explorer. Thin: read the data (:class:`dana.explorer.DataStore`),
then serve it (:func:`dana.explorer.serve`) until Ctrl+C."""

from __future__ import annotations

import click

from dana.cli_report import CONFIG_OPTION, DATA_ROOT_OPTION, EXAMPLE_OPTION


@click.command("serve")
@CONFIG_OPTION
@EXAMPLE_OPTION
@DATA_ROOT_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow an address other than this computer's own (prints a warning).",
)
def serve(config_path, example, data_root, host, port, allow_remote):
    """Explore the data and the assessment in a web browser, on this computer.

    Choose an area; see every indicator on a spine chart; open an indicator for its
    trend, comparisons, funnel plot, ranking of every area and metadata; read the area's
    needs assessment; download any table as CSV. Read-only; 127.0.0.1 unless told.
    """
    # deferred: the config, the server and their dependencies load only when serving
    from dana.assess.config import ConfigError, example_config_path
    from dana.explorer import DataStore, ServeError
    from dana.explorer import serve as run
    from dana.explorer.server import bind, check_host
    from dana.sources.errors import SourceError

    if config_path and example:
        raise click.UsageError("give --config or --example, not both")
    if example:
        config_path = example_config_path(example)
    try:
        warning = check_host(host, allow_remote)
        sock = bind(host, port)  # a port in use fails now, not after reading the data
    except ServeError as exc:
        raise click.ClickException(str(exc)) from None
    if warning:
        click.secho(warning, err=True, fg="red", bold=True)
    click.echo("Reading the data and building the config's area...", err=True)
    try:
        store = DataStore(config_path, data_root=data_root)
    except (ConfigError, SourceError, ValueError, OSError) as exc:
        sock.close()
        raise click.ClickException(str(exc)) from None

    def ready(url: str) -> None:
        click.echo(f"DANA explorer: {url}  (read-only; Ctrl+C to stop)")

    try:
        run(store, host=host, port=port, allow_remote=allow_remote, ready=ready, sock=sock)
    except ServeError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:  # Ctrl+C is how the explorer is meant to stop
        click.echo("DANA explorer stopped.", err=True)


COMMANDS = [serve]
