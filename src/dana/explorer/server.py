"""Serving the explorer: the address checked, the port bound, uvicorn run on it.

The explorer binds 127.0.0.1 by default: it is for the analyst at this computer. Any other
address is refused unless ``allow_remote`` is given, and then a warning is printed,
since everyone who can reach the address can read every page. The socket is bound here,
before the server starts, so a port already in use is one clear :class:`ServeError`
rather than a server that fails after it started.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
from collections.abc import Callable

from dana.explorer.app import LOCAL_HOSTS, create_app
from dana.explorer.pages import warm_up
from dana.explorer.store import DataStore

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


class ServeError(RuntimeError):
    """The explorer cannot be served as asked (address refused, port in use)."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str, allow_remote: bool) -> str | None:
    """The warning to print for ``host`` (None for a loopback one); :class:`ServeError`
    for another address without ``allow_remote``."""
    if is_loopback(host):
        return None
    if not allow_remote:
        raise ServeError(
            f"--host {host} is not this computer only (127.0.0.1): anyone who can reach it "
            "could read every page. Add --allow-remote if that is what you want."
        )
    return (
        f"WARNING: serving on {host}: anyone who can reach this address can read every "
        "page of the explorer, including any local data in it. Stop it with Ctrl+C."
    )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; :class:`ServeError` when it is in use."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    # a port left in TIME_WAIT by a server just stopped can be reused; one still
    # listening cannot (Linux refuses the bind)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(
                f"port {port} on {host} is already in use (another `dana serve`?): "
                "stop it, or choose another port with --port"
            ) from None
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(
    store: DataStore,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    allow_remote: bool = False,
    ready: Callable[[str], None] | None = None,
    sock: socket.socket | None = None,
    warm: bool = True,
) -> None:
    """Serve the explorer until interrupted. ``sock`` is a socket already bound by
    :func:`bind` (so a port in use is found before the data is read); ``ready`` is
    called with the address when serving starts. With ``warm``, a background thread
    draws every chart of the config's area (its pages and its report) while the first
    pages are read, so they are quick on first visit too."""
    # deferred: only serving needs the server
    import uvicorn

    check_host(host, allow_remote)
    sock = bind(host, port) if sock is None else sock
    hosts = ["*"] if not is_loopback(host) else [*LOCAL_HOSTS, host]
    config = uvicorn.Config(
        create_app(store, allowed_hosts=hosts), log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    if ready is not None:
        shown = f"[{host}]" if ":" in host else host
        ready(f"http://{shown}:{sock.getsockname()[1]}/")
    if warm:
        home = store.area(store.snapshot.home.code)
        threading.Thread(target=warm_up, args=(home,), name="dana-warm", daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
