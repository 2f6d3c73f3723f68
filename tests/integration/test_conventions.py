"""API conventions beyond the numbered checks (01 §3): request validation, body limit, unknown
routes, tenant isolation, idempotent POST, audit of every write, operational endpoints,
labour records and API keys.

Assumptions where the contract is silent:
- Unknown body fields and unknown filter/sort/fields/expand names answer 400 and mention the
  offending name somewhere in the error (details[].field for body fields).
- The JSON body limit is 1 MiB; larger bodies answer 413 (possibly before the body is read).
- Ids of another tenant are indistinguishable from missing ones: 404 RESOURCE_NOT_FOUND.
- Idempotency-Key replay returns the first response's status and data (meta may differ).
- Every successful POST/PATCH/DELETE writes at least one audit row carrying the request's
  X-Request-ID; rows are found with filter[timestamp][gte] (server clock).
- Sites take If-Match on PATCH when GET returns an ETag.
- /healthz and /readyz need no token; /metrics and /api/v1/openapi.json are read as admin.
- A labour record ending at "now" and starting 150 min earlier is accepted on an in-progress WO;
  POST …/labor answers with the record or with the WO holding it.
"""
from __future__ import annotations

import json
import re
import secrets

from dcmms_client import assert_names_field, data_of, describe, error_envelope, expect
from dcmms_raw import post_stream
from dcmms_workorders import create_wo, drive, etag_of, get_wo, list_all, marker, wo_body
from dcmms_world import World, asset_body, parse_iso, site_body
from dcmms_samples import JPEG


def test_malformed_json_is_400_invalid_json(world: World):
    r = world.client("PM").post("/work-orders", data=b'{"siteId": "S1", "title": ',
                                headers={"Content-Type": "application/json"})
    expect(r, 400, "INVALID_JSON")


def test_wrong_type_names_field(world: World):
    r = world.client("PM").post("/work-orders", json=wo_body(title=12345))
    expect(r, 400, "VALIDATION_ERROR")
    details = error_envelope(r)["details"]
    assert any(d["field"] == "title" and d["code"] == "INVALID_FIELD_TYPE" for d in details), details


def test_unknown_body_field_is_named(world: World):
    m = marker("unk")
    r = world.client("PM").post("/work-orders", json=wo_body(title=f"Unknown {m}", bogusField=1))
    expect(r, 400, "VALIDATION_ERROR")
    assert_names_field(r, "bogusField")
    assert list_all(world.client("PM"), "/work-orders", {"filter[title][contains]": m}) == []


def test_unknown_query_fields_are_400(world: World):
    pm = world.client("PM")
    for params in ({"filter[bogusField]": "1"}, {"filter[priority][bogusOp]": "high"},
                   {"sort": "-bogusField"}, {"fields": "workOrderId,bogusField"},
                   {"expand": "bogusField"}):
        r = pm.get("/work-orders", params=params)
        expect(r, 400)
        err = error_envelope(r)
        assert "bogus" in json.dumps(err), f"{params}: the error does not name the field: {err}"


def test_oversize_json_body_is_413(world: World):
    pm = world.client("PM")
    m = marker("big")
    payload = json.dumps(wo_body(title=f"Big {m}", description="x" * (1 << 20))).encode()
    assert len(payload) > 1 << 20
    chunks = [payload[i:i + 65536] for i in range(0, len(payload), 65536)]
    raw = post_stream("127.0.0.1", world.server.port, "/api/v1/work-orders",
                      {"Authorization": f"Bearer {pm.token()}", "Content-Type": "application/json"},
                      chunks, len(payload), source_ip=pm.source_ip)
    assert raw.status == 413, f"{raw.status} {raw.body[:300]!r}"
    if raw.body:
        assert isinstance(raw.json()["error"]["code"], str)
    assert list_all(pm, "/work-orders", {"filter[title][contains]": m}) == []


def test_unknown_route_and_id_are_404_with_envelope(world: World):
    pm = world.client("PM")
    for path in ("/no-such-collection", "/work-orders/WO-20990101-9999"):
        r = pm.get(path)
        expect(r, 404, "RESOURCE_NOT_FOUND")


