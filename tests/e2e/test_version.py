"""The distribution's version is server.version: new projects read it from the
generated package; an old static version that differs is a warning naming its line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PYTHON = sys.executable

SPEC = """\
mcpmint: 1
server:
  name: ver
  version: {version}
  package: ver_server
transports: [stdio]
tools:
  - name: ping
    description: Answer.
    inputSchema: {{type: object}}
"""


def generate(root: Path, version: str) -> subprocess.CompletedProcess[str]:
    (root / "spec.yaml").write_text(SPEC.format(version=version), encoding="utf-8")
    done = subprocess.run(
        [PYTHON, "-m", "mcpmint", "generate", "spec.yaml", "-o", "out"],
        cwd=root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def built_version(project: Path, dist: Path) -> str:
    """The version of the sdist setuptools builds from the project (PEP 517)."""
    build = f"import setuptools.build_meta as b; print(b.build_sdist({str(dist)!r}))"
    done = subprocess.run(
        [PYTHON, "-c", build], cwd=project, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    name = done.stdout.splitlines()[-1]
    (dist / name).unlink()
    return name.removeprefix("ver-server-").removesuffix(".tar.gz")


def test_the_built_version_follows_server_version(tmp_path: Path) -> None:
    first = generate(tmp_path, "1.2.0")
    assert "warning" not in first.stderr, first.stderr
    init = (tmp_path / "out/ver_server/__init__.py").read_text(encoding="utf-8")
    assert init.rstrip().endswith('__version__ = "1.2.0"')
    assert init.index("require_runtime(__name__") < init.index("__version__ =")
    assert built_version(tmp_path / "out", tmp_path / "dist") == "1.2.0"
    again = generate(tmp_path, "1.3.0")
    assert "warning" not in again.stderr, again.stderr
    assert built_version(tmp_path / "out", tmp_path / "dist") == "1.3.0"


def test_a_static_version_that_is_not_server_version_is_a_warning(
    tmp_path: Path,
) -> None:
    generate(tmp_path, "1.2.0")
    pyproject = tmp_path / "out/pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    text = text.replace('dynamic = ["version"]', 'version = "0.1.0"')
    text = text.replace('version = {attr = "ver_server.__version__"}\n', "")
    pyproject.write_text(text, encoding="utf-8")
    line = text.splitlines().index('version = "0.1.0"') + 1
    expected = (
        f'{Path("out/pyproject.toml")}:{line}: warning: version = "0.1.0" is not '
        "server.version 1.2.0: a release would keep the old version; set it, or "
        'replace it with `dynamic = ["version"]` and `[tool.setuptools.dynamic] '
        'version = {attr = "ver_server.__version__"}`'
    )
    for _ in range(2):  # the up-to-date fast path warns too
        done = generate(tmp_path, "1.2.0")
        assert done.stderr.splitlines().count(expected) == 1, done.stderr
    pyproject.write_text(text.replace('"0.1.0"', '"1.2.0"'), encoding="utf-8")
    assert "warning" not in generate(tmp_path, "1.2.0").stderr
