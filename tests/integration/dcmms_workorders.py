"""Work-order helpers: create, read, patch with If-Match, transitions, and driving a WO along
the happy path with the actors of check 20 (PM submits/approves, OC schedules, MS assigns,
the assignee starts and completes, MS verifies, PM closes)."""
from __future__ import annotations

import secrets
from typing import Any

from dcmms_client import data_of, describe, expect
from dcmms_world import World

LIFECYCLE = ["draft", "submitted", "approved", "scheduled", "assigned", "in-progress",
             "completed", "verified", "closed"]


def marker(prefix: str = "m") -> str:
    """A unique token to put into titles so list queries can isolate a test's rows."""
    return f"{prefix}{secrets.token_hex(4)}"


def wo_body(**overrides: Any) -> dict:
    body = {"siteId": "S1", "type": "corrective", "title": "Replace inverter fan " + marker(),
            "description": "Fan bearing noise on the inverter cabinet.", "priority": "medium"}
    body.update(overrides)
    return body


def create_wo(world: World, who: str = "PM", **overrides: Any) -> dict:
    return data_of(world.client(who).post("/work-orders", json=wo_body(**overrides)), 201)


def get_wo(world: World, wo_id: str, who: str = "PM") -> dict:
    return data_of(world.client(who).get(f"/work-orders/{wo_id}"))


def etag_of(world: World, wo_id: str, who: str = "PM") -> str:
    r = world.client(who).get(f"/work-orders/{wo_id}")
    expect(r, 200)
    assert r.headers.get("ETag"), f"no ETag header: {describe(r)}"
    return r.headers["ETag"]


def patch_wo(world: World, wo_id: str, fields: dict, who: str = "PM"):
    """PATCH with the current ETag as If-Match; returns the raw response."""
    tag = etag_of(world, wo_id, who)
    return world.client(who).patch(f"/work-orders/{wo_id}", json=fields, headers={"If-Match": tag})


def transition(world: World, wo_id: str, to: str, who: str, headers: dict | None = None, **extra: Any):
    """POST /work-orders/{id}/transitions; returns the raw response."""
    return world.client(who).post(f"/work-orders/{wo_id}/transitions",
                                  json={"toStatus": to, **extra}, headers=headers)


def step(world: World, wo_id: str, to: str, who: str, **extra: Any) -> dict:
    wo = data_of(transition(world, wo_id, to, who, **extra))
    assert wo["status"] == to, f"after -> {to}: status {wo['status']}"
    return wo


def set_task_status(world: World, wo_id: str, task_id: str, status: str, who: str) -> None:
    """PATCH a task's status and check it took (the answer may be the task or the whole WO)."""
    r = world.client(who).patch(f"/work-orders/{wo_id}/tasks/{task_id}", json={"status": status})
    data = data_of(r)
    task = data if "taskId" in data else next(t for t in data["tasks"] if t["taskId"] == task_id)
    assert task["status"] == status, describe(r)


def complete_tasks(world: World, wo: dict, who: str) -> None:
    for task in sorted(wo.get("tasks") or [], key=lambda t: t["sequence"]):
        if task.get("status") not in ("completed", "skipped"):
            set_task_status(world, wo["workOrderId"], task["taskId"], "completed", who)


def drive(world: World, wo_id: str, target: str, assignee: str = "T1",
          executor: str | None = None) -> dict:
    """Moves a draft WO forward along the happy path until it reaches `target`."""
    executor = executor or assignee
    wo = get_wo(world, wo_id)
    for to in LIFECYCLE[LIFECYCLE.index(wo["status"]) + 1: LIFECYCLE.index(target) + 1]:
        if to == "submitted":
            wo = step(world, wo_id, to, "PM")
        elif to == "approved":
            wo = step(world, wo_id, to, "PM")
        elif to == "scheduled":
            start, end = world.next_slot()
            wo = step(world, wo_id, to, "OC", scheduledStart=start, scheduledEnd=end)
        elif to == "assigned":
            wo = step(world, wo_id, to, "MS", assignedTo=world.uid(assignee))
        elif to == "in-progress":
            wo = step(world, wo_id, to, executor)
        elif to == "completed":
            complete_tasks(world, wo, executor)
            world.advance(120)  # recorded labour must be > 0 minutes
            wo = step(world, wo_id, to, executor, completionNotes="Replaced the fan; tested OK.")
        elif to == "verified":
            wo = step(world, wo_id, to, "MS" if executor != "MS" else "PM")
        elif to == "closed":
            wo = step(world, wo_id, to, "PM")
    return wo


def list_all(client, path: str, params: dict | None = None, limit_pages: int = 50) -> list[dict]:
    """All rows of a paginated list (pageSize 100)."""
    rows: list[dict] = []
    page = 1
    while page <= limit_pages:
        q = dict(params or {}, page=page, pageSize=100)
        b = expect(client.get(path, params=q), 200)
        rows += b["data"]
        if not b["meta"]["pagination"]["hasNext"]:
            return rows
        page += 1
    raise AssertionError(f"{path} has more than {limit_pages} pages")
