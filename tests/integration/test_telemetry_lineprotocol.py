"""InfluxDB line protocol on POST /api/v1/write: a real InfluxDB 1.x client (python3-influxdb),
gzip bodies, and partial writes (bad lines interleaved with good ones).

python3-influxdb builds its URLs as `<scheme>://host:port<path>/write`, so `path='api/v1'`
reaches our endpoint; it sends the password as Basic auth, which is where the API key goes.
"""
from __future__ import annotations

import gzip
import secrets

import pytest
from influxdb import InfluxDBClient
from influxdb.exceptions import InfluxDBClientError

from dcmms_client import data_of, describe, error_envelope, expect
from dcmms_telemetry import Telemetry
from dcmms_world import asset_body


def _client(tworld: Telemetry, **kw) -> InfluxDBClient:
    return InfluxDBClient(host="127.0.0.1", port=tworld.world.server.port, username="telegraf",
                          password=tworld.key(), database="dcmms", path="api/v1", timeout=30, **kw)


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_influxdb_client_writes_queryable_points(tworld: Telemetry, compressed: bool):
    asset = tworld.new_asset("S1")
    t = tworld.now_ms - 30_000
    points = [{"measurement": "temperature", "tags": {"site": "S1", "asset": asset, "sensor": "T1", "unit": "celsius"},
               "time": t + i * 1000, "fields": {"value": 20.5 + i}} for i in range(3)]
    points.append({"measurement": "inverter", "tags": {"site": "S1", "asset": asset, "sensor": "INV"},
                   "time": t, "fields": {"active_power_kw": 812.5, "dc_voltage": 640.0, "status": 3}})
    client = _client(tworld, gzip=compressed)
    try:
        assert client.write_points(points, time_precision="ms") is True
    finally:
        client.close()
    rows = tworld.raw(asset)
    temps = [(r["timestampMs"], r["value"], r["unit"]) for r in rows if r["metric"] == "temperature"]
    assert temps == [(t + i * 1000, 20.5 + i, "celsius") for i in range(3)], rows
    inv = {r["metric"]: r for r in rows if r["sensorId"] == "INV"}
    assert set(inv) == {"active_power_kw", "dc_voltage", "status"}, rows
    assert (inv["active_power_kw"]["value"], inv["active_power_kw"]["unit"]) == (812.5, "kW"), inv
    assert inv["status"]["value"] == 3, inv


def test_influxdb_client_with_a_wrong_key_is_refused(tworld: Telemetry):
    client = InfluxDBClient(host="127.0.0.1", port=tworld.world.server.port, username="x",
                            password="not-a-key", database="dcmms", path="api/v1", timeout=30)
    try:
        with pytest.raises(InfluxDBClientError) as exc:
            client.write_points([{"measurement": "temperature", "tags": {"site": "S1", "asset": "INV-1"},
                                  "fields": {"value": 1.0}}])
        assert exc.value.code == 401, exc.value
    finally:
        client.close()


