"""One module per command, each ``parse -> call the library -> render``.

Every module has ``main(...)`` (what the app calls), a function that computes
a small result object, ``render(result)`` returning a rich renderable, and
``to_json(result)`` returning the ``--json`` document. The modules import
dualdiff (and so numpy) and rich; the app imports them only when a command
runs, so ``dualdiff --help`` stays fast.
"""
