"""A seeded server (the acceptance checks' "seed data") with one client per user.

The world owns the server's test clock: it sets it to 09:00Z of tomorrow at start (inside the
contractors' 08-17 h window, always a forward move) and only ever moves it forward by whole
seconds, so `now_ms` always equals the server's clock.
"""
from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from dcmms_client import Account, ApiClient, data_of, expect
from dcmms_server import DcmmsServer, PgDatabase

PASSWORD = "Str0ng!Passw0rd#1"
TECH = "field-technician-electrical"


def _acct(key: str, role: str, sites=(), skills=(), tenant: str | None = None) -> Account:
    return Account(key=key, email=f"{key.lower()}@example.com", password=PASSWORD, role=role,
                   sites=list(sites), skills=list(skills), tenant=tenant)


def seed_accounts() -> list[Account]:
    """01 §9 seed users, plus one user per auth check that consumes sessions or logins."""
    return [
        _acct("A", "system-administrator"),
        _acct("PM", "plant-manager", ["S1"]),
        _acct("MS", "maintenance-supervisor", ["S1"]),
        _acct("OC", "om-coordinator", ["S1"]),
        _acct("K", "contractor-oem", ["S1"]),
        _acct("T1", TECH, ["S1"], ["electrical-hv"]),
        _acct("T2", TECH, ["S1"]),
        _acct("TX", TECH, ["S2"], ["electrical-hv"]),
        _acct("RE", "reliability-engineer", ["S1", "S2"]),
        _acct("U4", TECH, ["S1"]),          # check 4: refresh rotation
        _acct("U5", TECH, ["S1"]),          # check 5: logout / revoke
        _acct("LOCK", TECH, ["S1"]),        # check 6: lockout
        _acct("PW", TECH, ["S1"]),          # check 8: password changes
        _acct("MFA", "plant-manager", ["S1"]),  # check 9: an approver enrolling TOTP
        _acct("ADMIN2", "system-administrator", tenant="other"),  # cross-tenant checks
    ]


def site_body(site_id: str) -> dict:
    return {"siteId": site_id, "name": f"Plant {site_id}", "type": "solar",
            "location": {"lat": 12.97, "lon": 77.59, "state": "KA", "country": "IN",
                         "timezone": "UTC"},
            "capacity": {"installedCapacityMw": 50},
            "grid": {"connectionPoint": "SS-1", "voltageLevel": "33kV"},
            "contacts": {}}


def asset_body(asset_id: str, site_id: str) -> dict:
    return {"assetId": asset_id, "siteId": site_id, "type": "inverter", "category": "inverter",
            "name": f"Inverter {asset_id}", "specifications": {"ratedPowerKw": 1000},
            "compliance": {}, "maintenance": {"criticality": "high"}}


def iso(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def tomorrow_0900_ms() -> int:
    today = dt.datetime.now(dt.timezone.utc).date()
    start = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(9, 0), tzinfo=dt.timezone.utc)
    return int(start.timestamp()) * 1000


class World:
    def __init__(self, server: DcmmsServer, accounts: list[Account], pg: PgDatabase | None):
        self.server = server
        self.pg = pg
        self.accounts = {a.key: a for a in accounts}
        self.now_ms = 0
        self._ip_counter = 0
        self._clients: dict[str, ApiClient] = {}
        self._slot_end_ms = 0

    # ---- lifecycle --------------------------------------------------------------------------
    def seed_users(self) -> None:
        tenants: dict[str, str] = {}
        for a in self.accounts.values():
            tenant_id = None
            if a.tenant:
                if a.tenant not in tenants:
                    tenants[a.tenant] = self.server.create_tenant(f"tenant-{a.tenant}")
                tenant_id = tenants[a.tenant]
            out = self.server.create_user(a.email, a.password, a.role, tenant=tenant_id,
                                          sites=a.sites, skills=a.skills, name=f"User {a.key}")
            a.user_id, a.tenant_id = out["userId"], out["tenantId"]

    def start(self, sites=("S1", "S2"), assets=(("INV-1", "S1"), ("INV-2", "S2"))) -> None:
        self.server.start()
        self.set_clock(tomorrow_0900_ms())
        for site in sites:
            expect(self.client("A").post("/sites", json=site_body(site)), 201)
        for asset_id, site in assets:
            expect(self.client("A").post("/assets", json=asset_body(asset_id, site)), 201)

    def close(self) -> None:
        for c in self._clients.values():
            c.http.close()
        self.server.stop()
        if self.pg:
            self.pg.drop()

    # ---- clients ----------------------------------------------------------------------------
    def next_ip(self) -> str:
        self._ip_counter += 1
        n = self._ip_counter
        return f"127.0.{1 + n // 250}.{1 + n % 250}"

    def client(self, key: str) -> ApiClient:
        """The cached session of a user (one login per user per server)."""
        if key not in self._clients:
            self._clients[key] = self.new_client(key)
        return self._clients[key]

    def new_client(self, key: str) -> ApiClient:
        """A separate client (new source address, not logged in yet)."""
        return ApiClient(self.server.base_url, self.accounts[key], self.next_ip(), self,
                         may_move_clock=(key != "A"))

    def uid(self, key: str) -> str:
        return self.accounts[key].user_id

    # ---- clock ------------------------------------------------------------------------------
    def set_clock(self, ms: int) -> None:
        admin = self._clients.get("A")
        if admin is None:
            admin = self._clients["A"] = self.new_client("A")
        expect(admin.send("PUT", "/test/clock", token=admin.token(), json={"now": ms}), (200, 204))
        self.now_ms = ms

    def advance(self, seconds: int) -> None:
        self.set_clock(self.now_ms + int(seconds) * 1000)

    def now_iso(self, offset_s: int = 0) -> str:
        return iso(self.now_ms + offset_s * 1000)

    def next_slot(self, minutes: int = 2) -> tuple[str, str]:
        """A schedule window about 1 h ahead that overlaps no earlier slot (so no resource
        conflicts) and keeps the start within the ±2 h start window."""
        start = max(self.now_ms + 3600_000, self._slot_end_ms + 60_000)
        if start - self.now_ms > 100 * 60_000:  # many slots handed out without time passing
            self.advance((start - self.now_ms - 3600_000) // 1000)
        end = start + minutes * 60_000
        self._slot_end_ms = end
        return iso(start), iso(end)

    # ---- seed objects -----------------------------------------------------------------------
    def new_asset(self, site: str = "S1") -> str:
        asset_id = "INV-" + secrets.token_hex(4).upper()
        expect(self.client("A").post("/assets", json=asset_body(asset_id, site)), 201)
        return asset_id

    def get_asset(self, asset_id: str) -> dict:
        return data_of(self.client("A").get(f"/assets/{asset_id}"))


def build_world(binary: Path, workdir: Path, backend: str, pg_url: str | None,
                accounts: list[Account], server_args: tuple[str, ...] = ()) -> World:
    """Creates the DB (postgres), seeds users via the CLI, starts the server, seeds sites/assets.
    A failure stops the server and reports the tail of its log."""
    pg = PgDatabase(pg_url) if backend == "postgres" else None
    server = DcmmsServer(binary, workdir, f"{backend}:{workdir.name}", pg.url if pg else None,
                         server_args)
    world = World(server, accounts, pg)
    try:
        world.seed_users()
        world.start()
    except Exception as exc:
        tail = server.log_tail()
        world.close()
        raise RuntimeError(f"setting up {server.name} failed: {exc}\n--- server log ---\n{tail}") from exc
    return world
