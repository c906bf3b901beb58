"""The one JSON schema of every ``--json`` document, as data (a JSON Schema subset).

Every document is an object with ``schema`` (:data:`SCHEMA_VERSION`) and
``command`` first; then either the command's result or, on failure,
``error: {kind, message, exit_code}`` (and the same exit code as without
``--json``). The vocabulary is shared by all commands:

* the differentiation variable is ``wrt`` (a list for ``symbolic``, which
  takes several ``--wrt``);
* methods and modes have one name each (:data:`METHODS`): ``forward``,
  ``reverse``, ``compiled`` (reverse mode as generated code), ``symbolic``, ``central``, ``richardson``, ``complex-step``,
  ``five-point``, ``forward-difference``, ``closed-form``;
* a cost is ``{"count": 2, "unit": "jvp pass"}``; a point ``{"x": 2.0}``;
* non-finite numbers are ``null`` (JSON has no NaN or inf).

The README's "JSON output" section documents the same; the test suite
validates every command's output against :func:`schema_for`.
"""

from __future__ import annotations

from typing import Any

SCHEMA_VERSION = "dualdiff-cli/1"

METHODS = ("forward", "reverse", "compiled", "symbolic", "central", "richardson", "complex-step",
           "five-point", "forward-difference", "closed-form")
"""Every method and mode name a document may contain."""

ERROR_KINDS = ("usage", "not-defined", "overflow", "internal")

STR: dict[str, Any] = {"type": "string"}
INT: dict[str, Any] = {"type": "integer"}
BOOL: dict[str, Any] = {"type": "boolean"}
NUMBER: dict[str, Any] = {"type": "number"}
NULL: dict[str, Any] = {"type": "null"}


def maybe(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, NULL]}


def obj(properties: dict[str, Any], extra: dict[str, Any] | bool = False) -> dict[str, Any]:
    """An object with exactly these (required) properties, or extra keys matching ``extra``."""
    return {"type": "object", "properties": properties, "required": list(properties),
            "additionalProperties": extra}


def mapping(values: dict[str, Any]) -> dict[str, Any]:
    """An object of any keys (variable names, method names) with values of one schema."""
    return {"type": "object", "properties": {}, "required": [], "additionalProperties": values}


def array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def one_of(*values: Any) -> dict[str, Any]:
    return {"enum": list(values)}


FINITE = maybe(NUMBER)
POINT = mapping(NUMBER)
VECTOR = mapping(FINITE)
COST = obj({"count": INT, "unit": STR})
METHOD = one_of(*METHODS)

NODE = obj({"id": INT, "name": STR, "op": STR, "inputs": array({"anyOf": [STR, NUMBER]}), "value": NUMBER,
            "tangent": {"anyOf": [FINITE, mapping(FINITE)]}, "adjoint": FINITE, "partials": array(FINITE),
            "used_by": array(STR)})
TRACE_OUTPUT = obj({"name": maybe(STR), "value": NUMBER, "tangent": FINITE, "gradient": maybe(VECTOR)})

COMPARE_METHOD = obj({
    "kind": one_of("ad", "symbolic", "finite-difference"), "label": STR, "gradient": maybe(VECTOR),
    "cost": maybe(COST), "seconds": FINITE, "first_call_seconds": FINITE, "samples": INT,
    "step": maybe(POINT), "error_estimate": maybe(VECTOR), "max_abs_difference": FINITE,
    "digits": maybe(INT), "note": maybe(STR)})

