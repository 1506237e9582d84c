"""`passq notify`: messages to applicants, their WhatsApp links, and who was told (issue 16)."""

from __future__ import annotations

import csv
import re
import string
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

NOW = "2024-06-27T08:00"  # a Thursday


def decode(link: str) -> tuple[str, str]:
    """The wa.me link's phone digits and its message, decoded."""
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("https", "wa.me")
    assert re.fullmatch(r"/[1-9][0-9]{6,14}", parts.path), link
    (text,) = parse_qs(parts.query, keep_blank_values=True)["text"]
    assert unquote(parts.query.removeprefix("text=")) == text
    return parts.path[1:], text


def placeholders_left(message: str) -> list[str]:
    return [f for _t, f, _s, _c in string.Formatter().parse(message) if f is not None]


@pytest.fixture
def office(passq, add_books):
    """Two printed books (one without a phone), two travellers pending, one late."""
    passq.ok("config", "set", "office", "Kantor Imigrasi Cilacap")
    add_books(
        ("3301240627000918", "--phone", "0812-3456-7890", "--applied", "2024-06-20"),
        ("A-FAR", "--applied", "2024-06-20"),
        (
            "3301000000001111",
            "--phone",
            "+62 813 1111 2222",
            "--applied",
            "2024-06-26",
            "--travel",
            "2024-07-05",
        ),
        (
            "3301000000002222",
            "--phone",
            "62813-2222-3333",
            "--applied",
            "2024-06-26",
            "--travel",
            "2024-07-01",
        ),
    )
    passq.ok("printed", "3301240627000918", "A-FAR")
    return passq


PHONES = {
    "3301240627000918": "6281234567890",
    "3301000000001111": "6281311112222",
    "3301000000002222": "6281322223333",
}


def test_ready_links_decode_to_the_message_and_the_right_number(office) -> None:
    out = office.json("notify", "ready")
    assert [n["app_no"] for n in out["notices"]] == ["3301240627000918"]
    assert [n["app_no"] for n in out["no_phone"]] == ["A-FAR"]
    (notice,) = out["notices"]
    digits, text = decode(notice["link"])
    assert digits == PHONES["3301240627000918"] and "+" + digits == notice["phone"]
    assert text == notice["message"]
    assert text.startswith("Yth. Pemohon 3301240627000918,")
    assert "xxxxxxxxxxxx0918" in text and "3301240627000918" not in text.split(",", 1)[1]
    assert "Kantor Imigrasi Cilacap" in text and "surat kuasa" in text
    assert out["no_phone"][0]["link"] is None
    english = office.json("notify", "ready", "--lang", "en")["notices"][0]
    assert english["message"].startswith("Dear Pemohon 3301240627000918,")
    assert decode(english["link"]) == (PHONES["3301240627000918"], english["message"])


def test_every_kind_fills_every_placeholder(office) -> None:
    office.ok("calendar", "off", "2024-06-28", "--reason", "outage")
    seen = 0
    for kind in ("ready", "planned", "late", "uncollected"):
        for lang in ("id", "en"):
            for now in (NOW, "2024-07-22T08:00"):
                out = office.json("notify", kind, "--lang", lang, now=now)
                for notice in out["notices"] + out["no_phone"]:
                    seen += 1
                    assert placeholders_left(notice["message"]) == [], notice
                    assert "{" not in notice["message"] and " - " not in notice["message"]
                    if notice["link"]:
                        assert decode(notice["link"]) == (
                            PHONES[notice["app_no"]],
                            notice["message"],
                        )
    assert seen >= 10


def test_planned_and_late_follow_the_plan(office) -> None:
    planned = office.json("notify", "planned")["notices"]
    assert {n["app_no"] for n in planned} == {"3301000000001111", "3301000000002222"}
    for n in planned:
        assert n["day"] == "2024-06-27" and n["collect_day"] == "2024-06-28"
        assert "Kamis, 27 Juni 2024" in n["message"] and "Jumat, 28 Juni 2024" in n["message"]
    assert office.json("notify", "late")["notices"] == []
    # Three days on, nothing printed: the flight of 1 July cannot be kept any more.
    late = office.json("notify", "late", now="2024-07-01T08:00")["notices"]
    assert [n["app_no"] for n in late] == ["3301000000002222"]
    assert "Senin, 1 Juli 2024" in late[0]["message"]


