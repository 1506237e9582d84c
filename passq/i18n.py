"""Translation: every sentence people see goes through `_` (English source text), and the language.

The language is, in order: `--lang` (`set_language`), `PASSQ_LANG`, the system's language
(`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`; on Windows the user's display language), English.
Only `gettext` is imported here: the catalogue costs well under a millisecond to load.
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from datetime import date
    from typing import Any

DOMAIN = "passq"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "id")
LOCALE_DIR = os.path.join(os.path.dirname(__file__), "locale")
SYSTEM_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

# How systems spell the two languages: id_ID.UTF-8, in_ID (Java's old code), Indonesian_Indonesia.
_ALIASES = {
    "id": "id", "in": "id", "ind": "id", "indonesian": "id", "indonesia": "id", "bahasa": "id",
    "en": "en", "eng": "en", "english": "en", "c": "en", "posix": "en",
}  # fmt: skip
_WINDOWS_INDONESIAN = 0x21  # primary language id of LANGID 0x0421 (Indonesian, Indonesia)

_catalogues: dict[str, _gettext.NullTranslations] = {}
_explicit: str | None = None  # set_language's choice; None: read the environment at each use


# --- The language ---------------------------------------------------------------------------


def language_code(text: str | None) -> str | None:
    """The language (`id` or `en`) a code or locale name such as `id_ID.UTF-8` names, if any."""
    if not text:
        return None
    base = re.split(r"[_.@\-]", text.strip(), maxsplit=1)[0].lower()
    return _ALIASES.get(base)


def system_language(environ: Mapping[str, str] | None = None) -> str | None:
    """The system's language if it is one passq speaks: the first of the locale variables set."""
    env = os.environ if environ is None else environ
    for variable in SYSTEM_VARIABLES:
        value = env.get(variable)
        if value:
            # Like gettext: the first variable set decides; LANGUAGE may list several.
            for part in value.split(":"):
                code = language_code(part)
                if code:
                    return code
            return None
    if sys.platform == "win32":
        return _windows_language()
    return None


def _windows_language() -> str | None:
    """The Windows user's display language, if it is one passq speaks."""
    import ctypes

    langid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
    return "id" if langid & 0x3FF == _WINDOWS_INDONESIAN else "en"


