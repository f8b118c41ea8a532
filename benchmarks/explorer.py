"""Benchmark of `dana serve`: every page of the default data's area, over real HTTP.

Run from the repository root::

    .venv/bin/python benchmarks/explorer.py             # the config's area, 3 other areas
    .venv/bin/python benchmarks/explorer.py --areas 10  # ... and 10 other areas' pages
    .venv/bin/python benchmarks/explorer.py --warm      # after `dana serve`'s warm-up

It starts the explorer as ``dana serve`` does (the default config, uvicorn on a free port
of 127.0.0.1, in this process) and times, with an HTTP client:

- **start**: reading the data, the all-areas summary and building the config's area
  (what ``dana serve`` does before it answers);
- **first visit** of each page (an indicator page draws its charts then; the report page
  draws every chart of the report; another area's page builds that area). With
  ``--warm``, first visits come after the warm-up ``dana serve`` runs in the background
  (every chart of the config's area drawn, its report written; its time is printed);
- **again**: the same page, median of 5 requests (what a reader waits for once the page
  has been visited: the 300 ms target).

Every page must answer 200; the run stops at the first that does not. The baseline of the
same run is the first visit: "again / first" is the ratio the caching buys.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dana.explorer import DataStore, create_app  # noqa: E402
from dana.explorer.pages import area_url, csv_url, indicator_url, warm_up  # noqa: E402
from dana.explorer.server import bind  # noqa: E402

REPEATS = 5
TARGET = 0.300


def _serve(store: DataStore) -> tuple[str, object]:
    import uvicorn

    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(create_app(store), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server


def _time(client: httpx.Client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def measure(client: httpx.Client, urls: dict[str, str]) -> list[tuple[str, float, float]]:
    rows = []
    for name, url in urls.items():
        first = _time(client, url)
        again = statistics.median(_time(client, url) for _ in range(REPEATS))
        rows.append((name, first, again))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--areas", type=int, default=3, help="other areas to visit")
    parser.add_argument("--warm", action="store_true", help="measure after the warm-up")
    args = parser.parse_args()

    start = time.perf_counter()
    store = DataStore()
    started = time.perf_counter() - start
    if args.warm:
        start = time.perf_counter()
        drawn = warm_up(store.area(store.snapshot.home.code))
        print(f"Warm-up: {drawn} charts and the report in {time.perf_counter() - start:.1f} s")
    base, server = _serve(store)
    snapshot = store.snapshot
    home = snapshot.home.code
    view = store.area(home).view
    urls = {"home page": "/", "area page (config's area)": area_url(home)}
    for figure in view.assessment.all_figures():
        urls[f"indicator {figure.indicator_id}"] = indicator_url(home, figure.indicator_id)
    urls["every figure (CSV)"] = csv_url(home, "figures")
    urls["area report"] = f"{area_url(home)}/report"
    others = [a for a in snapshot.areas if a.code != home][:: max(1, 150 // max(1, args.areas))]
    for area in others[: args.areas]:
        urls[f"area page {area.name} (built on first visit)"] = area_url(area.code)
    with httpx.Client(base_url=base, timeout=600) as client:
        rows = measure(client, urls)
    server.should_exit = True

    again = [r[2] for r in rows]
    indicators = [r for r in rows if r[0].startswith("indicator ")]
    print(f"Machine: {platform.machine()}, {platform.python_implementation()} "
          f"{platform.python_version()}, {platform.system()} (shared: timings are noisy)")  # fmt: skip
    print(f"Pages: {len(rows)} (all answered 200). Start (data, summary, config's area): "
          f"{started:.1f} s")  # fmt: skip
    print()
    print("| page | first visit (s) | again, median of 5 (s) | again / first |")
    print("|---|---|---|---|")
    shown = [r for r in rows if not r[0].startswith("indicator ")]
    first_indicator = [
        ("indicator pages: median of " + str(len(indicators)),
         statistics.median(r[1] for r in indicators), statistics.median(r[2] for r in indicators)),
        ("indicator pages: slowest", max(r[1] for r in indicators), max(r[2] for r in indicators)),
    ]  # fmt: skip
    for name, first, repeat in [*shown[:2], *first_indicator, *shown[2:]]:
        print(f"| {name} | {first:.3f} | {repeat:.3f} | {repeat / first:.2f} |")
    print()
    slow = [r for r in rows if r[2] > TARGET]
    print(f"Pages over {TARGET * 1000:.0f} ms once visited: {len(slow)} of {len(rows)}"
          + (": " + ", ".join(r[0] for r in slow) if slow else ""))  # fmt: skip
    print(f"Slowest page once visited: {max(again):.3f} s")


if __name__ == "__main__":
    main()
