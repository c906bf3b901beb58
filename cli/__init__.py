"""The ``dualdiff`` command line (installed as the package ``dualdiff_cli``).

Commands are ``parse -> call the library -> render``. :mod:`.app` registers
every command one way and is the only module that imports a command;
:mod:`.arguments` and :mod:`.point` parse, :mod:`.compute` and
:mod:`.diagnose` call :mod:`dualdiff`, :mod:`.layout`, :mod:`.tracing` and
:mod:`.output` render (tables that fit 60 to 160 columns, JSON in the shape of
:mod:`.schema`), :mod:`.options` holds the options commands share, and
:mod:`.errors` is the one place failures become messages and exit codes.
Notation, Markdown and LaTeX come from the library (:mod:`dualdiff.render`),
so notebooks show the same tables. Entry point: :func:`dualdiff_cli.app.main`
(``dualdiff``, ``python -m dualdiff`` or ``python -m dualdiff_cli``).
"""