def resolve_language(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language to speak: `explicit`, else PASSQ_LANG, else the system's, else English."""
    env = os.environ if environ is None else environ
    for given in (explicit, env.get("PASSQ_LANG")):
        if given:
            return language_code(given) or SOURCE_LANGUAGE  # unknown codes: English
    return system_language(env) or SOURCE_LANGUAGE


def set_language(code: str | None) -> str:
    """Speak `code` (`id`, `en`, `id_ID`…; unknown: English) from now on; None: follow the
    environment again (PASSQ_LANG, the system's language), read at each use."""
    global _explicit
    _explicit = (language_code(code) or SOURCE_LANGUAGE) if code else None
    return language()


def language() -> str:
    """The language sentences are shown in right now (`id` or `en`)."""
    return _explicit or resolve_language()


def check_language(value: str) -> str:
    """`value` as a language code (`id` or `en`), or ValueError with a sentence to show."""
    code = language_code(value)
    if code is None:
        raise ValueError(UNKNOWN_LANGUAGE.format(code=value))
    return code


def language_option(value: str | None) -> str | None:
    """Typer callback of the global, eager `--lang`: a usage error (exit 2) for an unknown code;
    otherwise fixes the language for this command (the given one, else PASSQ_LANG, the system's)."""
    if value:
        try:
            value = check_language(value)
        except ValueError as problem:
            from typer import BadParameter  # the caller is typer: already imported

            raise BadParameter(str(problem)) from None
    set_language(resolve_language(value))
    return value


# --- The catalogue --------------------------------------------------------------------------


def catalogue(code: str | None = None) -> _gettext.NullTranslations:
    """The compiled catalogue of `code` (default: the current language); English has none."""
    code = code or _explicit or resolve_language()
    found = _catalogues.get(code)
    if found is None:
        found = _catalogues[code] = _load(code)
    return found


def _load(code: str) -> _gettext.NullTranslations:
    """Read `locale/<code>/LC_MESSAGES/passq.mo` (no locale lookups: one file, one parse)."""
    if code == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    path = os.path.join(LOCALE_DIR, code, "LC_MESSAGES", DOMAIN + ".mo")
    try:
        with open(path, "rb") as file:
            return _gettext.GNUTranslations(file)
    except OSError:
        return _gettext.NullTranslations()


def gettext(message: str) -> str:
    """`message` (English source text) in the current language."""
    return catalogue().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The sentence for `n` things (English singular and plural) in the current language."""
    return catalogue().ngettext(singular, plural, n)


_ = gettext


def N_(message: str) -> str:
    """Marks `message` for the catalogue without translating it (translated where it is used)."""
    return message


class LazyText:
    """A sentence translated each time it is used, in the language active then: for texts built
    at import time (help, docstrings, constants) before the language is known (after sphinx's
    `sphinx.locale._TranslationProxy`). Not a `str`: convert with `str()` where one is required."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __str__(self) -> str:
        return gettext(self.message)

    def __repr__(self) -> str:
        return f"lazy_gettext({self.message!r})"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "message":  # copy/pickle probing: no recursion
            raise AttributeError(name)
        return getattr(str(self), name)

    def __getstate__(self) -> str:
        return self.message

    def __setstate__(self, message: str) -> None:
        self.message = message

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __len__(self) -> int:
        return len(str(self))

    def __bool__(self) -> bool:
        return bool(self.message)

    def __iter__(self) -> Iterator[str]:
        return iter(str(self))

    def __contains__(self, item: str) -> bool:
        return item in str(self)

    def __getitem__(self, key: int | slice) -> str:
        return str(self)[key]

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other) if isinstance(other, str | LazyText) else NotImplemented

    def __lt__(self, other: str | LazyText) -> bool:
        return str(self) < str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)

    def __mod__(self, values: Any) -> str:
        return str(self) % values

    def __mul__(self, times: int) -> str:
        return str(self) * times


def lazy_gettext(message: str) -> str:
    """`message` translated when it is used, not now (`help=` strings, module-level texts)."""
    # Typed as str: typer and Click take help texts as str, and a LazyText acts as one.
    return LazyText(message)  # type: ignore[return-value]


_l = lazy_gettext

UNKNOWN_LANGUAGE = lazy_gettext(
    "'{code}' is not a language passq speaks: use id (Bahasa Indonesia) or en (English)."
)
LANGUAGE_HELP = lazy_gettext(
    "Language: id (Bahasa Indonesia) or en (English) [default: PASSQ_LANG, else the system's]."
)


# --- Numbers and dates ----------------------------------------------------------------------

_DAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
}
_SHORT_DAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "id": ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"),
}
_MONTHS = {
    "en": ("January February March April May June July August September October November"
           " December").split(),
    "id": ("Januari Februari Maret April Mei Juni Juli Agustus September Oktober November"
           " Desember").split(),
}  # fmt: skip


def format_number(n: float, decimals: int | None = None) -> str:
    """`n` with thousands grouped as the reader writes them: 1,250.5 (en), 1.250,5 (id)."""
    text = f"{n:,}" if decimals is None else f"{n:,.{decimals}f}"
    if language() == "id":
        text = text.translate(str.maketrans(",.", ".,"))
    return text


def format_day(day: date, long: bool = False, year: bool = False) -> str:
    """A day for people: `Kam 27/06` / `Thu 27/06` (`year`: 27/06/2024); `long`:
    `Kamis, 27 Juni 2024` / `Thursday, 27 June 2024`."""
    code = language()
    if long:
        return f"{_DAYS[code][day.weekday()]}, {day.day} {_MONTHS[code][day.month - 1]} {day.year}"
    short = f"{_SHORT_DAYS[code][day.weekday()]} {day.day:02d}/{day.month:02d}"
    return f"{short}/{day.year}" if year else short


def day_name(weekday: int) -> str:
    """The name of weekday 0–6 (Monday first) in the current language (Senin, Monday)."""
    return _DAYS[language()][weekday]


