"""Fingertips client against a real HTTP server on 127.0.0.1 (tests/sources/replay_server.py).

Independent values: the real export shared/data/ndtms-sdg-3-5-1/unmet_alcohol.csv
(Warwickshire 2018/19: 79.89793213 [74.64258841, 84.57822749], count 4018.333333,
denominator 5029.333333) and the authored recordings in tests/sources/recordings/.
"""

from __future__ import annotations

import math
import shutil
import ssl
import subprocess
import warnings
from datetime import date
from types import SimpleNamespace

import httpx
import pytest
from replay_server import ReplayServer

from dana.areas import resolve_fingertips_area_type
from dana.sources import fingertips as ft
from dana.sources.cache import ResponseCache
from dana.sources.errors import SourceAPIError


@pytest.fixture
def server():
    with ReplayServer() as running:
        yield running


@pytest.fixture
def real_server(shared_data):
    with ReplayServer(shared_data) as running:
        yield running


def _client(base_url, **kwargs):
    sleeps: list[float] = []
    kwargs.setdefault("catalogue", None)
    client = ft.FingertipsClient(base_url, sleep=sleeps.append, **kwargs)
    client.sleeps = sleeps
    return client


# ---- requests as values -----------------------------------------------------------------


def test_request_url_is_exact_and_has_no_whitespace():
    client = ft.FingertipsClient(catalogue=None)
    request = client.request_for_indicator_data([" 92432", "93763 "], "utla", "region")
    assert request.url == (
        "https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id?indicator_ids=92432,93763"
        "&child_area_type_id=502&parent_area_type_id=6&include_sortable_time_periods=yes"
    )
    with_profile = client.request_for_indicator_data(92432, "ltla", "england", profile_id=87)
    assert "child_area_type_id=501&parent_area_type_id=15&profile_id=87" in with_profile.url
    assert client.indicator_data([92432], url_only=True) == [request.url.replace(",93763", "")]
    assert (
        client.request_for_areas("utla_2021").url
        == "https://fingertips.phe.org.uk/api/areas/by_area_type?area_type_id=402"
    )


def test_one_indicator_per_request_by_default_and_batches_up_to_100():
    ids = list(range(90001, 90251))
    default = ft.FingertipsClient(catalogue=None).requests_for_indicator_data(ids)
    assert [r.indicator_ids for r in default[:2]] == [["90001"], ["90002"]]
    assert len(default) == 250  # one per indicator: each is cached on its own
    batched = ft.FingertipsClient(catalogue=None, ids_per_request=100)
    requests = batched.requests_for_indicator_data(ids)  # 250 IDs -> 100 + 100 + 50
    assert [len(r.indicator_ids) for r in requests] == [100, 100, 50]
    assert requests[2].indicator_ids[0] == "90201"
    with pytest.raises(ValueError, match="250 indicator IDs need 3 requests"):
        batched.request_for_indicator_data(ids)
    assert len(batched.requests_for_indicator_metadata(ids)) == 3
    with pytest.raises(ValueError, match="ids_per_request must be 1 to 100"):
        ft.FingertipsClient(catalogue=None, ids_per_request=101)


def test_default_timeout_allows_slow_large_exports():
    assert ft.FingertipsClient(catalogue=None).timeout >= 120


def test_friendly_area_types_map_to_fingertips_numbers():
    names = ("utla", "ltla", "region", "england")
    assert [resolve_fingertips_area_type(n) for n in names] == [502, 501, 6, 15]
    older = ("utla_2021", "utla_2020", "utla_2019", "utla_pre2019", "ltla_2021")
    assert [resolve_fingertips_area_type(n) for n in older] == [402, 302, 202, 102, 401]
    assert resolve_fingertips_area_type("402") == 402
    with pytest.raises(ValueError, match="unknown area type 'county'"):
        resolve_fingertips_area_type("county")


def test_bad_indicator_id_text_is_refused():
    with pytest.raises(ValueError, match="not a Fingertips indicator ID"):
        ft.FingertipsClient(catalogue=None).request_for_indicator_data(["92432; DROP"])