RESULTS: dict[str, dict[str, Any]] = {
    "compare": {
        "expression": STR, "point": POINT, "value": NUMBER, "reference": maybe(METHOD),
        "methods": {"type": "object", "properties": {}, "required": [], "additionalProperties": COMPARE_METHOD,
                    "propertyNames": METHOD},
        "timing": obj({"statistic": one_of("median"), "rounds": INT, "setup_seconds": NUMBER, "note": STR}),
        "caption": STR},
    "grad": {"expression": STR, "point": POINT, "mode": one_of("forward", "reverse", "central"),
             "value": NUMBER, "gradient": VECTOR, "cost": COST, "step": maybe(POINT),
             "error_estimate": maybe(VECTOR), "warnings": array(STR)},
    "jvp": {"expression": STR, "point": POINT, "mode": one_of("forward"), "tangent": POINT,
            "outputs": array(STR), "value": array(NUMBER), "jvp": array(NUMBER), "cost": COST},
    "jacobian": {"expression": STR, "point": POINT, "outputs": array(STR), "variables": array(STR),
                 "value": array(NUMBER), "jacobian": array(array(NUMBER)), "mode": one_of("forward", "reverse"),
                 "reason": STR, "cost": COST},
    "derivative": {"expression": STR, "point": POINT, "wrt": STR, "mode": one_of("forward"), "order": INT,
                   "value": NUMBER, "derivative": NUMBER, "derivatives": array(NUMBER)},
    "functions": {"functions": array(obj({"name": STR, "call": STR, "aliases": array(STR), "derivative": STR,
                                          "note": STR})),
                  "constants": POINT},
    "trace": {"expression": STR, "point": POINT, "mode": one_of("forward", "reverse", "both"), "wrt": STR,
              "shared": BOOL, "nodes": array(NODE), "output": TRACE_OUTPUT},
    "graph": {"expression": STR, "point": maybe(POINT), "shared": BOOL, "title": STR, "at_point": BOOL,
              "nodes": array(obj({"key": STR, "name": STR, "text": STR, "kind": one_of("input", "op", "constant"),
                                  "value": FINITE, "adjoint": FINITE})),
              "edges": array(obj({"source": STR, "target": STR, "partial": FINITE})), "output": maybe(STR)},
    "symbolic": {"expression": STR, "point": maybe(POINT), "wrt": array(STR), "shared": BOOL,
                 "derivatives": mapping(obj({"expression": maybe(STR), "tree_size": INT, "dag_size": INT,
                                             "value": FINITE, "forward": FINITE, "reverse": FINITE}))},
    "codegen": {"expression": STR, "point": POINT, "mode": one_of("forward", "reverse"), "wrt": array(STR),
                "function": STR, "parameters": array(STR), "returns": STR, "source": STR},
    "fd-sweep": {"expression": STR, "point": POINT, "wrt": STR,
                 "reference": obj({"mode": one_of("forward"), "value": NUMBER}), "steps": array(NUMBER),
                 "errors": obj({m: array(FINITE) for m in ("forward-difference", "central", "five-point")}),
                 "best_step": obj({m: FINITE for m in ("forward-difference", "central", "five-point")}),
                 "default_step": obj({m: FINITE for m in ("forward-difference", "central", "five-point")}),
                 "plot": maybe(STR)},
}
"""Each command's result keys (besides ``schema`` and ``command``)."""

NETWORK_METHODS = ("reverse", "forward", "closed-form", "central")
MATRICES = obj({"alpha1": array(array(NUMBER)), "alpha2": array(array(NUMBER)), "beta": array(NUMBER)})

QUIZZES: dict[str, dict[str, Any]] = {
    "1": {"expression": STR, "point": POINT, "value": NUMBER, "nodes": array(NODE),
          "methods": obj({m: obj({"gradient": VECTOR, "cost": COST}) for m in ("forward", "reverse", "central")}),
          "answer": array(INT)},
    "2": {"sizes": array(INT), "seed": INT, "x": array(NUMBER), "weights": MATRICES, "y": NUMBER,
          "gradients": obj({m: MATRICES for m in NETWORK_METHODS}), "cost": obj({m: COST for m in NETWORK_METHODS}),
          "max_abs_difference": mapping(NUMBER), "max_relative_difference": mapping(NUMBER)},
    "confusion": {"question": STR, "correct": NUMBER,
                  "tagged": obj({"result": NUMBER, "steps": array(obj({"step": STR, "value": STR}))}),
                  "untagged": obj({"result": NUMBER, "steps": array(obj({"step": STR, "value": STR}))}),
                  "explanation": STR},
    "new": {"seed": INT, "ops": INT, "mode": one_of("forward", "reverse"), "expression": STR, "point": POINT,
            "wrt": STR, "blank": one_of("tangent", "adjoint"), "answers": BOOL, "task": STR, "nodes": array(NODE),
            "answer": maybe(VECTOR)},
}


def _document(command: str, body: dict[str, Any]) -> dict[str, Any]:
    return obj({"schema": one_of(SCHEMA_VERSION), "command": one_of(command), **body})


def error_schema(command: str | None = None) -> dict[str, Any]:
    """The ``--json`` error document (of ``command``, or of any command)."""
    return obj({"schema": one_of(SCHEMA_VERSION), "command": one_of(command) if command else STR,
                "error": obj({"kind": one_of(*ERROR_KINDS), "message": STR, "exit_code": one_of(1, 2)})})


def schema_for(command: str) -> dict[str, Any]:
    """The schema a ``--json`` document of ``command`` satisfies: its result, or an error."""
    if command == "quiz":
        results = [_document("quiz", {"quiz": one_of(name), **body}) for name, body in QUIZZES.items()]
    else:
        results = [_document(command, RESULTS[command])]
    return {"anyOf": [*results, error_schema(command)]}


COMMANDS = (*RESULTS, "quiz")