def month_name(month: int) -> str:
    """The name of month 1–12 in the current language (Juni, June)."""
    return _MONTHS[language()][month - 1]


# --- Typer's bundled Click, in the user's language ------------------------------------------

# Typer's own sentences: typer/core.py calls `_` (`from gettext import gettext as _`, the global
# 'messages' domain, never bound), so passq swaps that `_` for its own.
TYPER_MESSAGES = (
    N_("Usage:"),  # typer/_click/formatting.py HelpFormatter.write_usage ("Usage: ")
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("Show this message and exit."),  # typer/_click/decorators.py help_option
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("Aborted!"),
    N_("Missing command."),
    N_("No such command {name!r}."),
)

# Sentences typer/_click writes as f-strings (no gettext there): each English template is matched
# when the message is shown and replaced by its translation, its {fields} carried over.
CLICK_MESSAGES = (
    N_("{message}. Did you mean {suggestions}?"),  # typer/core.py TyperGroup.resolve_command
    N_("No such option: {name}"),  # _click/exceptions.py NoSuchOption
    N_("Option {name} does not take a value."),  # _click/parser.py
    N_("Option {name} requires an argument."),  # _click/parser.py
    N_("Got unexpected extra argument(s) ({args})"),  # _click/core.py Command.parse_args
    N_("{value} is not a valid int."),  # _click/types.py _NumberParamTypeBase
    N_("{value} is not a valid int range."),
    N_("{value} is not a valid float."),
    N_("{value} is not a valid float range."),
    N_("{value} is not in the range {range}."),  # _click/types.py _NumberRangeBase
)

# What passq shows around them (typer/_click/exceptions.py, rewritten with whole sentences).
CLICK_FRAMES = (
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Invalid value for {param}: {message}"),
    N_("Invalid value: {message}"),
    N_("Missing argument {param}."),
    N_("Missing option {param}."),
    N_("Missing parameter {param}."),
    N_("{message} (Possible options: {options})"),
)


def _template_pattern(template: str) -> re.Pattern[str]:
    """A regular expression matching `template` with each {field} captured."""
    parts = re.split(r"\{(\w+)\}", template)
    pattern = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
    )
    return re.compile(pattern + r"\Z")


_click_patterns: list[tuple[str, re.Pattern[str]]] = []


def click_message(message: str) -> str:
    """One of Click's English messages in the current language (unknown ones as they are)."""
    if not _click_patterns:
        _click_patterns.extend((t, _template_pattern(t)) for t in CLICK_MESSAGES)
    for template, pattern in _click_patterns:
        found = pattern.match(message)
        if found:
            fields = found.groupdict()
            if "message" in fields:
                fields["message"] = click_message(fields["message"])
            return gettext(template).format(**fields)
    return message


def _help(value: Any) -> Any:
    """A help text as shown now: lazy texts rendered, English ones looked up in the catalogue."""
    if isinstance(value, LazyText):
        return str(value)
    if isinstance(value, str) and value:
        return gettext(value)
    return value


class _TranslatedText:
    """The `help` (`short_help`, `epilog`) of a Click command or parameter: kept as given, read
    in the language active when help is rendered."""

    def __init__(self, name: str) -> None:
        self.slot = "_passq_" + name

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return _help(obj.__dict__.get(self.slot))

    def __set__(self, obj: object, value: Any) -> None:
        obj.__dict__[self.slot] = value


def _in_source_language(build: Callable[..., Any]) -> Callable[..., Any]:
    """`build` run in English: typer flattens command help to `str` while building commands,
    so lazy texts become their English msgid there and `_TranslatedText` translates at render."""

    def built(*args: Any, **kwargs: Any) -> Any:
        global _explicit
        saved, _explicit = _explicit, SOURCE_LANGUAGE
        try:
            return build(*args, **kwargs)
        finally:
            _explicit = saved

    built.__wrapped__ = build  # type: ignore[attr-defined]
    return built


def _fresh_language(run: Callable[..., Any]) -> Callable[..., Any]:
    """`run` (typer's main) starting from the environment's language: `--lang` is per command."""

    def main(*args: Any, **kwargs: Any) -> Any:
        set_language(None)
        return run(*args, **kwargs)

    main.__wrapped__ = run  # type: ignore[attr-defined]
    return main


