"""`dcmms demo`: the seeded demo portfolio, checked over HTTP as its users see it.

Issue text: a 50 MW solar plant (at least 500 assets on 4+ levels), a 20-turbine wind farm and
a 100 MWh battery, every site with at least 10 assets; one user per role; at least 50 work
orders across all 11 states with tasks, permits and labour. Running the command twice is fine.

Assumptions: the demo users' e-mails are <role>@demo.dcmms.io; the command prints a JSON
summary as its last line ({"seeded": true, ...} or {"alreadySeeded": true}).
"""
from __future__ import annotations

import json
import os
import subprocess
import time

import pytest
import requests

from dcmms_server import DcmmsServer, PgDatabase

PASSWORD = "Demo-Seed!Passw0rd#42"
SEED_TIMEOUT_S = 300  # sanitizer builds are slow; `make run` (release) seeds in seconds
STATUSES = {"draft", "submitted", "approved", "scheduled", "assigned", "in-progress", "on-hold",
            "completed", "verified", "closed", "cancelled"}


def run_demo(server: DcmmsServer) -> tuple[dict, str, float]:
    cmd = [str(server.binary), "demo", "--password", PASSWORD, *server._store_args()]
    began = time.monotonic()
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=SEED_TIMEOUT_S)
    elapsed = time.monotonic() - began
    assert res.returncode == 0, f"demo exited {res.returncode}\nstdout: {res.stdout[-3000:]}\nstderr: {res.stderr[-3000:]}"
    last = [ln for ln in res.stdout.splitlines() if ln.startswith("{")][-1]
    return json.loads(last), res.stdout, elapsed


class Session:
    def __init__(self, base_url: str, email: str):
        self.base_url = base_url
        self.http = requests.Session()
        r = self.http.post(f"{base_url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=30)
        assert r.status_code == 200, r.text
        data = r.json()["data"]
        self.http.headers["Authorization"] = "Bearer " + data["accessToken"]

    def get(self, path: str, **params) -> dict:
        r = self.http.get(f"{self.base_url}/api/v1{path}", params=params, timeout=60)
        assert r.status_code == 200, f"GET {path} {params}: {r.status_code} {r.text[:500]}"
        return r.json()

    def total(self, path: str, **params) -> int:
        return self.get(path, pageSize=1, **params)["meta"]["pagination"]["totalItems"]

    def all(self, path: str, **params) -> list[dict]:
        items, page = [], 1
        while True:
            body = self.get(path, page=page, pageSize=100, **params)
            items += body["data"]
            if page >= body["meta"]["pagination"]["totalPages"]:
                return items
            page += 1


@pytest.fixture(scope="module")
def demo(request, binary, backend, tmp_path_factory):
    pg = PgDatabase(os.environ["DCMMS_PG_URL"]) if backend == "postgres" else None
    server = DcmmsServer(binary, tmp_path_factory.mktemp(f"demo-{backend}-"), f"demo-{backend}", pg.url if pg else None)
    first, first_out, seconds = run_demo(server)
    second, second_out, _ = run_demo(server)
    server.start()

    def finish():
        server.stop()
        if pg:
            pg.drop()

    request.addfinalizer(finish)
    return {"server": server, "first": first, "first_out": first_out, "second": second, "second_out": second_out,
            "seconds": seconds, "pm": Session(server.base_url, "plant-manager@demo.dcmms.io")}


def test_seeding_reports_the_portfolio_and_is_idempotent(demo):
    first, second = demo["first"], demo["second"]
    assert first["seeded"] is True
    assert first["sites"] == 3 and first["assets"] >= 530 and first["workOrders"] >= 50
    assert first["users"] >= 17
    for role in ("plant-manager", "field-technician-electrical", "system-administrator", "contractor-om"):
        assert f"{role}@demo.dcmms.io" in demo["first_out"]
    # Second run: nothing duplicated, credentials printed again.
    assert second.get("alreadySeeded") is True
    assert "already seeded" in demo["second_out"]
    assert "plant-manager@demo.dcmms.io" in demo["second_out"]
    print(f"demo seeding took {demo['seconds']:.1f} s")


def test_three_sites_each_with_assets(demo):
    pm = demo["pm"]
    sites = {s["siteId"]: s for s in pm.all("/sites")}
    assert {"SOLAR-01", "WIND-01", "BESS-01"} <= set(sites)
    assert {sites["SOLAR-01"]["type"], sites["WIND-01"]["type"], sites["BESS-01"]["type"]} == {"solar", "wind", "storage"}
    counts = {sid: pm.total("/assets", **{"filter[siteId]": sid}) for sid in sites}
    assert all(n >= 10 for n in counts.values()), counts
    assert counts["SOLAR-01"] >= 500, counts
    assert pm.total("/assets", **{"filter[siteId]": "WIND-01", "filter[category]": "turbine"}) >= 20


def test_solar_hierarchy_has_four_levels(demo):
    pm = demo["pm"]
    leaf = pm.get("/assets", pageSize=1, **{"filter[siteId]": "SOLAR-01", "filter[category]": "panel"})["data"][0]
    chain = [leaf]
    while chain[-1].get("parentAssetId"):
        chain.append(pm.get(f"/assets/{chain[-1]['parentAssetId']}")["data"])
        assert len(chain) < 10
    assert len(chain) >= 4, [a["assetId"] for a in chain]
    assert [a["category"] for a in chain[:3]] == ["panel", "bos", "inverter"]
    inverter = chain[2]
    assert inverter["specifications"]["ratedPowerKw"] > 0 and inverter["manufacturer"]


def test_work_orders_cover_every_state_with_real_content(demo):
    pm = demo["pm"]
    wos = pm.all("/work-orders")
    assert len(wos) >= 50
    by_status: dict[str, int] = {}
    for wo in wos:
        by_status[wo["status"]] = by_status.get(wo["status"], 0) + 1
    assert set(by_status) == STATUSES, by_status
    assert {wo["siteId"] for wo in wos} == {"SOLAR-01", "WIND-01", "BESS-01"}
    done = [wo for wo in wos if wo["status"] in ("completed", "verified", "closed")]
    for wo in done:
        assert wo["tasks"] and all(t["status"] in ("completed", "skipped") for t in wo["tasks"]), wo["workOrderId"]
        assert any(rec.get("durationMinutes", 0) > 0 for rec in wo["laborRecords"]), wo["workOrderId"]
        assert wo.get("completionNotes")
    assert any(p["status"] == "issued" for wo in wos for p in wo.get("permits", []))
    assert any(wo.get("measurements") for wo in done)
    assert any(wo.get("verifiedBy") and wo["verifiedBy"] not in wo.get("executedBy", []) for wo in done)
    running = [wo for wo in wos if wo["status"] == "in-progress"]
    assert all(wo.get("actualStart") and wo.get("assignedTo") for wo in running)


def test_technician_sees_only_assigned_work(demo):
    tech = Session(demo["server"].base_url, "field-technician-electrical@demo.dcmms.io")
    mine = tech.all("/work-orders")
    assert mine, "the electrical technician has assigned work in the demo"
    assert len({wo["assignedTo"] for wo in mine}) == 1
