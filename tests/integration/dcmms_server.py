"""One dcmms server process for the black-box suite: CLI seeding, start, health wait, stop.

The binary is black-box: we only use `dcmms serve`, `dcmms user create` and
`dcmms tenant create` as documented in the test brief.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
import urllib.parse
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
CLI_TIMEOUT_S = 60.0


def dcmms_binary() -> tuple[Path, bool]:
    """The binary to test and whether it was named explicitly (env DCMMS_BIN)."""
    explicit = os.environ.get("DCMMS_BIN")
    if explicit:
        return Path(explicit), True
    return REPO_ROOT / "build" / "asan" / "dcmms", False


def _psql(url: str, sql: str, check: bool = True) -> None:
    subprocess.run(["/usr/bin/psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
                   check=check, capture_output=True, timeout=60)


class PgDatabase:
    """A fresh, empty database on the PostgreSQL server named by DCMMS_PG_URL."""

    def __init__(self, base_url: str):
        self._base_url = base_url
        self.name = "dcmms_" + secrets.token_hex(6)
        _psql(base_url, f'CREATE DATABASE "{self.name}"')
        parts = urllib.parse.urlsplit(base_url)
        self.url = urllib.parse.urlunsplit(parts._replace(path="/" + self.name))

    def drop(self) -> None:
        _psql(self._base_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)', check=False)


def _server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DCMMS_RATE_LIMITS", None)  # limits stay on (the default)
    return env


class DcmmsServer:
    """A `dcmms serve --test-clock` process on 127.0.0.1 with its own data dir (and DB)."""

    def __init__(self, binary: Path, workdir: Path, name: str, db_url: str | None = None,
                 extra_args: tuple[str, ...] = ()):
        self.binary = binary
        self.extra_args = tuple(extra_args)  # further `serve` flags (e.g. --mqtt HOST)
        self.name = name
        self.workdir = workdir
        self.data_dir = workdir / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port_file = workdir / "port"
        self.log_path = workdir / "server.log"
        self.db_url = db_url
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None

    # ---- CLI --------------------------------------------------------------------------------
    def _store_args(self) -> list[str]:
        args = ["--data-dir", str(self.data_dir)]
        if self.db_url:
            args += ["--db", self.db_url]
        return args

    def cli(self, *args: str) -> dict:
        """Runs `dcmms <args> --data-dir … [--db …]`; returns the JSON line it prints."""
        cmd = [str(self.binary), *args, *self._store_args()]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=CLI_TIMEOUT_S,
                             env=_server_env())
        if res.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {res.returncode}\n"
                               f"stdout: {res.stdout[-2000:]}\nstderr: {res.stderr[-4000:]}")
        for line in reversed(res.stdout.splitlines()):
            line = line.strip()
            if line.startswith("{"):
                return json.loads(line)
        raise RuntimeError(f"{' '.join(cmd)} printed no JSON line: {res.stdout[-2000:]}")

    def create_user(self, email: str, password: str, role: str, tenant: str | None = None,
                    sites: list[str] | None = None, skills: list[str] | None = None,
                    name: str | None = None) -> dict:
        args = ["user", "create", "--email", email, "--password", password, "--role", role]
        if tenant:
            args += ["--tenant", tenant]
        if sites:
            args += ["--sites", ",".join(sites)]
        if skills:
            args += ["--skills", ",".join(skills)]
        if name:
            args += ["--name", name]
        return self.cli(*args)

    def create_tenant(self, name: str) -> str:
        return self.cli("tenant", "create", "--name", name)["tenantId"]

    # ---- process ----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        cmd = [str(self.binary), "serve", "--listen", "127.0.0.1:0",
               "--port-file", str(self.port_file), "--test-clock", *self._store_args(),
               *self.extra_args]
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                         env=_server_env(), start_new_session=True)
        finally:
            log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        self.port = self._wait_for_port(deadline)
        self._wait_for_health(deadline)

    def _check_alive(self) -> None:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"dcmms serve exited with {self.proc.returncode}\n{self.log_tail()}")

    def _wait_for_port(self, deadline: float) -> int:
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                text = self.port_file.read_text().strip()
                if text:
                    return int(text.rsplit(":", 1)[-1])
            except (FileNotFoundError, ValueError):
                pass
            time.sleep(0.05)
        raise RuntimeError(f"no port file after {START_TIMEOUT_S}s\n{self.log_tail()}")

    def _wait_for_health(self, deadline: float) -> None:
        last = "no answer"
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                r = requests.get(self.base_url + "/healthz", timeout=2)
                if r.status_code == 200:
                    return
                last = f"HTTP {r.status_code}"
            except requests.RequestException as exc:
                last = str(exc)
            time.sleep(0.05)
        raise RuntimeError(f"/healthz not 200 within {START_TIMEOUT_S}s ({last})\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT_S)

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])
