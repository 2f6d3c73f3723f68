"""Acceptance checks 32-34 (01 §9): asset rules, attachment limits, cost redaction.

Assumptions where the contract is silent:
- "51 MB" is 51 MiB (above 50 MB in either unit); the server may answer before reading it all.
- The upload type is judged by the part's Content-Type (and/or its bytes); an .exe declared as
  application/x-msdownload is refused with 422.
- A contractor sees no key containing "cost" (estimatedCost, totalCost, costRecords...) and no
  laborRate anywhere in a WO; the plant manager does see estimatedCost.
- Unknown siteId on asset creation: 422 (any code), and nothing is stored.
"""
from __future__ import annotations

import hashlib
import secrets

from dcmms_client import data_of, describe, expect
from dcmms_raw import multipart_file_chunks, post_stream
from dcmms_samples import EXE, JPEG
from dcmms_workorders import create_wo, drive, get_wo, list_all, marker
from dcmms_world import World, asset_body



def _cost_keys(value, path="") -> list[str]:
    found = []
    if isinstance(value, dict):
        for k, v in value.items():
            if "cost" in k.lower() or k.lower() == "laborrate":
                found.append(path + k)
            found += _cost_keys(v, f"{path}{k}.")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _cost_keys(v, f"{path}[{i}].")
    return found


def test_c32_asset_rules(world: World):
    admin = world.client("A")
    r = admin.post("/assets", json=dict(asset_body("INV-1", "S1"), name="Duplicate"))
    expect(r, 409, "RESOURCE_ALREADY_EXISTS")
    assert world.get_asset("INV-1")["name"] == "Inverter INV-1"

    ghost = "INV-" + secrets.token_hex(4).upper()
    expect(admin.post("/assets", json=asset_body(ghost, "S404")), 422)
    expect(admin.get(f"/assets/{ghost}"), 404)

    asset = world.new_asset("S1")
    assert world.get_asset(asset)["status"] == "operational"
    wo_id = create_wo(world, assetId=asset)["workOrderId"]
    drive(world, wo_id, "assigned", assignee="T1")
    assert world.get_asset(asset)["status"] == "operational"
    drive(world, wo_id, "in-progress", assignee="T1")
    assert world.get_asset(asset)["status"] == "under-maintenance"

    expect(admin.delete(f"/assets/{asset}"), 422)
    assert world.get_asset(asset)["assetId"] == asset


def test_c33_attachment_limits(world: World):
    wo_id = create_wo(world)["workOrderId"]
    path = f"/work-orders/{wo_id}/attachments"
    pm = world.client("PM")

    boundary = "dcmms" + secrets.token_hex(8)
    chunks, length = multipart_file_chunks(boundary, "big.mp4", "video/mp4", 51 << 20)
    raw = post_stream("127.0.0.1", world.server.port, "/api/v1" + path,
                      {"Authorization": f"Bearer {pm.token()}",
                       "Content-Type": f"multipart/form-data; boundary={boundary}"},
                      chunks, length, source_ip=pm.source_ip)
    assert raw.status in (413, 422), f"51 MiB upload: {raw.status} {raw.body[:300]!r}"
    expect(pm.send("GET", "/healthz"), 200)  # still serving after the refused upload

    r = pm.post(path, files={"file": ("setup.exe", EXE, "application/x-msdownload")})
    expect(r, 422)

    r = pm.post(path, files={"file": ("photo.jpg", JPEG, "image/jpeg")})
    att = data_of(r, 201)
    assert att["url"] == f"/api/v1/attachments/{att['attachmentId']}"
    assert att["sha256"] == hashlib.sha256(JPEG).hexdigest()
    assert att["mimeType"] == "image/jpeg" and att["fileSize"] == len(JPEG)
    got = pm.get(att["url"])
    expect(got, 200)
    assert got.content == JPEG

    uploaders = ["MS", "OC", "A", "PM"]  # spread the 99 uploads over several users
    for i in range(99):
        r = world.client(uploaders[i % 4]).post(
            path, files={"file": (f"photo{i}.jpg", JPEG, "image/jpeg")})
        expect(r, 201)
    r = pm.post(path, files={"file": ("photo101.jpg", JPEG, "image/jpeg")})
    expect(r, 422)
    wo = get_wo(world, wo_id)
    if "attachments" in wo:
        assert len(wo["attachments"]) == 100, "only the 100 accepted uploads are attached"


def test_c34_contractor_sees_own_wo_without_costs(world: World):
    wo_id = create_wo(world, title="Contractor job " + marker(), estimatedCost=1500)["workOrderId"]
    drive(world, wo_id, "in-progress", assignee="K")
    world.advance(60)
    assert get_wo(world, wo_id)["estimatedCost"] == 1500  # the PM sees costs

    k = world.client("K")
    r = k.get(f"/work-orders/{wo_id}")
    wo = data_of(r)
    assert wo["workOrderId"] == wo_id and wo["assignedTo"] == world.uid("K")
    assert _cost_keys(wo) == [], f"cost fields leak to the contractor: {_cost_keys(wo)}"

    rows = list_all(k, "/work-orders")
    assert wo_id in [row["workOrderId"] for row in rows]
    assert all(row.get("assignedTo") == world.uid("K") for row in rows)
    assert all(_cost_keys(row) == [] for row in rows)

    other = create_wo(world)["workOrderId"]
    r = k.get(f"/work-orders/{other}")
    assert r.status_code in (403, 404), describe(r)