def test_mark_sent_records_once_and_undo_takes_it_back(office) -> None:
    result = office.ok("notify", "ready", "--mark-sent")
    assert "Recorded as told: 1 book." in result.stdout
    events = "SELECT app_no, detail FROM events WHERE action = 'notified' ORDER BY id"
    assert [r[0] for r in office.rows(events)] == ["3301240627000918"]
    assert office.json("notify", "ready")["notices"] == []
    again = office.ok("notify", "ready", "--mark-sent")
    assert "Recorded as told: 0 books." in again.stdout
    sent = office.ok("notify", "sent", "3301240627000918", "A-FAR")
    assert sent.stdout == (
        "Recorded as told: 1 book.\n"
        "Already recorded as told, left as they were: 3301240627000918.\n"
    )
    assert [r[0] for r in office.rows(events)] == ["3301240627000918", "A-FAR"]
    assert "notified" in office.ok("show", "A-FAR").stdout
    assert office.json("notify", "ready")["no_phone"] == []
    office.ok("undo")
    assert [n["app_no"] for n in office.json("notify", "ready")["no_phone"]] == ["A-FAR"]
    # A misprint and a new printing: the applicant is told again.
    office.ok("failed", "3301240627000918", "--reason", "smudged", now="2024-06-27T09:00")
    office.ok("printed", "3301240627000918", now="2024-06-27T10:00")
    out = office.json("notify", "ready", now="2024-06-27T11:00")
    assert [n["app_no"] for n in out["notices"]] == ["3301240627000918"]


def test_sent_refuses_a_book_not_printed_and_writes_nothing(office) -> None:
    before = office.dump()
    result = office("notify", "sent", "A-FAR", "3301000000001111")
    assert result.exit_code == 1
    assert result.stderr == (
        "3301000000001111 is pending, not printed: only a printed book's applicant is told it "
        "is ready; leave it out.\n"
    )
    assert office.dump() == before
    bad = office("notify", "sent", "A-FAR", "--kind", "soon")
    assert bad.exit_code == 2
    assert bad.stderr == "Unknown notice 'soon': use ready, planned, late, uncollected.\n"
    lang = office("notify", "ready", "--lang", "fr")
    assert lang.exit_code == 2
    assert office.dump() == before


def test_uncollected_follows_collection_days_across_a_month_with_holidays(passq, add_books) -> None:
    # Printed Friday 17 May 2024; 30 days on is Sunday 16 June, then 17 June (Idul Adha) and
    # 18 June (cuti bersama): nobody can collect before Wednesday 19 June, the cancellation day.
    add_books(
        ("3301000000005555", "--phone", "081255556666", "--applied", "2024-05-13"),
        now="2024-05-13T08:00",
    )
    passq.ok("printed", "3301000000005555", now="2024-05-17T10:00")

    def uncollected(day: str) -> list[tuple[str, str]]:
        notices = passq.json("notify", "uncollected", now=f"{day}T08:00")["notices"]
        for n in notices:
            assert decode(n["link"]) == ("6281255556666", n["message"])
        return [(n["day"], n["cancel_day"]) for n in notices]

    # Reminded from collection_days - 7 = 23 days after printing: 9 June.
    assert uncollected("2024-06-08") == []
    assert uncollected("2024-06-09") == [("2024-05-17", "2024-06-19")]
    found = passq.json("notify", "uncollected", now="2024-06-09T08:00")["notices"]
    assert "Rabu, 19 Juni 2024" in found[0]["message"]
    for days, cancel in (("31", "2024-06-19"), ("33", "2024-06-19"), ("34", "2024-06-20")):
        passq.ok("config", "set", "collection_days", days)
        assert uncollected("2024-06-13") == [("2024-05-17", cancel)]
    passq.ok("config", "set", "collection_days", "60")
    assert uncollected("2024-07-08") == []
    # 17 May + 53 days = 9 July; 17 May + 60 days = 16 July, a Tuesday.
    assert uncollected("2024-07-09") == [("2024-05-17", "2024-07-16")]
    bad = passq("config", "set", "collection_days", "3")
    assert bad.exit_code == 2
    passq.ok("collected", "3301000000005555", now="2024-07-10T08:00")
    assert uncollected("2024-07-10") == []


def test_notice_templates_are_checked_when_set(passq, add_books) -> None:
    add_books(("3301000000007777", "--phone", "081277778888"))
    before = passq.dump()
    bad = passq("config", "set", "notice_ready", "Halo {nama}, paspor {app_no} siap.")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("Unknown placeholder {nama} in the message: use {name},")
    unpaired = passq("config", "set", "notice_ready", "Halo {name")
    assert unpaired.exit_code == 2
    assert passq.dump() == before
    passq.ok("config", "set", "notice_ready", "Halo {name}, paspor {app_no} siap di {office}.")
    passq.ok("printed", "3301000000007777")
    (n,) = passq.json("notify", "ready")["notices"]
    assert (
        n["message"]
        == "Halo Pemohon 3301000000007777, paspor xxxxxxxxxxxx7777 siap di kantor imigrasi."
    )
    assert decode(n["link"]) == ("6281277778888", n["message"])


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "a":
            self.links.append(dict(attrs)["href"])
        self.scripts += tag in ("script", "link", "img", "iframe")