def test_cross_tenant_ids_are_404(world: World):
    wo_id = create_wo(world)["workOrderId"]
    other = world.client("ADMIN2")
    for path in (f"/work-orders/{wo_id}", "/sites/S1", "/assets/INV-1"):
        expect(other.get(path), 404, "RESOURCE_NOT_FOUND")
    r = other.post(f"/work-orders/{wo_id}/transitions", json={"toStatus": "submitted"})
    expect(r, 404)
    assert get_wo(world, wo_id)["status"] == "draft"
    assert wo_id not in {row["workOrderId"] for row in list_all(other, "/work-orders")}


def test_idempotency_key_replay(world: World):
    pm = world.client("PM")
    m = marker("idem")
    body = wo_body(title=f"Idempotent {m}")
    key = "idem-" + secrets.token_hex(8)
    r1 = pm.post("/work-orders", json=body, headers={"Idempotency-Key": key})
    first = expect(r1, 201)
    r2 = pm.post("/work-orders", json=body, headers={"Idempotency-Key": key})
    second = expect(r2, 201)
    assert second["data"] == first["data"]
    assert len(list_all(pm, "/work-orders", {"filter[title][contains]": m})) == 1

    r3 = pm.post("/work-orders", json=body, headers={"Idempotency-Key": key + "-other"})
    assert data_of(r3, 201)["workOrderId"] != first["data"]["workOrderId"]
    assert len(list_all(pm, "/work-orders", {"filter[title][contains]": m})) == 2


def test_every_state_changing_call_is_audited(world: World):
    admin, pm = world.client("A"), world.client("PM")
    since = world.now_iso()
    sent: dict[str, str] = {}

    def call(client, method, path, label, headers=None, **kw):
        rid = "aud-" + secrets.token_hex(6)
        r = client.call(method, path, headers={**(headers or {}), "X-Request-ID": rid}, **kw)
        assert 200 <= r.status_code < 300, f"{label}: {describe(r)}"
        sent[label] = rid
        return r

    wid = call(pm, "POST", "/work-orders", "create WO", json=wo_body()).json()["data"]["workOrderId"]
    call(pm, "PATCH", f"/work-orders/{wid}", "patch WO", json={"priority": "high"},
         headers={"If-Match": etag_of(world, wid)})
    call(pm, "POST", f"/work-orders/{wid}/tasks", "add task", json={"title": "Check", "sequence": 1})
    call(pm, "POST", f"/work-orders/{wid}/attachments", "attach",
         files={"file": ("p.jpg", JPEG, "image/jpeg")})
    call(pm, "POST", f"/work-orders/{wid}/transitions", "submit", json={"toStatus": "submitted"})
    draft = call(pm, "POST", "/work-orders", "create draft", json=wo_body()).json()["data"]["workOrderId"]
    call(pm, "DELETE", f"/work-orders/{draft}", "delete draft")

    aid = "INV-" + secrets.token_hex(4).upper()
    call(admin, "POST", "/assets", "create asset", json=asset_body(aid, "S1"))
    tag = admin.get(f"/assets/{aid}").headers["ETag"]
    call(admin, "PATCH", f"/assets/{aid}", "patch asset", json={"name": "Renamed"},
         headers={"If-Match": tag})
    call(admin, "POST", f"/assets/{aid}/transitions", "asset transition",
         json={"toStatus": "degraded", "reason": "One string offline"})

    sid = "S" + secrets.token_hex(3).upper()
    call(admin, "POST", "/sites", "create site", json=site_body(sid))
    site_tag = admin.get(f"/sites/{sid}").headers.get("ETag")
    call(admin, "PATCH", f"/sites/{sid}", "patch site", json={"name": "Renamed plant"},
         headers={"If-Match": site_tag} if site_tag else None)

    key_id = call(admin, "POST", "/api-keys", "create api key",
                  json={"name": "audit " + marker(), "scopes": ["read:work-orders"]}).json()["data"]["apiKeyId"]
    call(admin, "DELETE", f"/api-keys/{key_id}", "delete api key")

    rows = list_all(admin, "/audit-logs", {"filter[timestamp][gte]": since})
    by_rid = {}
    for row in rows:
        by_rid.setdefault(row.get("requestId"), []).append(row)
    missing = [label for label, rid in sent.items() if rid not in by_rid]
    assert not missing, f"no audit row for: {missing}"
    for label, rid in sent.items():
        assert all(row.get("entityId") and row.get("action") for row in by_rid[rid]), by_rid[rid]


