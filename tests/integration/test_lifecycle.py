"""Acceptance checks 20-24 and 26-29 (01 §9): the work-order state machine over HTTP.

Assumptions where the contract is silent:
- Labour: starting a WO opens a labour record at the (test) clock's now; completion needs > 0
  recorded minutes, so the helpers move the clock 2 min before completing.
- Guard failures answer 422 and name the gap in error.details[].field ("tasks",
  "laborRecords", "completionNotes", "reason"); a refused edge names "toStatus" and lists the
  allowed targets somewhere in error.details.
- A refused PATCH (field not mutable in this state) answers 422 with any error code.
- A verifier who executed the WO gets 403 or 422 (the check allows both).
- assignedTo absent and null are the same ("unassigned").
"""
from __future__ import annotations

import json

import pytest

from dcmms_client import assert_names_field, data_of, error_envelope, expect, describe
from dcmms_workorders import (complete_tasks, create_wo, drive, etag_of, get_wo, patch_wo,
                              set_task_status, step, transition)
from dcmms_world import World, parse_iso


@pytest.fixture(scope="session")
def closed_wo(world: World) -> dict:
    wo = create_wo(world, tasks=[{"title": "Isolate and inspect", "sequence": 1}])
    return drive(world, wo["workOrderId"], "closed")


def _status(world: World, wo_id: str) -> str:
    return get_wo(world, wo_id)["status"]


def test_c20_happy_path(world: World):
    asset = world.new_asset("S1")
    wo = create_wo(world, assetId=asset, tasks=[{"title": "Isolate inverter", "sequence": 1},
                                                {"title": "Replace fan", "sequence": 2}])
    wo_id = wo["workOrderId"]
    step(world, wo_id, "submitted", "PM")
    step(world, wo_id, "approved", "PM")
    start, end = world.next_slot()
    wo = step(world, wo_id, "scheduled", "OC", scheduledStart=start, scheduledEnd=end)
    assert wo["scheduledStart"].startswith(start[:16]) and wo["scheduledEnd"].startswith(end[:16])
    wo = step(world, wo_id, "assigned", "MS", assignedTo=world.uid("T1"))
    assert wo["assignedTo"] == world.uid("T1")
    wo = step(world, wo_id, "in-progress", "T1")
    assert wo["actualStart"]
    assert world.get_asset(asset)["status"] == "under-maintenance"
    complete_tasks(world, wo, "T1")
    world.advance(300)
    wo = step(world, wo_id, "completed", "T1", completionNotes="Fan replaced, inverter back online.")
    assert wo["actualEnd"] and wo["completionNotes"].startswith("Fan replaced")
    assert len(wo["laborRecords"]) >= 1 and all(rec.get("endTime") for rec in wo["laborRecords"])
    wo = step(world, wo_id, "verified", "MS")
    assert wo["verifiedBy"] == world.uid("MS")
    wo = step(world, wo_id, "closed", "PM")
    final = get_wo(world, wo_id)
    assert final["status"] == "closed"
    assert final["actualStart"] and final["actualEnd"]
    assert final["verifiedBy"] == world.uid("MS") and final["closedBy"] == world.uid("PM")


def test_c21_invalid_edges_leave_status(world: World, closed_wo):
    wo = create_wo(world)
    start, end = world.next_slot()
    r = transition(world, wo["workOrderId"], "scheduled", "PM", scheduledStart=start, scheduledEnd=end)
    expect(r, 422, "INVALID_STATE_TRANSITION")
    assert_names_field(r, "toStatus")
    assert "submitted" in json.dumps(error_envelope(r).get("details")), "allowed targets not listed"
    assert _status(world, wo["workOrderId"]) == "draft"

    r = transition(world, closed_wo["workOrderId"], "in-progress", "A")
    expect(r, 422, "INVALID_STATE_TRANSITION")
    assert _status(world, closed_wo["workOrderId"]) == "closed"


def test_c22_reject_needs_reason(world: World):
    wo_id = create_wo(world)["workOrderId"]
    drive(world, wo_id, "submitted")
    r = transition(world, wo_id, "draft", "PM")
    expect(r, 422)
    assert_names_field(r, "reason")
    assert _status(world, wo_id) == "submitted"
    wo = step(world, wo_id, "draft", "PM", reason="Scope unclear: add the cabinet number.")
    assert wo["rejectionReason"] == "Scope unclear: add the cabinet number."
    assert _status(world, wo_id) == "draft"


def test_c23_executor_cannot_verify(world: World):
    wo_id = create_wo(world)["workOrderId"]
    drive(world, wo_id, "assigned", assignee="T1")
    step(world, wo_id, "in-progress", "MS")  # as supervisor
    world.advance(120)
    step(world, wo_id, "completed", "MS", completionNotes="Done by the supervisor.")
    r = transition(world, wo_id, "verified", "MS")
    assert r.status_code in (403, 422), describe(r)
    assert _status(world, wo_id) == "completed"
    wo = step(world, wo_id, "verified", "PM")
    assert wo["verifiedBy"] == world.uid("PM")


