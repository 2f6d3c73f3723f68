"""Telemetry queries and aggregates (02 §14 checks 7, 13–20), cursor paging of
GET /api/v1/sensor-readings (01 check 12), latest/stats/CSV.

Assumptions where the contract is silent:
- Aggregated rows carry `stddev` (sample) and `stddevPopulation`; both are checked.
- Check 14's "next refresh" is at most one minute of server clock: the test moves the clock 60 s
  before it looks (the server may also fold late points in at once).
- Check 19 is functional only: 1 day of 1-minute data for 50 sensors, every aggregate checked,
  no wall-clock assertion.
- Check 20 moves the telemetry server's clock 2 h forward (the retention job is hourly).
"""
from __future__ import annotations

import datetime as dt
import math

import pytest

from dcmms_client import describe, expect
from dcmms_telemetry import DAY_MS, HOUR_MS, MINUTE_MS, Telemetry, event, minute_floor


def _utc(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc)


# ---- check 7: out of range ----------------------------------------------------------------------
def test_out_of_range_is_stored_flagged_and_counted(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    m = minute_floor(tworld.now_ms) - 3 * MINUTE_MS
    tworld.ingest([event(asset, 200, m + 5_000), event(asset, 20, m + 6_000)])
    rows = {r["value"]: r for r in tworld.raw(asset)}
    assert rows[200]["outOfRange"] is True and rows[20]["outOfRange"] is False, rows
    bucket = tworld.agg(asset, "1min", m, m + MINUTE_MS)
    assert len(bucket) == 1 and bucket[0]["outOfRangeCount"] == 1 and bucket[0]["count"] == 2, bucket


# ---- check 13: out of order ---------------------------------------------------------------------
def test_out_of_order_points_in_one_minute(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    t0 = minute_floor(tworld.now_ms) - 4 * MINUTE_MS
    tworld.ingest([event(asset, 2.0, t0 + 10_000)])
    tworld.ingest([event(asset, 1.0, t0 + 5_000)])
    assert [(r["timestampMs"], r["value"]) for r in tworld.raw(asset)] == [(t0 + 5_000, 1.0), (t0 + 10_000, 2.0)]
    b = tworld.agg(asset, "1min", t0, t0 + MINUTE_MS)
    assert len(b) == 1 and b[0]["count"] == 2 and b[0]["first"] == 1.0 and b[0]["last"] == 2.0, b


# ---- check 14: late data ------------------------------------------------------------------------
def test_late_sample_lands_in_its_minute(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    m = minute_floor(tworld.now_ms) - MINUTE_MS
    tworld.ingest([event(asset, 10.0, m + 10_000)])
    tworld.world.advance((m + 4 * MINUTE_MS - tworld.now_ms) // 1000 + 1)  # the minute closed 3 min ago
    tworld.ingest([event(asset, 20.0, m + 30_000)])
    tworld.world.advance(60)
    b = tworld.agg(asset, "1min", m, m + MINUTE_MS)
    assert len(b) == 1 and (b[0]["count"], b[0]["avg"], b[0]["max"]) == (2, 15.0, 20.0), b
    five = minute_floor(m, 5 * MINUTE_MS)
    b5 = tworld.agg(asset, "5min", five, five + 5 * MINUTE_MS)
    assert len(b5) == 1 and b5[0]["count"] == 2, b5


# ---- check 15: 1-minute maths -------------------------------------------------------------------
def test_one_minute_statistics(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    m = minute_floor(tworld.now_ms) - 10 * MINUTE_MS
    tworld.ingest([event(asset, float(v), m + (v - 1) * 1000, sensor_type="OTHER", unit="u") for v in range(1, 61)])
    b = tworld.agg(asset, "1min", m, m + MINUTE_MS)
    assert len(b) == 1, b
    row = b[0]
    assert row["timestampMs"] == m and row["count"] == 60, row
    assert (row["avg"], row["min"], row["max"], row["sum"]) == (30.5, 1, 60, 1830), row
    assert math.isclose(row["stddev"], 17.464, abs_tol=0.001), row
    assert math.isclose(row["stddevPopulation"], 17.318, abs_tol=0.001), row
    assert (row["first"], row["last"], row["goodCount"], row["badCount"]) == (1, 60, 60, 0), row


# ---- check 16: roll-up --------------------------------------------------------------------------
def test_five_minute_rollup_of_minutes(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    f = minute_floor(tworld.now_ms - 30 * MINUTE_MS, 5 * MINUTE_MS)
    tworld.ingest([event(asset, float(v), f + (v - 1) * 1000, sensor_type="OTHER", unit="u") for v in range(1, 121)])
    minutes = tworld.agg(asset, "1min", f, f + 5 * MINUTE_MS)
    assert [r["count"] for r in minutes] == [60, 60], minutes
    five = tworld.agg(asset, "5min", f, f + 5 * MINUTE_MS)
    assert len(five) == 1, five
    row = five[0]
    assert row["sum"] == sum(r["sum"] for r in minutes) == 7260, (row, minutes)
    assert row["count"] == sum(r["count"] for r in minutes) == 120, row
    assert row["avg"] == row["sum"] / row["count"] == 60.5, row
    assert row["min"] == min(r["min"] for r in minutes) == 1 and row["max"] == max(r["max"] for r in minutes) == 120
    assert row["goodCount"] == sum(r["goodCount"] for r in minutes), row
    # exact stddev over both minutes (not the average of the per-minute ones)
    assert math.isclose(row["stddev"], math.sqrt(sum((v - 60.5) ** 2 for v in range(1, 121)) / 119), rel_tol=1e-6), row
    for agg in ("15min", "1hour"):
        coarse = tworld.agg(asset, agg, f - 2 * HOUR_MS, f + 2 * HOUR_MS)
        assert [(r["count"], r["sum"]) for r in coarse] == [(120, 7260)], (agg, coarse)


# ---- check 17: alignment ------------------------------------------------------------------------
def test_buckets_are_calendar_aligned(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    start = tworld.now_ms - 3 * HOUR_MS - 7 * MINUTE_MS - 13_000
    points = [event(asset, float(i), start + i * 7 * MINUTE_MS + 1_000, sensor_type="OTHER", unit="u")
              for i in range(26)]
    tworld.ingest(points)
    end = tworld.now_ms
    q15 = tworld.agg(asset, "15min", start, end)
    q1h = tworld.agg(asset, "1hour", start, end)
    assert sum(r["count"] for r in q15) == 26 and sum(r["count"] for r in q1h) == 26, (q15, q1h)
    for r in q15:
        t = _utc(r["timestampMs"])
        assert t.minute in (0, 15, 30, 45) and t.second == 0 and r["timestampMs"] % 1000 == 0, r
        assert r["timestamp"].endswith(f"{t.minute:02d}:00Z") or r["timestamp"].endswith(f"{t.minute:02d}:00.000Z"), r
    for r in q1h:
        t = _utc(r["timestampMs"])
        assert (t.minute, t.second) == (0, 0), r


# ---- check 18: auto granularity ------------------------------------------------------------------
@pytest.mark.parametrize("span_ms,table", [(30 * MINUTE_MS, "telemetry_raw"), (3 * HOUR_MS, "telemetry_1m"),
                                           (12 * HOUR_MS, "telemetry_5m"), (3 * DAY_MS, "telemetry_15m"),
                                           (10 * DAY_MS, "telemetry_1h")],
                         ids=["30min", "3h", "12h", "3d", "10d"])
def test_auto_granularity(tworld: Telemetry, span_ms: int, table: str):
    end = tworld.now_ms
    b = tworld.query(assetId="INV-1", aggregation="auto", start=end - span_ms, end=end)
    meta = b["meta"]
    assert meta["tableUsed"] == table, meta
    assert isinstance(meta["queryDurationMs"], (int, float)) and meta["queryDurationMs"] >= 0, meta
    # the snake_case spelling of 02 §8 answers the same
    b2 = tworld.query(asset_id="INV-1", start_time=end - span_ms, end_time=end)
    assert b2["meta"]["tableUsed"] == table, b2["meta"]


# ---- check 19 (functional): one day of 1-minute data for 50 sensors --------------------------------
SENSORS = 50
MINUTES = 1440


def _value(sensor: int, minute: int) -> float:
    return sensor * 100 + minute % 60 + 0.25


def test_one_day_of_fifty_sensors(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    start = minute_floor(tworld.now_ms - DAY_MS) + MINUTE_MS
    lines = [f"power,site=S1,asset={asset},sensor=S{s:02d},unit=kW value={_value(s, i)} {start + i * MINUTE_MS}"
             for i in range(MINUTES) for s in range(SENSORS)]
    for chunk in range(0, len(lines), 24_000):
        r = tworld.write_lines(lines[chunk:chunk + 24_000], precision="ms")
        assert r.status_code == 204, describe(r)
    end = start + MINUTES * MINUTE_MS

    # the whole day at 1 hour: every sensor's counts and sums
    hourly = tworld.agg(asset, "1hour", start, end)
    per_sensor: dict[str, list] = {}
    for row in hourly:
        per_sensor.setdefault(row["sensorId"], []).append(row)
    assert len(per_sensor) == SENSORS, sorted(per_sensor)
    for s in range(SENSORS):
        rows = per_sensor[f"S{s:02d}"]
        assert sum(r["count"] for r in rows) == MINUTES, rows
        assert math.isclose(sum(r["sum"] for r in rows), sum(_value(s, i) for i in range(MINUTES)), rel_tol=1e-12)
        assert min(r["min"] for r in rows) == _value(s, 0) and max(r["max"] for r in rows) == _value(s, 59)

    # one sensor at 1 minute and raw: 1440 buckets / rows with the values sent
    one = tworld.agg(asset, "1min", start, end, sensorId="S07")
    assert [(r["timestampMs"], r["count"], r["avg"]) for r in one] == \
        [(start + i * MINUTE_MS, 1, _value(7, i)) for i in range(MINUTES)]
    raw = tworld.raw(asset, start=start, end=end, sensorId="S07")
    assert [(r["timestampMs"], r["value"]) for r in raw] == [(start + i * MINUTE_MS, _value(7, i)) for i in range(MINUTES)]

    # the whole day at 1 minute for all 50 sensors: 72,000 buckets, paged
    seen: dict[tuple[str, int], float] = {}
    path, params = "/telemetry", {"assetId": asset, "aggregation": "1min", "start": start, "end": end,
                                  "limit": 10_000}
    for _ in range(20):
        b = expect(tworld.admin.get(path, params=params), 200)
        for row in b["data"]:
            k = (row["sensorId"], row["timestampMs"])
            assert k not in seen, f"bucket {k} returned twice"
            seen[k] = row["avg"]
        if not b["meta"]["hasMore"]:
            break
        path, params = b["links"]["next"], None
    assert len(seen) == SENSORS * MINUTES, f"{len(seen)} of {SENSORS * MINUTES} 1-minute buckets returned"
    assert seen[("S42", start + 999 * MINUTE_MS)] == _value(42, 999)


# ---- check 20: retention ------------------------------------------------------------------------
def test_retention_drops_old_tiers(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    now = minute_floor(tworld.now_ms)
    t89, t91, t366 = now - 89 * DAY_MS, now - 91 * DAY_MS - 12 * HOUR_MS, now - 366 * DAY_MS - 12 * HOUR_MS
    out = tworld.ingest([event(asset, 89.0, t89), event(asset, 91.0, t91), event(asset, 366.0, t366)],
                        params={"backfill": "true"})
    assert out["accepted"] == 3
    tworld.world.advance(2 * 3600)

    def around(t: int, agg: str) -> list:
        width = {"raw": MINUTE_MS, "1min": MINUTE_MS, "15min": 15 * MINUTE_MS, "1hour": HOUR_MS}[agg]
        lo = minute_floor(t, width)
        return tworld.query(assetId=asset, aggregation=agg, start=lo, end=lo + width)["data"]

    assert [r["value"] for r in around(t89, "raw")] == [89.0], "raw rows 89 days old must remain"
    assert around(t91, "raw") == [], "raw rows older than 90 days must be gone"
    assert [r["count"] for r in around(t91, "1min")] == [1], "1-minute rows younger than 365 days remain"
    assert around(t366, "1min") == [], "1-minute rows older than 365 days must be gone"
    assert [r["avg"] for r in around(t366, "15min")] == [366.0], "15-minute rows are kept for years"
    assert [r["avg"] for r in around(t366, "1hour")] == [366.0], "1-hour rows are kept for years"


# ---- GET /sensor-readings: cursor paging (01 check 12) ------------------------------------------
def test_sensor_readings_cursor_paging(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    t0 = tworld.now_ms - 30 * MINUTE_MS
    tworld.ingest([event(asset, float(i * 3 + s), t0 + i * 1000, sensor_id=f"T{s}") for i in range(400) for s in range(3)])
    pages: list[list] = []
    path, params = "/sensor-readings", {"assetId": asset, "limit": 1000}
    for _ in range(10):
        b = expect(tworld.admin.get(path, params=params), 200)
        assert len(b["data"]) <= 500, len(b["data"])
        pages.append(b["data"])
        if not b["meta"]["hasMore"]:
            assert "next" not in b["links"] or not b["links"]["next"], b["links"]
            break
        assert b["links"]["next"], b
        path, params = b["links"]["next"], None
    assert [len(p) for p in pages] == [500, 500, 200]
    values = [r["value"] for p in pages for r in p]
    assert len(values) == len(set(values)) == 1200, "pages overlap or miss rows"
    assert values == sorted(values), "rows are not in (timestamp, series) order"


# ---- latest, stats, CSV -------------------------------------------------------------------------
def test_latest_stats_and_csv(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    t = tworld.now_ms - 50_000
    tworld.ingest([event(asset, 40.0 + i, t + i * 10_000) for i in range(5)])
    latest = expect(tworld.admin.get("/telemetry/latest", params={"siteId": "S1"}), 200)["data"]
    mine = [r for r in latest if r["assetId"] == asset]
    assert len(mine) == 1 and mine[0]["value"] == 44.0 and mine[0]["quality"] == "GOOD", mine

    stats = expect(tworld.admin.get("/telemetry/stats", params={"assetId": asset}), 200)["data"]
    series = stats["series"]
    assert len(series) == 1 and series[0]["last24h"]["count"] == 5 and series[0]["last24h"]["max"] == 44.0, stats

    r = tworld.admin.get("/telemetry", params={"assetId": asset, "aggregation": "raw", "start": t,
                                               "end": tworld.now_ms + 1, "format": "csv"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv"), describe(r)
    lines = r.text.strip().splitlines()
    assert lines[0].split(",")[:2] == ["timestamp", "siteId"] and len(lines) == 6, r.text
    last = lines[-1].split(",")
    assert float(last[-2]) == 44.0 and last[-1] == "GOOD" and last[2] == asset, r.text


def test_raw_cursor_pages_and_csv_export_walk_every_row(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    t = tworld.now_ms - 2_600_000
    tworld.ingest([event(asset, float(i), t + i * 1_000) for i in range(2_500)])  # raw pages hold 1,000
    params = {"assetId": asset, "aggregation": "raw", "start": t, "end": tworld.now_ms + 1}
    pages, cursor = [], None
    while True:
        b = expect(tworld.admin.get("/telemetry", params={**params, **({"cursor": cursor} if cursor else {})}), 200)
        pages.append([row["value"] for row in b["data"]])
        cursor = b["meta"].get("nextCursor")
        if not cursor:
            break
    assert [len(p) for p in pages] == [1000, 1000, 500] and sum(pages, []) == [float(i) for i in range(2_500)]

    params["format"] = "csv"
    r = tworld.admin.get("/telemetry", params=params)
    assert r.status_code == 200, describe(r)
    rows = r.text.strip().splitlines()[1:]
    assert [float(line.split(",")[-2]) for line in rows] == [float(i) for i in range(2_500)], rows[-3:]
    r = tworld.admin.get("/telemetry", params={**params, "limit": 10})
    assert len(r.text.strip().splitlines()) == 11, r.text
    r = tworld.admin.get("/telemetry", params={**params, "aggregation": "1min"})
    agg = r.text.strip().splitlines()
    assert agg[0].split(",")[6] == "avg" and sum(int(line.split(",")[10]) for line in agg[1:]) == 2_500, r.text
