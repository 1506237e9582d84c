"""`report --html FILE` and `report --from D --to D`: the page holds the same figures as
`report --json`, is self-contained, private, and names people only with --names."""

from __future__ import annotations

import re
import stat
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests import report_scenario as scenario

PERIOD = scenario.PERIOD


@pytest.fixture
def office(passq):
    return scenario.build(passq)


class Figures(HTMLParser):
    """The page's `data-figure` elements: name -> (data-value, text shown)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, tuple[str | None, str]] = {}
        self._open: tuple[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if "data-figure" in named:
            self._open = (named["data-figure"] or "", named.get("data-value"))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            name, value = self._open
            self.found[name] = (value, data.strip())
            self._open = None


def figures_of(html: str) -> dict[str, tuple[str | None, str]]:
    parser = Figures()
    parser.feed(html)
    return parser.found


def as_shown(value) -> str:
    return "" if value is None else str(value)


def test_the_day_page_holds_the_figures_of_report_json(office, tmp_path: Path) -> None:
    page = tmp_path / "day.html"
    result = office("report", "--html", str(page), now=scenario.EVENING)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        f"The report is in {page}: open it in a browser to read or print it.\n"
    )
    shown = figures_of(page.read_text(encoding="utf-8"))
    report = office.json("report", now=scenario.EVENING)
    names = (
        "will_miss_flight flight_passed promises_broken express_promises_broken clears_on "
        "extra_per_day capacity_cannot_help printed failed released cancelled collected "
        "new_applications pending_end travel_within_7_days oldest_pending_applied"
    ).split()
    assert {name: shown[name][0] for name in names} == {
        name: as_shown(report[name]) for name in names
    }
    # The scenario is not all zeros: two will miss, overtime is asked for.
    assert (report["will_miss_flight"], report["extra_per_day"], report["extra_days"]) == (2, 1, 2)
    assert shown["will_miss_flight"][1] == "2"
    assert shown["clears_on"][1] == "03/07/2024"
    assert shown["extra_per_day"][1] == "1 on each of the next 2 print days (until 28/06/2024)"
    assert shown["office"] == (None, "Kantor Imigrasi Contoh")


def test_the_page_is_self_contained_and_private(office, tmp_path: Path) -> None:
    page = tmp_path / "day.html"
    office.ok("report", "--html", str(page), now=scenario.EVENING)
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html and "@font-face" not in html and "<link" not in html
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#)""", html), "nothing fetched"
    assert not re.search(r"url\((?!#)", html)
    assert not re.search(r"https?://(?!www\.w3\.org/)", html), "no address but SVG's namespaces"
    assert html.count("<svg") == 4
    # Counts only: no name nor phone unless asked for.
    for private in ("Pemohon", "+6281234567890", "Jeddah"):
        assert private not in html


def test_names_add_the_travellers_at_risk(office, tmp_path: Path) -> None:
    page = tmp_path / "names.html"
    office.ok("report", "--html", str(page), "--names", now=scenario.EVENING)
    html = page.read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td>(R\d+)</td><td>([^<]*)</td><td>([^<]*)</td>\s*<td>([^<]*)</td>"
                      r"<td>([^<]*)</td></tr>", html)  # fmt: skip
    assert rows == [
        ("R09", "Pemohon R09", "+6281234567890", "01/07/2024", "Jeddah"),
        ("R10", "Pemohon R10", "+6281234567890", "01/07/2024", "Jeddah"),
    ]
    assert "Travellers who will miss their flight (2)" in html


def test_an_existing_file_is_replaced_as_export_does(office, tmp_path: Path) -> None:
    page = tmp_path / "day.html"
    page.write_text("old", encoding="utf-8")
    office.ok("report", "--html", str(page), now=scenario.EVENING)
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_period_report_adds_up_its_days(office, tmp_path: Path) -> None:
    period = office.json("report", *PERIOD, now=scenario.EVENING)
    assert (period["first"], period["last"]) == ("2024-06-24", "2024-06-27")
    assert [(d["day"], d["printed"], d["capacity"], d["pending_end"]) for d in period["days"]] == [
        ("2024-06-24", 2, 2, 12),
        ("2024-06-25", 2, 2, 10),
        ("2024-06-26", 0, 0, 10),
        ("2024-06-27", 2, 2, 8),
    ]
    assert period["totals"]["printed_by_operator"] == {"ani": 4, "budi": 2}
    assert period["totals"]["printed"] == 6 and period["totals"]["new_applications"] == 14
    # Its figures are the last day's report, the same object as `report --json`.
    assert period["figures"] == office.json("report", now=scenario.EVENING)
    assert period["flights"] == [
        {"travel": "2024-06-29", "kept": 2, "will_miss": 0, "no_print_day": 0},
        {"travel": "2024-07-01", "kept": 0, "will_miss": 2, "no_print_day": 0},
        {"travel": "2024-07-05", "kept": 1, "will_miss": 0, "no_print_day": 0},
    ]
    assert [p["backlog"] for p in period["outlook"]] == [8, 6, 6, 6, 4, 2, 0]
    assert [p["with_overtime"] for p in period["outlook"]] == [7, 4, 4, 4, 2, 0, 0]
    text = office.ok("report", *PERIOD, now=scenario.EVENING).stdout
    assert text.startswith("From 24/06/2024 to 27/06/2024: 6 printed, 14 new applications.\n")
    assert "│ 26/06/2024 │ 0       │ closed   │ 10                 │" in text
    page = tmp_path / "period.html"
    office.ok("report", *PERIOD, "--html", str(page), now=scenario.EVENING)
    shown = figures_of(page.read_text(encoding="utf-8"))
    assert shown["printed"] == ("6", "6") and shown["will_miss_flight"] == ("2", "2")