def test_health_metrics_openapi(world: World):
    admin = world.client("A")
    expect(admin.send("GET", "/healthz"), 200)
    expect(admin.send("GET", "/readyz"), 200)
    r = admin.get("/metrics")
    expect(r, 200)
    assert "dcmms_http_requests_total" in r.text
    spec = expect(admin.get("/openapi.json"), 200)
    assert str(spec["openapi"]).startswith("3.")
    assert "/api/v1/work-orders" in spec["paths"]


def test_openapi_refs_resolve_and_telemetry_is_typed(world: World):
    spec = expect(world.client("A").get("/openapi.json"), 200)
    refs: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append(node["$ref"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(spec)
    assert refs
    for ref in refs:  # every reference names something the document defines
        section, kind, name = ref.removeprefix("#/").split("/")
        assert name in spec[section][kind], ref

    # The whole document against the OpenAPI 3.0 schema, where the validator is installed
    # (pip's openapi-spec-validator on the CI machine; not packaged by Debian).
    try:
        from openapi_spec_validator import validate
    except ImportError:
        validate = None
    if validate:
        validate(spec)

    write = spec["paths"]["/api/v1/write"]["post"]
    assert list(write["requestBody"]["content"]) == ["text/plain"], write
    assert "204" in write["responses"] and "503" in write["responses"]
    schemas = spec["components"]["schemas"]
    result = schemas["IngestResult"]["properties"]
    assert {"accepted", "duplicates", "suppressed", "rejected", "rejections"} <= set(result)
    assert {"UNKNOWN_ASSET", "SITE_MISMATCH", "TIMESTAMP_TOO_OLD"} <= set(schemas["Rejection"]["properties"]["code"]["enum"])
    ingest = spec["paths"]["/api/v1/telemetry"]["post"]
    assert ingest["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/TelemetryEvents"}
    data = ingest["responses"]["200"]["content"]["application/json"]["schema"]["allOf"][1]["properties"]["data"]
    assert data == {"$ref": "#/components/schemas/IngestResult"}


def test_labor_record_duration(world: World):
    wo_id = create_wo(world)["workOrderId"]
    drive(world, wo_id, "in-progress", assignee="T1")
    start, end = world.now_iso(-150 * 60), world.now_iso()
    r = world.client("T1").post(f"/work-orders/{wo_id}/labor",
                                json={"startTime": start, "endTime": end, "laborType": "regular"})
    data = data_of(r, 201)  # the new record, or the WO holding it
    records = data["laborRecords"] if "laborRecords" in data else [data]
    rec = next(x for x in records if x.get("endTime") and parse_iso(x["startTime"]) == parse_iso(start))
    assert rec["durationMinutes"] == 150 and rec["userId"] == world.uid("T1")
    ids = [x["laborId"] for x in get_wo(world, wo_id)["laborRecords"]]
    assert rec["laborId"] in ids and len(ids) == 2  # plus the one opened at start


def test_api_keys(world: World):
    admin = world.client("A")
    created = data_of(admin.post("/api-keys", json={"name": "scada " + marker(),
                                                    "scopes": ["read:work-orders"]}), 201)
    key = created["key"]
    assert re.fullmatch(r"dcmms_[a-z0-9]+_[A-Za-z0-9]{32}", key), key
    assert key.startswith(created["prefix"]) and created["scopes"] == ["read:work-orders"]
    listing = admin.get("/api-keys")
    expect(listing, 200)
    assert created["apiKeyId"] in listing.text and key not in listing.text

    expect(admin.send("GET", "/work-orders", headers={"X-API-Key": key}), 200)
    expect(admin.delete(f"/api-keys/{created['apiKeyId']}"), 204)
    expect(admin.send("GET", "/work-orders", headers={"X-API-Key": key}), 401)
