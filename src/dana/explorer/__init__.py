"""``dana serve``: a local, read-only web explorer over the same model as the reports.

Public API::

    from dana.explorer import DataStore, create_app, serve

    store = DataStore("my_assessment.yaml")   # reads the data, builds the config's area
    serve(store, port=8765)                   # http://127.0.0.1:8765/ until Ctrl+C

- :class:`DataStore` (:mod:`dana.explorer.store`): the data read whole, areas built on
  first request (:func:`dana.assess.explore.explore_area`, the report's own build),
  files that change re-read in the background and swapped in whole.
- :func:`create_app` (:mod:`dana.explorer.app`): the Starlette application (pages, CSV
  downloads, 404 pages naming what is unknown, security headers).
- :func:`serve`, :class:`ServeError` (:mod:`dana.explorer.server`): bind 127.0.0.1 (another
  address only with ``allow_remote``), a port in use is a clear error, uvicorn serves.

Pages format what :mod:`dana.assess` built and draw charts with :mod:`dana.render`
(:mod:`dana.explorer.pages`); nothing here computes a statistic.
"""

from dana.explorer.app import create_app
from dana.explorer.server import DEFAULT_HOST, DEFAULT_PORT, ServeError, serve
from dana.explorer.store import DataStore

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "DataStore", "ServeError", "create_app", "serve"]