def test_a_past_day_page_plans_from_the_next_day(office, tmp_path: Path) -> None:
    page = tmp_path / "tuesday.html"
    office.ok("report", "--date", "25/06/2024", "--html", str(page), now=scenario.EVENING)
    shown = figures_of(page.read_text(encoding="utf-8"))
    report = office.json("report", "--date", "25/06/2024", now=scenario.EVENING)
    assert shown["pending_end"][0] == str(report["pending_end"]) == "10"
    assert shown["will_miss_flight"][0] == str(report["will_miss_flight"])
    assert "The plan from the next day, as at the end of 25/06/2024" in page.read_text("utf-8")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("--from", "27/06/2024", "--to", "24/06/2024"),
            2,
            "The period starts on 27/06/2024, after its end 24/06/2024: swap --from and --to.",
        ),
        (
            ("--from", "01/06/2023", "--to", "27/06/2024"),
            2,
            "The period from 01/06/2023 to 27/06/2024 is longer than a year: give a shorter one.",
        ),
        (
            ("--date", "25/06/2024", "--from", "24/06/2024"),
            2,
            "Give either --date or --from and --to, not both.",
        ),
        (("--html", "{tmp}/r.html", "--json"), 2, "Give either --html or --json, not both."),
        (
            ("--html", "{tmp}/missing/r.html"),
            2,
            "Cannot write {tmp}/missing/r.html (No such file or directory): check the folder, "
            "or give another --html.",
        ),
        (("--html", "{tmp}"), 2, "{tmp} is a folder: give a file name with --html."),
    ],
    ids=["reversed", "too long", "date and period", "html and json", "no folder", "a folder"],
)
def test_bad_input_writes_nothing(office, tmp_path: Path, args, code, message) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    before = office.dump()
    args = tuple(a.replace("{tmp}", str(folder)) for a in args)
    result = office("report", *args, now=scenario.EVENING)
    assert (result.exit_code, result.stderr, result.stdout) == (
        code,
        message.replace("{tmp}", str(folder)) + "\n",
        "",
    )
    assert list(folder.iterdir()) == []
    assert office.dump() == before


def test_a_page_with_nothing_to_show(passq, tmp_path: Path) -> None:
    passq.ok("add", "E1", "--name", "Pemohon Satu")
    passq.ok("cancel", "E1", "--reason", "withdrawn")
    page = tmp_path / "empty.html"
    passq.ok("report", "--html", str(page))
    html = page.read_text(encoding="utf-8")
    assert "Nothing was printed." in html
    assert "No pending traveller flies in the next weeks." in html
    assert figures_of(html)["pending_end"] == ("0", "0")
    assert figures_of(html)["clears_on"] == ("", "-")
    assert 'data-figure="office"' not in html  # no office set: no name shown


def _bar(svg: str, gid: str) -> tuple[float, float]:
    """The bottom and top (SVG y, downwards) of the bar drawn under `gid`."""
    corners = r"M [\d.]+ ([\d.]+)\s+L [\d.]+ [\d.]+\s+L [\d.]+ ([\d.]+)"
    found = re.search(rf'id="{gid}">\s*<path d="{corners}', svg)
    assert found, gid
    return float(found.group(1)), float(found.group(2))


def test_todays_planned_bar_stands_on_what_today_printed() -> None:
    from passq.domain.outlook import DayPoint, PlanPoint
    from passq.files import charts

    today, tomorrow = date(2024, 6, 27), date(2024, 6, 28)
    svg = charts.printed_chart(
        [DayPoint(today, printed=40, capacity=250, pending_end=1210)],
        [PlanPoint(today, 250, 1000, 1000), PlanPoint(tomorrow, 250, 750, 750)],
    )
    zero, printed_top = _bar(svg, "bar-printed-0")
    today_bottom, today_top = _bar(svg, "bar-planned-0")
    tomorrow_bottom, tomorrow_top = _bar(svg, "bar-planned-1")
    assert today_bottom == printed_top and tomorrow_bottom == zero
    unit = (zero - printed_top) / 40  # SVG points per book
    assert (today_bottom - today_top) / unit == pytest.approx(210)  # the rest of today
    assert (tomorrow_bottom - tomorrow_top) / unit == pytest.approx(250)
