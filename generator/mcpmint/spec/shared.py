"""Shared schema files, and the ones that declare a models package.

A shared file holds `$defs` that specs refer to (`shared/geo.yaml#/$defs/Address`);
it has no `mcpmint:`, `server:` or `tools:`. With `package: geo_schemas` (and
optionally `version: 1.2.0`) it is also a Python package of its own, one model per
definition (`mcpmint generate shared/geo.yaml -o DIR`), and every server whose `$ref`s
reach one of those definitions imports that model instead of generating a copy: the
orders server's `Address` and the shipping server's are then one class.

Which server definitions come from such a package is recorded by `refs` while it
inlines them (`LoadedSpec.shared`); `shared_packages` lists the packages a spec uses.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from mcpmint.spec.diagnostics import Diagnostic
from mcpmint.spec.load import LoadedSpec
from mcpmint.spec.naming import is_package_name
from mcpmint.spec.packages import SharedDef, SharedPackage, class_names, file_digest

# Keys that make a file a server spec rather than a shared schema file.
SPEC_KEYS = ("mcpmint", "server", "tools")
DEFAULT_VERSION = "0.1.0"
# PEP 440 versions as people write them: 1, 1.2.0, 2.0.0rc1, 1.0.post1, 1.0.dev3.
_VERSION = re.compile(r"\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?")


def is_shared_file(data: Any) -> bool:
    """Whether loaded data is a shared schema file (`$defs` or `package:`, and none of
    a server spec's keys) rather than a server spec."""
    return (
        isinstance(data, dict)
        and ("$defs" in data or "package" in data)
        and not any(k in data for k in SPEC_KEYS)
    )


def declared_package(data: Any) -> tuple[str, str] | None:
    """`(package, version)` when a shared file declares a valid models package."""
    if not is_shared_file(data):
        return None
    package, version = data.get("package"), data.get("version", DEFAULT_VERSION)
    if not (isinstance(package, str) and is_package_name(package)):
        return None
    if not (isinstance(version, str) and _VERSION.fullmatch(version)):
        return None
    return package, version


def shared_def(
    loaded: LoadedSpec, pointer: str, path: str, raw: bytes
) -> SharedDef | None:
    """The package model a `$ref` to `pointer` in `loaded` (read from `path`, relative
    to the spec's folder) names; None unless the file declares a package and the
    pointer is a whole definition (`/$defs/Address`)."""
    declared = declared_package(loaded.data)
    tokens = pointer.split("/")
    if declared is None or len(tokens) != 3 or tokens[:2] != ["", "$defs"]:
        return None
    defs = loaded.data.get("$defs")
    if not isinstance(defs, dict) or tokens[2] not in defs:
        return None
    package = SharedPackage(*declared, path, file_digest(raw))
    return SharedDef(package, tokens[2], class_names([tokens[2]])[tokens[2]])


def shared_packages(loaded: LoadedSpec) -> tuple[SharedPackage, ...]:
    """The models packages a loaded spec (external refs inlined) imports from, by
    package name: package, distribution, version, shared file and its digest."""
    found = {d.package.package: d.package for d in loaded.shared.values()}
    return tuple(found[name] for name in sorted(found))


def shared_file_problems(
    loaded: LoadedSpec, reserved: Collection[str] = ()
) -> list[Diagnostic]:
    """The rules of a shared file's own keys: `package`, `version`, `$defs`, and class
    names that are the definitions' names (`reserved`: names the models module takes
    for itself)."""
    data = loaded.data
    if not isinstance(data, dict):
        return [loaded.diagnostic("error", (), "a shared schema file is a mapping")]
    found = []
    package = data.get("package")
    if "package" in data and not (
        isinstance(package, str) and is_package_name(package)
    ):
        found.append(
            loaded.diagnostic(
                "error",
                ("package",),
                f"{package!r} is not a Python package name",
                "use letters, digits and underscores, not starting with a digit: "
                "geo_schemas",
            )
        )
    version = data.get("version")
    if "version" in data and not (
        isinstance(version, str) and _VERSION.fullmatch(version)
    ):
        found.append(
            loaded.diagnostic(
                "error",
                ("version",),
                f"{version!r} is not a version",
                "a release number such as 1.2.0 (quoted if YAML reads it as a number)",
            )
        )
    if "version" in data and "package" not in data:
        found.append(
            loaded.diagnostic(
                "error", ("version",), "`version` without `package`", _PACKAGE_HINT
            )
        )
    defs = data.get("$defs")
    if not isinstance(defs, dict):
        found.append(
            loaded.diagnostic(
                "error",
                ("$defs",) if "$defs" in data else (),
                "a shared schema file needs a `$defs` mapping of named schemas",
            )
        )
    elif "package" in data:
        found += _class_name_problems(loaded, defs, reserved)
    return found


_PACKAGE_HINT = "add `package: <python_name>` to generate a models package"


def _class_name_problems(
    loaded: LoadedSpec, defs: dict[str, Any], reserved: Collection[str]
) -> list[Diagnostic]:
    """Every definition of a package must get its own name as its class name."""
    found = []
    owner: dict[str, str] = {}
    for name, class_name in class_names(defs).items():
        where = ("$defs", name)
        if class_name in reserved or not class_name.isidentifier():
            message = f"definition {name!r} cannot be the model class {class_name!r}"
            hint = "the models module uses that name itself: rename the definition"
            found.append(loaded.diagnostic("error", where, message, hint))
        elif class_name in owner:
            message = (
                f"definitions {owner[class_name]!r} and {name!r} would both be the "
                f"model class {class_name!r}"
            )
            found.append(
                loaded.diagnostic("error", where, message, "rename one of them")
            )
        owner.setdefault(class_name, name)
    return found
