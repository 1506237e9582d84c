"""Crash safety: SIGKILL at random moments leaves a consistent database; Ctrl-C exits 130."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from passq.domain import sample as demo
from passq.files import spreadsheets as importer
from passq.store import open_store
from tests import desk
from tests.conftest import is_postgres, query, store_class

NOW = "2024-06-27T08:00"
IMPORT_ROWS = 50_000


def passq_process(db: Path | str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PASSQ_DB": str(db), "PASSQ_NOW": NOW, "PASSQ_OPERATOR": "ani"}
    return subprocess.Popen(
        [sys.executable, "-m", "passq", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def check_consistent(db: Path | str) -> dict:
    """The invariants a kill must never break; returns counts for the caller."""
    if not is_postgres(db):
        assert query(db, "PRAGMA integrity_check") == [("ok",)]
    # A batch is claimed whole or not at all: its row and all its claim events, together.
    for batch_id, size in query(db, "SELECT id, size FROM batches"):
        claims = query(
            db, "SELECT count(*) FROM events WHERE action = 'claimed' AND batch_id = ?", (batch_id,)
        )[0][0]
        assert claims == size, f"batch {batch_id} claimed in part"
    # Every book's status is the one its last status event left it in.
    disagreeing = query(
        db,
        "SELECT count(*) FROM applications a LEFT JOIN (SELECT app_no, max(id) AS id FROM events "
        "WHERE status IS NOT NULL GROUP BY app_no) last ON last.app_no = a.app_no "
        "LEFT JOIN events e ON e.id = last.id WHERE e.status IS DISTINCT FROM a.status",
    )[0][0]
    assert disagreeing == 0
    assert query(
        db, "SELECT count(*) FROM applications WHERE status = 'claimed' AND batch_id IS NULL"
    ) == [(0,)]
    imported = query(db, "SELECT count(*) FROM applications WHERE app_no LIKE 'IMP%'")[0][0]
    assert imported in (0, IMPORT_ROWS), f"import landed in part: {imported} rows"
    return {"imported": imported}


def three_thousand_books(db: Path | str) -> None:
    conn = open_store(db, 10_000)
    desk.add_many(conn, demo.applications(3000, date(2024, 6, 27)), f"{NOW}:00+07:00", "setup")
    conn.close()


def big_csv(path: Path, seed: int = 7) -> Path:
    """A file of IMPORT_ROWS made-up books numbered IMP000000…"""
    rows = (
        {**record, "app_no": f"IMP{n:06d}"}
        for n, record in enumerate(demo.applications(IMPORT_ROWS, date(2024, 6, 27), seed=seed))
    )
    with path.open("w", encoding="utf-8", newline="") as stream:
        importer.write_csv(rows, stream)
    return path


def seconds_to_run(db: Path | str, *args: str) -> float:
    """How long one run of a command takes here, so kills can land inside it."""
    started = time.perf_counter()
    process = passq_process(db, *args)
    process.wait()
    return time.perf_counter() - started


@pytest.mark.slow
def test_sigkill_at_random_moments_never_leaves_half_a_change(
    tmp_path: Path, database, make_database
) -> None:
    db = database
    three_thousand_books(db)
    big = big_csv(tmp_path / "big.csv")
    # Measure each command once on a scratch database alike, then kill inside that span.
    scratch = make_database("scratch")
    three_thousand_books(scratch)
    durations = {
        "next-batch": seconds_to_run(scratch, "next-batch", "--size", "50"),
        "printed": seconds_to_run(scratch, "printed", "--batch", "1"),
        "import": seconds_to_run(scratch, "import", str(big)),
    }
    rng = random.Random(20240627)
    kills = rounds = 0
    while kills < 50:
        rounds += 1
        assert rounds <= 200, f"only {kills} of {rounds} processes were killed mid-run"
        open_batch = next(
            iter(query(db, "SELECT batch_id FROM applications WHERE status = 'claimed' LIMIT 1")),
            None,
        )
        choices = [("next-batch", "--size", "50")]
        if open_batch:
            choices.append(("printed", "--batch", str(open_batch[0])))
        if rounds % 4 == 0:
            choices.append(("import", str(big)))
        args = rng.choice(choices)
        process = passq_process(db, *args)
        time.sleep(rng.uniform(0, 0.95 * durations[args[0]]))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
        check_consistent(db)


def test_ctrl_c_mid_command_exits_130_and_writes_nothing(passq, add_books, monkeypatch) -> None:
    add_books(("A1",), ("A2",))
    passq.ok("next-batch", "--size", "2")
    before = passq.dump()
    real_update = store_class(passq.db).update
    calls = []

    def interrupted(self, app_no, columns):
        calls.append(app_no)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_update(self, app_no, columns)

    monkeypatch.setattr(store_class(passq.db), "update", interrupted)
    result = passq("printed", "A1", "A2")
    assert (result.exit_code, result.stderr) == (130, "Interrupted: nothing more was written.\n")
    assert passq.dump() == before


def test_sigint_during_an_import_exits_130(tmp_path: Path, database, make_database) -> None:
    db = database
    big = big_csv(tmp_path / "big.csv")
    open_store(db, 10_000).close()
    scratch = make_database("scratch")
    open_store(scratch, 10_000).close()
    span = seconds_to_run(scratch, "import", str(big))
    process = passq_process(db, "import", str(big))
    # Ctrl-C half-way through the time a whole import takes here.
    time.sleep(span / 2)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.decode().strip().splitlines()[-1] == "Interrupted: nothing more was written."
    assert check_consistent(db)["imported"] == 0
