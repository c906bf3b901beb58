"""``python -m dualdiff_cli``: the same as the ``dualdiff`` command."""

from .app import main

if __name__ == "__main__":
    main()
