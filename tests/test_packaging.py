"""The installed package must contain every module: an editable install hides a missing one.

The README's main command is `pip install . && dualdiff compare` (a regular, non-editable
install); a subpackage missing from pyproject.toml's explicit package list would only break
there. This checks the list against the source tree, and builds a wheel to look inside it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {"dualdiff": ROOT / "dualdiff", "dualdiff_cli": ROOT / "cli"}


def source_packages() -> set[str]:
    found = set()
    for name, folder in SOURCES.items():
        for init in folder.rglob("__init__.py"):
            parts = init.parent.relative_to(folder).parts
            found.add(".".join((name,) + parts))
    return found


def declared_packages() -> set[str]:
    text = (ROOT / "pyproject.toml").read_text()
    listed = re.search(r"^packages\s*=\s*\[(.*?)\]", text, re.M | re.S).group(1)
    return set(re.findall(r'"([^"]+)"', listed))


def test_every_package_in_the_tree_is_declared():
    assert source_packages() == declared_packages()


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the source checkout")
def test_the_wheel_contains_every_module(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    if built.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {built.stderr.strip()[-200:]}")
    (wheel,) = tmp_path.glob("dualdiff-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name, folder in SOURCES.items():
        for module in folder.rglob("*.py"):
            inside = Path(name, *module.relative_to(folder).parts).as_posix()
            assert inside in names, f"{inside} is missing from the wheel"
