"""Benchmark: sustained throughput of online submission + reception, against pgbench on the same server.

One unit of work is what a citizen and the one-stop desk do for every online dossier: the real
`dossier_submit_online` (one required PDF, the agency's daily code counter) followed by the real
`dossier_accept` (appointment, receipt slip, e-mail and SMS put in the outbox). W worker processes
(fork, one database connection each) submit to the same agency for a fixed time, so the counter row
is contended as at a busy service centre. pgbench's TPC-B runs for the same time on the same PostgreSQL
server just before and just after, and the ratio dossiers per second / the mean pgbench TPS is compared
with the target 0.10.
Last, a single-process cProfile of a few hundred units shows where the time goes.

Notifications are queued as in production (Celery not eager, in-memory broker): delivery is a
worker's job, not the request's. PostgreSQL only (refuses SQLite); about a minute and a half in all.

    DATABASE_URL=postgres://egov:egov@127.0.0.1:5432/egov .venv/bin/python bench/submission.py
    BENCH_SECONDS=20 BENCH_WORKERS=4 BENCH_CITIZENS=200 BENCH_PROFILE_UNITS=200   # the defaults
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import logging
import multiprocessing
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, connections  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
CITIZENS = int(os.environ.get("BENCH_CITIZENS", "200"))
PROFILE_UNITS = int(os.environ.get("BENCH_PROFILE_UNITS", "200"))
PGBENCH_SCALE = 10
PGBENCH_DB = "egov_pgbench"
TARGET_RATIO = 0.10
CENTRE = "trung-tam-phvcc"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RERUN = "DATABASE_URL=postgres://egov:egov@127.0.0.1:5432/egov .venv/bin/python bench/submission.py"


@dataclass
class Fixture:
    """Primary keys only: each worker process loads its own objects over its own connection."""

    procedure: int
    agency: int
    receiver: int
    citizens: list[int]


@dataclass
class WorkerResult:
    units: int = 0
    latencies: list[float] = field(default_factory=list)  # ms, one per unit finished in time
    errors: int = 0
    first_error: str = ""
    cpu: float = 0.0  # seconds of this process's CPU during the timed run


# --- data ------------------------------------------------------------------------------------------


def build_fixture() -> Fixture:
    """The province's units and agencies, a published procedure with one required component, a receiver
    at the service centre and CITIZENS citizen accounts with a phone and an e-mail address."""
    from django.db import transaction

    from egov.accounts.models import Role
    from egov.org.models import Agency
    from egov.org.services import org_sync_agencies, org_sync_units
    from tests.factories import ProcedureFactory, UserFactory, official

    with transaction.atomic():
        org_sync_units(actor=None)
        org_sync_agencies(actor=None)
    agencies = {a.slug: a for a in Agency.objects.filter(level="province")}
    procedure = ProcedureFactory(
        code="1.001193",
        name="Đăng ký khai sinh",
        owner=agencies["so-tu-phap"],
        published=True,
        online_level="full",
        duration_value=3,
    )
    assert [c.required for c in procedure.components.all()] == [True], "expected one required component"
    centre = agencies[CENTRE]
    receiver = official(centre, Role.RECEIVER, username="motcua.tinh", full_name="Nguyễn Thị Mai")
    citizens = [
        UserFactory(citizen=True, full_name=f"Nguyễn Văn Dân {n}", phone=f"09{n:08d}").pk for n in range(CITIZENS)
    ]
    return Fixture(procedure=procedure.pk, agency=centre.pk, receiver=receiver.pk, citizens=citizens)


class Unit:
    """One online submission followed by its acceptance at the desk, through the real services."""

    def __init__(self, fixture: Fixture, citizens: list[int], tag: str) -> None:
        from egov.accounts.models import User
        from egov.catalog.models import Procedure
        from egov.org.models import Agency

        self.procedure = Procedure.objects.get(pk=fixture.procedure)
        self.component = self.procedure.components.get()
        self.agency = Agency.objects.get(pk=fixture.agency)
        self.receiver = User.objects.get(pk=fixture.receiver)
        self.citizens = list(User.objects.filter(pk__in=citizens).order_by("pk"))
        self.tag = tag
        self.n = 0

    def __call__(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from egov.dossiers.models import Status
        from egov.dossiers.services import Attachment, dossier_accept, dossier_submit_online

        citizen = self.citizens[self.n % len(self.citizens)]
        self.n += 1
        upload = SimpleUploadedFile("giay.pdf", PDF, content_type="application/pdf")
        dossier = dossier_submit_online(
            actor=citizen,
            procedure=self.procedure,
            agency=self.agency,
            attachments=[Attachment(component=self.component, upload=upload)],
            idempotency_key=f"{self.tag}-{self.n}-{uuid.uuid4().hex}",
        )
        dossier = dossier_accept(actor=self.receiver, dossier=dossier)
        assert dossier.status == Status.RECEIVED and dossier.code, dossier


# --- throughput ----------------------------------------------------------------------------------------


def _cpu_snapshot() -> tuple[float, float, float] | None:
    """(busy, total) CPU seconds of the machine and the CPU seconds of all `postgres` processes (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except OSError:
        return None
    idle = fields[3] + fields[4]
    server = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid_comm, rest = stat.read_text().rsplit(")", 1)
        except OSError:
            continue  # the process ended meanwhile
        if pid_comm.endswith("(postgres"):
            utime, stime = rest.split()[11:13]
            server += int(utime) + int(stime)
    return (sum(fields) - idle) / tick, sum(fields) / tick, server / tick


def _worker(index: int, fixture: Fixture, barrier: Any, results: Any) -> None:
    result = WorkerResult()
    unit = None
    try:
        assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
        unit = Unit(fixture, fixture.citizens[index::WORKERS], tag=f"w{index}")
    except Exception as exc:  # reported by the parent; the barrier must still be reached
        result.errors, result.first_error = 1, f"setup: {type(exc).__name__}: {exc}"
    for _ in range(2 if unit is not None else 0):  # warm-up: this process's connection and caches
        with contextlib.suppress(Exception):  # a deadlock may hit it; counted only in the timed run
            unit()  # type: ignore[misc]
    barrier.wait()
    deadline = time.perf_counter() + SECONDS
    cpu = time.process_time()
    while unit is not None:
        start = time.perf_counter()
        if start >= deadline:
            break
        try:
            unit()
        except Exception as exc:
            result.errors += 1
            result.first_error = result.first_error or f"{type(exc).__name__}: {' '.join(str(exc).split())}"
            continue
        end = time.perf_counter()
        if end <= deadline:
            result.units += 1
            result.latencies.append((end - start) * 1000)
    result.cpu = time.process_time() - cpu
    connections.close_all()
    results.put(result)


def run_workers(fixture: Fixture) -> tuple[WorkerResult, tuple[float, float] | None]:
    """WORKERS forked processes submit+accept for SECONDS. Their merged counts and latencies, and the
    machine's CPU use (busy fraction, CPU seconds of the PostgreSQL server) over the same SECONDS."""
    Unit(fixture, fixture.citizens, tag="parent")()  # imports (weasyprint…) and caches, shared by the forks
    connections.close_all()  # a forked child must open its own connection to the test database
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(WORKERS + 1)
    results = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(i, fixture, barrier, results)) for i in range(WORKERS)]
    for p in procs:
        p.start()
    barrier.wait(timeout=120)
    before = _cpu_snapshot()
    time.sleep(SECONDS)
    after = _cpu_snapshot()
    merged = WorkerResult()
    for _ in procs:
        r = results.get(timeout=120)
        merged.units += r.units
        merged.latencies += r.latencies
        merged.errors += r.errors
        merged.first_error = merged.first_error or r.first_error
        merged.cpu += r.cpu
    for p in procs:
        p.join()
    usage = None
    if before and after:
        usage = ((after[0] - before[0]) / (after[1] - before[1]), after[2] - before[2])
    return merged, usage


