"""A realistic made-up backlog: the outage week at an Indonesian immigration office.

Every name is made up from common Indonesian given names and family names.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta

GIVEN = (
    "Agus Ahmad Ani Ayu Bambang Budi Dedi Dewi Eko Endang Fajar Fitri Hadi Hendra Indah Joko "
    "Kartika Lestari Maya Muhammad Nur Putri Rahmat Ratna Rina Rizky Sari Siti Slamet Sri "
    "Suparman Tri Wahyu Wati Widodo Yanti Yudi Yusuf Zainal Dian"
).split()
FAMILY = (
    "Santoso Wijaya Saputra Hidayat Kurniawan Setiawan Pratama Nugroho Susanto Wibowo "
    "Rahayu Lestari Purnomo Hartono Suryadi Gunawan Firmansyah Siregar Nasution Hutapea "
    "Simanjuntak Sinaga Harahap Utomo Sulistyo Prasetyo Kusuma Permana Ramadhan Maulana"
).split()
DESTINATIONS = (
    ("Malaysia", 30),
    ("Arab Saudi", 20),
    ("Singapura", 12),
    ("Taiwan", 10),
    ("Hong Kong", 8),
    ("Jepang", 7),
    ("Korea Selatan", 6),
    ("Australia", 4),
    ("Turki", 3),
)
URGENT_REASONS = (
    "berobat ke luar negeri (medical treatment)",
    "mendampingi pasien (accompanying a patient)",
    "keluarga meninggal (death in the family)",
    "tugas negara (state duty)",
)
MOBILE_PREFIXES = (811, 812, 813, 821, 822, 852, 853, 857, 858, 877, 878, 895, 896)
OFFICE_CODE = "3301"  # Cilacap's regency code, the prefix of the demo's 16-digit numbers


def applications(
    size: int,
    today: date,
    seed: int = 2024,
    is_working_day: Callable[[date], bool] = lambda day: day.weekday() < 5,
) -> Iterator[dict]:
    """`size` made-up pending applications as `records.new_application` returns them."""
    rng = random.Random(seed)
    destinations, weights = zip(*DESTINATIONS, strict=True)
    workdays = [
        day for day in (today - timedelta(days=n) for n in range(14)) if is_working_day(day)
    ] or [today]
    next_monday = today + timedelta(days=7 - today.weekday())
    for serial in range(1, size + 1):
        applied = rng.choice(workdays)
        service = rng.choices(("regular", "express", "pmi"), weights=(75, 8, 17))[0]
        travel = None
        if rng.random() < 0.35:
            # Travel clusters around next week; a few leave sooner or much later.
            travel = next_monday + timedelta(days=round(rng.gauss(2, 4)))
            travel = max(travel, applied + timedelta(days=1))
        yield {
            "app_no": f"{OFFICE_CODE}{applied:%y%m%d}{serial:06d}",
            "name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
            "phone": f"+62{rng.choice(MOBILE_PREFIXES)}{rng.randint(1000000, 99999999)}",
            "service": service,
            "urgent": rng.choice(URGENT_REASONS) if rng.random() < 0.01 else None,
            "applied": applied,
            "travel": travel,
            "destination": rng.choices(destinations, weights=weights)[0] if travel else None,
            "note": None,
            "language": None,
        }
