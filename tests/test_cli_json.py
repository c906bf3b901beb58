"""One JSON schema for every command: each ``--json`` document, results and errors, validated
against ``dualdiff_cli.schema`` by a small validator written here (no jsonschema dependency),
and the README's "JSON output" section checked to name every key of it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dualdiff_cli import schema
from dualdiff_cli.app import app

runner = CliRunner()
README = (Path(__file__).resolve().parent.parent / "README.md").read_text()

_TYPES = {"string": str, "boolean": bool, "object": dict, "array": list, "null": type(None)}


def problems(value: Any, rule: dict[str, Any], path: str = "$") -> list[str]:
    """Why ``value`` does not satisfy ``rule`` (empty when it does): the JSON Schema subset
    ``type``, ``enum``, ``anyOf``, ``properties``, ``required``, ``additionalProperties``,
    ``propertyNames`` and ``items`` that ``dualdiff_cli.schema`` uses."""
    if "anyOf" in rule:
        failures = [problems(value, option, path) for option in rule["anyOf"]]
        if all(failures):
            return [f"{path}: matches none of {len(failures)} options; closest: {min(failures, key=len)}"]
        return []
    if "enum" in rule and value not in rule["enum"]:
        return [f"{path}: {value!r} is not one of {rule['enum']}"]
    kind = rule.get("type")
    if kind == "integer" and not (isinstance(value, int) and not isinstance(value, bool)):
        return [f"{path}: {value!r} is not an integer"]
    if kind == "number" and not (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return [f"{path}: {value!r} is not a number"]
    if kind in _TYPES and not isinstance(value, _TYPES[kind]):
        return [f"{path}: {type(value).__name__} is not {kind}"]
    found: list[str] = []
    if kind == "object":
        properties = rule.get("properties", {})
        found += [f"{path}: missing {key!r}" for key in rule.get("required", []) if key not in value]
        for key, item in value.items():
            if "propertyNames" in rule:
                found += problems(key, rule["propertyNames"], f"{path} key")
            if key in properties:
                found += problems(item, properties[key], f"{path}.{key}")
            elif rule.get("additionalProperties") is False:
                found.append(f"{path}: unexpected key {key!r}")
            elif isinstance(rule.get("additionalProperties"), dict):
                found += problems(item, rule["additionalProperties"], f"{path}.{key}")
    if kind == "array":
        for i, item in enumerate(value):
            found += problems(item, rule["items"], f"{path}[{i}]")
    return found


def test_the_validator_rejects_what_it_should():
    rule = schema.schema_for("grad")
    good = {"schema": schema.SCHEMA_VERSION, "command": "grad", "expression": "x", "point": {"x": 1.0},
            "mode": "reverse", "value": 1.0, "gradient": {"x": 1.0}, "cost": {"count": 1, "unit": "backward sweep"},
            "step": None, "error_estimate": None, "warnings": []}
    assert problems(good, rule) == []
    for bad in ({**good, "mode": "fd"}, {**good, "wrt": "x"}, {k: v for k, v in good.items() if k != "cost"},
                {**good, "cost": {"count": 1.5, "unit": "x"}}, {**good, "value": "1"}, {**good, "command": "jvp"},
                {**good, "gradient": {"x": "1"}}):
        assert problems(bad, rule), bad
    error = {"schema": schema.SCHEMA_VERSION, "command": "grad",
             "error": {"kind": "usage", "message": "m", "exit_code": 2}}
    assert problems(error, rule) == []
    assert problems({**error, "error": {"kind": "oops", "message": "m", "exit_code": 2}}, rule)


RUNS = [
    ["compare"], ["compare", "abs(x) * y", "x=1", "y=2"], ["compare", "sqrt(x)", "x=1e-12"],
    ["grad", "x^2*y", "x=3", "y=2"], ["grad", "x^2*y", "x=3", "y=2", "--mode", "central"],
    ["grad", "x^2*y", "x=3", "y=2", "--mode", "forward"],
    ["jvp", "x*y; x+y", "x=1", "y=2", "--tangent", "x=1"], ["jacobian", "x*y; sin(x)", "x=1", "y=2"],
    ["derivative", "sin(x)", "x=1", "--order", "3"], ["functions"], ["functions", "log"],
    ["trace", "exp(x*z) + x*z/log(x) + sin(log(x))/(x*z)", "x=2", "z=3"],
    ["trace", "x*y + sin(x)", "x=1", "y=2", "--mode", "reverse", "--no-share"], ["trace", "sign(x)", "x=2"],
    ["graph", "x*y + sin(x)", "x=1", "y=2"], ["graph", "2*pi*x + x^2"],
    ["symbolic", "x^2 * sin(x)"], ["symbolic", "relu(x) * y", "x=2", "y=3", "--wrt", "y"],
    ["quiz", "1"], ["quiz", "2"], ["quiz", "confusion"], ["quiz", "new", "--seed", "3"],
    ["quiz", "new", "--seed", "3", "--mode", "reverse", "--answers"],
    ["fd-sweep"], ["fd-sweep", "sqrt(x)", "x=0.05"],
    ["codegen", "exp(x*z) + x*z/log(x)", "x=2", "z=3"], ["codegen", "x*y", "x=1", "y=2", "--mode", "reverse"],
]

ERRORS = [
    ["compare", "log(x)", "x=-1"], ["grad", "sinn(x)", "x=1"], ["grad", "1/(1+exp(-x))", "x=-800"],
    ["jvp", "x*y", "x=1", "y=2"], ["jacobian", "x; y", "x=1"], ["derivative", "x*y", "x=1", "y=2"],
    ["functions", "sinn"], ["trace", "x", "x=1", "--digits", "99"], ["graph", "x +* 1"],
    ["symbolic", "relu(x) * x"], ["quiz", "new", "--ops", "99"], ["quiz", "3"], ["fd-sweep", "--plot", "x.gif"],
    ["codegen", "x*y", "x=1", "y=2", "--mode", "reverse", "--wrt", "x"],
]


def _json(args: list[str]) -> tuple[int, dict[str, Any], str]:
    result = runner.invoke(app, [*args, "--json"])
    return result.exit_code, json.loads(result.stdout), result.stderr


@pytest.mark.parametrize("args", RUNS, ids=[" ".join(a)[:40] for a in RUNS])
def test_every_command_output_matches_the_schema(args):
    code, document, stderr = _json(args)
    assert code == 0 and stderr == ""
    assert problems(document, schema.schema_for(args[0])) == []
    assert list(document)[:2] == ["schema", "command"] and "error" not in document


@pytest.mark.parametrize("args", ERRORS, ids=[" ".join(a)[:40] for a in ERRORS])
def test_every_command_error_is_the_error_schema(args):
    code, document, stderr = _json(args)
    assert code in (1, 2) and stderr == ""
    assert problems(document, schema.error_schema(args[0])) == []
    assert document["error"]["exit_code"] == code
    plain = runner.invoke(app, args)  # the same failure without --json: same code, same message on stderr
    assert plain.exit_code == code and plain.stdout == ""
    assert document["error"]["message"] in plain.stderr


def test_every_command_is_exercised():
    assert {a[0] for a in RUNS} == {a[0] for a in ERRORS} == set(schema.COMMANDS)


def _keys(rule: dict[str, Any]) -> set[str]:
    found = set(rule.get("properties", {}))
    for part in rule.get("anyOf", []):
        found |= _keys(part)
    return found


def test_readme_documents_every_key_of_every_command():
    section = README.split("## JSON output", 1)[1].split("\n## ", 1)[0]
    for command in schema.COMMANDS:
        assert f"`{command}`" in section, command
        for key in _keys(schema.schema_for(command)):
            assert re.search(rf"`{re.escape(key)}`", section), (command, key)
    for name in (*schema.METHODS, *schema.ERROR_KINDS):
        assert f"`{name}`" in section, name