# --- pgbench -------------------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or f"/usr/lib/postgresql/15/bin/{name}"
    if not Path(found).exists():
        sys.exit(f"{name} not found: install postgresql-client (pgbench, createdb, dropdb)")
    return found


def _pg_args_env() -> tuple[list[str], dict[str, str]]:
    """Connection options for the PostgreSQL client tools: the server and role of DATABASE_URL."""
    s = connection.settings_dict
    args = ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"]]
    return args, {**os.environ, "PGPASSWORD": s["PASSWORD"] or ""}


def run_pgbench() -> float:
    """TPC-B (scale PGBENCH_SCALE, 4 clients, 2 threads, SECONDS) in a scratch database; its TPS."""
    args, env = _pg_args_env()

    def run(tool: str, *options: str, check: bool = True) -> str:
        done = subprocess.run([_pg_tool(tool), *args, *options], env=env, capture_output=True, text=True)
        if check and done.returncode:
            raise RuntimeError(f"{tool} {' '.join(options)} failed:\n{done.stderr}")
        return done.stdout

    run("dropdb", "--if-exists", PGBENCH_DB)
    run("createdb", PGBENCH_DB)
    try:
        run("pgbench", "-i", "-q", "-s", str(PGBENCH_SCALE), PGBENCH_DB)
        out = run("pgbench", "-c", "4", "-j", "2", "-T", str(round(SECONDS)), PGBENCH_DB)
    finally:
        run("dropdb", "--if-exists", PGBENCH_DB, check=False)
    match = re.search(r"^tps = ([\d.]+)", out, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no 'tps = ...' in pgbench's output:\n{out}")
    return float(match.group(1))


# --- profile -------------------------------------------------------------------------------------------


def _where(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    if filename == "~":
        return name  # a built-in, e.g. <method 'execute' of 'psycopg.Cursor' objects>
    text = filename.split("site-packages/", 1)[-1]
    if text.startswith(str(ROOT)):
        text = text[len(str(ROOT)) + 1 :]
    elif "/lib/python3" in text:
        text = text.split("/lib/", 1)[1]
    return f"{text}:{line}:{name}"


def _table(rows: list[tuple[float, int, tuple[str, int, str]]], unit_s: float, limit: int) -> str:
    lines = [f"  {'cum s':>6} {'share':>6} {'calls':>7} {'ms/unit':>7}  file:line:function"]
    for cumtime, calls, func in rows[:limit]:
        lines.append(
            f"  {cumtime:6.2f} {cumtime / unit_s:6.1%} {calls:7d} {cumtime * 1000 / PROFILE_UNITS:7.2f}  {_where(func)}"
        )
    return "\n".join(lines)


def _statements(sqls: list[str]) -> str:
    """The round trips of one unit, per transaction: `INSERT dossiers_dossier`, `SAVEPOINT/RELEASE ×2`..."""
    lines: list[str] = []
    counts: dict[str, int] = {}
    for sql in sqls:
        verb = sql.split(None, 1)[0].upper()
        table = re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', sql) if verb in ("SELECT", "INSERT", "UPDATE") else None
        key = f"{verb} {table.group(1)}" if table else "SAVEPOINT/RELEASE" if "SAVEPOINT" in sql else verb
        if sql.rstrip().endswith("FOR UPDATE"):
            joined = re.findall(r'JOIN "(\w+)"', sql)
            key += " FOR UPDATE" + (f" (locks {', '.join(joined)} too)" if joined else "")
        counts[key] = counts.get(key, 0) + 1
        if verb == "COMMIT":
            lines.append(", ".join(f"{k} ×{n}" if n > 1 else k for k, n in counts.items()))
            counts = {}
    return "\n".join(f"  {name}: {line}" for name, line in zip(("submit", "accept"), lines, strict=False))


def profile_units(fixture: Fixture) -> None:
    """cProfile of PROFILE_UNITS units in this process: top 15 by cumulative time, then the project's own."""
    from django.test.utils import CaptureQueriesContext

    unit = Unit(fixture, fixture.citizens, tag="profile")
    for _ in range(3):
        unit()
    with CaptureQueriesContext(connection) as queries:
        unit()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(PROFILE_UNITS):
        unit()
    cpu, wall = (time.process_time() - cpu) * 1000 / PROFILE_UNITS, (time.perf_counter() - wall) * 1000 / PROFILE_UNITS
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(PROFILE_UNITS):
        unit()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO()).stats  # type: ignore[attr-defined]
    harness = {f for f in stats if f[0] == __file__ or (f[0] == "~" and "_lsprof" in f[2])}
    rows = sorted(((v[3], v[1], f) for f, v in stats.items() if f not in harness), key=lambda r: r[0], reverse=True)
    unit_file = sys.modules[Unit.__module__].__file__  # bench/submission_floor.py swaps in its own unit
    unit_s = max(v[3] for f, v in stats.items() if f[0] == unit_file and f[2] == "__call__")
    print(
        f"one process, no profiler: {wall:.1f} ms per unit ({cpu:.1f} ms of it Python CPU), "
        f"{len(queries.captured_queries)} SQL statements in 2 transactions:"
    )
    print(_statements([q["sql"] for q in queries.captured_queries]))
    print(
        f"cProfile of {PROFILE_UNITS} units ({unit_s * 1000 / PROFILE_UNITS:.1f} ms per unit profiled); "
        "top 15 by cumulative time:"
    )
    print(_table(rows, unit_s, 15))
    own = [r for r in rows if r[2][0].startswith(str(ROOT / "egov"))]
    print("the project's own functions by cumulative time:")
    print(_table(own, unit_s, 12))


# --- main -------------------------------------------------------------------------------------------------


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit(
            "bench/submission.py measures PostgreSQL (row locks, concurrent writers, pgbench on the same server); "
            f"DATABASE_URL points at {connection.vendor}. Run:\n  {RERUN}"
        )
    from config.celery import app as celery_app

    celery_app.conf.task_always_eager = False  # as in production: the on-commit hook publishes to the broker
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)  # "No hostname was supplied" (memory://)
    media = tempfile.mkdtemp(prefix="egov-bench-media-")
    overrides = override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    overrides.enable()
    setup_test_environment()
    started = time.perf_counter()
    connection.settings_dict["TEST"]["NAME"] = "test_egov_bench"  # not test_egov, which the test suite may be using
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        t0 = time.perf_counter()
        fixture = build_fixture()
        version = connection.cursor().connection.info.server_version
        print(
            f"database: PostgreSQL {version // 10000}.{version % 10000}, test database "
            f"{connection.settings_dict['NAME']}: province loaded, 1 published procedure (1 required component), "
            f"1 receiver, {CITIZENS} citizens ({time.perf_counter() - t0:.1f} s)"
        )

        # pgbench before and after the dossiers: on these machines it varies by a third from one run to the
        # next, so the ratio uses the mean of the two runs that bracket the measurement.
        tps_before = run_pgbench()
        result, usage = run_workers(fixture)
        tps_after = run_pgbench()
        rate = result.units / SECONDS
        print(
            f"submit+accept, {WORKERS} processes for {SECONDS:g} s on {os.cpu_count()} CPUs, all at {CENTRE}: "
            f"{result.units} dossiers submitted and received, {result.errors} failed"
        )
        if result.first_error:
            print(f"  first failure: {result.first_error[:400]}")
        lat = sorted(result.latencies)
        if lat:
            p95 = lat[max(0, int(len(lat) * 0.95) - 1)]
            print(
                f"  {rate:.1f} dossiers/s; one submit+accept: "
                f"p50 {statistics.median(lat):.1f} ms, p95 {p95:.1f} ms, max {lat[-1]:.1f} ms"
            )
        if usage and result.units:
            busy, server = usage
            print(
                f"  CPU: machine {busy:.0%} busy (all processes); per dossier "
                f"{result.cpu * 1000 / result.units:.1f} ms in the Python workers, "
                f"{server * 1000 / result.units:.1f} ms in PostgreSQL"
            )

        tps = (tps_before + tps_after) / 2
        print(
            f"pgbench TPC-B (-s {PGBENCH_SCALE} -c 4 -j 2 -T {round(SECONDS)}), same server, just before and just "
            f"after: {tps_before:.0f} and {tps_after:.0f} TPS, mean {tps:.0f} TPS"
        )
        ratio = rate / tps if tps else 0.0
        verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
        print(f"ratio dossiers/s / pgbench TPS = {ratio:.3f}; target >= {TARGET_RATIO:.2f}: {verdict}")

        profile_units(fixture)
        print(f"total {time.perf_counter() - started:.0f} s; rerun: {RERUN}")
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        overrides.disable()
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()
