"""Telemetry helpers of the black-box suite: a mosquitto broker, the telemetry world (its own
server with `--mqtt` and a 24 h ingest window), TelemetryEvent builders, queries and polling.

The telemetry checks run on a server of their own so that their clock moves (late data,
retention) and their 24 h window (02 check 9) never touch the shared world of the other files.
"""
from __future__ import annotations

import secrets
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import paho.mqtt.client as mqtt
import requests

from dcmms_client import Account, ApiClient, data_of, describe, expect
from dcmms_world import PASSWORD, World

MINUTE_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000
MAX_AGE_HOURS = 24          # --telemetry-max-age-hours of the telemetry server (02 check 9)
POLL_S = 5.0                # wall time allowed for asynchronous ingest (MQTT, WebSocket)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(pred: Callable[[], Any], timeout: float = POLL_S, step: float = 0.05) -> Any:
    """Polls pred until it returns something truthy; returns it (or the last falsy value)."""
    deadline = time.monotonic() + timeout
    while True:
        got = pred()
        if got or time.monotonic() >= deadline:
            return got
        time.sleep(step)


class MqttBroker:
    """Debian's mosquitto on 127.0.0.1:<free port>, verbose log in its own file."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.log_path = workdir / "mosquitto.log"
        self.name = f"mosquitto:{workdir.name}"
        self.port = 0
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        for _ in range(3):  # the free port may be taken between probe and bind
            self.port = free_port()
            log = open(self.log_path, "ab")
            try:
                self.proc = subprocess.Popen(["/usr/sbin/mosquitto", "-p", str(self.port), "-v"],
                                             stdout=log, stderr=subprocess.STDOUT,
                                             start_new_session=True)
            finally:
                log.close()
            if wait_until(lambda: self._running() or self.proc.poll() is not None, 10):
                if self.proc.poll() is None and self._running():
                    return
        raise RuntimeError(f"mosquitto did not start\n{self.log_tail()}")

    def _text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def _running(self) -> bool:
        return f"Opening ipv4 listen socket on port {self.port}" in self._text() and " running" in self._text()

    def wait_subscribed(self, topic_filter: str = "telemetry/+/+/+", timeout: float = 15) -> None:
        """Waits until some client (the server) subscribed to the telemetry filter."""
        if not wait_until(lambda: topic_filter in self._text() and "Received SUBSCRIBE" in self._text(), timeout):
            raise RuntimeError(f"the server never subscribed to {topic_filter}\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self._text().splitlines()[-lines:]) or "(no broker log)"

    def publish(self, topic: str, payload: str | bytes, qos: int = 1) -> None:
        """Publishes one message as a device would (QoS 1, acknowledged by the broker)."""
        client = mqtt.Client(client_id="dev-" + secrets.token_hex(4), protocol=mqtt.MQTTv311)
        client.connect("127.0.0.1", self.port, keepalive=10)
        client.loop_start()
        try:
            info = client.publish(topic, payload, qos=qos)
            info.wait_for_publish(timeout=POLL_S)
            assert info.is_published(), f"broker did not acknowledge {topic}"
        finally:
            client.disconnect()
            client.loop_stop()


def telemetry_accounts() -> list[Account]:
    """An administrator (the only role holding write:telemetry), an S1 plant manager (reads S1
    only) and an administrator of another tenant."""
    return [Account("A", "a@example.com", PASSWORD, "system-administrator"),
            Account("PM", "pm@example.com", PASSWORD, "plant-manager", ["S1"]),
            Account("ADMIN2", "admin2@example.com", PASSWORD, "system-administrator", tenant="other")]


def telemetry_server_args(broker: MqttBroker) -> tuple[str, ...]:
    return ("--mqtt", "127.0.0.1", "--mqtt-port", str(broker.port),
            "--telemetry-max-age-hours", str(MAX_AGE_HOURS))


def event(asset: str, value: float, ts: int, *, site: str = "S1", sensor_type: str = "TEMPERATURE",
          unit: str = "celsius", sensor_id: str = "T1", quality: str | None = "GOOD",
          metadata: dict | None = None, event_id: str | None = None) -> dict:
    """One TelemetryEvent (02 §4)."""
    e = {"event_id": event_id or str(uuid.uuid4()), "timestamp": ts, "site_id": site,
         "asset_id": asset, "sensor_id": sensor_id, "sensor_type": sensor_type, "value": value,
         "unit": unit, "metadata": metadata}
    if quality is not None:
        e["quality_flag"] = quality
    return e


def minute_floor(ms: int, width_ms: int = MINUTE_MS) -> int:
    return ms - ms % width_ms


@dataclass
class Telemetry:
    """The telemetry world: the server, its broker and an admin device key."""
    world: World
    broker: MqttBroker
    _key: str = ""

    @property
    def admin(self) -> ApiClient:
        return self.world.client("A")

    @property
    def now_ms(self) -> int:
        return self.world.now_ms

    def key(self) -> str:
        """An API key of the administrator with write+read telemetry (created once)."""
        if not self._key:
            d = data_of(self.admin.post("/api-keys", json={
                "name": "device-" + secrets.token_hex(3),
                "scopes": ["write:telemetry", "read:telemetry"]}), 201)
            self._key = d["key"]
        return self._key

    def new_asset(self, site: str = "S1") -> str:
        return self.world.new_asset(site)

    # ---- ingest -----------------------------------------------------------------------------
    def post_events(self, events: list | str | bytes, client: ApiClient | None = None,
                    params: dict | None = None, **kw) -> requests.Response:
        c = client or self.admin
        if isinstance(events, (str, bytes)):
            return c.post("/telemetry", data=events, params=params,
                          headers={"Content-Type": "application/json"}, **kw)
        return c.post("/telemetry", json=events, params=params, **kw)

    def ingest(self, events: list, params: dict | None = None) -> dict:
        """POSTs events that must all be accepted; returns the outcome."""
        out = data_of(self.post_events(events, params=params))
        assert out["accepted"] == len(events) and out["rejected"] == 0, f"not all accepted: {out}"
        return out

    def write_lines(self, lines: list[str] | str, precision: str = "ms", *, key: str | None = None,
                    headers: dict | None = None, params: dict | None = None,
                    data: bytes | None = None) -> requests.Response:
        body = data if data is not None else ("\n".join(lines) if isinstance(lines, list) else lines).encode()
        hdrs = {"Authorization": f"Token {key or self.key()}", "Content-Type": "text/plain"}
        hdrs.update(headers or {})
        return self.admin.send("POST", "/write", params={"precision": precision, **(params or {})},
                               headers=hdrs, data=body)

    # ---- query ------------------------------------------------------------------------------
    def query(self, client: ApiClient | None = None, **params) -> dict:
        """GET /telemetry with params; returns the whole body (200 required)."""
        r = (client or self.admin).get("/telemetry", params=params)
        b = expect(r, 200)
        assert isinstance(b.get("data"), list) and isinstance(b.get("meta"), dict), describe(r)
        return b

    def raw(self, asset: str, start: int | None = None, end: int | None = None, **params) -> list[dict]:
        params.setdefault("limit", 10_000)
        b = self.query(assetId=asset, aggregation="raw", start=start or self.now_ms - MAX_AGE_HOURS * HOUR_MS,
                       end=end or self.now_ms + HOUR_MS, **params)
        assert b["meta"]["hasMore"] is False, f"raw query truncated: {b['meta']}"
        return b["data"]

    def agg(self, asset: str, aggregation: str, start: int, end: int, **params) -> list[dict]:
        return self.query(assetId=asset, aggregation=aggregation, start=start, end=end, **params)["data"]

    def wait_raw(self, asset: str, count: int, **params) -> list[dict]:
        """Raw rows of an asset once at least `count` of them are there (asynchronous ingest)."""
        rows: list[dict] = []

        def enough():
            nonlocal rows
            rows = self.raw(asset, **params)
            return len(rows) >= count
        wait_until(enough)
        return rows

    def dead_letters(self) -> list[dict]:
        r = self.admin.get("/telemetry/dead-letters", params={"pageSize": 100})
        return data_of(r)

    def dead_letter_with(self, marker: str) -> dict | None:
        for d in self.dead_letters():
            if marker in d.get("raw", "") or marker in d.get("topic", ""):
                return d
        return None
