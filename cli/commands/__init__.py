"""One module per command (``quiz`` is a package: its helpers sit beside it), each
``parse -> call the library -> render``.

Every module has ``main(...)`` (what the app calls), a function that computes
a small result object, a renderer for the terminal and ``to_json(result)``
for ``--json``. Commands import the shared pieces of :mod:`dualdiff_cli`,
never each other; only :mod:`dualdiff_cli.app` imports them, when a command
runs, so ``dualdiff --help`` does not pay for numpy.
"""
