"""Acceptance checks 1-9 (01 §9): authentication and accounts.

Assumptions where the contract is silent:
- Wrong credentials, reused/unknown refresh tokens and refused MFA codes answer 401 (400/422 are
  also accepted for refused MFA codes); a locked account answers 401/403/423/429 without tokens.
- The login limit counts attempts per client IP (the suite gives every user its own loopback
  address, 127.0.x.y); the lockout counts failures per account.
- TOTP codes are checked against the server's (test) clock; a TOTP step may be used only once,
  so each accepted code below belongs to a newer step than the previous one.
- Password change revokes the user's tokens, so the test logs in again after each change.
- X-RateLimit-Reset is epoch seconds within the coming hour (of the server clock or wall clock).
"""
from __future__ import annotations

import base64
import json
import re
import time

import jwt
import pyotp

from dcmms_client import ApiClient, assert_names_field, data_of, error_envelope, expect
from dcmms_world import PASSWORD, World, parse_iso


def _no_tokens(r) -> None:
    text = r.text
    assert "accessToken" not in text and "refreshToken" not in text, f"tokens handed out: {text[:500]}"


def _b64url(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def test_c01_missing_token_is_401_with_envelope(world: World):
    r = world.client("PM").send("GET", "/work-orders")
    expect(r, 401, "AUTH_MISSING_TOKEN")
    err = error_envelope(r)
    assert parse_iso(err["timestamp"]).year >= 2024
    assert err["requestId"].strip()


def test_c02_tampered_and_expired_tokens(world: World):
    pm = world.client("PM")
    token = pm.token()
    header, payload, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    forged = dict(claims, role="system-administrator", siteIds=["S1", "S2"])
    tampered = f"{header}.{_b64url(forged)}.{signature}"
    for bad in (tampered, f"{header}.{payload}.{signature[:-4]}AAAA", "not.a.jwt"):
        r = pm.send("GET", "/work-orders", token=bad)
        expect(r, 401, ("AUTH_INVALID_SIGNATURE", "AUTH_INVALID_TOKEN"))
    # the genuine token still works, so the 401s above were about tampering
    expect(pm.send("GET", "/users/me", token=token), 200)

    t2 = world.client("T2")
    old = t2.token()
    world.advance(16 * 60)  # exp - iat is 900 s
    expect(t2.send("GET", "/users/me", token=old), 401, "AUTH_EXPIRED_TOKEN")
    me = data_of(t2.get("/users/me"))  # the client refreshes and carries on
    assert me["userId"] == world.uid("T2")


def test_c03_login_returns_rs256_jwt_and_refresh_token(world: World):
    for key, sites in (("PM", ["S1"]), ("RE", ["S1", "S2"])):
        client = world.client(key)
        client.token()
        data = client.login_data
        acct = world.accounts[key]
        assert data["expiresIn"] == 900 and data["tokenType"] == "Bearer"
        assert isinstance(data["refreshToken"], str) and len(data["refreshToken"]) >= 16
        assert data["refreshToken"] != data["accessToken"]
        assert data["user"]["userId"] == acct.user_id and data["user"]["email"] == acct.email
        assert data["user"]["role"] == acct.role and sorted(data["user"]["siteIds"]) == sites
        assert data["user"]["tenantId"] == acct.tenant_id

        head = jwt.get_unverified_header(data["accessToken"])
        assert head["alg"] == "RS256" and head.get("kid")
        claims = jwt.decode(data["accessToken"], options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == 900
        aud = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        assert "dcmms-api" in aud
        assert claims["sub"] == acct.user_id and claims["tenantId"] == acct.tenant_id
        assert claims["role"] == acct.role and sorted(claims["siteIds"]) == sites
        assert claims.get("iss") and claims.get("jti")


def test_c04_refresh_rotation_and_family_revocation(world: World):
    c = world.new_client("U4")
    expect(c.login(), 200)
    r1 = c.refresh_token
    r = c.send("POST", "/auth/refresh", json={"refreshToken": r1})
    data = data_of(r)
    r2 = data["refreshToken"]
    assert r2 != r1 and data["expiresIn"] == 900 and data["tokenType"] == "Bearer"
    assert data_of(c.send("GET", "/users/me", token=data["accessToken"]))["userId"] == world.uid("U4")

    expect(c.send("POST", "/auth/refresh", json={"refreshToken": r1}), 401)  # replay of R1
    r = c.send("POST", "/auth/refresh", json={"refreshToken": r2})  # whole family revoked
    expect(r, 401)
    _no_tokens(r)


def test_c05_logout_and_revoke(world: World):
    c = world.new_client("U5")
    expect(c.login(), 200)
    access, refresh = c.access_token, c.refresh_token
    expect(c.send("POST", "/auth/logout", token=access, json={"refreshToken": refresh}), 204)
    expect(c.send("POST", "/auth/refresh", json={"refreshToken": refresh}), 401)

    c2 = world.new_client("U5")
    expect(c2.login(), 200)
    access2 = c2.access_token
    expect(c2.send("GET", "/users/me", token=access2), 200)
    expect(c2.send("POST", "/auth/revoke", token=access2, json={"token": access2}), 204)
    expect(c2.send("GET", "/users/me", token=access2), 401, "AUTH_REVOKED_TOKEN")


def test_c06_lockout_after_five_failures(world: World):
    c = world.new_client("LOCK")
    for _ in range(5):
        r = c.login(password="Wr0ng!Passw0rd#9")
        expect(r, 401)
        _no_tokens(r)
    r = c.login()  # correct password, but locked
    assert r.status_code in (401, 403, 423, 429), f"locked account let in: {r.status_code} {r.text}"
    _no_tokens(r)

    world.advance(29 * 60)
    r = world.new_client("LOCK").login()
    assert r.status_code in (401, 403, 423, 429), f"lock ended before 30 min: {r.status_code}"
    _no_tokens(r)

    world.advance(2 * 60)
    ok = world.new_client("LOCK")
    assert "accessToken" in data_of(ok.login())


def test_c07_login_rate_limit_and_headers(fresh_world: World):
    w = fresh_world
    t1 = w.client("T1")
    r1 = t1.get("/users/me")
    r2 = t1.get("/users/me")
    expect(r1, 200)
    expect(r2, 200)
    for r in (r1, r2):
        for h in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
            assert h in r.headers, f"{h} missing: {dict(r.headers)}"
    assert r1.headers["X-RateLimit-Limit"] == "1000"
    assert int(r2.headers["X-RateLimit-Remaining"]) < int(r1.headers["X-RateLimit-Remaining"])
    reset = int(r2.headers["X-RateLimit-Reset"])
    low = min(w.now_ms // 1000, int(time.time())) - 60
    high = max(w.now_ms // 1000, int(time.time())) + 3600 + 60
    assert low <= reset <= high, f"X-RateLimit-Reset {reset} is not an epoch within the hour"

    ip = w.next_ip()  # one client address for all eleven logins
    users = ["L1", "L2", "L3", "L4"] * 3  # ≤ 3 sessions per user
    for i in range(10):
        c = ApiClient(w.server.base_url, w.accounts[users[i]], ip, w, may_move_clock=False)
        expect(c.login(), 200)
    c = ApiClient(w.server.base_url, w.accounts[users[10]], ip, w, may_move_clock=False)
    r = c.login()
    expect(r, 429, "RATE_LIMIT_EXCEEDED")
    _no_tokens(r)
    assert int(r.headers["Retry-After"]) > 0
    # the limit is per IP: the same user from another address gets in
    expect(w.new_client(users[10]).login(), 200)


def test_c08_password_policy_and_history(world: World):
    p0 = PASSWORD
    c = world.new_client("PW")
    c.token()
    for weak in ("short1A!", "alllowercase1234!"):
        r = c.post("/auth/password", json={"currentPassword": p0, "password": weak})
        expect(r, (400, 422), "VALIDATION_ERROR")
        assert error_envelope(r)["details"][0]["field"] == "password"

    p1, p2 = "N3w!Passw0rd#One", "N3w!Passw0rd#Two"
    expect(c.post("/auth/password", json={"currentPassword": p0, "password": p1}), 204)
    c = world.new_client("PW")
    expect(c.login(password=p1), 200)
    expect(c.post("/auth/password", json={"currentPassword": p1, "password": p2}), 204)
    c = world.new_client("PW")
    expect(c.login(password=p2), 200)
    for old in (p0, p1):  # both among the last 5
        r = c.post("/auth/password", json={"currentPassword": p2, "password": old})
        expect(r, (400, 422))
        assert_names_field(r, "password")
    expect(world.new_client("PW").login(password=p0), 401)
    expect(world.new_client("PW").login(password=p2), 200)  # the refused changes changed nothing


def test_c09_mfa_challenge_totp_window_and_backup_codes(world: World):
    c = world.new_client("MFA")
    first = data_of(c.login())
    assert first.get("mfaEnrollmentRequired") is True and first.get("accessToken")
    enroll = data_of(c.post("/auth/mfa/enroll", json={}))
    assert enroll["otpauthUrl"].startswith("otpauth://totp/")
    codes = enroll["backupCodes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[A-Za-z0-9]{4}-[A-Za-z0-9]{4}", code) for code in codes)
    totp = pyotp.TOTP(enroll["secret"])

    world.advance((10 - (world.now_ms // 1000) % 30) % 30)  # 10 s into a TOTP step
    step0 = world.now_ms // 1000
    assert data_of(c.post("/auth/mfa/enroll", json={"code": totp.at(step0)}))["enabled"] is True

    def challenge() -> tuple:
        cl = world.new_client("MFA")
        r = cl.login()
        d = data_of(r)
        assert d.get("mfaRequired") is True and d.get("challengeToken"), d
        _no_tokens(r)
        return cl, d["challengeToken"]

    world.advance(60)
    now = world.now_ms // 1000
    cl, ch = challenge()
    r = cl.send("POST", "/auth/mfa/verify", json={"challengeToken": ch, "code": totp.at(now - 30)})
    tokens = data_of(r)  # one step old: inside the ±1 window
    assert tokens["accessToken"] and tokens["refreshToken"] and tokens["expiresIn"] == 900
    assert jwt.decode(tokens["accessToken"], options={"verify_signature": False})["sub"] == world.uid("MFA")

    world.advance(60)
    now = world.now_ms // 1000
    cl, ch = challenge()
    r = cl.send("POST", "/auth/mfa/verify", json={"challengeToken": ch, "code": totp.at(now - 60)})
    expect(r, (400, 401, 422))  # two steps old
    _no_tokens(r)

    cl, ch = challenge()
    r = cl.send("POST", "/auth/mfa/verify", json={"challengeToken": ch, "code": codes[0]})
    assert data_of(r)["accessToken"]
    cl, ch = challenge()
    r = cl.send("POST", "/auth/mfa/verify", json={"challengeToken": ch, "code": codes[0]})
    expect(r, (400, 401, 422))  # a backup code works once
    _no_tokens(r)
