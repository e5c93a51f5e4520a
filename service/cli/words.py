"""Typer's (and its Click's) own words in Bahasa Indonesia: usage, help, refusals, prompts.

Typer prints three kinds of its own text, and each has its hook here:

- the words ``typer.core`` sends through ``gettext`` (section titles, ``[required]``, ``No such
  command``): ``install`` gives that module a ``gettext`` backed by our catalogue
  (``mappings/messages/cli_words.py``); a test keeps ``MESSAGES`` complete against it;
- the usage line and the ``--help`` option of every command: ``Bahasa`` (mixed into our command
  and group classes, which ``BahasaTyper`` uses for every command it declares);
- the refusals of parsing (``Missing option``, ``No such option``, ``Invalid value``) and
  ``Aborted!``: ``run`` parses without Click's standalone mode and ``refusal`` says each in
  Bahasa, one ``galat:`` line after the usage, never repeating the value that was typed.
"""

from __future__ import annotations

import difflib
import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, NoReturn

import typer
from typer import _click
from typer.core import TyperCommand, TyperGroup

from mappings.messages import t

# typer.core's English message id -> catalogue key.
MESSAGES: Mapping[str, str] = MappingProxyType(
    {
        "Aborted!": "click.aborted",
        "Missing command.": "click.missing_command",
        "No such command {name!r}.": "click.no_such_command",
        "Options": "click.options",
        "Arguments": "click.arguments",
        "Commands": "click.commands",
        "env var: {var}": "click.env_var",
        "default: {default}": "click.default",
        "(dynamic)": "click.dynamic",
        "required": "click.required",
    }
)
GETTEXT_MODULES = ("typer.core",)


def gettext(message: str) -> str:
    """The Bahasa text of one of Typer's message ids; the fields the catalogue text leaves out
    (the typed value) are not shown, as ``str.format`` ignores unused fields."""
    key = MESSAGES.get(message)
    return message if key is None else t(key)


def install() -> None:
    """Give ``typer.core`` our ``gettext`` (idempotent; done when the CLI starts)."""
    for name in GETTEXT_MODULES:
        importlib.import_module(name)._ = gettext  # type: ignore[attr-defined]


class Bahasa:
    """Usage line, metavars and the ``--help`` option's own help in Bahasa Indonesia."""

    def get_help_option(self, ctx: _click.Context) -> Any:
        """Click's help option, described by the catalogue."""
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = t("click.show_help")
        return option

    def format_usage(self, ctx: _click.Context, formatter: Any) -> None:
        """``Pemakaian: ekinerja-sync konflik show [OPSI] {conflict_id}``."""
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=f"{t('click.usage')} ")


class BahasaCommand(Bahasa, TyperCommand):
    """A leaf command speaking Bahasa Indonesia."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options_metavar = t("click.options_metavar")


class BahasaGroup(Bahasa, TyperGroup):
    """A command group speaking Bahasa Indonesia; as the root it also renders refusals."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options_metavar = t("click.options_metavar")
        self.subcommand_metavar = t("click.subcommand_metavar")
        self.suggest_commands = False  # suggested in Bahasa by ``refusal``

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        """Click's lookup; an unknown command is refused with the close names (not the typed one)."""
        try:
            return super().resolve_command(ctx, args)
        except _click.exceptions.UsageError as exc:
            close = difflib.get_close_matches(str(args[0]), list(self.commands)) if args else []
            exc.message = _with_suggestion(exc.message, close)
            raise

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Install the words, then run; in standalone mode refusals are said in Bahasa."""
        install()

        def parse_and_run() -> Any:
            return super(BahasaGroup, self).main(
                args, prog_name, complete_var, False, windows_expand_args, **extra
            )

        if not standalone_mode:
            return parse_and_run()
        run(parse_and_run)


def run(main: Callable[[], Any]) -> NoReturn:
    """Run a non-standalone Click ``main`` and exit as standalone Click would, in Bahasa."""
    try:
        code = main()
    except _click.exceptions.ClickException as exc:
        typer.echo(refusal(exc), err=True)
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo(t("click.aborted"), err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def refusal(exc: _click.exceptions.ClickException) -> str:
    """What to print for a refusal of Click: usage and hint, then one ``galat:`` line."""
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, _click.exceptions.NoArgsIsHelpError) and ctx is not None:
        return str(ctx.get_help())
    line = f"{t('common.error_prefix')}: {problem(exc)}"
    if ctx is None:
        return line
    hint = t("click.try_help", command=ctx.command_path, option=ctx.help_option_names[0])
    return f"{ctx.get_usage()}\n{hint}\n\n{line}"


def problem(exc: _click.exceptions.ClickException) -> str:
    """The refusal itself, from the catalogue, naming the option but never the typed value."""
    errors = _click.exceptions
    if isinstance(exc, errors.MissingParameter):
        kind = "click.missing_argument" if _is_argument(exc.param) else "click.missing_option"
        return t("click.missing", what=t(kind), name=_hint(exc))
    if isinstance(exc, errors.BadParameter):
        return t("click.invalid_value_for", param_hint=_hint(exc), message=_bad_value(exc))
    if isinstance(exc, errors.NoSuchOption):
        return _with_suggestion(t("click.no_such_option"), exc.possibilities or [])
    if isinstance(exc, errors.BadOptionUsage):
        return t("click.option_usage", name=exc.option_name)
    if isinstance(exc, errors.UsageError):
        return _usage_problem(exc)
    return t("click.unknown_error")


def _usage_problem(exc: _click.exceptions.UsageError) -> str:
    message = exc.format_message()
    if message.startswith((t("click.no_such_command"), t("click.missing_command"))):
        return message
    if message.startswith("Got unexpected extra argument"):
        return t("click.extra_argument")
    return t("click.usage_unclear")


def _with_suggestion(message: str, possibilities: Any) -> str:
    found = sorted(possibilities)
    if not found:
        return message
    return f"{message} {t('click.did_you_mean', possibility=', '.join(found))}"


def _bad_value(exc: _click.exceptions.BadParameter) -> str:
    choices = getattr(getattr(exc.param, "type_descriptor", None), "choices", None)
    if choices:
        return t("click.not_choices", choices=", ".join(str(getattr(c, "value", c)) for c in choices))
    return t("click.value_unusable")


def _hint(exc: _click.exceptions.BadParameter) -> str:
    if exc.param_hint is not None:
        hint = exc.param_hint
        return hint if isinstance(hint, str) else " / ".join(hint)
    return exc.param.get_error_hint() if exc.param is not None else "?"


def _is_argument(param: Any) -> bool:
    return getattr(param, "param_type_name", "") == "argument"


class BahasaTyper(typer.Typer):
    """A ``typer.Typer`` whose groups and commands speak Bahasa Indonesia (``Bahasa``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", BahasaGroup)
        kwargs.setdefault("rich_markup_mode", None)
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Any:
        """``typer.Typer.command`` with ``BahasaCommand`` as the command class."""
        kwargs.setdefault("cls", BahasaCommand)
        return super().command(*args, **kwargs)
