"""``dualdiff quiz``: the lecture's quizzes worked by the library, and generated ones.

* ``quiz 1`` — Quiz #1 (:mod:`.one`).
* ``quiz 2`` — backprop through a two-hidden-layer sigmoid network (:mod:`.network`).
* ``quiz confusion`` — perturbation confusion, live (:mod:`.confusion`).
* ``quiz new`` — a generated quiz and its answer key (:mod:`.generated`).

Each option belongs to some quizzes only; passing it to another is a usage
error naming the quizzes it applies to.
"""

from __future__ import annotations

from typing import Any

from ... import output
from ...errors import UsageProblem
from . import confusion, generated, network, one

APPLIES = {"--sizes": ("2",), "--seed": ("2", "new"), "--ops": ("new",), "--mode": ("new",),
           "--answers": ("new",), "--format": ("new",), "--standalone": ("new",)}


def _check(which: str, given: dict[str, Any]) -> None:
    for option, value in given.items():
        if value not in (None, False, "table") and which not in APPLIES[option]:
            quizzes = " and ".join(f"`dualdiff quiz {q}`" for q in APPLIES[option])
            raise UsageProblem(f"{option} applies to {quizzes} only")


def main(which: str, sizes: str | None, seed: int | None, ops: int | None, mode: str | None, fmt: str,
         answers: bool, standalone: bool, as_json: bool) -> None:
    _check(which, {"--sizes": sizes, "--seed": seed, "--ops": ops, "--mode": mode, "--answers": answers,
                   "--format": fmt, "--standalone": standalone})
    if which == "new":
        quiz = generated.solve(seed, ops, mode)
        if as_json:
            output.emit_json("quiz", generated.to_json(quiz, answers))
        elif fmt == "markdown":
            output.write_text(generated.markdown(quiz, answers))
        elif fmt == "latex":
            output.write_text(generated.latex(quiz, answers, standalone))
        else:
            output.emit(generated.render_table(quiz, answers))
        return
    if which == "2":
        result: Any = network.solve(network.parse_sizes(sizes), 0 if seed is None else seed)
        output.show("quiz", result, network.render, network.to_json, as_json)
    elif which == "1":
        output.show("quiz", one.solve(), one.render, one.to_json, as_json)
    else:
        output.show("quiz", confusion.solve(), confusion.render, confusion.to_json, as_json)