def test_tls_certificates_are_verified(tmp_path):
    """A server on 127.0.0.1 whose self-signed certificate no trust store knows is refused."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: cannot make a self-signed certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with (
        ReplayServer(tls=context) as server,
        _client(server.base_url, retries=0, timeout=5) as client,
        pytest.raises(ft.FingertipsConnectionError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        assert server.base_url.startswith("https://127.0.0.1:")
        client.profiles()


# ---- conversion of the real export --------------------------------------------------------


def test_real_export_converts_exactly(real_server):
    with _client(real_server.base_url) as client:
        table = client.indicator_data([93532])
    assert len(table) == 17  # every data row of unmet_alcohol.csv, none dropped
    row = table[(table["area_code"] == "E10000031") & (table["period"] == "2018/19")].iloc[0]
    assert row["area_name"] == "Warwickshire"
    assert row["area_type"] == "utla"  # "County"
    assert row["parent_code"] == "E92000001"
    assert row["value"] == 79.89793213
    assert row["lower_95"] == 74.64258841
    assert row["upper_95"] == 84.57822749
    assert math.isnan(row["lower_99_8"]) and math.isnan(row["upper_99_8"])
    assert row["count"] == 4018.333333
    assert row["denominator"] == 5029.333333
    assert row["period_sort"] == 20180000
    assert row["age"] == "18+ yrs" and row["sex"] == "Persons"
    # from the metadata endpoint (authored metadata row: "%", Proportion, RAG - Low is good)
    assert (row["unit"], row["multiplier"], row["value_type"], row["polarity"]) == (
        "%",
        100.0,
        "proportion",
        "low_is_good",
    )
    assert row["source"] == "OHID Fingertips API"
    assert row["retrieved"] == date.today().isoformat()
    england = table[table["area_code"] == "E92000001"]
    assert set(england["area_type"]) == {"england"} and set(england["parent_code"]) == {""}
    assert list(england["period"]) == ["2019/20", "2020/21"]
    assert england.iloc[1]["count"] == 485329.3333
    hartlepool = table[(table["area_code"] == "E06000001") & (table["period"] == "2020/21")]
    assert hartlepool.iloc[0]["area_type"] == "utla"  # "UA" under a county request
    assert hartlepool.iloc[0]["value"] == 76.09561753
    # "Cannot be calculated" is the Recent Trend column, not a value note
    assert set(table["value_note"]) == {""}


def test_metadata_from_real_fingertips_json(real_server):
    with _client(real_server.base_url) as client:
        metadata = client.indicator_metadata([92904, 93763])
        described = client.describe_indicators([92904, 93763])
    assert list(metadata["Indicator ID"]) == ["92904", "93763"]
    assert described["92904"].value_type == "crude_rate"
    assert described["93763"].value_type == "dsr"
    assert described["93763"].unit == "per 100,000"
    assert described["93763"].multiplier == 100000.0
    assert described["93763"].polarity == "low_is_good"


def test_suppressed_rows_keep_their_note_and_region_rows(server):
    with _client(server.base_url) as client:
        table = client.indicator_data([92432])
    female = table[(table["area_code"] == "E06000031") & (table["sex"] == "Female")]
    assert len(female) == 2
    assert female["value"].isna().all() and female["count"].isna().all()
    assert set(female["value_note"]) == {
        "Value suppressed for disclosure control due to small count"
    }
    assert female.iloc[0]["denominator"] == 323560
    region = table[table["area_code"] == "E12000006"]
    assert set(region["area_type"]) == {"region"} and set(region["parent_code"]) == {"E92000001"}
    peterborough = table[(table["area_code"] == "E06000031") & (table["sex"] == "Persons")]
    assert list(peterborough["value"]) == [6.689112531, 7.052270919]
    assert list(peterborough["parent_code"]) == ["E12000006", "E12000006"]
    assert (peterborough["multiplier"] == 100000.0).all()
    assert set(peterborough["value_type"]) == {"dsr"}


def test_catalogue_takes_precedence_and_name_mismatch_warns(server):
    entry = SimpleNamespace(
        name="Hospital admissions for something else",
        polarity="no_judgement",
        value_type="dsr",
        multiplier=100000,
        unit="per 100,000",
    )
    catalogue = {"92432": entry}
    with (
        _client(server.base_url, catalogue=catalogue) as client,
        pytest.warns(ft.IndicatorNameWarning, match="catalogue says 'Hospital admissions"),
    ):
        table = client.indicator_data([92432])
    assert set(table["polarity"]) == {"no_judgement"}  # the catalogue's, not the API's


def test_unverified_catalogue_id_warns_with_its_note(server):
    note = "ID seen second-hand only; not confirmed by any project source"
    entry = SimpleNamespace(
        name="Deaths from drug misuse",  # the recorded data's own name: no name warning
        polarity="low_is_good",
        value_type="dsr",
        multiplier=100000,
        unit="per 100,000",
        verified=False,
        verification=note,
    )
    with (
        _client(server.base_url, catalogue={"92432": entry}) as client,
        pytest.warns(ft.UnverifiedIndicatorWarning) as caught,
    ):
        table = client.indicator_data([92432])
    messages = [str(w.message) for w in caught if w.category is ft.UnverifiedIndicatorWarning]
    assert len(messages) == 1
    assert messages[0].startswith("indicator 92432: the catalogue marks this ID as unverified")
    assert note in messages[0]
    assert set(table["indicator_id"]) == {"92432"}  # still fetched: a warning, not an error


def test_verified_catalogue_ids_do_not_warn():
    from dana.catalogue import load_catalogue

    catalogue = load_catalogue()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ft.UnverifiedIndicatorWarning)
        assert ft.check_verified(catalogue, ["92432", "93532", "99999"]) == []  # verified/unknown
    # 92447 (C19c) is marked unverified in the real catalogue; the note is quoted verbatim.
    with pytest.warns(ft.UnverifiedIndicatorWarning, match="92447") as caught:
        ft.check_verified(catalogue, ["92447"])
    assert catalogue.get("92447").verification in str(caught[0].message)


def test_matching_names_do_not_warn():
    assert ft.names_agree(
        "Proportion of dependent drinkers not in treatment (%) (Current method)",
        "Proportion of dependent drinkers not in treatment",
    )
    assert not ft.names_agree("Deaths from drug misuse", "Alcohol-related mortality")


# ---- failures -------------------------------------------------------------------------------


def test_5xx_is_retried_with_exponential_backoff_then_succeeds(server, tmp_path):
    server.fail_next(2, status=503)
    with _client(server.base_url, retries=3, backoff=0.5, cache=ResponseCache(tmp_path)) as client:
        areas = client.areas("utla")
    assert "E06000031" in {a.code for a in areas}
    assert client.sleeps == [0.5, 1.0]  # backoff * 2**attempt
    assert len(server.requests) == 3


def test_persistent_500_gives_clear_error_and_no_cache_entry(server, tmp_path):
    server.fail_next(10)
    cache = ResponseCache(tmp_path)
    with (
        _client(server.base_url, retries=2, cache=cache) as client,
        pytest.raises(ft.FingertipsHTTPError, match="HTTP 500 after 3 attempt") as caught,
    ):
        client.areas("utla")
    assert caught.value.status == 500
    assert client.sleeps == [0.5, 1.0]
    assert cache.entries() == []


def test_4xx_is_not_retried():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(400, text="Bad parameter")

    client = _client("http://fingertips.test/api/", transport=httpx.MockTransport(handler))
    with pytest.raises(ft.FingertipsHTTPError, match="HTTP 400: Bad parameter"):
        client.profiles()
    assert len(calls) == 1


def test_timeout_is_retried_then_reported(server):
    server.hang_next(2)
    with (
        _client(server.base_url, timeout=0.2, retries=1) as client,
        pytest.raises(ft.FingertipsTimeout, match="within 0.2s"),
    ):
        client.area_types()
    assert client.sleeps == [0.5]


def test_truncated_body_is_detected(server, tmp_path):
    server.truncate_next(2)
    cache = ResponseCache(tmp_path)
    with (
        _client(server.base_url, retries=1, cache=cache) as client,
        pytest.raises(ft.FingertipsBadResponse, match="truncated"),
    ):
        client.indicator_data([92432])
    assert cache.entries() == []


def test_truncation_once_then_complete_body_succeeds(server):
    server.truncate_next(1)
    with _client(server.base_url, retries=1) as client:
        assert [p["Id"] for p in client.profiles()] == [19, 87]


def test_content_length_mismatch_detected_without_transport_help():
    def handler(request):
        return httpx.Response(200, headers={"Content-Length": "999"}, content=b"[]")

    client = _client(
        "http://fingertips.test/api/", transport=httpx.MockTransport(handler), retries=0
    )
    with pytest.raises(ft.FingertipsBadResponse, match="received 2 bytes, Content-Length says 999"):
        client.profiles()


def test_unreachable_server_is_a_connection_error():
    with (
        _client("http://127.0.0.1:9/api/", retries=1, timeout=2) as client,
        pytest.raises(ft.FingertipsConnectionError, match="could not reach"),
    ):
        client.profiles()


def test_malformed_csv_names_the_row_and_column():
    header = ",".join(ft.DATA_COLUMNS)
    good = "92432,X,,,E92000001,England,England,Persons,All ages,,,2020,1.5,1,2,,,3,4,,,,,20200000,,,1y"
    short = "92432,X,,,E92000001,England,England,Persons"
    with pytest.raises(ft.FingertipsBadResponse, match="row 3 has 8 fields, expected 27"):
        ft.parse_data_csv(f"{header}\n{good}\n{short}\n".encode(), url="u")
    with pytest.raises(ft.FingertipsBadResponse, match="column 1 is 'Indicator'"):
        ft.parse_data_csv(b"Indicator," + header.split(",", 1)[1].encode() + b"\n", url="u")
    with pytest.raises(ft.FingertipsBadResponse, match="header has 3 columns"):
        ft.parse_data_csv(b"a,b,c\n1,2,3\n", url="u")
    bad_number = good.replace(",1.5,", ",1.5x,")
    data = ft.parse_data_csv(f"{header}\n{good}\n{bad_number}\n".encode(), url="u")
    description = ft.IndicatorDescription("92432", "X", "low_is_good", "dsr", 1e5, "per 100,000")
    with pytest.raises(ft.FingertipsBadResponse, match="row 3, column 'Value': '1.5x'"):
        ft.to_indicator_table(data, {"92432": description}, retrieved="2026-01-01")


def test_errors_are_source_api_errors():
    assert issubclass(ft.FingertipsTimeout, SourceAPIError)
    assert issubclass(ft.FingertipsEmptyResult, SourceAPIError)


def test_bad_indicator_id_says_it_is_unknown(server):
    with (
        _client(server.base_url) as client,
        pytest.raises(ft.FingertipsUnknownIndicator, match="no indicator with ID 99999"),
    ):
        client.indicator_data([99999])


def test_empty_result_explains_area_type_vintages(server):
    with _client(server.base_url) as client:
        with pytest.raises(ft.FingertipsEmptyResult, match=r"utla_2021 \(402\)") as caught:  # noqa: SIM117
            client.indicator_data([91123])
        assert "under area type 502 (" in str(caught.value)
        older = client.indicator_data([91123], area_type="utla_2021")
    assert list(older["area_type"]) == ["england", "region", "utla"]
    assert older.iloc[2]["value"] == 0.714285714


def test_some_indicators_missing_warns_and_keeps_the_rest(server):
    with _client(server.base_url) as client, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = client.indicator_data([92432, 91123])
    assert set(table["indicator_id"]) == {"92432"}
    assert any(issubclass(w.category, ft.MissingIndicatorWarning) for w in caught)


def test_large_batches_get_the_out_of_memory_500_and_single_requests_do_not(server):
    ids = [92432, *range(90001, 90011)]  # 11 IDs: above the replayed server's limit
    with (
        _client(server.base_url, ids_per_request=11, retries=0) as batched,
        pytest.raises(ft.FingertipsHTTPError, match="OutOfMemoryException") as caught,
    ):
        batched.fetch(batched.requests_for_indicator_data(ids)[0])
    assert caught.value.status == 500
    with _client(server.base_url, retries=0) as client:
        bodies = [client.fetch(r).body for r in client.requests_for_indicator_data(ids)]
    assert len(bodies) == 11 and bodies[0].count(b"\n") == 11  # 92432: header + 10 rows


def test_area_lookup_uses_the_requested_type_not_the_component_type(server):
    """The real service lists Peterborough under 502 with AreaTypeId 16 (unitary) and
    Cambridgeshire with 9 (county); data must still be requested with 502."""
    with _client(server.base_url) as client:
        peterborough = client.find_area("E06000031")
        cambridgeshire = client.find_area("E10000003", ("utla_2021",))
    assert (peterborough.area_type_id, peterborough.area_type) == (502, "utla")
    assert cambridgeshire.area_type_id == 402
    request = client.requests_for_indicator_data([92432], peterborough.area_type_id)[0]
    assert "child_area_type_id=502" in request.url


def test_compared_to_percentiles_header_is_accepted():
    header = list(ft.DATA_COLUMNS)
    header[22] = "Compared to percentiles"
    row = "92432,X,,,E92000001,England,England,Persons,All ages,,,2020,1.5,1,2,,,3,4,,,,,20200000,,,1y"
    data = ft.parse_data_csv(f"{','.join(header)}\n{row}\n".encode(), url="u")
    assert list(data.columns) == list(ft.DATA_COLUMNS) and data.iloc[0]["Value"] == "1.5"


def test_bad_area_code_gives_clear_message(server):
    with _client(server.base_url) as client:
        assert client.find_area("e06000031").name == "Peterborough"
        assert client.find_area("E07000008").area_type == "ltla"
        with pytest.raises(ft.FingertipsUnknownArea, match="E06999999 is not an area"):
            client.find_area("E06999999")
        with pytest.raises(ft.FingertipsUnknownArea, match="not an English GSS area code"):
            client.find_area("Peterborough")


def test_offline_fallback_uses_cache_and_says_how_old(server, tmp_path):
    cache = ResponseCache(tmp_path)
    with _client(server.base_url, cache=cache) as client:
        request = client.request_for_profiles()
        first = client.fetch(request)
    assert not first.from_cache
    server.fail_next(10)
    with _client(server.base_url, cache=cache, refresh=True, retries=1) as client:
        again = client.fetch(request)
    assert again.from_cache and again.body == first.body
    assert "using the cached copy from" in again.note


def test_conversion_keeps_every_published_column_and_category_rows():
    """Hand-written export rows: a headline row with 99.8% limits and a value note, a
    deprivation-decile breakdown row ("Category Type"), and a value in exponent form."""
    header = ",".join(ft.DATA_COLUMNS)
    common = "92432,Deaths from drug misuse,,,E92000001,England,England,Persons,All ages"
    headline = (
        f"{common},,,2020 - 22,5.149201347,5.079411623,5.219771154,5.031302226,5.268616732,"
        "8581,166600121,Some note,,,,20200000,,,3y"
    )
    decile = (
        f'{common},"County & UA deprivation deciles in England (IMD2019, 4/21 geography)",'
        '"Most deprived decile (IMD2019)",2020 - 22,1.2E-05,,,,,3,250000,,,,,20200000,,,3y'
    )
    data = ft.parse_data_csv(f"{header}\n{headline}\n{decile}\n".encode(), url="u")
    description = ft.IndicatorDescription(
        "92432", "Deaths from drug misuse", "low_is_good", "dsr", 1e5, "per 100,000", "catalogue"
    )
    out = ft.to_indicator_table(data, {"92432": description}, retrieved="2026-01-01")
    assert len(out) == 2  # the breakdown row is kept beside the headline row
    head, dec = out.iloc[0], out.iloc[1]
    assert (head["category_type"], head["category"]) == ("", "")
    assert (head["lower_99_8"], head["upper_99_8"]) == (5.031302226, 5.268616732)
    assert (head["count"], head["denominator"]) == (8581.0, 166600121.0)
    assert head["value_note"] == "Some note" and head["period_sort"] == 20200000
    assert dec["category_type"].startswith("County & UA deprivation deciles")
    assert dec["category"] == "Most deprived decile (IMD2019)"
    assert dec["value"] == 0.000012  # "1.2E-05"
    assert math.isnan(dec["lower_95"]) and dec["count"] == 3.0


@pytest.mark.parametrize("text", ["inf", "nan", "1_000"])
def test_non_finite_or_odd_numbers_are_refused(text):
    header = ",".join(ft.DATA_COLUMNS)
    row = f"92432,X,,,E92000001,England,England,Persons,All ages,,,2020,{text},,,,,3,4,,,,,20200000,,,1y"
    data = ft.parse_data_csv(f"{header}\n{row}\n".encode(), url="u")
    description = ft.IndicatorDescription("92432", "X", "low_is_good", "dsr", 1e5, "per 100,000")
    with pytest.raises(ft.FingertipsBadResponse, match=f"row 2, column 'Value': '{text}'"):
        ft.to_indicator_table(data, {"92432": description}, retrieved="2026-01-01")


@pytest.mark.parametrize(
    ("base_url", "allowed"),
    [
        ("https://fingertips.phe.org.uk/api/", True),
        (" https://fingertips.phe.org.uk/api/ ", True),
        ("http://127.0.0.1:8000/api/", True),
        ("http://localhost:8000/api/", True),
        ("http://fingertips.phe.org.uk/api/", False),  # plain HTTP to the real service
        ("ftp://fingertips.phe.org.uk/api/", False),
    ],
)
def test_plain_http_only_to_this_machine(base_url, allowed):
    if allowed:
        client = ft.FingertipsClient(base_url, catalogue=None)
        assert client.base_url == base_url.strip()
    else:
        with pytest.raises(ValueError, match="must start with https://"):
            ft.FingertipsClient(base_url, catalogue=None)