def test_c24_completion_guards_name_the_gap(world: World):
    wo = create_wo(world, tasks=[{"title": "Measure insulation", "sequence": 1}])
    wo_id = wo["workOrderId"]
    wo = drive(world, wo_id, "in-progress", assignee="T1")
    complete_tasks(world, wo, "T1")

    notes = {"completionNotes": "All measurements within limits."}
    r = transition(world, wo_id, "completed", "T1", **notes)  # no time booked yet
    expect(r, 422)
    assert_names_field(r, "laborRecords")
    assert _status(world, wo_id) == "in-progress"

    world.advance(180)
    data_of(world.client("PM").post(f"/work-orders/{wo_id}/tasks",
                                    json={"title": "Photo of the label", "sequence": 2}), 201)
    r = transition(world, wo_id, "completed", "T1", **notes)  # a pending task
    expect(r, 422)
    assert_names_field(r, "tasks")
    assert _status(world, wo_id) == "in-progress"

    wo = get_wo(world, wo_id)
    pending = [t for t in wo["tasks"] if t["status"] == "pending"]
    assert len(pending) == 1
    set_task_status(world, wo_id, pending[0]["taskId"], "completed", "T1")
    r = transition(world, wo_id, "completed", "T1")  # no completion notes
    expect(r, 422)
    assert_names_field(r, "completionNotes")
    assert _status(world, wo_id) == "in-progress"

    step(world, wo_id, "completed", "T1", **notes)


def test_c26_hold_needs_reason_and_splits_labour(world: World):
    wo_id = create_wo(world)["workOrderId"]
    drive(world, wo_id, "in-progress", assignee="T1")
    world.advance(60)
    r = transition(world, wo_id, "on-hold", "T1")
    expect(r, 422)
    assert_names_field(r, "reason")
    assert _status(world, wo_id) == "in-progress"

    wo = step(world, wo_id, "on-hold", "T1", reason="awaiting-parts")
    assert len(wo["laborRecords"]) == 1 and wo["laborRecords"][0].get("endTime")
    world.advance(60)
    wo = step(world, wo_id, "in-progress", "T1")
    recs = wo["laborRecords"]
    assert len(recs) == 2
    closed = [r for r in recs if r.get("endTime")]
    open_ = [r for r in recs if not r.get("endTime")]
    assert len(closed) == 1 and len(open_) == 1
    assert parse_iso(open_[0]["startTime"]) >= parse_iso(closed[0]["endTime"])


def test_c27_field_mutability_by_state(world: World, closed_wo):
    wo_id = create_wo(world)["workOrderId"]
    drive(world, wo_id, "approved")
    r = patch_wo(world, wo_id, {"assetId": "INV-1"})
    expect(r, 422)
    assert not get_wo(world, wo_id).get("assetId")

    cid = closed_wo["workOrderId"]
    before = get_wo(world, cid)["priority"]
    new = "urgent" if before != "urgent" else "low"
    expect(patch_wo(world, cid, {"priority": new}), 422)
    assert get_wo(world, cid)["priority"] == before

    draft_id = create_wo(world)["workOrderId"]
    wo = data_of(patch_wo(world, draft_id, {"title": "Renamed draft title"}))
    assert wo["title"] == "Renamed draft title"
    assert get_wo(world, draft_id)["title"] == "Renamed draft title"


def test_c28_optimistic_locking(world: World):
    wo = create_wo(world)
    wo_id = wo["workOrderId"]
    pm = world.client("PM")
    e1 = etag_of(world, wo_id)
    assert e1 == f'"{wo["syncState"]["version"]}"'
    r = pm.patch(f"/work-orders/{wo_id}", json={"title": "First edit"}, headers={"If-Match": e1})
    updated = data_of(r)
    e2 = r.headers.get("ETag")
    assert e2 and e2 != e1 and e2 == f'"{updated["syncState"]["version"]}"'
    assert updated["syncState"]["version"] > wo["syncState"]["version"]

    r = pm.patch(f"/work-orders/{wo_id}", json={"title": "Stale edit"}, headers={"If-Match": e1})
    expect(r, 409, "VERSION_CONFLICT")
    after = get_wo(world, wo_id)
    assert after["title"] == "First edit" and etag_of(world, wo_id) == e2


def test_c29_skill_mismatch_keeps_assignee(world: World):
    wo_id = create_wo(world, skills=["electrical-hv"])["workOrderId"]
    drive(world, wo_id, "scheduled")
    r = transition(world, wo_id, "assigned", "MS", assignedTo=world.uid("T2"))
    expect(r, 422, "SKILL_MISMATCH")
    wo = get_wo(world, wo_id)
    assert wo["status"] == "scheduled" and not wo.get("assignedTo")
    wo = step(world, wo_id, "assigned", "MS", assignedTo=world.uid("T1"))
    assert wo["assignedTo"] == world.uid("T1")
