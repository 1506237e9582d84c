"""Issue 11: random text in every option and argument of every command (hypothesis) never ends
in a traceback: exit 0, 1 or 2, and a refusal says something on standard error."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from passq.cli import app

NOW = "2024-06-27T08:00"
# A valid value for each parameter, so that the one under test is what is random.
VALID = {
    "app_no": "A1",
    "app_nos": "A1",
    "text": "pemohon",
    "name": "Budi",
    "reason": "smudged",
    "day": "28/06/2024",
    "capacity": "10",
    "key": "office",
    "value": "Cilacap",
    "path": "copy.db",
    "file": "books.csv",
    "db": "demo.db",
    "size": "3",
    "output": "out.csv",
}
# Parameters a command cannot do without.
REQUIRED = {
    "add": ("app_no", "name"),
    "cancel": ("reason",),
    "failed": ("reason",),
    "calendar on": ("capacity",),
    "demo": ("size", "db"),
    "export": ("output",),
}
GLOBAL = ("--db", "--now", "--operator", "--lang", "--busy-timeout")


def _commands() -> dict[str, object]:
    found: dict[str, object] = {}

    def walk(command, path: list[str]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(sub, [*path, name])
        else:
            found[" ".join(path)] = command

    walk(typer.main.get_command(app), [])
    return found


COMMANDS = _commands()


def _safe_path(text: str) -> str:
    """Random text as a path inside the test's folder (never a path outside it)."""
    return text.replace("..", "").lstrip("/~\\") or "x"


def _invocation(name: str, command, under_test: str, text: str, flags: list[str]) -> list[str]:
    """The command with valid values everywhere but `under_test`, which gets `text`."""
    positional: list[str] = []
    options: list[str] = []
    for param in command.params:
        is_path = "Path" in type(param.type).__name__
        value = text if param.name == under_test else None
        if value is not None and is_path:
            value = _safe_path(value)
        if getattr(param, "opts", [""])[0].startswith("-"):
            if getattr(param, "is_flag", False):
                if param.opts[0] in flags:
                    options.append(param.opts[0])
                continue
            if value is None and param.name in REQUIRED.get(name, ()):
                value = VALID.get(param.name, "1")
            if value is not None:
                options += [param.opts[0], value]
        else:
            required = param.required or param.name in REQUIRED.get(name, ())
            if value is None and required:
                value = VALID.get(param.name, "1")
            if value is not None:
                positional.append(value)
    return [*name.split(), *positional, *options]


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    """A database with a few books, a batch, a printed book; each example works on a copy."""
    folder = tmp_path_factory.mktemp("office")
    db = folder / "passq.db"
    runner = CliRunner()
    base = ["--db", str(db), "--now", NOW, "--operator", "ani"]
    for args in (
        ["add", "A1", "--name", "Pemohon Satu", "--travel", "03/07/2024"],
        ["add", "A2", "--name", "Pemohon Dua", "--phone", "0812-3456-7890"],
        ["add", "A3", "--name", "Pemohon Tiga"],
        ["next-batch", "--size", "2"],
        ["printed", "A3"],
    ):
        assert runner.invoke(app, [*base, *args]).exit_code == 0
    (folder / "books.csv").write_text("app_no,name\nB1,Budi\n", encoding="utf-8")
    return folder


def _run(office: Path, args: list[str], global_under_test: tuple[str, str] | None, stdin: str):
    work = Path(tempfile.mkdtemp(dir=office))
    try:
        for name in ("passq.db", "books.csv"):
            shutil.copy(office / name, work / name)
        options = {"--db": str(work / "passq.db"), "--now": NOW, "--operator": "ani"}
        if global_under_test is not None:
            option, text = global_under_test
            options[option] = work / _safe_path(text) if option == "--db" else text
        argv = [str(part) for pair in options.items() for part in pair]
        cwd = os.getcwd()
        os.chdir(work)
        try:
            env = {"PASSQ_DB": None, "PASSQ_NOW": None, "PASSQ_OPERATOR": None}
            env |= {"HOME": str(work), "XDG_CONFIG_HOME": str(work)}
            return CliRunner().invoke(app, [*argv, *args], input=stdin, env=env)
        finally:
            os.chdir(cwd)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _check(result, args) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args,
        repr(result.exception),
    )
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr, args
    if result.exit_code:
        assert result.stderr.strip(), (args, result.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(COMMANDS))
@settings(
    max_examples=int(os.environ.get("PASSQ_FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_text_in_any_option_or_argument_is_never_a_traceback(office, name, data) -> None:
    command = COMMANDS[name]
    params = [p.name for p in command.params if not getattr(p, "is_flag", False)]
    flags = [p.opts[0] for p in command.params if getattr(p, "is_flag", False)]
    target = data.draw(st.sampled_from([*params, *GLOBAL, "stdin"]), label="under test")
    # A command line cannot hold a NUL character (execve ends each argument at one); standard
    # input can. Bytes that are not UTF-8 reach Python as \udc80-\udcff (surrogateescape).
    undecodable = st.sampled_from([chr(c) for c in range(0xDC80, 0xDD00)])
    characters = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
    argv_text = st.text(st.one_of(characters, undecodable), max_size=40)
    text = data.draw(st.text(max_size=40) if target == "stdin" else argv_text, label="text")
    chosen = data.draw(st.lists(st.sampled_from(flags), unique=True) if flags else st.just([]))
    global_under_test = (target, text) if target in GLOBAL else None
    stdin = text if target == "stdin" else ""
    under_test = target if target in params else ""
    args = _invocation(name, command, under_test, text, chosen)
    if target == "stdin" and name == "printed":
        args = ["printed", "-"]
    _check(_run(office, args, global_under_test, stdin), (args, global_under_test, stdin))
