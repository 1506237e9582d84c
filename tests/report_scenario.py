"""A small office over four days, for the report page's tests (made-up names): capacity 2 a
day, Wednesday 26/06/2024 closed, two operators printing."""

from __future__ import annotations

from tests.conftest import Passq

MONDAY, TUESDAY, THURSDAY = "2024-06-24T08:00", "2024-06-25T08:00", "2024-06-27T08:00"
EVENING = "2024-06-27T18:00"
PERIOD = ("--from", "24/06/2024", "--to", "27/06/2024")
# (app_no, travel): 12 books registered on Monday.
BOOKS = [
    ("R01", "28/06/2024"),
    ("R02", "28/06/2024"),
    ("R03", "28/06/2024"),
    ("R04", "28/06/2024"),
    ("R05", "28/06/2024"),
    ("R06", "29/06/2024"),
    ("R07", "29/06/2024"),
    ("R08", "01/07/2024"),
    ("R09", "01/07/2024"),
    ("R10", "01/07/2024"),
    ("R11", "05/07/2024"),
    ("R12", ""),
    ("R13", ""),
    ("R14", ""),
]


def build(passq: Passq) -> Passq:
    """The office as at Thursday evening: 6 printed (ani 2 + 2, budi 2), 8 waiting."""
    passq.ok("config", "set", "capacity", "2", now=MONDAY)
    passq.ok("config", "set", "office", "Kantor Imigrasi Contoh", now=MONDAY)
    passq.ok("calendar", "off", "26/06/2024", "--reason", "system outage", now=MONDAY)
    for app_no, travel in BOOKS:
        extra = ["--travel", travel] if travel else []
        passq.ok("add", app_no, "--name", f"Pemohon {app_no}", "--phone", "0812-3456-7890",
                 "--destination", "Jeddah", "--applied", "24/06/2024", *extra,
                 now=MONDAY)  # fmt: skip
    _print_batch(passq, 2, MONDAY, "ani")
    _print_batch(passq, 2, TUESDAY, "budi")
    _print_batch(passq, 2, THURSDAY, "ani")
    return passq


def _print_batch(passq: Passq, size: int, now: str, operator: str) -> None:
    batch = passq.json("next-batch", "--size", str(size), now=now, operator=operator)
    numbers = [book["app_no"] for book in batch["books"]]
    passq.ok("printed", *numbers, now=now, operator=operator)
