"""Which column of a spreadsheet holds which field: header spellings, the office's own mapping
(`--column`, `--ignore-column`), and the unknown columns too much like dates or phones to drop.

Pure text rules: no file is read here (files/tables.py reads).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from passq.domain.records import FIELDS
from passq.errors import Invalid
from passq.i18n import _

# The columns `import` reads, in export order (an export re-imports cleanly).
IMPORT_COLUMNS = ("app_no", *FIELDS)
# What `export` adds after them; import recognises and ignores these.
STATE_COLUMNS = (
    "status",
    "planned_day",
    "batch_id",
    "created_at",
    "printed_at",
    "collected_at",
)
EXPORT_COLUMNS = (*IMPORT_COLUMNS, *STATE_COLUMNS)
REQUIRED_COLUMNS = ("app_no", "name")
REASON_COLUMN = "reason"


def _aliases(**spellings: str) -> dict[str, str]:
    """Header spellings (after `header_key`), space-separated per field -> field."""
    return {key: name for name, keys in spellings.items() for key in keys.split()}


# Header spellings (after `header_key`) -> field. English, then Indonesian (as offices write
# them in their own sheets: abbreviated, with or without dots).
HEADER_ALIASES: dict[str, str] = _aliases(
    app_no="app_no application_number application_no nomor_permohonan no_permohonan "
    "nomor_aplikasi no_aplikasi",
    name="name nama nama_pemohon nama_lengkap",
    service="service layanan jenis_layanan",
    applied="applied applied_date application_date date_applied tanggal_wawancara "
    "tanggal_permohonan tgl_permohonan tgl_wawancara",
    travel="travel travel_date departure departure_date date_of_travel tanggal_berangkat "
    "tgl_berangkat tgl_keberangkatan tanggal_keberangkatan jadwal_keberangkatan "
    "jadwal_berangkat tanggal_perjalanan tgl_perjalanan rencana_keberangkatan",
    destination="destination tujuan negara_tujuan",
    phone="phone phone_number mobile telepon no_hp hp nomor_hp no_telepon nomor_telepon "
    "no_telp telp whatsapp no_whatsapp nomor_whatsapp wa no_wa nomor_wa handphone ponsel",
    urgent="urgent mendesak",
    note="note notes catatan keterangan",
    language="language lang bahasa bahasa_pemohon",
)
# Recognised but not imported: export's state columns and the rejects file's reason.
IGNORED_HEADERS = frozenset({*STATE_COLUMNS, REASON_COLUMN, "alasan"})

_HEADER_SEPARATORS = re.compile(r"[\s_\-]+")
# Words of a header that say "dates" or "phone numbers".
_DATE_WORDS = frozenset("tgl tanggal date dates jadwal berangkat keberangkatan perjalanan".split())
_PHONE_WORDS = frozenset("hp telp telepon telpon phone wa whatsapp ponsel handphone tel".split())
_DATE_SHAPES = re.compile(
    r"(?:[^\W\d]+,?\s+)?(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}\s+[^\W\d]{3,}\.?\s+\d{4})\Z"
)
# Indonesian mobiles as written (08…, 628…, +62 8…) or as Excel keeps them without the 0 (8…).
_PHONE_DIGITS = re.compile(r"(?:\+?62|0)?8\d{7,12}\Z")
_PHONE_PUNCTUATION = re.compile(r"[\s\-.()]")
SAMPLE = 50  # cells looked at per unknown column


def shown(text: str) -> str:
    """Text a person typed, as one printable line for a sentence: a newline, a NUL or another
    control character is shown escaped (\\n, \\x00)."""
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


def header_key(text: str) -> str:
    """A header cell reduced for matching: lower case; spaces, '_', '-' and '.' alike."""
    return _HEADER_SEPARATORS.sub("_", text.strip().lower().replace(".", " ")).strip("_")


@dataclass(frozen=True, slots=True)
class Choices:
    """The office's own say over the columns of one import (`--column`, `--ignore-column`)."""

    mapped: dict[str, str] = field(default_factory=dict)  # header key -> field
    dropped: frozenset[str] = frozenset()  # header keys
    labels: dict[str, str] = field(default_factory=dict)  # header key -> as typed

    def field_of(self, cell: str) -> str | None:
        """The field a header cell holds, by the office's mapping first, then by its spelling."""
        key = header_key(cell)
        return self.mapped.get(key) or HEADER_ALIASES.get(key)

    def known(self, cell: str) -> bool:
        """A header cell passq recognises (a field, a state column, or one the office named)."""
        key = header_key(cell)
        return bool(key) and (
            key in self.mapped
            or key in self.dropped
            or key in HEADER_ALIASES
            or key in IGNORED_HEADERS
        )

    def check_present(self, headers: Iterable[str], source: str) -> None:
        """Invalid when a `--column`/`--ignore-column` names no column of the file (a typo)."""
        found = [cell.strip() for cell in headers if cell.strip()]
        keys = {header_key(cell) for cell in found}
        for key, label in self.labels.items():
            if key not in keys:
                raise Invalid(
                    _("There is no column '{column}' in {source} (found {found}).").format(
                        column=label,
                        source=source,
                        found=", ".join(f"'{shown(cell)}'" for cell in dict.fromkeys(found)),
                    )
                )


