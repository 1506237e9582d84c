"""A throwaway PostgreSQL server for the tests, and a fresh database per test.

`PASSQ_TEST_PG` (a libpq URL of a server where the tests may create databases) uses that
server; otherwise, on a machine with PostgreSQL installed (initdb and pg_ctl under
/usr/lib/postgresql/*/bin, or on PATH), one server is started for the session: a data folder
and a Unix socket in a temporary folder, fsync off, run as the `postgres` user when the tests
run as root. Without either, the PostgreSQL half of the suite is skipped, with that reason.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from contextlib import closing
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit


def _binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, newest version first, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version, reverse=True)
    if found:
        return Path(found[0]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _version(initdb: str) -> int:
    try:
        return int(Path(initdb).parent.parent.name)
    except ValueError:
        return 0


class Server:
    """A PostgreSQL server the tests own (started here) or were given (PASSQ_TEST_PG)."""

    def __init__(self, url: str, folder: Path | None = None, bin_dir: Path | None = None) -> None:
        self.url, self.folder, self.bin_dir = url, folder, bin_dir

    def database_url(self, name: str) -> str:
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path="/" + name))

    def admin(self):
        import psycopg2

        conn = psycopg2.connect(self.database_url("postgres"))
        conn.autocommit = True
        return conn

    def fresh_database(self) -> str:
        """The URL of a new, blank database: passq's first command migrates it, as on a new
        server (about 60 ms)."""
        name = f"passq_{uuid.uuid4().hex[:12]}"
        with closing(self.admin()) as admin, admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        return self.database_url(name)

    def drop(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        with closing(self.admin()) as admin, admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        if self.folder is None or self.bin_dir is None:
            return
        _run_as_owner(
            [str(self.bin_dir / "pg_ctl"), "stop", "-D", str(self.folder / "data"), "-m", "i"],
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def _run_as_owner(command: list[str], check: bool = True) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)


def start() -> Server | str:
    """A server for the tests, or the reason there is none."""
    given = os.environ.get("PASSQ_TEST_PG")
    if given:
        return Server(given)
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        return "psycopg2 is not installed"
    bin_dir = _binaries()
    if bin_dir is None:
        return "PostgreSQL is not installed (no initdb) and PASSQ_TEST_PG is not set"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser to start PostgreSQL as its own user"
    folder = Path(tempfile.mkdtemp(prefix="passq-pg-"))
    data, socket = folder / "data", folder / "socket"
    socket.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(socket, "postgres")
    user = "postgres" if os.geteuid() == 0 else None
    try:
        _run_as_owner(
            [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-E", "UTF8", "--no-sync"]
            + (["-U", user] if user else [])
        )
        options = (
            f"-k {socket} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=100"
        )
        _run_as_owner(
            [
                str(bin_dir / "pg_ctl"),
                "start",
                "-w",
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(folder / "log"),
            ]
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        shutil.rmtree(folder, ignore_errors=True)
        detail = getattr(error, "stderr", None) or error
        return f"could not start a PostgreSQL server: {str(detail).strip()[:200]}"
    login = user or os.environ.get("USER") or "postgres"
    url = f"postgresql://{quote(login)}@/postgres?host={quote(str(socket), safe='')}"
    return Server(url, folder, bin_dir)