def install_click_translations() -> None:
    """Make typer's bundled Click speak the current language: help headings, help texts (lazy or
    English, translated at render time), usage errors. Exit codes are untouched. Idempotent."""
    import typer.core
    import typer.main
    from typer._click import core, exceptions, formatting
    from typer._click.utils import echo

    if getattr(typer.core, "_passq_translated", False):
        return
    typer.core._passq_translated = True  # type: ignore[attr-defined]
    typer.core._ = gettext  # type: ignore[attr-defined]
    typer.core._main = _fresh_language(typer.core._main)
    typer.main.get_command_from_info = _in_source_language(typer.main.get_command_from_info)
    typer.main.get_group_from_info = _in_source_language(typer.main.get_group_from_info)
    for name in ("help", "short_help", "epilog"):
        setattr(core.Command, name, _TranslatedText(name))
    core.Parameter.help = _TranslatedText("help")  # type: ignore[attr-defined]

    write_usage = formatting.HelpFormatter.write_usage

    def translated_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, gettext("Usage:") + " " if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = translated_usage  # type: ignore[method-assign]

    def show_error(self: Any, file: Any = None) -> None:
        message = gettext("Error: {message}").format(message=self.format_message())
        echo(message, file=file, err=file is None, color=self.show_color)

    def show_usage_error(self: Any, file: Any = None) -> None:
        ctx, color = self.ctx, None
        if ctx is not None:
            color = ctx.color
            hint = ""
            if ctx.command.get_help_option(ctx) is not None:
                hint = gettext("Try '{command} {option}' for help.").format(
                    command=ctx.command_path, option=ctx.help_option_names[0]
                )
                hint += "\n"
            echo(f"{ctx.get_usage()}\n{hint}", file=file, err=file is None, color=color)
        message = gettext("Error: {message}").format(message=self.format_message())
        echo(message, file=file, err=file is None, color=color)

    def plain_message(self: Any) -> str:
        return click_message(self.message)

    def bad_parameter(self: Any) -> str:
        message = click_message(self.message)
        hint = self.param_hint
        if hint is None and self.param is not None:
            hint = self.param.get_error_hint(self.ctx)
        if hint is None:
            return gettext("Invalid value: {message}").format(message=message)
        param = exceptions._join_param_hints(hint)
        return gettext("Invalid value for {param}: {message}").format(param=param, message=message)

    missing_parameter_english = exceptions.MissingParameter.format_message

    def missing_parameter(self: Any) -> str:
        hint = self.param_hint
        if hint is None and self.param is not None:
            hint = self.param.get_error_hint(self.ctx)
        kind = self.param_type or (self.param.param_type_name if self.param else None)
        extra = None
        if self.param is not None:
            extra = self.param.type.get_missing_message(param=self.param, ctx=self.ctx)
        sentence = _MISSING.get(kind or "")
        if hint is None or sentence is None or self.message or extra:
            return click_message(missing_parameter_english(self))
        return gettext(sentence).format(param=exceptions._join_param_hints(hint))

    def no_such_option(self: Any) -> str:
        message = click_message(self.message)
        if not self.possibilities:
            return message
        options = ", ".join(sorted(self.possibilities))
        return gettext("{message} (Possible options: {options})").format(
            message=message, options=options
        )

    exceptions.ClickException.show = show_error  # type: ignore[method-assign]
    exceptions.UsageError.show = show_usage_error  # type: ignore[method-assign]
    exceptions.ClickException.format_message = plain_message  # type: ignore[method-assign]
    exceptions.BadParameter.format_message = bad_parameter  # type: ignore[method-assign]
    exceptions.MissingParameter.format_message = missing_parameter  # type: ignore[method-assign]
    exceptions.NoSuchOption.format_message = no_such_option  # type: ignore[method-assign]


_MISSING = {
    "argument": "Missing argument {param}.",
    "option": "Missing option {param}.",
    "parameter": "Missing parameter {param}.",
}
