"""The ``dualdiff`` command line (installed as the package ``dualdiff_cli``).

Commands are ``parse -> call the library -> render``: :mod:`.arguments`
parses, :mod:`.compute` calls :mod:`dualdiff`, the modules of
:mod:`.commands` render rich tables or JSON, and :mod:`.errors` is the one
place failures become messages and exit codes. Entry point:
:func:`dualdiff_cli.app.main` (``dualdiff``, or ``python -m dualdiff_cli``).
"""
