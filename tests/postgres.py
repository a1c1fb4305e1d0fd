"""A throw-away PostgreSQL server for the tests: initdb in a temporary folder, a Unix socket
there, started with pg_ctl and stopped at the end. Skips (saying how to install it) where the
server's programs are missing. As root, the server runs as the `postgres` system user."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

INSTALL = "install PostgreSQL's server (Debian/Ubuntu: sudo apt-get install postgresql)"


def _programs() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(versions[-1]).parent if versions else None


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as `postgres` then."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    bin_dir = _programs()
    if bin_dir is None:
        pytest.skip(f"no PostgreSQL server: {INSTALL} to test the PostgreSQL store")
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root without a `postgres` user to run the server as")
    folder = Path(tempfile.mkdtemp(prefix="bot-pg-"))
    data = folder / "data"
    data.mkdir()
    if os.geteuid() == 0:
        for path in (folder, data):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run(_as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust",
                                    "-U", "bot", "--no-sync"]), **run)  # type: ignore[call-overload]  # fmt: skip
    options = f"-k {folder} -c listen_addresses='' -c fsync=off -p 5432"
    subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options,
                                    "-w", "-l", str(folder / "log"), "start"]), **run)  # type: ignore[call-overload]  # fmt: skip
    try:
        yield f"postgresql://bot@/postgres?host={folder}&port=5432"
    finally:
        subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m",
                                        "immediate", "-w", "stop"]), check=False,
                       capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def fresh_postgres(postgres_url: str) -> str:
    """The server with the bot's tables dropped, as a new database would be."""
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")
    return postgres_url
