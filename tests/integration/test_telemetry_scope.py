"""Who may write and read which site's telemetry, and the WebSocket `telemetry` channel.

Role model (01 roles matrix): only the system administrator holds write:telemetry, and it holds
every site; so the S1-limited principal is the S1 plant manager (read:telemetry on its sites),
by bearer token and by an API key of its own. It can neither write (no permission; it cannot mint
a key with write:telemetry either) nor read S2. An administrator of another tenant cannot write
to or read this tenant's assets.

Assumptions where the contract is silent:
- A read of another site's asset may answer 403 or 200 with no rows; either way nothing leaks.
- The WebSocket `telemetry.update` message carries the point (siteId, assetId, value, ...).
"""
from __future__ import annotations

import json
import secrets
import time

import websocket

from dcmms_client import data_of, describe
from dcmms_telemetry import POLL_S, Telemetry, event


def _no_rows(r, what: str) -> None:
    if r.status_code == 403:
        return
    assert r.status_code == 200, describe(r)
    assert r.json()["data"] == [], f"{what} leaked rows: {describe(r)}"


def _seed_both_sites(tworld: Telemetry) -> tuple[int, str]:
    """One point on INV-1@S1 (11.0) and one on INV-2@S2 (22.0) under a fresh sensor id."""
    ts, sensor = tworld.now_ms - 1_000, "SC" + secrets.token_hex(3)
    tworld.ingest([event("INV-1", 11.0, ts, site="S1", sensor_id=sensor),
                   event("INV-2", 22.0, ts, site="S2", sensor_id=sensor)])
    assert [r["value"] for r in tworld.raw("INV-2", sensorId=sensor, start=ts, end=ts + 1)] == [22.0]
    return ts, sensor


def test_s1_plant_manager_reads_s1_only_and_cannot_write(tworld: Telemetry):
    ts, sensor = _seed_both_sites(tworld)
    pm = tworld.world.client("PM")
    q = {"aggregation": "raw", "sensorId": sensor, "start": ts, "end": ts + 1}
    r = pm.get("/telemetry", params={"assetId": "INV-1", **q})
    assert [row["value"] for row in data_of(r)] == [11.0], describe(r)
    _no_rows(pm.get("/telemetry", params={"assetId": "INV-2", **q}), "asset of S2")
    _no_rows(pm.get("/telemetry", params={"siteId": "S2", **q}), "site S2")
    r = pm.get("/telemetry/latest", params={"siteId": "S2"})
    assert r.status_code == 403, describe(r)
    latest = data_of(pm.get("/telemetry/latest"))
    assert latest and all(row["siteId"] == "S1" for row in latest), latest

    for asset, site in (("INV-1", "S1"), ("INV-2", "S2")):
        r = pm.post("/telemetry", json=[event(asset, 1.0, tworld.now_ms, site=site, sensor_id="PMW")])
        assert r.status_code == 403, describe(r)
    r = pm.post("/api-keys", json={"name": "pm-writer", "scopes": ["write:telemetry"]})
    assert r.status_code in (400, 403, 422), f"an S1 manager minted a write key: {describe(r)}"


def test_s1_read_key_cannot_write_or_read_s2(tworld: Telemetry):
    ts, sensor = _seed_both_sites(tworld)
    pm = tworld.world.client("PM")
    r = pm.post("/api-keys", json={"name": "pm-reader-" + secrets.token_hex(3), "scopes": ["read:telemetry"]})
    if r.status_code == 403:  # managers may not create keys at all: nothing more to check here
        return
    key = data_of(r, 201)["key"]
    hdr = {"X-API-Key": key}
    q = {"aggregation": "raw", "sensorId": sensor, "start": ts, "end": ts + 1}
    r = pm.send("GET", "/telemetry", headers=hdr, params={"assetId": "INV-1", **q})
    assert [row["value"] for row in data_of(r)] == [11.0], describe(r)
    _no_rows(pm.send("GET", "/telemetry", headers=hdr, params={"assetId": "INV-2", **q}), "S2 via key")
    for asset, site in (("INV-1", "S1"), ("INV-2", "S2")):
        r = pm.send("POST", "/telemetry", headers=hdr, json=[event(asset, 1.0, tworld.now_ms, site=site, sensor_id="KW")])
        assert r.status_code == 403, describe(r)
        r = pm.send("POST", "/write", headers=hdr, data=f"temperature,site={site},asset={asset} value=1".encode())
        assert r.status_code == 403, describe(r)


