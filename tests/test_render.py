"""Output helpers: the streamed JSON reads back as the plain one."""

from __future__ import annotations

import json
from datetime import date

from passq.cli import render


def test_objects_stream_as_the_same_json_as_plain_dumps(capsys) -> None:
    rows = [
        {"rank": n, "app_no": f"A{n}", "day": date(2024, 6, 27 + n % 3), "ok": [True, None][n % 2]}
        for n in range(25_003)
    ]
    rows[7]["app_no"] = 'Siti "Ani" Rahayu — 東京 \\ %s'
    rows[8]["day"] = None
    columns = {key: [row[key] for row in rows] for key in rows[0]}
    columns["planned"] = [[row["app_no"]] for row in rows]
    render.emit_json(
        {"today": date(2024, 6, 27), "items": render.Objects(columns), "empty": render.Objects({})}
    )
    written = capsys.readouterr().out
    assert json.loads(written) == {
        "today": "2024-06-27",
        "items": [
            {**row, "day": row["day"] and row["day"].isoformat(), "planned": [row["app_no"]]}
            for row in rows
        ],
        "empty": [],
    }
    assert written.splitlines()[4].startswith('    {"rank": 1, "app_no": "A1", "day": "2024-06-28"')
