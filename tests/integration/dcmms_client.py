"""HTTP client for one user of the server, plus response assertions.

Every client binds its own loopback source address (127.0.x.y), as if each user sat at
its own machine: per-IP limits (login 10/h, anonymous) never collide between users.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

import jwt
import requests
from requests.adapters import HTTPAdapter
from urllib3.poolmanager import PoolManager

API = "/api/v1"
ROOT_PATHS = ("/healthz", "/readyz", "/metrics", "/api/", "/ws")
log = logging.getLogger("dcmms-it")


class SourceAddressAdapter(HTTPAdapter):
    """Makes every connection of a requests.Session originate from one local address."""

    def __init__(self, source_ip: str):
        self._source = (source_ip, 0)
        super().__init__()

    def init_poolmanager(self, connections, maxsize, block=False, **kwargs):
        self.poolmanager = PoolManager(num_pools=connections, maxsize=maxsize, block=block,
                                       source_address=self._source, **kwargs)


@dataclass
class Account:
    """A seeded user: the key is the short name used in the acceptance checks (PM, T1...)."""
    key: str
    email: str
    password: str
    role: str
    sites: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    tenant: str | None = None  # tenant id to create the user in (None: "default")
    user_id: str = ""
    tenant_id: str = ""


class ServerTime(Protocol):
    """What a client needs from the world: the server's (test) clock."""
    now_ms: int

    def advance(self, seconds: int) -> None: ...


def url_for(base_url: str, path: str) -> str:
    """Absolute URL for `path`: absolute URLs pass through, API paths get /api/v1 prefixed."""
    if path.startswith(("http://", "https://")):
        return path
    if not path.startswith(ROOT_PATHS):
        path = API + path
    return base_url + path


class ApiClient:
    """One user's session: logs in lazily, refreshes expired access tokens, retries a 429
    once the (test) clock has been moved past Retry-After. Use `send` for raw requests."""

    def __init__(self, base_url: str, account: Account, source_ip: str, clock: ServerTime,
                 may_move_clock: bool = True):
        self.base_url = base_url
        self.account = account
        self.source_ip = source_ip
        self._clock = clock
        self._may_move_clock = may_move_clock
        self.http = requests.Session()
        self.http.mount("http://", SourceAddressAdapter(source_ip))
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        self.login_data: dict | None = None
        self._exp_ms = 0

    # ---- raw --------------------------------------------------------------------------------
    def send(self, method: str, path: str, *, token: str | None = None,
             headers: dict | None = None, **kwargs) -> requests.Response:
        """A request exactly as given (Bearer only when `token` is passed)."""
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        kwargs.setdefault("timeout", 60)
        return self.http.request(method, url_for(self.base_url, path), headers=hdrs, **kwargs)

    # ---- auth -------------------------------------------------------------------------------
    def login(self, password: str | None = None) -> requests.Response:
        """POST /auth/login; keeps the tokens when the server hands them out."""
        r = self.send("POST", "/auth/login", json={
            "email": self.account.email,
            "password": password if password is not None else self.account.password})
        if r.status_code == 200:
            data = r.json().get("data", {})
            if "accessToken" in data:
                self.login_data = data
                self._keep(data)
        return r

    def _keep(self, data: dict) -> None:
        self.access_token = data["accessToken"]
        self.refresh_token = data.get("refreshToken", self.refresh_token)
        claims = jwt.decode(self.access_token, options={"verify_signature": False})
        self._exp_ms = int(claims.get("exp", 0)) * 1000

    def refresh(self) -> bool:
        if not self.refresh_token:
            return False
        r = self.send("POST", "/auth/refresh", json={"refreshToken": self.refresh_token})
        if r.status_code != 200:
            return False
        self._keep(r.json()["data"])
        return True

    def token(self) -> str:
        """A currently valid access token (logging in or refreshing as needed)."""
        if self.access_token and self._exp_ms > self._clock.now_ms + 5000:
            return self.access_token
        if self.access_token and self.refresh():
            return self.access_token
        r = self.login()
        if self.access_token is None or r.status_code != 200:
            raise AssertionError(f"login of {self.account.key} failed: {describe(r)}")
        return self.access_token

    # ---- authenticated calls ----------------------------------------------------------------
    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        r = self.send(method, path, token=self.token(), **kwargs)
        if r.status_code == 401 and error_code(r) == "AUTH_EXPIRED_TOKEN":
            if not self.refresh():
                self.access_token = None
            r = self.send(method, path, token=self.token(), **kwargs)
        for _ in range(3):
            if r.status_code != 429 or not self._may_move_clock:
                break
            wait_s = int(r.headers.get("Retry-After", "1") or 1)
            log.warning("%s hit 429 on %s %s; moving the test clock %ss", self.account.key,
                        method, path, wait_s + 1)
            self._clock.advance(wait_s + 1)
            r = self.send(method, path, token=self.token(), **kwargs)
        return r

    def get(self, path: str, **kw) -> requests.Response:
        return self.call("GET", path, **kw)

    def post(self, path: str, **kw) -> requests.Response:
        return self.call("POST", path, **kw)

    def patch(self, path: str, **kw) -> requests.Response:
        return self.call("PATCH", path, **kw)

    def put(self, path: str, **kw) -> requests.Response:
        return self.call("PUT", path, **kw)

    def delete(self, path: str, **kw) -> requests.Response:
        return self.call("DELETE", path, **kw)


