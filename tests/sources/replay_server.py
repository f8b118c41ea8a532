"""A real HTTP server on 127.0.0.1 that replays Fingertips API responses.

Serves the API's paths (``/api/all_data/csv/by_indicator_id``,
``/api/indicator_metadata/csv/by_indicator_id``, ``/api/areas/by_area_type``,
``/api/area_types``, ``/api/profiles``) from ``recordings/`` (authored, see its README) and,
when given the ``shared/data`` folder, from the real Fingertips exports there.

Faults for the client's error paths: :meth:`ReplayServer.fail_next` (HTTP 5xx),
:meth:`ReplayServer.hang_next` (no answer until the client has timed out) and
:meth:`ReplayServer.truncate_next` (Content-Length larger than the bytes sent).
Every request's raw path is kept in ``requests`` for assertions.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

RECORDINGS = Path(__file__).parent / "recordings"

#: Header the API sends when nothing matches (an empty result).
EMPTY_DATA_HEADER = (RECORDINGS / "data_92432_502.csv").read_text("utf-8").splitlines()[0]

#: Real exports in shared/data: indicator ID -> (relative path, child area types served).
REAL_DATA = {
    "93532": ("ndtms-sdg-3-5-1/unmet_alcohol.csv", ("502",)),
    "93517": ("ndtms-sdg-3-5-1/unmet_opiates.csv", ("502",)),
}
REAL_METADATA_JSON = "definitions/fingertipsnext_indicator_metadata_35.json"

#: Legacy metadata CSV column <- FingertipsNext JSON field ("" = not in the JSON).
METADATA_FIELDS = {
    "Indicator ID": "indicatorID",
    "Indicator": "indicatorName",
    "Definition": "indicatorDefinition",
    "Rationale": "rationale",
    "Data source": "dataSource",
    "Indicator source": "",
    "Methodology": "method",
    "Standard population/values": "standardPopulation",
    "Confidence interval details": "ciMethod",
    "Source of numerator": "countSource",
    "Definition of numerator": "countDefinition",
    "Source of denominator": "denominatorSource",
    "Definition of denominator": "denominatorDefinition",
    "Disclosure control": "disclouseControl",
    "Caveats": "caveats",
    "Copyright": "copyright",
    "Data re-use": "reuse",
    "Links": "",
    "Indicator number": "",
    "Notes": "notes",
    "Frequency": "frequency",
    "Rounding": "rounding",
    "Indicator Content": "",
    "Specific rationale": "",
    "Unit": "unitLabel",
    "Value type": "valueType",
    "Year type": "periodType",
    "Polarity": "polarity",
    "Impact of COVID-19": "",
}


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


class ReplayServer:
    """Start with ``with ReplayServer(shared_data) as server:``; ``server.base_url`` ends in /api/."""

    def __init__(self, shared_data: Path | None = None, *, hang_seconds: float = 5.0):
        self.shared_data = shared_data
        self.hang_seconds = hang_seconds
        self.requests: list[str] = []
        self._faults: list[tuple[str, int]] = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ----------------------------------------------------------------------

    def start(self) -> ReplayServer:
        server = self

        class Handler(_Handler):
            replay = server

        self._release.clear()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()  # let hanging handlers finish
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=5)
            self._httpd = None

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/api/"

    # ---- faults -------------------------------------------------------------------------

    def fail_next(self, count: int = 1, status: int = 500) -> None:
        """Answer the next ``count`` requests with HTTP ``status``."""
        with self._lock:
            self._faults.extend([("status", status)] * count)

    def hang_next(self, count: int = 1) -> None:
        """Do not answer the next ``count`` requests until the server stops (or
        ``hang_seconds`` pass): the client times out."""
        with self._lock:
            self._faults.extend([("hang", 0)] * count)

    def truncate_next(self, count: int = 1) -> None:
        """Send half of the next ``count`` bodies with the full Content-Length, then close."""
        with self._lock:
            self._faults.extend([("truncate", 0)] * count)

    def _next_fault(self) -> tuple[str, int] | None:
        with self._lock:
            return self._faults.pop(0) if self._faults else None

    # ---- responses ----------------------------------------------------------------------

    def respond(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
        """(status, content type, body) for a request, as the API would answer."""
        routes = {
            "/api/all_data/csv/by_indicator_id": self._data,
            "/api/indicator_metadata/csv/by_indicator_id": self._metadata,
            "/api/areas/by_area_type": self._areas,
            "/api/area_types": lambda q: self._json_file("area_types.json"),
            "/api/profiles": lambda q: self._json_file("profiles.json"),
        }
        route = routes.get(path)
        if route is None:
            return 404, "text/plain", b"Not found"
        try:
            return route(query)
        except _BadRequest as exc:
            return 400, "text/plain", str(exc).encode()

    @staticmethod
    def _param(query, name: str) -> str:
        values = query.get(name)
        if not values or not values[0]:
            raise _BadRequest(f"missing parameter {name}")
        return values[0]

    def _ids(self, query) -> list[str]:
        ids = self._param(query, "indicator_ids").split(",")
        if not all(i.isdigit() for i in ids):
            raise _BadRequest(f"indicator_ids must be comma-separated numbers: {ids}")
        if len(ids) > 100:
            raise _BadRequest("at most 100 indicator IDs per request")
        return ids

    def _data(self, query) -> tuple[int, str, bytes]:
        ids = self._ids(query)
        child = self._param(query, "child_area_type_id")
        self._param(query, "parent_area_type_id")
        header: list[str] | None = None
        rows: list[list[str]] = []
        for indicator_id in ids:
            text = self._data_recording(indicator_id, child)
            if text is None:
                continue
            parsed = list(csv.reader(io.StringIO(text, newline="")))
            header = header or parsed[0]
            rows.extend(r for r in parsed[1:] if r)
        if header is None:
            return 200, "text/csv", (EMPTY_DATA_HEADER + "\n").encode()
        return 200, "text/csv", _csv_text(header, rows).encode()

    def _data_recording(self, indicator_id: str, child: str) -> str | None:
        if self.shared_data is not None and indicator_id in REAL_DATA:
            relative, children = REAL_DATA[indicator_id]
            return (self.shared_data / relative).read_text("utf-8") if child in children else None
        authored = RECORDINGS / f"data_{indicator_id}_{child}.csv"
        return authored.read_text("utf-8") if authored.is_file() else None

    def _metadata(self, query) -> tuple[int, str, bytes]:
        ids = self._ids(query)
        authored = list(
            csv.DictReader(io.StringIO((RECORDINGS / "metadata_authored.csv").read_text("utf-8")))
        )
        by_id = {row["Indicator ID"]: row for row in authored}
        if self.shared_data is not None:
            for record in json.loads((self.shared_data / REAL_METADATA_JSON).read_text("utf-8")):
                by_id[str(record["indicatorID"])] = {
                    column: "" if not field or record.get(field) is None else str(record[field])
                    for column, field in METADATA_FIELDS.items()
                }
        header = list(METADATA_FIELDS)
        rows = [[by_id[i].get(c, "") for c in header] for i in ids if i in by_id]
        return 200, "text/csv", _csv_text(header, rows).encode()

    def _areas(self, query) -> tuple[int, str, bytes]:
        area_type = self._param(query, "area_type_id")
        path = RECORDINGS / f"areas_{area_type}.json"
        return 200, "application/json", path.read_bytes() if path.is_file() else b"[]"

    @staticmethod
    def _json_file(name: str) -> tuple[int, str, bytes]:
        return 200, "application/json", (RECORDINGS / name).read_bytes()


class _BadRequest(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    replay: ReplayServer

    def log_message(self, format, *args) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        server = self.replay
        server.requests.append(self.path)
        parts = urlsplit(self.path)
        fault = server._next_fault()
        if fault and fault[0] == "hang":
            server._release.wait(server.hang_seconds)
            self.close_connection = True
            return
        if fault and fault[0] == "status":
            self._send(fault[1], "text/plain", b"Internal Server Error")
            return
        if " " in self.path or "%20" in parts.query or "+" in parts.query:
            self._send(400, "text/plain", b"Bad Request: whitespace in the query string")
            return
        status, content_type, body = server.respond(parts.path, parse_qs(parts.query))
        if fault and fault[0] == "truncate":
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self._send(status, content_type, body)

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
