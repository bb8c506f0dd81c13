"""Shared schema packages: is the installed one the one the code was generated with?

A server whose spec uses a shared schema file that declares `package:` imports that
package's models instead of generating its own, and records in its models.py
(`SHARED_SCHEMAS`) the sha256 of the shared file each package was generated from. The
package records its own (`__digest__`). When they differ, the models the server was
generated against are not the ones installed: the server refuses to start, and a
client alone warns (`SharedSchemaWarning`), each in one line naming both digests.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from collections.abc import Mapping
from typing import NoReturn

__all__ = ["SharedSchemaWarning", "exit_on_mismatch", "mismatches", "warn_on_mismatch"]

# package -> {"requirement": "geo-schemas==1.2.0", "file": "shared/geo.yaml",
#             "sha256": "<hex>"}: what generated models.py records.
Recorded = Mapping[str, Mapping[str, str]]


class SharedSchemaWarning(UserWarning):
    """An installed shared schema package is not the one the client was generated
    with: its models may not match what the server sends or expects."""


def mismatches(owner: str, recorded: Recorded) -> list[str]:
    """One line per recorded package whose installed `__digest__` differs."""
    found = []
    for package, entry in sorted(recorded.items()):
        try:
            have = str(getattr(importlib.import_module(package), "__digest__", "none"))
        except ImportError:
            have = "none (not installed)"
        want = entry["sha256"]
        if have != want:
            found.append(
                f"{owner} was generated with {package} from {entry['file']} "
                f"(sha256 {want}), but the installed {package} was generated from "
                f"sha256 {have}: regenerate {owner} from its spec, or install the "
                f"{package} generated from that file ({entry['requirement']})"
            )
    return found


def exit_on_mismatch(owner: str, recorded: Recorded) -> None:
    """Return if every shared package matches; else its line on stderr, exit 2."""
    for line in mismatches(owner, recorded)[:1]:
        _fail(owner, line)


def warn_on_mismatch(owner: str, recorded: Recorded) -> None:
    """A SharedSchemaWarning per package that does not match."""
    for line in mismatches(owner, recorded):
        warnings.warn(line, SharedSchemaWarning, stacklevel=3)


def _fail(prog: str, message: str) -> NoReturn:
    print(f"{prog}: error: {message}", file=sys.stderr)
    sys.exit(2)