# ---- response helpers -------------------------------------------------------------------------
def describe(r: requests.Response) -> str:
    req = r.request
    return f"{req.method} {req.url} -> {r.status_code}: {r.text[:3000]}"


def body(r: requests.Response) -> Any:
    try:
        return r.json()
    except ValueError as exc:
        raise AssertionError(f"response is not JSON: {describe(r)}") from exc


def error_code(r: requests.Response) -> str | None:
    try:
        return r.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def expect(r: requests.Response, status: int | tuple[int, ...], code: str | tuple[str, ...] | None = None) -> Any:
    """Asserts the status (and error code); returns the parsed body (None when empty)."""
    allowed = status if isinstance(status, tuple) else (status,)
    assert r.status_code in allowed, f"expected {allowed}: {describe(r)}"
    if code is not None:
        codes = code if isinstance(code, tuple) else (code,)
        got = error_envelope(r)["code"]
        assert got in codes, f"expected error code {codes}, got {got}: {describe(r)}"
    if not r.content or "json" not in r.headers.get("Content-Type", "json"):
        return None
    return body(r)


def data_of(r: requests.Response, status: int | tuple[int, ...] = 200) -> Any:
    return expect(r, status)["data"]


def error_envelope(r: requests.Response) -> dict:
    """The `error` object, after checking the error envelope's shape."""
    b = body(r)
    assert isinstance(b, dict) and isinstance(b.get("error"), dict), f"no error envelope: {describe(r)}"
    err = b["error"]
    assert isinstance(err.get("code"), str) and err["code"], f"error.code missing: {describe(r)}"
    assert isinstance(err.get("message"), str), f"error.message missing: {describe(r)}"
    assert isinstance(err.get("requestId"), str) and err["requestId"], f"error.requestId missing: {describe(r)}"
    assert isinstance(err.get("timestamp"), str) and err["timestamp"], f"error.timestamp missing: {describe(r)}"
    return err


def detail_fields(r: requests.Response) -> list[str]:
    return [str(d.get("field", "")) for d in error_envelope(r).get("details") or []]


def names_field(r: requests.Response, name: str) -> bool:
    """True when some error detail names `name` (exactly, or as a path prefix such as tasks[0])."""
    return any(f == name or f.startswith((name + ".", name + "[")) for f in detail_fields(r))


def assert_names_field(r: requests.Response, name: str) -> None:
    assert names_field(r, name), f"no error detail names {name!r} (fields {detail_fields(r)}): {describe(r)}"


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
