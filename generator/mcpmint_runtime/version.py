"""The version gate: generated code states the runtime range it was made for.

A generated package calls `require_runtime` when it is imported, so a runtime
outside that range fails at once, with one line saying what to install, instead of
an AttributeError somewhere later. No dependency on `packaging`: the ranges the
generator writes use only `>=`, `>`, `<=`, `<`, `==` and `!=` on release numbers.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable

DISTRIBUTION = "mcpmint-runtime"

_CLAUSE = re.compile(r"\s*(>=|<=|==|!=|>|<)\s*(\d+(?:\.\d+)*)\s*")
_COMPARE: dict[str, Callable[[tuple[int, ...], tuple[int, ...]], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}


def release(version: str) -> tuple[int, ...]:
    """`0.2.1` → `(0, 2, 1)`; a pre- or post-release suffix is ignored."""
    found = re.match(r"\d+(?:\.\d+)*", version.strip())
    if found is None:
        raise ValueError(f"not a version: {version!r}")
    return tuple(int(part) for part in found.group().split("."))


def in_range(version: str, spec: str) -> bool:
    """Whether `version` satisfies every clause of `spec` (`>=0.2,<0.3`)."""
    have = release(version)
    for clause in spec.split(","):
        found = _CLAUSE.fullmatch(clause)
        if found is None:
            raise ValueError(f"not a version range: {spec!r}")
        op, bound = found.group(1), release(found.group(2))
        width = max(len(have), len(bound))  # 0.2 == 0.2.0
        padded = have + (0,) * (width - len(have))
        if not _COMPARE[op](padded, bound + (0,) * (width - len(bound))):
            return False
    return True


def require_runtime(package: str, spec: str) -> None:
    """Raise ImportError unless the installed runtime is in `spec`, in one line."""
    from . import __version__

    if not in_range(__version__, spec):
        raise ImportError(
            f"{package} was generated for {DISTRIBUTION}{spec}, but "
            f"{DISTRIBUTION} {__version__} is installed: "
            f'pip install "{DISTRIBUTION}{spec}" (or regenerate {package} with a '
            "matching mcpmint)"
        )
