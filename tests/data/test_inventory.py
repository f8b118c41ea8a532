"""`dana indicators` and `dana data list` on a fresh install: what DANA knows, offline.

Expected values are read independently of the listing code: the catalogue YAML with
yaml.safe_load, the area table with csv, and the packaged default data with gzip + csv.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from importlib import resources

import pytest
import yaml
from click.testing import CliRunner

from dana.cli import main
from dana.data import list_indicators, load_default_table

DATA = resources.files("dana.data")
CATALOGUE = yaml.safe_load(DATA.joinpath("catalogue.yaml").read_text("utf-8"))["indicators"]


def _packaged_rows(indicator_id: str) -> list[dict]:
    text = gzip.decompress(DATA.joinpath("default_indicators.csv.gz").read_bytes()).decode()
    return [r for r in csv.DictReader(io.StringIO(text)) if r["indicator_id"] == indicator_id]


def _current_areas() -> int:
    lines = [
        line
        for line in DATA.joinpath("areas.csv").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    return sum(r["area_type"] in ("england", "region", "utla") and not r["valid_to"] for r in rows)


def _run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def listing():
    return list_indicators()


def test_every_catalogue_indicator_is_listed_in_catalogue_order(listing):
    assert len(CATALOGUE) == 53
    # then the breakdown indicators: 4 measures x 5 substance groups + 6 others
    assert len(listing) == 53 + 4 * 5 + 6
    assert list(listing["indicator_id"])[:53] == [str(entry["id"]) for entry in CATALOGUE]
    tail = listing.iloc[53:].set_index("indicator_id")
    assert tail.loc["ndtms:in_treatment:opiate", "periods"] == 12
    assert tail.loc["ndtms:in_treatment:opiate", "comes_from"].startswith(
        "breakdown indicator (by sex, age band, ethnic group"
    )
    assert tail.loc["ons:census2011_usual_residents", "periods"] == 0
    first = listing.iloc[0]
    assert (first["name"], first["section"], first["polarity"], first["value_type"]) == (
        CATALOGUE[0]["name"],
        CATALOGUE[0]["section"],
        CATALOGUE[0]["polarity"],
        CATALOGUE[0]["value_type"],
    )


def test_offline_periods_and_areas_match_the_packaged_data(listing):
    row = listing.set_index("indicator_id").loc["92432"]
    packaged = _packaged_rows("92432")
    periods = sorted({r["period"] for r in packaged}, key=lambda p: int(p[:4]))
    assert row["periods"] == len(periods) == 12
    assert (row["first_period"], row["latest_period"]) == (periods[0], periods[-1])
    assert row["areas"] == len({r["area_code"] for r in packaged}) == _current_areas() == 163
    assert row["comes_from"] == (
        "embedded synthetic data (not real); can be fetched from Fingertips (dana fetch)"
    )


def test_where_each_comes_from(listing):
    by_id = listing.set_index("indicator_id")["comes_from"]
    real_only = [str(e["id"]) for e in CATALOGUE if e.get("real_data_only")]
    assert len(real_only) == 6
    for indicator_id in real_only:
        assert by_id[indicator_id].startswith("real files only: data: sources: type")
        assert listing.set_index("indicator_id").loc[indicator_id, "periods"] == 0
    # Peterborough's 2021/22 treatment rate is transcribed from the C&P report
    assert "embedded transcribed figures (C&P 2021/22)" in by_id["ndtms:adults_in_treatment_drug"]
    assert "Fingertips" not in by_id["ndtms:adults_in_treatment_drug"]


def test_fresh_install_lists_its_indicators_offline(tmp_path):
    result = _run("indicators", "--cache-dir", str(tmp_path))  # empty cache, no network
    assert result.exit_code == 0, result.output
    assert "79 indicator(s) DANA knows" in result.output  # 53 headline + 26 breakdown
    listed = _run("data", "list", "--cache-dir", str(tmp_path))
    assert listed.exit_code == 0
    assert "Embedded (works offline)" in listed.output and "Nothing cached" in listed.output
    assert "92432" in listed.output


def test_search_and_machine_formats(tmp_path):
    found = _run("indicators", "--search", "UNMET", "--format", "csv", "--cache-dir", str(tmp_path))
    assert found.exit_code == 0, found.output
    rows = list(csv.DictReader(io.StringIO(found.output)))
    expected = [
        str(e["id"])
        for e in CATALOGUE
        if "unmet"
        in " ".join(
            str(e[k]) for k in ("id", "name", "short_name", "section", "definition")
        ).lower()
    ]
    assert [r["indicator_id"] for r in rows] == expected and expected
    as_json = _run(
        "indicators", "--search", "92432", "--format", "json", "--cache-dir", str(tmp_path)
    )
    records = json.loads(as_json.output)
    assert [r["indicator_id"] for r in records] == ["92432"] and records[0]["periods"] == 12
    nothing = _run("indicators", "--search", "zzzz", "--cache-dir", str(tmp_path))
    assert nothing.exit_code == 0 and "No indicator matches 'zzzz'" in nothing.output


def test_cached_indicator_outside_the_catalogue_is_listed():
    extra = load_default_table(overlays=False)
    extra = extra[extra["indicator_id"] == "92432"].assign(
        indicator_id="99999",
        indicator_name="An indicator fetched by ID",
        source="OHID Fingertips API",
    )
    with_cache = list_indicators(cached=extra)
    assert len(with_cache) == 53 + 26 + 1  # headline, breakdown, then the cached one
    last = with_cache.iloc[-1]
    assert (last["indicator_id"], last["name"], last["areas"]) == (
        "99999",
        "An indicator fetched by ID",
        163,
    )
    assert last["comes_from"] == "Fingertips cache (dana fetch); not in the catalogue"
