"""Acceptance checks 15-19 (01 §9): work-order creation and access scope.

Assumptions where the contract is silent:
- Validation errors answer 400 VALIDATION_ERROR (the brief's choice for syntax-level errors).
- AUTHZ_INSUFFICIENT_PERMISSIONS names the missing permission as `create:work-orders`.
- A user who may not approve gets 403 for the transition (any AUTHZ_* code), even when the WO
  itself is outside what the user can see.
- An S2 WO is created by the admin (the seed has no S2 manager).
"""
from __future__ import annotations

import re

from dcmms_client import data_of, error_envelope, expect
from dcmms_workorders import (create_wo, drive, get_wo, list_all, marker, transition, wo_body)
from dcmms_world import World


def test_c15_pm_creates_draft(world: World):
    r = world.client("PM").post("/work-orders", json=wo_body(title="Create " + marker()))
    wo = data_of(r, 201)
    assert re.fullmatch(r"WO-\d{8}-\d{4}", wo["workOrderId"])
    assert wo["status"] == "draft" and wo["siteId"] == "S1"
    assert wo["createdBy"] == world.uid("PM")
    version = wo["syncState"]["version"]
    assert isinstance(version, int) and version >= 1
    assert r.headers.get("ETag") == f'"{version}"'
    self_link = wo.get("links", {}).get("self") or expect(r, 201).get("links", {}).get("self")
    assert self_link and self_link.endswith(f"/work-orders/{wo['workOrderId']}")
    assert get_wo(world, wo["workOrderId"])["title"] == wo["title"]


def test_c16_enum_and_length_validation(world: World):
    pm = world.client("PM")
    m = marker("val")
    r = pm.post("/work-orders", json=wo_body(title=f"Enum {m}", priority="critical"))
    expect(r, 400, "VALIDATION_ERROR")
    d0 = error_envelope(r)["details"][0]
    assert d0["field"] == "priority" and d0["code"] == "INVALID_ENUM_VALUE"

    r = pm.post("/work-orders", json=wo_body(title=(m + " " + "x" * 200)[:201]))
    expect(r, 400, "VALIDATION_ERROR")
    assert "title" in [d["field"] for d in error_envelope(r)["details"]]
    assert list_all(pm, "/work-orders", {"filter[title][contains]": m}) == [], "invalid WO stored"


def test_c17_technician_cannot_create_or_approve(world: World):
    t1 = world.client("T1")
    m = marker("t1")
    r = t1.post("/work-orders", json=wo_body(title=f"By T1 {m}"))
    expect(r, 403, "AUTHZ_INSUFFICIENT_PERMISSIONS")
    assert "create:work-orders" in error_envelope(r)["message"]
    assert list_all(world.client("PM"), "/work-orders", {"filter[title][contains]": m}) == []

    wo = create_wo(world)
    drive(world, wo["workOrderId"], "submitted")
    r = transition(world, wo["workOrderId"], "approved", "T1")
    expect(r, 403)
    assert error_envelope(r)["code"].startswith("AUTHZ_")
    assert get_wo(world, wo["workOrderId"])["status"] == "submitted"


def test_c18_site_scope(world: World):
    s1_wo = create_wo(world)
    s2_wo = create_wo(world, "A", siteId="S2")
    tx = world.client("TX")
    r = tx.get(f"/work-orders/{s1_wo['workOrderId']}")
    if r.status_code == 403:
        expect(r, 403, "AUTHZ_SITE_ACCESS_DENIED")
    else:
        expect(r, 404, "RESOURCE_NOT_FOUND")
    assert s1_wo["title"] not in r.text
    rows = list_all(tx, "/work-orders")
    assert all(row["siteId"] != "S1" for row in rows), "TX sees S1 rows"

    r = world.client("PM").post("/work-orders", json=wo_body(siteId="S2"))
    expect(r, 403, ("AUTHZ_SITE_ACCESS_DENIED", "AUTHZ_INSUFFICIENT_PERMISSIONS"))
    assert get_wo(world, s2_wo["workOrderId"], "A")["siteId"] == "S2"


def test_c19_list_scopes_technician_and_reliability_engineer(world: World):
    mine = create_wo(world, title="For T1 " + marker())
    drive(world, mine["workOrderId"], "assigned", assignee="T1")
    create_wo(world, title="Not T1 " + marker())
    s2 = create_wo(world, "A", siteId="S2", title="S2 " + marker())

    rows = list_all(world.client("T1"), "/work-orders")
    assert mine["workOrderId"] in [r["workOrderId"] for r in rows]
    assert all(r.get("assignedTo") == world.uid("T1") for r in rows), "T1 sees unassigned WOs"

    re_client = world.client("RE")
    rows = list_all(re_client, "/work-orders")
    ids = {r["workOrderId"] for r in rows}
    assert {mine["workOrderId"], s2["workOrderId"]} <= ids
    assert {r["siteId"] for r in rows} >= {"S1", "S2"}
    expect(re_client.post("/work-orders", json=wo_body()), 403, "AUTHZ_INSUFFICIENT_PERMISSIONS")
