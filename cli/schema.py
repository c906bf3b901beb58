"""The JSON schema of every ``--json`` document (filled in below)."""

SCHEMA_VERSION = "dualdiff-cli/1"
