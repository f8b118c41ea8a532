"""Helpers of the explorer tests: a real server in a thread, and a small local data file."""

from __future__ import annotations

import csv
import threading
import time
from pathlib import Path

from dana.explorer.server import bind

SMALL_AREAS = (
    ("E92000001", "England", 50000, 20000000),
    ("E12000006", "East of England", 3000, 1500000),
    ("E06000031", "Peterborough", 300, 120000),
    ("E06000032", "Luton", 200, 110000),
    ("E06000055", "Bedford", 150, 90000),
    ("E06000056", "Central Bedfordshire", 100, 150000),
)
HOSTILE_NAME = "<img src=x onerror=alert(1)> offences"


class RunningServer:
    """uvicorn serving an app on 127.0.0.1 in a thread; ``url`` ends with '/'."""

    def __init__(self, app):
        import uvicorn

        self.sock = bind("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


def write_small_file(path: Path, extra: int = 0) -> None:
    """A local indicator for a few areas over three years (``extra`` added to counts)."""
    fields = [
        "indicator_id",
        "indicator_name",
        "area_code",
        "area_name",
        "period",
        "sex",
        "age",
        "count",
        "denominator",
        "value_type",
        "multiplier",
        "polarity",
        "source",
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for year in (2021, 2022, 2023):
            for code, name, count, denominator in SMALL_AREAS:
                writer.writerow(
                    {
                        "indicator_id": "local:hostile_offences", "indicator_name": HOSTILE_NAME,
                        "area_code": code, "area_name": name, "period": str(year),
                        "sex": "Persons", "age": "All ages", "count": count + year - 2021 + extra,
                        "denominator": denominator, "value_type": "crude_rate",
                        "multiplier": 1000, "polarity": "low_is_good",
                        "source": "Test <b>source</b>",
                    }
                )  # fmt: skip
