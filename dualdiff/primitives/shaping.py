"""(Reserved for the numpy-surface work of issue 14; filled in by its own change.)"""

from __future__ import annotations

__all__: list[str] = []
