"""Shared pytest configuration: hypothesis profiles only (keep this file minimal).

``HYPOTHESIS_PROFILE=ci`` (what CI may set) prints the reproduction blob of a
failure and never applies a deadline (shared runners have noisy timing).
Tests that need a fixed number of examples say so in their own ``@settings``.
"""

import os

from hypothesis import settings

settings.register_profile("ci", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