def choices(columns: Iterable[str] = (), ignore: Iterable[str] = ()) -> Choices:
    """The `--column "Header=field"` and `--ignore-column Header` options, checked."""
    mapped: dict[str, str] = {}
    labels: dict[str, str] = {}
    for text in columns:
        header, equals, target = text.rpartition("=")
        name = HEADER_ALIASES.get(header_key(target)) if equals else None
        if not header.strip() or name is None:
            raise Invalid(
                _(
                    "Invalid --column '{text}': write the column's header, '=' and the field it "
                    'holds, one of {fields}; for example --column "Tgl Brkt=travel".'
                ).format(text=shown(text), fields=", ".join(IMPORT_COLUMNS))
            )
        mapped[header_key(header)] = name
        labels[header_key(header)] = shown(header.strip())
    dropped = set()
    for header in ignore:
        if not header_key(header):
            raise Invalid(_("--ignore-column needs a column's header."))
        dropped.add(header_key(header))
        labels[header_key(header)] = shown(header.strip())
    return Choices(mapped, frozenset(dropped), labels)


def looks_like(header: str, cells: Iterable[str]) -> str | None:
    """'dates' or 'phone numbers' when an unknown column's header or cells say so, else None."""
    words = set(header_key(header).split("_"))
    if words & _PHONE_WORDS:
        return "phone"
    if words & _DATE_WORDS:
        return "date"
    dates = phones = seen = 0
    for cell in cells:
        value = cell.strip()
        if not value:
            continue
        seen += 1
        if _DATE_SHAPES.match(value):
            dates += 1
        elif _PHONE_DIGITS.match(_PHONE_PUNCTUATION.sub("", value)):
            phones += 1
        if seen == SAMPLE:
            break
    if seen and dates * 2 > seen:
        return "date"
    if seen and phones * 2 > seen:
        return "phone"
    return None


def refuse_suspects(suspects: Mapping[str, str], source: str) -> None:
    """Invalid naming the unknown columns that look like dates or phones (header -> kind)."""
    if not suspects:
        return
    if len(suspects) > 1:
        raise Invalid(
            _(
                "Columns {columns} of {source} look like dates or phone numbers, but passq does "
                'not know them: import each with --column "Header=field" (travel, applied or '
                'phone), or leave it out with --ignore-column "Header".'
            ).format(columns=", ".join(f"'{c}'" for c in suspects), source=source)
        )
    [(column, kind)] = suspects.items()
    if kind == "phone":
        message = _(
            "Column '{column}' of {source} looks like phone numbers, but passq does not know "
            'it: import it with --column "{column}=phone", or leave it out with '
            '--ignore-column "{column}".'
        )
    else:
        message = _(
            "Column '{column}' of {source} looks like dates, but passq does not know it: "
            'import it with --column "{column}=travel" (or =applied), or leave it out with '
            '--ignore-column "{column}".'
        )
    raise Invalid(message.format(column=column, source=source))
