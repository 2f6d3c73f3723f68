"""Acceptance checks 10, 11, 13, 14 (01 §9): pagination, filters, sorting, fields, expand.

Assumptions where the contract is silent:
- Query parameters are sent percent-encoded (filter%5Bpriority%5D%5Bin%5D=high,urgent); the
  server decodes them. Links are absolute URLs or absolute paths.
- `sort=-priority` orders by severity (urgent > high > medium > low), not alphabetically.
- `expand=asset,assignedUser` adds objects under the keys `asset` (with assetId) and
  `assignedUser` (with userId) next to assetId/assignedTo.
- createdAt comes from the test clock; the fixture moves it 1 s between creations so that the
  default order (-createdAt) is well defined.
"""
from __future__ import annotations

import math
from urllib.parse import parse_qs, urlsplit

import pytest

from dcmms_client import expect
from dcmms_workorders import create_wo, drive, list_all, marker
from dcmms_world import World, iso

PRIORITY_RANK = {"low": 0, "medium": 1, "high": 2, "urgent": 3}
PRIORITIES = ["low", "medium", "high", "urgent", "medium"]
TITLES = ["Inverter check", "INVERTER fault", "Transformer oil sample", "inverter cleaning"]
DAY_MS = 86_400_000


@pytest.fixture(scope="session")
def bulk(world: World) -> dict:
    """60 S1 work orders sharing a title marker, created by PM/OC/MS 1 s apart, with varied
    priorities and scheduled starts (a permutation of 1..60 days ahead)."""
    m = marker("blk")
    base = world.now_ms
    rows = []
    for i in range(60):
        start = base + ((i * 37) % 60 + 1) * DAY_MS
        wo = create_wo(world, ["PM", "OC", "MS"][i % 3], title=f"{TITLES[i % 4]} {m} {i:02d}",
                       priority=PRIORITIES[i % 5], scheduledStart=iso(start),
                       scheduledEnd=iso(start + 7_200_000))
        rows.append(dict(wo, _start=start))
        world.advance(1)
    return {"marker": m, "rows": rows, "base": base}


def _query(link: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}


def _ids(rows) -> list[str]:
    return [r["workOrderId"] for r in rows]


def test_c10_default_pagination_and_links(world: World, bulk):
    pm = world.client("PM")
    b = expect(pm.get("/work-orders"), 200)
    p = b["meta"]["pagination"]
    total = p["totalItems"]
    assert total >= 60
    assert (p["page"], p["pageSize"], p["hasPrevious"], p["hasNext"]) == (1, 20, False, True)
    assert p["totalPages"] == math.ceil(total / 20)
    assert len(b["data"]) == 20
    assert isinstance(b["meta"]["requestId"], str) and b["meta"]["timestamp"]
    links = b["links"]
    for name in ("self", "first", "next", "last"):
        assert links.get(name), f"links.{name} missing: {links}"
    assert not links.get("previous")
    assert _query(links["first"]).get("page", "1") == "1"
    assert _query(links["next"])["page"] == "2" and _query(links["next"])["pageSize"] == "20"
    assert _query(links["last"])["page"] == str(p["totalPages"])

    b2 = expect(pm.get(links["next"]), 200)
    assert b2["meta"]["pagination"]["page"] == 2 and b2["meta"]["pagination"]["hasPrevious"] is True
    assert not set(_ids(b["data"])) & set(_ids(b2["data"])), "pages 1 and 2 overlap"


def test_c11_page_size_kept_in_links_and_clamped(world: World, bulk):
    pm = world.client("PM")
    b = expect(pm.get("/work-orders", params={"page": 2, "pageSize": 50}), 200)
    p = b["meta"]["pagination"]
    assert (p["page"], p["pageSize"], p["hasPrevious"]) == (2, 50, True)
    assert len(b["data"]) == min(50, p["totalItems"] - 50)
    prev = _query(b["links"]["previous"])
    assert prev["page"] == "1" and prev["pageSize"] == "50"
    assert _query(b["links"]["first"])["pageSize"] == "50"
    assert _query(b["links"]["self"])["pageSize"] == "50"

    b = expect(pm.get("/work-orders", params={"pageSize": 500}), 200)
    assert b["meta"]["pagination"]["pageSize"] == 100
    assert len(b["data"]) == min(100, b["meta"]["pagination"]["totalItems"])


def test_c13_filters_in_gte_contains(world: World, bulk):
    pm, m, rows = world.client("PM"), bulk["marker"], bulk["rows"]

    got = list_all(pm, "/work-orders", {"filter[priority][in]": "high,urgent",
                                        "filter[title][contains]": m})
    assert {r["priority"] for r in got} <= {"high", "urgent"}
    assert sorted(_ids(got)) == sorted(r["workOrderId"] for r in rows
                                       if r["priority"] in ("high", "urgent"))

    threshold = bulk["base"] + 30 * DAY_MS
    got = list_all(pm, "/work-orders", {"filter[scheduledStart][gte]": iso(threshold),
                                        "filter[title][contains]": m})
    expected = [r["workOrderId"] for r in rows if r["_start"] >= threshold]
    assert len(expected) == 31 and sorted(_ids(got)) == sorted(expected)

    got = list_all(pm, "/work-orders", {"filter[title][contains]": "INVERTER"})
    assert all("inverter" in r["title"].lower() for r in got)
    ours = {r["workOrderId"] for r in rows if "inverter" in r["title"].lower()}
    assert len(ours) == 45 and ours <= set(_ids(got)), "case-insensitive contains missed rows"


def test_c14_sort_fields_expand_and_empty(world: World, bulk):
    pm, m, rows = world.client("PM"), bulk["marker"], bulk["rows"]

    got = list_all(pm, "/work-orders", {"filter[title][contains]": m,
                                        "sort": "-priority,scheduledStart"})
    expected = sorted(rows, key=lambda r: (-PRIORITY_RANK[r["priority"]], r["_start"]))
    assert _ids(got) == _ids(expected)

    got = list_all(pm, "/work-orders", {"filter[title][contains]": m})
    assert _ids(got) == _ids(reversed(rows)), "default order is not newest first"

    got = list_all(pm, "/work-orders", {"filter[title][contains]": m,
                                        "fields": "workOrderId,status"})
    assert len(got) == 60
    assert all(set(r) == {"workOrderId", "status"} for r in got), got[0]

    m2 = marker("exp")
    asset = world.new_asset("S1")
    wo = create_wo(world, title=f"Expand {m2}", assetId=asset)
    drive(world, wo["workOrderId"], "assigned", assignee="T1")
    got = list_all(pm, "/work-orders", {"filter[title][contains]": m2,
                                        "expand": "asset,assignedUser"})
    assert len(got) == 1
    assert got[0]["asset"]["assetId"] == asset
    assert got[0]["assignedUser"]["userId"] == world.uid("T1")

    b = expect(pm.get("/work-orders", params={"filter[title][contains]": marker("none-")}), 200)
    assert b["data"] == [] and b["meta"]["pagination"]["totalItems"] == 0