def test_html_page_and_csv_list_the_links(office, tmp_path) -> None:
    page, table = tmp_path / "ready.html", tmp_path / "ready.csv"
    result = office.ok("notify", "ready", "--html", str(page), "--csv", str(table))
    assert f"Wrote {page}." in result.stdout
    assert page.stat().st_mode & 0o077 == 0 and table.stat().st_mode & 0o077 == 0
    parser = _Links()
    html = page.read_text(encoding="utf-8")
    parser.feed(html)
    assert parser.scripts == 0 and "http" not in html.replace("https://wa.me/", "")
    (link,) = parser.links
    notice = office.json("notify", "ready")["notices"][0]
    assert link == notice["link"] and "A-FAR" in html
    assert "passq notify sent 3301240627000918</pre>" in html
    with table.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [(r["app_no"], r["whatsapp"], r["link"]) for r in rows] == [
        ("3301240627000918", "6281234567890", notice["link"])
    ]
    assert decode(rows[0]["link"]) == ("6281234567890", rows[0]["message"])


def test_report_counts_uncollected_and_cancel_asks_for_yes(passq, add_books) -> None:
    add_books(
        ("3301000000005555", "--applied", "2024-05-13"),
        ("3301000000006666", "--applied", "2024-05-13"),
        now="2024-05-13T08:00",
    )
    passq.ok("printed", "3301000000005555", now="2024-05-17T10:00")  # cancelled 19 June
    passq.ok("printed", "3301000000006666", now="2024-06-03T10:00")  # cancelled 3 July
    report = passq.json("report", now="2024-06-13T17:00")
    assert (report["printed_not_collected"], report["cancel_within_7_days"]) == (2, 1)
    text = passq.ok("report", now="2024-06-13T17:00").stdout
    assert "Printed, not collected" in text
    before = passq.dump()
    assert passq.ok("cancel", "--uncollected", now="2024-06-18T08:00").stdout == (
        "No printed book is past its 30 days for collection.\n"
    )
    asked = passq("cancel", "--uncollected", now="2024-06-19T08:00")
    assert asked.exit_code == 1
    assert asked.stderr == (
        "1 printed book was not collected within 30 days (3301000000005555): add --yes to "
        "cancel it.\n"
    )
    assert passq.dump() == before
    both = passq("cancel", "3301000000006666", "--uncollected", "--yes")
    assert both.exit_code == 2
    done = passq.ok("cancel", "--uncollected", "--yes", now="2024-06-19T08:00")
    assert done.stdout == "Cancelled 1 book: 3301000000005555.\n"
    assert passq.rows("SELECT app_no, status FROM applications ORDER BY app_no") == [
        ("3301000000005555", "cancelled"),
        ("3301000000006666", "printed"),
    ]
    (detail,) = passq.rows("SELECT detail FROM events WHERE action = 'cancelled'")
    assert '"uncollected": true' in detail[0] and "30 days" in detail[0]
    missing = passq("cancel", "3301000000006666")
    assert missing.exit_code == 2


def test_announce_says_counts_and_dates_only(office) -> None:
    out = office.json("notify", "announce")
    assert out["ready_up_to"] == "2024-06-25" and out["waiting"] == 2 and out["pending"] == 2
    assert "sampai dengan Selasa, 25 Juni 2024" in out["text"]
    assert "Kantor Imigrasi Cilacap" in out["text"]
    for book in ("3301240627000918", "A-FAR", "3301000000001111", "0918", "Pemohon", "+62"):
        assert book not in out["text"]
    english = office.ok("notify", "announce", "--lang", "en").stdout
    assert english.startswith("Passport service at Kantor Imigrasi Cilacap is back to normal.")
    assert "{" not in english and "{" not in out["text"]


def test_planned_is_recorded_once_a_day(office) -> None:
    assert "Recorded as told: 2 books." in office.ok("notify", "planned", "--mark-sent").stdout
    assert "Recorded as told: 0 books." in office.ok("notify", "planned", "--mark-sent").stdout
    sent = office.ok("notify", "sent", "--kind", "planned", "3301000000001111")
    assert "Already recorded as told" in sent.stdout
    kinds = "SELECT app_no, detail FROM events WHERE action = 'notified' ORDER BY app_no"
    assert office.rows(kinds) == [
        ("3301000000001111", '{"kind": "planned"}'),
        ("3301000000002222", '{"kind": "planned"}'),
    ]
    # The next day the plan may have changed: they can be told again, once.
    office.ok("notify", "planned", "--mark-sent", now="2024-06-28T08:00")
    assert len(office.rows(kinds)) <= 4
    # Being told of the plan is not being told the passport is ready.
    assert [n["app_no"] for n in office.json("notify", "ready")["notices"]] == ["3301240627000918"]
