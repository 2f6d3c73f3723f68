"""Telemetry ingest (02 §14 checks 1, 3–6, 8–11) over MQTT and HTTP JSON, dead letters and replay,
and the ways a device presents its API key.

Assumptions where the contract is silent:
- "OUT_OF_RANGE" is the raw row's `outOfRange: true` (quality stays as sent); 02 §6.
- Check 1's ingested_at is not part of the query API: the round trip asserts value, unit,
  quality, metadata and timestamp only.
- STATUS is sent with a free-text unit ("code"): TelemetryEvent requires a unit.
- A duplicate delivery answers 200 with accepted 0 / duplicates 1 (or accepted 1 the first time).
"""
from __future__ import annotations

import json
import secrets
import uuid

import pytest

from dcmms_client import data_of, describe, error_envelope, expect
from dcmms_telemetry import HOUR_MS, Telemetry, event, wait_until
from dcmms_world import asset_body


def _one(rows: list[dict], **match) -> dict:
    got = [r for r in rows if all(r.get(k) == v for k, v in match.items())]
    assert len(got) == 1, f"expected exactly one row with {match}, got {got} (all rows: {rows})"
    return got[0]


# ---- check 1: MQTT round trip -------------------------------------------------------------------
def test_mqtt_round_trip(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    ts = tworld.now_ms - 2_000
    payload = {"event_id": str(uuid.uuid4()), "timestamp": ts, "sensor_id": "T1", "value": 72.5,
               "unit": "celsius", "quality_flag": "GOOD", "metadata": {"fw": "1.2.3"}}
    tworld.broker.publish(f"telemetry/S1/{asset}/TEMPERATURE", json.dumps(payload))
    rows = tworld.wait_raw(asset, 1)
    assert len(rows) == 1, rows
    r = rows[0]
    assert (r["value"], r["unit"], r["quality"], r["metadata"]) == (72.5, "celsius", "GOOD", {"fw": "1.2.3"}), r
    assert (r["timestampMs"], r["siteId"], r["assetId"], r["sensorId"]) == (ts, "S1", asset, "T1"), r
    assert r["metric"] == "temperature" and r["outOfRange"] is False, r


def test_mqtt_multi_metric_payload(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    ts = tworld.now_ms - 1_000
    tworld.broker.publish(f"telemetry/S1/{asset}/inverter",
                          json.dumps({"timestamp": ts, "metrics": {"active_power_kw": 500, "temperature_c": 40}}))
    rows = tworld.wait_raw(asset, 2)
    assert len(rows) == 2, rows
    assert _one(rows, metric="active_power_kw")["unit"] == "kW"
    assert _one(rows, metric="temperature_c")["unit"] == "°C"
    assert {r["value"] for r in rows} == {500, 40}
    assert all(r["timestampMs"] == ts and r["siteId"] == "S1" for r in rows), rows


def test_mqtt_malformed_payload_is_dead_lettered_and_the_next_is_stored(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    marker = "mq-" + secrets.token_hex(4)
    tworld.broker.publish(f"telemetry/S1/{asset}/TEMPERATURE", '{"value": 1, "broken": "' + marker)
    good = {"timestamp": tworld.now_ms, "value": 21.0, "unit": "celsius"}
    tworld.broker.publish(f"telemetry/S1/{asset}/TEMPERATURE", json.dumps(good))
    rows = tworld.wait_raw(asset, 1)
    assert [r["value"] for r in rows] == [21.0], rows
    letter = wait_until(lambda: tworld.dead_letter_with(marker))
    assert letter, "the malformed MQTT payload is not among the dead letters"
    assert letter["source"] == "mqtt" and letter["topic"] == f"telemetry/S1/{asset}/TEMPERATURE", letter


# ---- check 3: HTTP batch and bulk -----------------------------------------------------------------
def test_http_batch_and_bulk_are_queryable(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    t0 = tworld.now_ms - 60_000
    events = [event(asset, 20.0 + i, t0 + i * 1000) for i in range(10)]
    out = data_of(tworld.post_events(events))
    assert (out["accepted"], out["rejected"]) == (10, 0), out
    assert out["batchId"], out

    readings = [{"readingId": str(uuid.uuid4()), "assetId": asset, "siteId": "S1", "sensorId": "P1",
                 "timestamp": t0 + 30_000 + i * 1000, "metricName": "active_power_kw", "value": 100 + i,
                 "unit": "kW", "quality": "GOOD"} for i in range(5)]
    r = tworld.admin.post("/sensor-readings/bulk", json={"readings": readings})
    bulk = data_of(r, 202)
    assert bulk["batchId"] and bulk["accepted"] == 5 and bulk["status"] == "completed", bulk

    rows = tworld.raw(asset)
    temps = sorted(r["value"] for r in rows if r["sensorId"] == "T1")
    powers = sorted(r["value"] for r in rows if r["sensorId"] == "P1")
    assert temps == [20.0 + i for i in range(10)], rows
    assert powers == [100 + i for i in range(5)], rows


# ---- check 4: multi-metric over HTTP ------------------------------------------------------------
def test_bulk_multi_metric_explodes_into_rows(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    ts = tworld.now_ms - 5_000
    r = tworld.admin.post("/sensor-readings/bulk", json={"readings": [
        {"siteId": "S1", "assetId": asset, "timestamp": ts,
         "metrics": {"active_power_kw": 500, "temperature_c": 40}}]})
    assert data_of(r, 202)["accepted"] == 2
    rows = tworld.raw(asset)
    assert len(rows) == 2, rows
    assert (_one(rows, metric="active_power_kw")["unit"], _one(rows, metric="active_power_kw")["value"]) == ("kW", 500)
    assert (_one(rows, metric="temperature_c")["unit"], _one(rows, metric="temperature_c")["value"]) == ("°C", 40)


# ---- check 5: missing site_id -------------------------------------------------------------------
def test_missing_site_id_is_rejected_and_dead_lettered(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    bad = event(asset, 30.0, tworld.now_ms - 3_000, sensor_id="nosite-" + secrets.token_hex(4))
    del bad["site_id"]
    out = data_of(tworld.post_events([bad]))
    assert (out["accepted"], out["rejected"]) == (0, 1), out
    assert out["rejections"][0]["field"] == "site_id", out
    letter = tworld.dead_letter_with(bad["sensor_id"])
    assert letter and letter["reasons"][0]["field"] == "site_id", letter

    tworld.ingest([event(asset, 31.0, tworld.now_ms - 2_000)])
    assert [r["value"] for r in tworld.raw(asset)] == [31.0]


# ---- check 6: malformed JSON --------------------------------------------------------------------
def test_malformed_json_is_dead_lettered_and_the_next_event_is_stored(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    marker = "broken-" + secrets.token_hex(4)
    r = tworld.post_events('[{"asset_id": "' + marker + '", "value": ')
    expect(r, 400, "INVALID_JSON")
    assert tworld.dead_letter_with(marker), "the malformed body is not among the dead letters"
    tworld.ingest([event(asset, 12.5, tworld.now_ms - 1_000)])
    assert [r["value"] for r in tworld.raw(asset)] == [12.5]


# ---- check 8: range boundaries ------------------------------------------------------------------
def test_range_boundaries(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    t = tworld.now_ms - 10_000
    tworld.ingest([event(asset, -50, t), event(asset, 150, t + 1000), event(asset, -50.1, t + 2000),
                   event(asset, 123456, t + 3000, sensor_type="STATUS", sensor_id="ST1", unit="code")])
    rows = tworld.raw(asset)
    by_value = {r["value"]: r for r in rows}
    assert set(by_value) == {-50, 150, -50.1, 123456}, rows
    for v in (-50, 150):
        assert (by_value[v]["quality"], by_value[v]["outOfRange"]) == ("GOOD", False), by_value[v]
    assert by_value[-50.1]["outOfRange"] is True, by_value[-50.1]
    assert (by_value[123456]["quality"], by_value[123456]["outOfRange"]) == ("GOOD", False), by_value[123456]


# ---- check 9: timestamp window (server started with --telemetry-max-age-hours 24) ------------------
def test_timestamp_window(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    now = tworld.now_ms
    out = data_of(tworld.post_events([event(asset, 1.0, now - 25 * HOUR_MS), event(asset, 2.0, now + 2 * HOUR_MS),
                                      event(asset, 3.0, now - 23 * HOUR_MS)]))
    assert (out["accepted"], out["rejected"]) == (1, 2), out
    codes = {rj["index"]: rj["code"] for rj in out["rejections"]}
    assert codes == {0: "TIMESTAMP_TOO_OLD", 1: "TIMESTAMP_IN_FUTURE"}, out
    rows = tworld.raw(asset, start=now - 26 * HOUR_MS, end=now + 3 * HOUR_MS)
    assert [r["value"] for r in rows] == [3.0], rows


# ---- check 10: quality passthrough ---------------------------------------------------------------
def test_quality_passthrough_and_bad_count(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    m = tworld.now_ms - tworld.now_ms % 60_000 - 5 * 60_000  # a closed minute
    tworld.ingest([event(asset, 10, m + 1000, quality="GOOD"), event(asset, 11, m + 2000, quality="UNCERTAIN"),
                   event(asset, 12, m + 3000, quality="SENSOR_FAULT", sensor_id="T2")])
    before = tworld.agg(asset, "1min", m, m + 60_000, sensorId="T1")
    assert len(before) == 1 and before[0]["badCount"] == 0 and before[0]["goodCount"] == 1, before
    tworld.ingest([event(asset, 13, m + 4000, quality="BAD")])
    after = tworld.agg(asset, "1min", m, m + 60_000, sensorId="T1")
    assert after[0]["badCount"] == 1 and after[0]["count"] == 3, after
    qualities = {r["value"]: r["quality"] for r in tworld.raw(asset)}
    assert qualities == {10: "GOOD", 11: "UNCERTAIN", 12: "SENSOR_FAULT", 13: "BAD"}, qualities


# ---- check 11: idempotency ----------------------------------------------------------------------
def test_same_event_delivered_three_times_is_one_row(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    e = event(asset, 55.5, tworld.now_ms - 4_000)
    outs = [data_of(tworld.post_events([e])) for _ in range(3)]
    assert sum(o["accepted"] for o in outs) == 1, outs
    assert all(o["rejected"] == 0 and o["accepted"] + o["duplicates"] == 1 for o in outs), outs
    out = data_of(tworld.post_events([e, e, e]))  # and within one batch
    assert out["accepted"] == 0 and out["rejected"] == 0, out
    assert [r["value"] for r in tworld.raw(asset)] == [55.5]
    minute = e["timestamp"] - e["timestamp"] % 60_000
    assert tworld.agg(asset, "1min", minute, minute + 60_000)[0]["count"] == 1


# ---- check 12: deadband ------------------------------------------------------------------------
@pytest.mark.parametrize("second,dt_ms,stored", [(50.2, 5_000, 1), (60.0, 5_000, 2), (50.2, 70_000, 2)],
                         ids=["small-change-soon", "big-change", "small-change-late"])
def test_deadband_when_enabled(deadband_tworld: Telemetry, second: float, dt_ms: int, stored: int):
    tw = deadband_tworld
    t = tw.now_ms - 600_000
    tw.ingest([event("INV-1", 50.0, t)])
    out = data_of(tw.post_events([event("INV-1", second, t + dt_ms)]))
    assert (out["accepted"], out.get("suppressed", 0), out["rejected"]) == (stored - 1, 2 - stored, 0), out
    assert len(tw.raw("INV-1")) == stored
    # Bad quality is never suppressed.
    out = data_of(tw.post_events([event("INV-1", 50.0, t + dt_ms + 1_000, quality="BAD")]))
    assert out["accepted"] == 1 and len(tw.raw("INV-1")) == stored + 1, out


def test_no_deadband_by_default(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    t = tworld.now_ms - 600_000
    tworld.ingest([event(asset, 50.0, t), event(asset, 50.2, t + 5_000)])
    assert [r["value"] for r in tworld.raw(asset)] == [50.0, 50.2]


# ---- dead letters: listed and replayed -----------------------------------------------------------
def test_dead_letter_for_unknown_asset_replays_once_the_asset_exists(tworld: Telemetry):
    asset = "INV-DL-" + secrets.token_hex(3).upper()
    out = data_of(tworld.post_events([event(asset, 77.0, tworld.now_ms - 1_000)]))
    assert (out["accepted"], out["rejected"]) == (0, 1), out
    assert out["rejections"][0]["field"] == "asset_id", out
    letter = tworld.dead_letter_with(asset)
    assert letter and letter["replayedAt"] is None and letter["source"] == "http-json", letter
    assert letter["reasons"][0]["field"] == "asset_id" and letter["receivedAt"], letter

    expect(tworld.admin.post("/assets", json=asset_body(asset, "S1")), 201)
    replay = data_of(tworld.admin.post(f"/telemetry/dead-letters/{letter['deadLetterId']}/replay"))
    assert (replay["accepted"], replay["rejected"]) == (1, 0), replay
    assert [r["value"] for r in tworld.raw(asset)] == [77.0]
    again = [d for d in tworld.dead_letters() if d["deadLetterId"] == letter["deadLetterId"]]
    assert again and again[0]["replayedAt"], again
    r = tworld.admin.post(f"/telemetry/dead-letters/{letter['deadLetterId']}/replay")
    assert r.status_code == 404, describe(r)


# ---- device credentials ------------------------------------------------------------------------
def test_api_key_in_every_supported_place(tworld: Telemetry):
    asset = tworld.new_asset("S1")
    key = tworld.key()
    t = tworld.now_ms - 10_000
    ways = [({"X-API-Key": key}, {}), ({"Authorization": f"Token {key}"}, {}),
            ({}, {"p": key})]
    for i, (headers, params) in enumerate(ways):
        r = tworld.admin.send("POST", "/telemetry", headers=headers, params=params,
                              json=[event(asset, float(i), t + i * 1000)])
        assert data_of(r)["accepted"] == 1, describe(r)
    r = tworld.admin.send("POST", "/telemetry", auth=("device", key), json=[event(asset, 3.0, t + 3000)])
    assert data_of(r)["accepted"] == 1, describe(r)
    assert sorted(r["value"] for r in tworld.raw(asset)) == [0.0, 1.0, 2.0, 3.0]

    bogus = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    r = tworld.admin.send("POST", "/telemetry", headers={"X-API-Key": bogus}, json=[event(asset, 9.0, t)])
    assert r.status_code == 401, describe(r)
    error_envelope(r)


def test_mqtt_message_for_an_unknown_asset_replays_as_sent(tworld: Telemetry):
    asset = "INV-MQ-" + secrets.token_hex(3).upper()
    topic = f"telemetry/S1/{asset}/TEMPERATURE"
    ts = tworld.now_ms - 1_000
    tworld.broker.publish(topic, json.dumps({"timestamp": ts, "value": 64.0, "unit": "celsius",
                                             "metadata": {"fw": "9"}}))
    letter = wait_until(lambda: tworld.dead_letter_with(asset))
    assert letter and letter["source"] == "mqtt" and letter["topic"] == topic, letter
    assert json.loads(letter["raw"])["value"] == 64.0, letter

    expect(tworld.admin.post("/assets", json=asset_body(asset, "S1")), 201)
    replay = data_of(tworld.admin.post(f"/telemetry/dead-letters/{letter['deadLetterId']}/replay"))
    assert replay["accepted"] == 1, replay
    rows = tworld.raw(asset)
    assert [(r["timestampMs"], r["value"], r["metadata"]) for r in rows] == [(ts, 64.0, {"fw": "9"})], rows


# ---- overload: bounded memory, 503 + Retry-After, nothing accepted lost -------------------------
def test_ingest_beyond_its_memory_bound_answers_503_and_loses_nothing(tight_tworld: Telemetry):
    from concurrent.futures import ThreadPoolExecutor
    tw = tight_tworld
    key, t0 = tw.key(), tw.now_ms - 3_600_000
    # ~1 MB bodies: each fits alone; two at once exceed the 1 MB bound.
    bodies = ["\n".join(f"power,site=S1,asset=INV-1,sensor=B{b} value={i} {t0 + i}" for i in range(20_000))
              for b in range(12)]
    stored, refused = 0, 0
    for _ in range(5):
        with ThreadPoolExecutor(len(bodies)) as pool:
            answers = list(pool.map(lambda body: tw.write_lines(body, key=key), bodies))
        for r in answers:
            assert r.status_code in (204, 503), describe(r)
            if r.status_code == 503:
                assert r.headers.get("Retry-After") == "1" and error_envelope(r)["code"] == "TELEMETRY_OVERLOADED"
                refused += 1
        stored = sum(row["count"] for b in range(12)
                     for row in tw.query(assetId="INV-1", sensorId=f"B{b}", aggregation="1min",
                                         start=t0 - 60_000, end=t0 + 60_000)["data"])
        if refused:
            break
    assert refused > 0, "twelve concurrent 1 MB bodies never exceeded a 1 MB bound"
    # Whatever was answered 204 is stored in full; a refused body left nothing half-written.
    assert stored % 20_000 == 0 and stored >= 20_000, stored


def test_a_remembered_json_series_is_refused_once_its_asset_is_deleted(tworld: Telemetry):
    # JSON and MQTT series share the tenant's memo of resolved series with line protocol.
    asset = tworld.new_asset("S1")
    t = tworld.now_ms - 10_000
    for i in range(2):
        tworld.ingest([event(asset, float(i), t + i)])
    expect(tworld.admin.delete(f"/assets/{asset}"), 204)
    out = data_of(tworld.post_events([event(asset, 2.0, t + 2)]))
    assert (out["accepted"], out["rejected"]) == (0, 1), out
    assert (out["rejections"][0]["field"], out["rejections"][0]["code"]) == ("asset_id", "UNKNOWN_ASSET"), out
