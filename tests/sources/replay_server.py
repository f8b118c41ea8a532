"""A real HTTP server on 127.0.0.1 that replays Fingertips API responses.

Serves the API's paths (``/api/all_data/csv/by_indicator_id``,
``/api/indicator_metadata/csv/by_indicator_id``, ``/api/areas/by_area_type``,
``/api/area_types``, ``/api/profiles``) from ``recordings/`` (authored, see its README) and,
when given the ``shared/data`` folder, from the real Fingertips exports there.

Shapes of the real service (see ``recordings/README.md``): ``areas/by_area_type`` lists
each area with its own component type (9 county, 16 unitary authority), not the type
asked for; a data request for more than ``oom_above`` indicators gets the out-of-memory
HTTP 500 the real server has answered large exports with; with ``catalogue_data=True``
every DANA catalogue indicator without a recording is served from DANA's embedded
*synthetic* table (value note "Synthetic data, not real") in the 27-column shape, column 23
headed "Compared to percentiles" as the service writes it when the parent is England, with
metadata rows authored from the catalogue.

Faults for the client's error paths: :meth:`ReplayServer.fail_next` (HTTP 5xx),
:meth:`ReplayServer.hang_next` (no answer until the client has timed out) and
:meth:`ReplayServer.truncate_next` (Content-Length larger than the bytes sent).
Every request's raw path is kept in ``requests`` for assertions.
"""

from __future__ import annotations

import csv
import io
import json
import ssl
import threading
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from dana.catalogue import load_catalogue
from dana.data.default import load_default_table

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

    def __init__(
        self,
        shared_data: Path | None = None,
        *,
        hang_seconds: float = 5.0,
        oom_above: int = 10,
        catalogue_data: bool = False,
        tls: ssl.SSLContext | None = None,
    ):
        self.shared_data = shared_data
        self.hang_seconds = hang_seconds
        self.oom_above = oom_above
        self.catalogue_data = catalogue_data
        self.tls = tls
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
        if self.tls is not None:
            self._httpd.socket = self.tls.wrap_socket(self._httpd.socket, server_side=True)
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
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://{host}:{port}/api/"

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
        if len(ids) > self.oom_above:
            return 500, "application/json", OUT_OF_MEMORY
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
        if authored.is_file():
            return authored.read_text("utf-8")
        if self.catalogue_data and child == "502":
            return _synthetic_csv(indicator_id)
        return None

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
        if self.catalogue_data:
            by_id = {**_catalogue_metadata(), **by_id}
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


#: The error body of an out-of-memory 500 (ASP.NET Web API error shape; authored).
OUT_OF_MEMORY = (
    b'{"Message":"An error has occurred.","ExceptionMessage":"Exception of type'
    b' \'System.OutOfMemoryException\' was thrown.","ExceptionType":'
    b'"System.OutOfMemoryException","StackTrace":null}'
)
#: Peterborough's region: generated responses hold England, every region and its UTLAs.
_GENERATED_REGION = "E12000006"
#: Fingertips "Value type" and "Polarity" texts for DANA's words (authored metadata rows).
_VALUE_TYPE_TEXT = {
    "proportion": "Proportion", "crude_rate": "Crude rate", "dsr": "Directly standardised rate",
    "isr": "Indirectly standardised ratio", "ratio": "Ratio", "count": "Count", "mean": "Mean",
    "score": "Score",
}  # fmt: skip
_POLARITY_TEXT = {
    "low_is_good": "RAG - Low is good", "high_is_good": "RAG - High is good",
    "no_judgement": "No judgement",
}  # fmt: skip


def _number_text(value: float) -> str:
    return "" if value != value else f"{value:.10g}"  # NaN -> blank, as the API writes it


@lru_cache(maxsize=64)
def _synthetic_csv(indicator_id: str) -> str | None:
    """The embedded synthetic rows of one indicator in the API's 27-column shape."""
    table = load_default_table(overlays=False)
    rows = table[(table["indicator_id"] == indicator_id) & table["category"].eq("")]
    keep = rows["area_type"].isin(["england", "region"]) | rows["parent_code"].eq(_GENERATED_REGION)
    rows = rows[keep]
    if rows.empty:
        return None
    header = list(EMPTY_DATA_HEADER.split(","))
    header[22] = "Compared to percentiles"
    area_type = {"england": "England", "region": "Region"}
    out = []
    for row in rows.itertuples(index=False):
        kind = area_type.get(row.area_type, "County" if row.area_code.startswith("E10") else "UA")
        parent = "" if row.area_type == "england" else row.parent_code
        parent_name = {"": "", "E92000001": "England"}.get(parent, "East of England")
        numbers = [row.value, row.lower_95, row.upper_95, row.lower_99_8, row.upper_99_8]
        out.append(
            [row.indicator_id, row.indicator_name, parent, parent_name, row.area_code,
             row.area_name, kind, row.sex, row.age, "", "", row.period,
             *map(_number_text, numbers), _number_text(row.count),
             _number_text(row.denominator), row.value_note, "", "Not compared",
             "Not compared", str(row.period_sort), "", "",
             "3y" if " - " in row.period else "1y"]
        )  # fmt: skip
    return _csv_text(header, out)


@lru_cache(maxsize=1)
def _catalogue_metadata() -> dict[str, dict[str, str]]:
    """Metadata CSV rows authored from DANA's catalogue for its Fingertips indicators."""
    return {
        str(entry.fingertips_id): {
            "Indicator ID": str(entry.fingertips_id),
            "Indicator": entry.name,
            "Definition": f"{entry.definition} (authored from DANA's catalogue)",
            "Unit": entry.unit,
            "Value type": _VALUE_TYPE_TEXT[entry.value_type],
            "Polarity": _POLARITY_TEXT[entry.polarity],
        }
        for entry in load_catalogue()
        if entry.fingertips_id is not None
    }


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