def test_site_must_match_the_asset(tworld: Telemetry):
    ts = tworld.now_ms - 1_000
    out = data_of(tworld.post_events([event("INV-1", 5.0, ts, site="S2", sensor_id="MISMATCH")]))
    assert (out["accepted"], out["rejected"]) == (0, 1), out
    assert (out["rejections"][0]["field"], out["rejections"][0]["code"]) == ("site_id", "SITE_MISMATCH"), out
    assert tworld.raw("INV-1", sensorId="MISMATCH") == []


def test_other_tenant_admin_cannot_touch_this_tenant(tworld: Telemetry):
    ts, sensor = _seed_both_sites(tworld)
    other = tworld.world.client("ADMIN2")
    out = data_of(other.post("/telemetry", json=[event("INV-1", 99.0, ts + 1, site="S1", sensor_id=sensor)]))
    assert (out["accepted"], out["rejected"]) == (0, 1), out
    _no_rows(other.get("/telemetry", params={"assetId": "INV-1", "aggregation": "raw", "start": ts, "end": ts + 2}),
             "another tenant's asset")
    assert [r["value"] for r in tworld.raw("INV-1", sensorId=sensor, start=ts, end=ts + 2)] == [11.0]


# ---- WebSocket `telemetry` channel --------------------------------------------------------------
def _ws(tworld: Telemetry, key: str) -> websocket.WebSocket:
    token = tworld.world.client(key).token()
    return websocket.create_connection(f"ws://127.0.0.1:{tworld.world.server.port}/ws?token={token}",
                                       timeout=POLL_S)


def _messages(ws: websocket.WebSocket, until, timeout: float = POLL_S) -> tuple[dict | None, list[dict]]:
    seen: list[dict] = []
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        ws.settimeout(left)
        try:
            raw = ws.recv()
        except websocket.WebSocketTimeoutException:
            break
        msg = json.loads(raw)
        seen.append(msg)
        if until(msg):
            return msg, seen
    return None, seen


def test_websocket_telemetry_updates_for_the_subscribed_site(tworld: Telemetry):
    ws = _ws(tworld, "PM")
    try:
        ws.send(json.dumps({"action": "subscribe", "channel": "telemetry", "filter": {"siteId": "S2"}}))
        err, seen = _messages(ws, lambda m: m.get("event") in ("error", "subscribed") and m.get("channel") != "work-orders")
        assert err and err["event"] == "error" and err["data"]["code"] == "AUTHZ_SITE_ACCESS_DENIED", seen
        ws.send(json.dumps({"action": "subscribe", "channel": "telemetry", "filter": {"siteId": "S1"}}))
        ack, seen = _messages(ws, lambda m: m.get("event") == "subscribed")
        assert ack, seen

        marker = "WS" + secrets.token_hex(3)
        ts = tworld.now_ms - 500
        # Several points of one series in one write: the update carries the newest (not the last sent).
        tworld.ingest([event("INV-2", 33.0, ts, site="S2", sensor_id=marker),
                       event("INV-1", 41.0, ts - 2_000, site="S1", sensor_id=marker),
                       event("INV-1", 42.25, ts, site="S1", sensor_id=marker),
                       event("INV-1", 40.5, ts - 1_000, site="S1", sensor_id=marker)])
        upd, seen = _messages(ws, lambda m: m.get("event") == "telemetry.update"
                              and m.get("data", {}).get("sensorId") == marker)
        assert upd, f"no telemetry.update for the S1 point: {seen}"
        assert upd["channel"] == "telemetry", upd
        d = upd["data"]
        assert (d["siteId"], d["assetId"], d["value"], d["quality"]) == ("S1", "INV-1", 42.25, "GOOD"), d
        _, rest = _messages(ws, lambda m: False, timeout=0.5)
        leaked = [m for m in seen + rest if m.get("data", {}).get("siteId") == "S2"]
        assert not leaked, f"S2 telemetry reached an S1 subscriber: {leaked}"
    finally:
        ws.close()
