"""Notebook views: a table in Markdown, LaTeX or HTML wherever a result is displayed.

:class:`NotebookViews` gives a result class ``_repr_markdown_``, ``_repr_latex_``
and ``_repr_html_`` drawn by :mod:`dualdiff.render`'s ``<view>_markdown``,
``<view>_latex`` and ``<view>_html`` (Jupyter calls them; no Jupyter is needed).
"""

from __future__ import annotations

from typing import Any

from . import render


def _renderer(name: str) -> Any:
    return getattr(render, name)


class NotebookViews:
    """Mixin: ``_view`` names the renderers, ``_latex_array`` asks for an array environment."""

    __slots__ = ()
    _view: str = ""
    _latex_array: bool = False

    def _repr_markdown_(self) -> str:
        return _renderer(f"{self._view}_markdown")(self)

    def _repr_latex_(self) -> str:
        render = _renderer(f"{self._view}_latex")
        return "$$" + (render(self, array=True) if self._latex_array else render(self)) + "$$"

    def _repr_html_(self) -> str:
        return _renderer(f"{self._view}_html")(self)
