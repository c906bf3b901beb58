"""``python -m dualdiff``: the command line, the same as the ``dualdiff`` command.

Only this entry point imports the CLI (and so rich and typer); ``import dualdiff`` never does.
"""

from dualdiff_cli.app import main

if __name__ == "__main__":
    main()
