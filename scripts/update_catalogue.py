"""Re-extract passq's sentences, merge them into the Indonesian catalogue, and compile it.

Run after new sentences land: `python scripts/update_catalogue.py` (Babel, a dev dependency).
Writes passq/locale/passq.pot, passq/locale/id/LC_MESSAGES/passq.po and .mo (commit all three),
then lists what still needs a translator and the sentences built from fragments. `--check`
writes nothing and exits 1 if the files are out of date or a translation is missing.
"""

import argparse
import ast
import io
import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "passq"
LOCALE = PACKAGE / "locale"
POT = LOCALE / "passq.pot"
LANGUAGES = ("id",)
# lazy_gettext/_l: texts built at import time; N_: marked only (typer's own sentences, help).
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "N_": None,
}
WIDTH = 100
DOCSTRING_COMMENT = "Command help (its docstring), shown by --help."


def po_path(code: str) -> Path:
    """The catalogue of language `code`."""
    return LOCALE / code / "LC_MESSAGES" / "passq.po"


def command_docstrings(path: Path) -> list[tuple[str, int]]:
    """Docstrings of typer commands and callbacks without help=: typer shows them as help."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr in ("command", "callback")
                and not any(keyword.arg == "help" for keyword in decorator.keywords)
            ):
                doc = ast.get_docstring(node, clean=True)  # as typer's inspect.getdoc
                if doc:
                    found.append((doc, node.lineno))
    return found


def extract() -> Catalog:
    """Every sentence in passq/: the gettext calls, then command docstrings."""
    template = Catalog(project="passq", charset="utf-8", fuzzy=False)
    template.msgid_bugs_address = ""
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    ):
        where = (f"passq/{filename}", lineno)
        template.add(message, None, [where], auto_comments=comments, context=context)
    for path in sorted((PACKAGE / "cli").rglob("*.py")):
        for doc, lineno in command_docstrings(path):
            where = (str(path.relative_to(ROOT)), lineno)
            template.add(doc, None, [where], auto_comments=[DOCSTRING_COMMENT])
    return template


def as_po(catalog: Catalog, ignore_obsolete: bool = True) -> bytes:
    """The catalogue as .po/.pot bytes."""
    out = io.BytesIO()
    write_po(out, catalog, width=WIDTH, ignore_obsolete=ignore_obsolete)
    return out.getvalue()


def as_mo(catalog: Catalog) -> bytes:
    """The catalogue compiled (fuzzy and untranslated entries left out, as msgfmt does)."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def without_dates(data: bytes) -> bytes:
    """A .po/.pot without its creation and revision dates, to compare contents."""
    return b"\n".join(
        line
        for line in data.splitlines()
        if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date'))
    )


def merged(code: str, template: Catalog) -> Catalog:
    """The language's catalogue updated to the template (new ones empty, gone ones dropped)."""
    path = po_path(code)
    if path.exists():
        with path.open("rb") as file:
            catalog = read_po(file, locale=code, domain="passq")
    else:
        catalog = Catalog(locale=code, domain="passq", project="passq", charset="utf-8")
    catalog.update(template, update_header_comment=False, update_creation_date=False)
    catalog.obsolete.clear()
    return catalog


def missing(catalog: Catalog) -> list[str]:
    """Msgids without a usable translation (empty or fuzzy)."""
    return [
        str(message.id)
        for message in catalog
        if message.id and (message.fuzzy or not message.string or not all(message.string))
    ]


def fragments(template: Catalog) -> list[str]:
    """Msgids that look glued into a sentence or use '(s)' plurals, with their file:line."""
    glue = ("{verb}", "{plan}", "{why}", "{queue}", "{hint}", "{office}", "{option}", "{field}")
    found = []
    for message in template:
        text = message.id if isinstance(message.id, str) else None
        if not text:
            continue
        reason = None
        if "(s)" in text or "(es)" in text:
            reason = "'(s)' plural: use ngettext"
        elif any(part in text for part in glue):
            reason = "a fragment is glued in"
        elif text[0].islower() and not text.startswith(("{", "passq", "csv", "regular")):
            reason = "a fragment (lowercase, glued into another sentence?)"
        if reason:
            where = ", ".join(f"{f}:{n}" for f, n in message.locations)
            found.append(f"{where}: {text!r}: {reason}")
    return found


def main() -> int:
    """Extract, merge, compile; report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; fail if stale")
    parser.add_argument("--fragments", action="store_true", help="list fragment msgids too")
    args = parser.parse_args()

    template = extract()
    stale = []
    outputs: dict[Path, bytes] = {POT: as_po(template)}
    for code in LANGUAGES:
        catalog = merged(code, template)
        outputs[po_path(code)] = as_po(catalog)
        outputs[po_path(code).with_suffix(".mo")] = as_mo(catalog)
        for problem in catalog.check():
            print(f"{code}: {problem[0].id!r}: {problem[1]}", file=sys.stderr)
        for msgid in missing(catalog):
            print(f"{code}: no translation yet: {msgid!r}", file=sys.stderr)
            stale.append(msgid)
    for path, data in outputs.items():
        old = path.read_bytes() if path.exists() else b""
        same = without_dates(old) == without_dates(data) if path.suffix != ".mo" else old == data
        if same:
            continue
        if args.check:
            print(f"out of date: {path.relative_to(ROOT)}", file=sys.stderr)
            stale.append(str(path))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {path.relative_to(ROOT)}")
    msgfmt = shutil.which("msgfmt")
    for code in LANGUAGES if msgfmt else ():
        run = [msgfmt, "--check", "-o", "/dev/null", str(po_path(code))]
        if subprocess.run(run, check=False).returncode:
            stale.append(f"msgfmt --check {code}")
    if args.fragments:
        for line in fragments(template):
            print(f"fragment: {line}")
    print(f"{len(template)} msgids; {len(stale)} problems", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
