"""passq's own CLI in Bahasa Indonesia: `--lang` and PASSQ_LANG choose the language of help,
usage errors and passq's sentences; English stays exactly as it was by default."""

from __future__ import annotations

import os
import subprocess
import sys

from passq.cli import app

# No language from the machine running the tests: only what each test gives.
QUIET = {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8"}
ID = {**QUIET, "PASSQ_LANG": "id"}
EN = {**QUIET, "PASSQ_LANG": None}


def invoke(passq, args: list[str], env: dict):
    """`passq args` with `env` added (no PASSQ_DB/NOW/OPERATOR: the fixture's database)."""
    base = ["--db", str(passq.db), "--now", "2024-06-27T08:00", "--operator", "ani"]
    env = {"PASSQ_DB": None, "PASSQ_NOW": None, "PASSQ_OPERATOR": None, **env}
    return passq.runner.invoke(app, [*base, *args], env=env)


def test_lang_id_makes_command_help_indonesian(passq):
    result = invoke(passq, ["--lang", "id", "add", "--help"], EN)
    assert result.exit_code == 0
    out = result.output
    assert "Penggunaan: passq add [OPTIONS] {APP_NO}" in out
    assert "Daftarkan satu buku paspor yang menunggu dicetak." in out
    assert "APP_NO  Nomor permohonan.  [wajib]" in out
    assert "Nama pemohon." in out
    assert "Tampilkan pesan ini lalu keluar." in out
    assert "Register one pending passport book." not in out


def test_group_help_lists_lang_in_indonesian(passq):
    out = invoke(passq, ["--help"], ID).output
    assert "--lang id|en" in out
    assert "Bahasa: id (Bahasa Indonesia) atau en (English)" in out
    assert "Perintah:" in out


def test_unknown_application_in_indonesian(passq):
    result = invoke(passq, ["show", "NOPE"], ID)
    assert result.exit_code == 1
    assert (
        "Permohonan NOPE tidak ada: periksa nomornya, atau tambahkan dengan 'passq add'."
        in result.output
    )
    assert "No application" not in result.output


def test_missing_name_in_indonesian(passq):
    result = invoke(passq, ["add", "A1"], ID)
    assert result.exit_code == 2
    assert "Nama belum diberikan: beri dengan --name." in result.output
    assert passq.rows("SELECT * FROM applications") == []


def test_a_refused_transition_says_its_hint_in_the_language_of_the_command(passq):
    # The hints are built when passq.domain.lifecycle is imported: they must follow the language.
    assert invoke(passq, ["add", "A1", "--name", "Budi"], EN).exit_code == 0
    indonesian = invoke(passq, ["collected", "A1"], ID)
    assert indonesian.exit_code == 1
    assert (
        "Permohonan A1 berstatus pending: hanya buku yang sudah dicetak yang dapat "
        "diserahkan." in indonesian.output
    )
    english = invoke(passq, ["collected", "A1"], EN)
    assert "Application A1 is pending: only printed books can be handed over." in english.output


def test_unknown_lang_is_a_usage_error(passq):
    result = invoke(passq, ["--lang", "xx", "add", "A1", "--name", "Budi"], EN)
    assert result.exit_code == 2
    assert (
        "Error: Invalid value for '--lang': 'xx' is not a language passq speaks: "
        "use id (Bahasa Indonesia) or en (English)." in result.output
    )
    result = invoke(passq, ["--lang", "xx", "show", "A1"], ID)
    assert result.exit_code == 2
    assert (
        "Kesalahan: Nilai tidak sah untuk '--lang': 'xx' bukan bahasa yang dikenal passq: "
        "gunakan id (Bahasa Indonesia) atau en (English)." in result.output
    )
    assert not passq.created()  # refused before anything opened the database


def test_lang_en_overrides_passq_lang_id(passq):
    result = invoke(passq, ["--lang", "en", "show", "NOPE"], ID)
    assert result.exit_code == 1
    assert "No application NOPE: check the number, or add it with 'passq add'." in result.output
    help_text = invoke(passq, ["--lang", "en", "add", "--help"], ID).output
    assert "Usage: passq add [OPTIONS] {APP_NO}" in help_text
    assert "Register one pending passport book." in help_text
    assert "Penggunaan" not in help_text


def test_lang_lasts_one_command(passq):
    invoke(passq, ["--lang", "id", "show", "NOPE"], EN)
    result = invoke(passq, ["show", "NOPE"], EN)
    assert "No application NOPE" in result.output


def test_english_by_default(passq):
    result = invoke(passq, ["add", "A1", "--name", "Budi"], EN)
    assert result.exit_code == 0
    assert result.output == "Added A1 (regular): deadline none (no travel date), due 03/07/2024.\n"
    out = invoke(passq, ["add", "--help"], EN).output
    assert out.startswith(
        "Usage: passq add [OPTIONS] {APP_NO}\n\n  Register one pending passport book."
    )
    assert "Show this message and exit." in out
    result = invoke(passq, ["add", "A2"], EN)
    assert result.exit_code == 2
    assert "The name is missing: give it with --name." in result.output
    result = invoke(passq, ["ad"], EN)
    assert result.exit_code == 2
    assert "Error: No such command 'ad'. Did you mean 'add'?" in result.output


def test_the_lang_option_value_is_not_taken_for_the_command_name():
    from passq import cli

    assert cli._command_name(["--lang", "id", "add", "A1"]) == "add"
    assert cli._command_name(["--lang=id", "show", "A1"]) == "show"


def run_passq(*args: str, lang: str | None) -> subprocess.CompletedProcess[str]:
    """A real `python -m passq`: passq.cli imported with PASSQ_LANG already set."""
    env = {k: v for k, v in os.environ.items() if k not in QUIET and not k.startswith("PASSQ_")}
    env.update(LANG="C.UTF-8", COLUMNS="80")
    if lang:
        env["PASSQ_LANG"] = lang
    return subprocess.run(
        [sys.executable, "-m", "passq", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_help_built_at_import_follows_lang_chosen_later():
    # Help texts are evaluated when passq.cli is imported: lazily, so an import under
    # PASSQ_LANG=id still shows English for --lang en, and passq.cli installs Click's translations.
    english = run_passq("--lang", "en", "add", "--help", lang="id")
    assert english.returncode == 0, english.stderr
    assert "Usage: passq add [OPTIONS] {APP_NO}" in english.stdout
    assert "Applicant's name." in english.stdout
    assert "Nama pemohon" not in english.stdout
    indonesian = run_passq("add", "--help", lang="id")
    assert "Penggunaan: passq add [OPTIONS] {APP_NO}" in indonesian.stdout
    assert "Nama pemohon." in indonesian.stdout


def test_no_option_says_its_default_twice() -> None:
    # An option whose help states its default ("[default: …]") hides typer's own.
    from typer.main import get_command

    def commands(command, path: str, parent=None):
        context = command.context_class(command, info_name=path, parent=parent)
        yield path, command, context
        for name, sub in getattr(command, "commands", {}).items():
            yield from commands(sub, name, context)

    shown = [
        (f"{context.command_path} {param.opts[0]}", param.get_help_record(context))
        for _path, command, context in commands(get_command(app), "passq")
        for param in command.params
        if param.param_type_name == "option"
    ]
    assert len(shown) > 100  # the walk sees every command's options
    assert [name for name, (_opts, text) in shown if text.count("[default:") > 1] == []
