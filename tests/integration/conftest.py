"""Fixtures of the black-box HTTP suite.

- `backend`: "sqlite" and "postgres" (postgres only when DCMMS_PG_URL is set; each server gets
  a fresh database created with psql).
- `world`: one seeded server per backend for the whole session (users via the CLI before the
  server starts; sites S1, S2 and assets INV-1@S1, INV-2@S2 via the API), one cached login per
  user. Checks that need a pristine server (check 7's login limit) use `fresh_world`.
- When a test fails, the tail of every live server's log is attached to its report.
"""
from __future__ import annotations

import os

import pytest

from dcmms_client import Account
from dcmms_server import dcmms_binary
from dcmms_telemetry import MqttBroker, Telemetry, telemetry_accounts, telemetry_server_args
from dcmms_world import PASSWORD, TECH, World, build_world, seed_accounts

_SERVERS = pytest.StashKey[list]()


def _live_servers(config) -> list:
    if _SERVERS not in config.stash:
        config.stash[_SERVERS] = []
    return config.stash[_SERVERS]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        for server in _live_servers(item.config):
            rep.sections.append((f"dcmms log tail ({server.name})", server.log_tail()))


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def backend(request) -> str:
    if request.param == "postgres" and not os.environ.get("DCMMS_PG_URL"):
        pytest.skip("DCMMS_PG_URL is not set (scripts/run-integration.sh starts PostgreSQL)")
    return request.param


@pytest.fixture(scope="session")
def binary():
    path, explicit = dcmms_binary()
    if not path.is_file():
        if explicit:
            pytest.fail(f"DCMMS_BIN={path} does not exist")
        pytest.skip(f"{path} is not built (set DCMMS_BIN)")
    return path


def _make_world(request, binary, backend, tmp_path_factory, accounts: list[Account],
                server_args: tuple[str, ...] = ()) -> World:
    servers = _live_servers(request.config)
    workdir = tmp_path_factory.mktemp(f"dcmms-{backend}-")
    world = build_world(binary, workdir, backend, os.environ.get("DCMMS_PG_URL"), accounts,
                        server_args)
    servers.append(world.server)

    def finish():
        world.close()
        if world.server in servers:
            servers.remove(world.server)

    request.addfinalizer(finish)
    return world


@pytest.fixture(scope="session")
def world(request, binary, backend, tmp_path_factory) -> World:
    return _make_world(request, binary, backend, tmp_path_factory, seed_accounts())


@pytest.fixture
def fresh_world(request, binary, backend, tmp_path_factory) -> World:
    """A server of its own: admin A, an ordinary technician T1 and four login users L1..L4."""
    accounts = [Account("A", "a@example.com", PASSWORD, "system-administrator"),
                Account("T1", "t1@example.com", PASSWORD, TECH, ["S1"])]
    accounts += [Account(f"L{i}", f"l{i}@example.com", PASSWORD, TECH, ["S1"]) for i in range(1, 5)]
    return _make_world(request, binary, backend, tmp_path_factory, accounts)


@pytest.fixture
def deadband_tworld(request, binary, backend, tmp_path_factory) -> Telemetry:
    """A server of its own with a 1 % deadband (02 check 12; off by default), no broker."""
    accounts = [Account("A", "a@example.com", PASSWORD, "system-administrator")]
    world = _make_world(request, binary, backend, tmp_path_factory, accounts,
                        ("--telemetry-deadband-percent", "1", "--telemetry-max-age-hours", "24"))
    return Telemetry(world, None)


@pytest.fixture
def tight_tworld(request, binary, backend, tmp_path_factory) -> Telemetry:
    """A server of its own whose ingest may hold 1 MB in flight (`--ingest-memory-mb 1`)."""
    accounts = [Account("A", "a@example.com", PASSWORD, "system-administrator")]
    world = _make_world(request, binary, backend, tmp_path_factory, accounts,
                        ("--ingest-memory-mb", "1", "--telemetry-max-age-hours", "24"))
    return Telemetry(world, None)


@pytest.fixture(scope="session")
def tworld(request, binary, backend, tmp_path_factory) -> Telemetry:
    """The telemetry checks' server: its own mosquitto broker (`--mqtt`), a 24 h ingest window
    (`--telemetry-max-age-hours 24`), admin A, S1 plant manager PM, other-tenant ADMIN2."""
    broker = MqttBroker(tmp_path_factory.mktemp(f"mosquitto-{backend}-"))
    broker.start()
    servers = _live_servers(request.config)
    servers.append(broker)

    def stop_broker():
        broker.stop()
        if broker in servers:
            servers.remove(broker)

    request.addfinalizer(stop_broker)
    world = _make_world(request, binary, backend, tmp_path_factory, telemetry_accounts(),
                        telemetry_server_args(broker))
    broker.wait_subscribed()
    return Telemetry(world, broker)
