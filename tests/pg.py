"""A throwaway PostgreSQL server started by the test suite (PLATFORM.md recipe, works as root)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_bindir() -> str | None:
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    return dirs[-1] if dirs and os.path.exists(f"{dirs[-1]}/initdb") else None


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield a SQLAlchemy URL of a fresh server; stop and remove it afterwards."""
    with postgres_cluster() as cluster:
        yield cluster.url


class Cluster:
    """A running test server that a test may stop and start again (a database going away)."""

    def __init__(self, url: str, run: Callable[[list[str]], None], ctl: list[str],
                 options: list[str]) -> None:
        self.url = url
        self._run = run
        self._ctl = ctl  # pg_ctl and its data directory
        self._options = options  # the server's options

    def stop(self) -> None:
        self._run([*self._ctl, "-m", "fast", "stop"])

    def start(self) -> None:
        self._run([*self._ctl, *self._options, "start"])


@contextmanager
def postgres_cluster() -> Iterator[Cluster]:
    """A fresh server as a :class:`Cluster`; stopped and removed afterwards."""
    bindir = postgres_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin")
    base = tempfile.mkdtemp(prefix="pgtest-")
    os.chmod(base, 0o755)
    sock = os.path.join(base, "sock")
    os.mkdir(sock)
    as_pg: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]
    port = _free_port()

    def run(cmd: list[str]) -> None:
        subprocess.run(as_pg + cmd, check=True, capture_output=True, cwd=base)

    run([f"{bindir}/initdb", "-D", f"{base}/data", "-U", "postgres", "-A", "trust", "-E", "UTF8",
         "--locale=C.UTF-8", "--no-sync"])
    ctl = [f"{bindir}/pg_ctl", "-D", f"{base}/data", "-l", f"{base}/log", "-w", "-t", "60"]
    options = ["-o", f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off "
                     "-c full_page_writes=off -c synchronous_commit=off"]
    cluster = Cluster(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", run, ctl,
                      options)
    cluster.start()
    try:
        yield cluster
    finally:
        subprocess.run(as_pg + [f"{bindir}/pg_ctl", "-D", f"{base}/data", "-m", "immediate",
                                "stop"], capture_output=True, cwd=base)
        shutil.rmtree(base, ignore_errors=True)
