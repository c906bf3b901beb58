"""Convert the app's option values directly instead of through pydantic (a startup cost).

Recent typer releases validate every non-flag parameter with a pydantic
``TypeAdapter``, built lazily when a command runs: importing pydantic and
building the adapters costs about 80 ms, a third of a cold ``dualdiff
compare``. Our parameters are all simple (``str`` lists, ``float``, ``int``,
``str`` and enums), so :func:`install` gives each one a converter of a few
lines with typer's own error type and wording.

typer keeps the converter in a cached attribute, ``_runtime_param``, which is
not public API; :func:`install` only fills it when that attribute exists and
the annotation is one it knows, so on any other typer version it does
nothing and typer converts the values itself. Behaviour is the same either
way (tests run the CLI through whichever path is active).
"""

from __future__ import annotations

import inspect
import types
import typing
from enum import Enum
from typing import Any, Callable

import typer


def _unwrap_optional(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return annotation


def _number(kind: type, label: str) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, kind) and not isinstance(value, bool):
            return value
        try:
            return kind(str(value).strip())
        except ValueError:
            raise ValueError(f"{str(value)!r} is not a valid {label}.") from None

    return convert


def _choice(enum: type[Enum]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, enum):
            return value
        for member in enum:
            if str(member.value) == value:
                return member
        choices = ", ".join(repr(str(m.value)) for m in enum)
        raise ValueError(f"{value!r} is not one of {choices}.")

    return convert


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _converter(annotation: Any) -> tuple[Callable[[Any], Any], bool] | None:
    """``(convert one value, is a list)`` for the annotations we use, else None."""
    annotation = _unwrap_optional(annotation)
    many = typing.get_origin(annotation) is list
    if many:
        annotation = typing.get_args(annotation)[0]
    if annotation is str:
        return _text, many
    if annotation is float:
        return _number(float, "number"), many
    if annotation is int:
        return _number(int, "integer"), many
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _choice(annotation), many
    return None


class _Direct:
    """The object typer asks to convert a parameter's value (duck-typing its RuntimeParam)."""

    def __init__(self, convert: Callable[[Any], Any], many: bool):
        self.convert = convert
        self.many = many

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:
            return [] if self.many else None
        try:
            if self.many:
                return [self.convert(v) for v in value]
            return self.convert(value)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), ctx=ctx, param=param) from None


def _flag(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    raise ValueError(f"{value!r} is not a valid boolean.")


def _converter_for(param: Any, hints: dict[str, Any]) -> tuple[Callable[[Any], Any], bool] | None:
    if getattr(param, "is_flag", False) and getattr(param, "is_bool_flag", True):
        return _flag, False  # --json, and --help itself
    if param.name in hints:
        return _converter(hints[param.name])
    return None


def install(command: Any, params: Any = None) -> None:
    """Give each simple parameter of a built command a direct converter (see the module doc).

    ``params`` defaults to the command's own; the ``--help`` option is made
    separately by the framework and passed in by the command class.
    """
    callback = getattr(command, "callback", None)
    try:
        hints = typing.get_type_hints(inspect.unwrap(callback)) if callback is not None else {}
    except Exception:  # noqa: BLE001 - unresolvable hints: leave conversion to typer
        hints = {}
    for param in command.params if params is None else params:
        if not hasattr(param, "_runtime_param"):
            continue
        converter = _converter_for(param, hints)
        if converter is not None:
            param._runtime_param = _Direct(*converter)
