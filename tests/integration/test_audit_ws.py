"""Acceptance checks 35 and 36 (01 §9): audit log and WebSocket push.

Assumptions where the contract is silent:
- The X-Request-ID sent by the client becomes the request's id (meta.requestId and the audit
  row's requestId); ids like "abc-123-<hex>" are accepted as is.
- Audit rows name the actor in transitionedBy or userId.
- WO creation may or may not be pushed; only updates are asserted, and nothing about an S2 WO
  may reach a subscriber filtered to S1.
- "No pong for 60 s" is measured on the server clock from the last pong (or from the connect);
  a client that answers every ping stays connected.
"""
from __future__ import annotations

import json
import secrets
import time

import pytest
import websocket

from dcmms_client import expect
from dcmms_workorders import create_wo, list_all, patch_wo, transition
from dcmms_world import World

WAIT_S = 3.0  # wall time allowed for the server's scheduler after a clock move


class Closed(Exception):
    pass


def _connect(world: World, token: str) -> websocket.WebSocket:
    return websocket.create_connection(f"ws://127.0.0.1:{world.server.port}/ws?token={token}",
                                       timeout=WAIT_S)


def _recv(ws: websocket.WebSocket, timeout: float = WAIT_S) -> dict | None:
    """The next JSON message, None after `timeout` s of silence; raises Closed when closed."""
    ws.settimeout(timeout)
    try:
        raw = ws.recv()
    except websocket.WebSocketTimeoutException:
        return None
    except (websocket.WebSocketConnectionClosedException, ConnectionError, OSError) as exc:
        raise Closed(str(exc)) from exc
    if raw in ("", b""):
        raise Closed("close frame")
    return json.loads(raw)


def _until(ws, pred, timeout: float = WAIT_S) -> tuple[dict | None, list[dict]]:
    """Reads until a message satisfies pred; returns it (or None) and everything read."""
    seen = []
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        msg = _recv(ws, left)
        if msg is None:
            break
        seen.append(msg)
        if pred(msg):
            return msg, seen
    return None, seen


def _is_ping(msg: dict) -> bool:
    return msg.get("type") == "ping"


def _subscribe(ws) -> None:
    ws.send(json.dumps({"action": "subscribe", "channel": "work-orders", "filter": {"siteId": "S1"}}))
    msg, seen = _until(ws, lambda m: m.get("event") == "subscribed")
    assert msg, f"no subscribed ack: {seen}"


def _closes(ws, timeout: float = WAIT_S + 1) -> bool:
    try:
        _until(ws, lambda m: False, timeout)
    except Closed:
        return True
    return False


def test_c35_audit_log_rows_and_access(world: World):
    wo_id = create_wo(world)["workOrderId"]
    rid = "abc-123-" + secrets.token_hex(4)
    r = transition(world, wo_id, "submitted", "PM", headers={"X-Request-ID": rid})
    assert expect(r, 200)["meta"]["requestId"] == rid

    rows = list_all(world.client("A"), "/audit-logs", {"filter[entityId]": wo_id})
    assert rows and all(row["entityId"] == wo_id for row in rows)
    match = [row for row in rows if row.get("requestId") == rid and row.get("toState") == "submitted"]
    assert len(match) == 1, f"no transition row with requestId {rid}: {rows}"
    row = match[0]
    assert row["fromState"] == "draft" and row["auditId"] and row["timestamp"]
    assert (row.get("transitionedBy") or row.get("userId")) == world.uid("PM")

    r = world.client("T1").get("/audit-logs")
    expect(r, 403)
    assert wo_id not in r.text


def test_c36_websocket_push_ping_and_auth(world: World):
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        _connect(world, "not-a-token")
    assert refused.value.status_code == 401

    token = world.client("PM").token()
    watcher, silent = _connect(world, token), _connect(world, token)
    try:
        _subscribe(watcher)
        s1 = create_wo(world)["workOrderId"]
        s2 = create_wo(world, "A", siteId="S2")["workOrderId"]
        expect(patch_wo(world, s2, {"title": "S2 edit"}, who="A"), 200)
        expect(patch_wo(world, s1, {"title": "S1 edit"}), 200)
        msg, seen = _until(watcher, lambda m: m.get("event") == "work-order.updated"
                           and m["data"]["workOrderId"] == s1 and m["data"]["title"] == "S1 edit")
        assert msg, f"no work-order.updated for {s1}: {seen}"
        assert msg["channel"] == "work-orders" and msg["data"]["siteId"] == "S1" and msg["timestamp"]
        expect(patch_wo(world, s2, {"title": "S2 second edit"}, who="A"), 200)
        expect(patch_wo(world, s1, {"title": "S1 second edit"}), 200)
        msg, more = _until(watcher, lambda m: m.get("event") == "work-order.updated"
                           and m["data"]["title"] == "S1 second edit")
        assert msg, f"no update for the second S1 edit: {more}"
        assert s2 not in json.dumps(seen + more), "an S2 change reached an S1 subscriber"

        # pings every 30 s of server time; the watcher answers, the silent socket does not
        for round_ in range(2):
            world.advance(31)
            ping, seen = _until(watcher, _is_ping)
            assert ping, f"no ping after 31 s (round {round_}): {seen}"
            watcher.send(json.dumps({"type": "pong"}))
            if round_ == 0:
                ping, seen = _until(silent, _is_ping)
                assert ping, f"no ping on the silent socket: {seen}"
            time.sleep(0.3)  # let the server take the pong before the clock moves again
        world.advance(31)  # 93 s after connecting, 62 s after the first unanswered ping
        assert _closes(silent), "socket without pongs still open after 60 s"
        ping, seen = _until(watcher, _is_ping)
        assert ping, f"the answering socket got no ping: {seen}"
    finally:
        watcher.close()
        silent.close()