def test_gzip_body_with_second_precision(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    t_s = tworld.now_ms // 1000 - 120
    body = "\n".join(f"voltage,site=S1,asset={asset},sensor=V1,unit=V value={230 + i} {t_s + i}" for i in range(50))
    r = tworld.write_lines("", precision="s", headers={"Content-Encoding": "gzip"},
                           data=gzip.compress(body.encode()))
    assert r.status_code == 204, describe(r)
    rows = tworld.raw(asset)
    assert [(r["timestampMs"], r["value"]) for r in rows] == [((t_s + i) * 1000, 230 + i) for i in range(50)]


def test_bad_lines_are_named_and_good_lines_stored(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    t = tworld.now_ms - 20_000
    lines = [f"temperature,site=S1,asset={asset},sensor=T1 value=21.0 {t}",
             "temperature,site=S1 this-line-has-no-fields",
             f"temperature,site=S1,asset={asset},sensor=T1 value=22.0 {t + 1000}",
             f"temperature,site=S1,asset={asset},sensor=T1 value=abc {t + 2000}",
             f"temperature,site=S1,asset={asset},sensor=T1 value=23.0 {t + 3000}"]
    r = tworld.write_lines(lines, precision="ms")
    expect(r, 400, "VALIDATION_ERROR")
    fields = [d["field"] for d in error_envelope(r).get("details") or []]
    named = sorted({f.split()[1] for f in fields if f.startswith("line ")})
    assert named == ["2", "4"], f"details should name lines 2 and 4: {fields}"
    assert [row["value"] for row in tworld.raw(asset)] == [21.0, 22.0, 23.0]


def test_line_protocol_nanoseconds_by_default(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    t = tworld.now_ms - 5_000
    r = tworld.admin.send("POST", "/write", headers={"X-API-Key": tworld.key()},
                          data=f"frequency,site=S1,asset={asset} value=50.01 {t * 1_000_000 + 123456}".encode())
    assert r.status_code == 204, describe(r)
    rows = tworld.raw(asset)
    assert [(r["timestampMs"], r["value"], r["metric"]) for r in rows] == [(t, 50.01, "frequency")], rows


def test_line_for_an_unknown_asset_is_dead_lettered_and_replayable(tworld: Telemetry):
    asset = "INV-LP-" + secrets.token_hex(3).upper()
    known = tworld.new_asset("S1")
    t = tworld.now_ms - 10_000
    lines = [f"temperature,site=S1,asset={known},sensor=T1,unit=celsius value=20.0 {t}",
             f"temperature,site=S1,asset={asset},sensor=T1,unit=celsius,fw=1.2 value=21.5 {t + 1000}"]
    r = tworld.write_lines(lines, precision="ms")
    expect(r, 400, "VALIDATION_ERROR")
    assert [d["field"].split()[:2] for d in error_envelope(r)["details"]] == [["line", "2"]], describe(r)
    letter = tworld.dead_letter_with(asset)
    assert letter and letter["source"] == "line-protocol" and letter["index"] == 2, letter

    expect(tworld.admin.post("/assets", json=asset_body(asset, "S1")), 201)
    replay = data_of(tworld.admin.post(f"/telemetry/dead-letters/{letter['deadLetterId']}/replay"))
    assert (replay["accepted"], replay["rejected"]) == (1, 0), replay
    rows = tworld.raw(asset)
    assert [(r["timestampMs"], r["value"], r["unit"], r["metadata"]) for r in rows] == \
        [(t + 1000, 21.5, "celsius", {"fw": "1.2"})], rows


# ---- series texts remembered across requests ----------------------------------------------------
# The server keeps what a line's "measurement,tags" text resolved to (per tenant) so collectors
# that send the same series every interval skip the lookups; these check the memory never
# outlives what it was derived from.
def test_a_remembered_series_is_refused_once_its_asset_is_deleted(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    t = tworld.now_ms - 10_000
    line = lambda i: f"power,site=S1,asset={asset},sensor=P1 value={i} {t + i}"  # noqa: E731
    for i in range(2):  # the second request is served from the remembered series
        expect(tworld.write_lines([line(i)]), 204)
    assert [r["value"] for r in tworld.raw(asset)] == [0.0, 1.0]
    expect(tworld.admin.delete(f"/assets/{asset}"), 204)
    r = tworld.write_lines([line(2)])
    expect(r, 400, "VALIDATION_ERROR")
    detail = error_envelope(r)["details"][0]
    assert (detail["field"], detail["code"]) == ("line 1 asset_id", "UNKNOWN_ASSET"), describe(r)
    letter = tworld.dead_letter_with(asset)
    assert letter and letter["reasons"][0]["field"] == "asset_id", letter


def test_a_series_remembered_for_one_tenant_is_refused_for_another(tworld: Telemetry):
    sensor = "MEMO" + secrets.token_hex(3).upper()
    t = tworld.now_ms - 10_000
    line = lambda v, dt: f"power,site=S1,asset=INV-1,sensor={sensor} value={v} {t + dt}"  # noqa: E731
    for i in range(2):
        expect(tworld.write_lines([line(float(i), i)]), 204)
    other = tworld.world.client("ADMIN2")
    r = tworld.write_lines([line(99.0, 5)], headers={"Authorization": f"Bearer {other.token()}"})
    expect(r, 400, "VALIDATION_ERROR")
    assert [r["value"] for r in tworld.raw("INV-1", sensorId=sensor)] == [0.0, 1.0]
