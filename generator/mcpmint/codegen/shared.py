"""A shared schema file that declares `package:` → a small installable models package.

`pyproject.toml`, `<package>/__init__.py` (one class per definition, named after it,
`__version__` and `__digest__`), `<package>/models.py`, `py.typed` and a README, every
file generated. The models are rendered as a server's are, with every definition a
model whether or not a server uses it.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from mcpmint.codegen.lower import relative_spec_path
from mcpmint.codegen.render import render_template, shared_provenance_text
from mcpmint.models import cached_render_models
from mcpmint.output.files import GENERATED_MARK, RenderedFile
from mcpmint.output.pins import MODELS_REQUIREMENTS
from mcpmint.spec.diagnostics import SpecError
from mcpmint.spec.load import LoadedSpec
from mcpmint.spec.packages import class_names, file_digest
from mcpmint.spec.shared import declared_package, shared_packages
from mcpmint.spec.source import WorkingTree

_TEMPLATES = {
    "shared/pyproject.toml.jinja": "pyproject.toml",
    "shared/__init__.py.jinja": "{pkg}/__init__.py",
    "shared/README.md.jinja": "README.md",
}


def render_shared_package(
    loaded: LoadedSpec, out: Path
) -> tuple[str, dict[PurePosixPath, RenderedFile]]:
    """The package name and every file of the package of a validated shared file
    (external refs inlined)."""
    declared = declared_package(loaded.data)
    if declared is None:
        error = loaded.diagnostic(
            "error",
            (),
            "this shared schema file declares no `package:`, so there is no models "
            "package to generate",
            "add `package: <python_name>` (and `version:`) beside `$defs`",
        )
        raise SpecError([error])
    pkg, version = declared
    defs = loaded.data["$defs"]
    own = [name for name in defs if name not in loaded.origins]  # not inlined ones
    imported = {k: (d.module, d.class_name) for k, d in loaded.shared.items()}
    models = cached_render_models([], defs, every_def=True, imported=imported)
    spec_rel = relative_spec_path(loaded.path, out)
    header = (
        f"# {GENERATED_MARK} from {spec_rel}. DO NOT EDIT.\n"
        f"# Regenerate: mcpmint generate {spec_rel} -o .\n"
    )
    uses = shared_packages(loaded)
    context = {
        "header": header,
        "pkg": pkg,
        "distribution": pkg.replace("_", "-"),
        "version": version,
        "digest": file_digest(WorkingTree().read_bytes(loaded.path)),
        "source_name": loaded.path.name,
        "spec_path": spec_rel,
        "regenerate": f"mcpmint generate {spec_rel} -o .",
        "class_names": sorted(class_names(own).values()),
        "requirements": [*MODELS_REQUIREMENTS, *(p.requirement for p in uses)],
    }
    files = {
        PurePosixPath(target.format(pkg=pkg)): RenderedFile(
            render_template(template, context), "generated"
        )
        for template, target in _TEMPLATES.items()
    }
    models_text = header + "\n" + models.source + shared_provenance_text(uses)
    files[PurePosixPath(pkg, "models.py")] = RenderedFile(models_text, "generated")
    files[PurePosixPath(pkg, "py.typed")] = RenderedFile(header, "generated")
    return pkg, dict(sorted(files.items()))
