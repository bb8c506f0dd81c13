"""The copier template: new projects pass their tests; updates keep the user's files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from mcpmint.new import copier_answers, new_project

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "templates" / "project"
PRE_COMMIT = TEMPLATE / "{{ '.pre-commit-config.yaml' }}.jinja"
PYTHON = sys.executable
Run = subprocess.CompletedProcess[str]


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(read(path))


def append(path: Path, text: str, *, at_start: bool = False) -> None:
    old = read(path)
    path.write_text(text + old if at_start else old + text, encoding="utf-8")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A git identity, and no user-level git or copier settings: CI has neither."""
    settings = tmp_path_factory.mktemp("home") / "copier-settings.yml"
    settings.write_text("defaults: {}\n", encoding="utf-8")
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return {
        **inherited,
        "GIT_AUTHOR_NAME": "Scaffold Test",
        "GIT_AUTHOR_EMAIL": "scaffold@example.invalid",
        "GIT_COMMITTER_NAME": "Scaffold Test",
        "GIT_COMMITTER_EMAIL": "scaffold@example.invalid",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "COPIER_SETTINGS_PATH": str(settings),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def run(env: dict[str, str], cwd: Path, *args: str) -> Run:
    """Run a command; fail the test with its output if it exits non-zero."""
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}{done.stderr}"
    return done


def git(env: dict[str, str], cwd: Path, *args: str) -> None:
    run(env, cwd, "git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args)


def commit_all(env: dict[str, str], repo: Path, message: str) -> None:
    git(env, repo, "add", "-A")
    git(env, repo, "commit", "-q", "-m", message)


def run_project_tests(env: dict[str, str], project: Path) -> Run:
    """The project's own tests, run in place with this interpreter."""
    return subprocess.run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


# ---- copier update -------------------------------------------------------------------

ECHO_HANDLER = '''"""Handler of the tool 'echo': repeats the message."""

from __future__ import annotations

from mcpmint_runtime import ToolContext

from ..models import EchoInput, EchoOutput


async def echo(args: EchoInput, ctx: ToolContext) -> EchoOutput:
    """Repeat the message `times` times."""
    return EchoOutput(text=" ".join([args.message] * args.times))
'''

SHOUT_TOOL = """  - name: shout
    description: The message in capitals.
    inputSchema:
      type: object
      properties:
        message: {type: string, minLength: 1}
      required: [message]
    examples:
      - arguments: {message: hey}
        result: HEY
"""

SHOUT_HANDLER = '''"""Handler of the tool 'shout'."""

from __future__ import annotations

from mcpmint_runtime import ToolContext

from ..models import ShoutInput


async def shout(args: ShoutInput, ctx: ToolContext) -> str:
    """The message in capitals."""
    return args.message.upper()
'''


def template_repository(env: dict[str, str], where: Path) -> Path:
    """A git repository laid out like mcpmint's: copier.yml, then templates/project/."""
    repo = where / "template"
    (repo / "templates").mkdir(parents=True)
    shutil.copy2(ROOT / "copier.yml", repo / "copier.yml")
    shutil.copytree(TEMPLATE, repo / "templates" / "project")
    git(env, repo, "init", "-q", "-b", "main")
    commit_all(env, repo, "template v1")
    git(env, repo, "tag", "v1")
    return repo


def release_template_v2(env: dict[str, str], repo: Path) -> None:
    """One more ignore pattern, and a different starter spec."""
    project = repo / "templates" / "project"
    append(project / "{{ '.gitignore' }}.jinja", ".tox/\n")
    append(project / "spec.yaml.jinja", "# starter spec, v2\n", at_start=True)
    commit_all(env, repo, "template v2")
    git(env, repo, "tag", "v2")


# Two ways to make a project from the template's git repository at tag v1. copier
# records a template path as given, so it gets an absolute one; mcpmint new makes the
# relative one absolute itself.
FROM_GIT = {
    "copier copy": ("copier", "copy", "--trust", "--defaults", "--vcs-ref", "v1",
                    "{template}", "demo"),
    "mcpmint new": ("mcpmint", "new", "demo", "--defaults", "--template", "template",
                    "--vcs-ref", "v1"),
}  # fmt: skip


@pytest.mark.parametrize("how", FROM_GIT)
def test_copier_update_keeps_user_files_and_rebuilds_generated_ones(
    how: str, env: dict[str, str], tmp_path: Path
) -> None:
    template = template_repository(env, tmp_path)
    args = [arg.format(template=template) for arg in FROM_GIT[how]]
    run(env, tmp_path, PYTHON, "-m", *args)
    project = tmp_path / "demo"
    assert Path(read_yaml(project / ".copier-answers.yml")["_src_path"]).is_absolute()
    git(env, project, "init", "-q", "-b", "main")
    commit_all(env, project, "new project")

    handler = project / "demo_server" / "handlers" / "echo.py"
    handler.write_text(ECHO_HANDLER, encoding="utf-8")
    append(project / "spec.yaml", SHOUT_TOOL)
    append(project / ".gitignore", "notes/\n", at_start=True)
    # Not regenerated before committing: the update's own generate run must catch up.
    commit_all(env, project, "implement echo, add shout")
    edited = {path: path.read_bytes() for path in (handler, project / "spec.yaml")}

    release_template_v2(env, template)
    run(env, project, PYTHON, "-m", "copier", "update", "--trust", "--defaults")

    assert {path: path.read_bytes() for path in edited} == edited
    ignored = read(project / ".gitignore").splitlines()
    assert ignored[0] == "notes/" and ".tox/" in ignored
    assert read_yaml(project / ".copier-answers.yml")["_commit"] == "v2"
    assert (project / "demo_server" / "handlers" / "shout.py").is_file()
    run(env, project, PYTHON, "-m", "mcpmint", "check", "spec.yaml", "-o", ".")
    for path in project.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            assert path.suffix != ".rej" and b"<<<<<<<" not in path.read_bytes(), path
    # The new tool's handler is the stub: its tests fail until it is written.
    tests = run_project_tests(env, project)
    assert tests.returncode == 1
    stub = "handler shout is not implemented yet: edit demo_server/handlers/shout.py"
    assert f"\n{stub}\n" in tests.stdout, tests.stdout
    (project / "demo_server" / "handlers" / "shout.py").write_text(
        SHOUT_HANDLER, encoding="utf-8"
    )
    tests = run_project_tests(env, project)
    assert tests.returncode == 0, tests.stdout + tests.stderr


# ---- mcpmint new ---------------------------------------------------------------------

# `mcpmint new <name> --defaults` with these `--data` answers, and what it must make.
NEW_PROJECTS: dict[str, tuple[list[str], dict[str, Any]]] = {
    "plain-defaults": (
        [],
        {"transports": ["stdio"], "dockerfile": False, "ci": True, "python": "3.11"},
    ),
    "over-http": (
        ["transports=http", "dockerfile=false"],
        {"transports": ["http"], "dockerfile": False, "ci": True, "python": "3.11"},
    ),
    "over-sse": (
        ["transports=sse", "ci=false"],
        {"transports": ["sse"], "dockerfile": True, "ci": False, "python": "3.11"},
    ),
    "over-websocket": (
        ["transports=[websocket]", "python_version=3.13"],
        {"transports": ["websocket"], "dockerfile": True, "ci": True, "python": "3.13"},
    ),
    "every-road": (
        ["transports=stdio,http,sse,websocket", "author=Ada Lovelace"],
        {
            "transports": ["stdio", "http", "sse", "websocket"],
            "dockerfile": True,
            "ci": True,
            "python": "3.11",
        },
    ),
}


def assert_project_follows(project: Path, name: str, expected: dict[str, Any]) -> None:
    """The spec, pyproject.toml and the optional files follow the answers."""
    package = name.replace("-", "_") + "_server"
    spec = read_yaml(project / "spec.yaml")
    assert (spec["server"]["name"], spec["server"]["package"]) == (name, package)
    assert spec["transports"] == expected["transports"]
    pyproject = tomllib.loads(read(project / "pyproject.toml"))
    assert pyproject["project"]["requires-python"] == f">={expected['python']}"
    package_data = pyproject["tool"]["setuptools"]["package-data"]
    assert package_data == {package: ["tools.json", "py.typed"]}
    assert (project / package / "handlers" / "echo.py").is_file()
    assert (project / "Dockerfile").is_file() == expected["dockerfile"]
    assert (project / ".dockerignore").is_file() == expected["dockerfile"]
    workflow = project / ".github" / "workflows" / "ci.yml"
    assert workflow.is_file() == expected["ci"]
    if expected["dockerfile"]:
        assert_dockerfile(read(project / "Dockerfile"), package)
    if expected["ci"]:
        assert "mcpmint check spec.yaml -o ." in read(workflow)
        assert "python -m pytest" in read(workflow)


def assert_dockerfile(dockerfile: str, package: str) -> None:
    """Non-root, a health check on /healthz, every network transport on one port."""
    assert "\nUSER 10001:10001\n" in dockerfile
    assert "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile
    assert f'CMD ["python", "-m", "{package}", "serve"]' in dockerfile
    assert "ENV MCP_HOST=0.0.0.0 \\\n    MCP_PORT=8000\n" in dockerfile
    # A writable data directory owned by the non-root user, declared as a volume.
    assert "chown 10001:10001 /data" in dockerfile and 'VOLUME ["/data"]' in dockerfile


@pytest.mark.parametrize("name", NEW_PROJECTS)
def test_mcpmint_new_makes_a_project_that_passes_its_own_tests(
    name: str, env: dict[str, str], tmp_path: Path
) -> None:
    answers, expected = NEW_PROJECTS[name]
    data = [arg for answer in answers for arg in ("--data", answer)]
    run(env, tmp_path, PYTHON, "-m", "mcpmint", "new", name, "--defaults", *data)
    project = tmp_path / name
    assert_project_follows(project, name, expected)
    run(env, project, PYTHON, "-m", "mcpmint", "check", "spec.yaml", "-o", ".")
    # A new project's handler is the stub: its tests fail, naming it, until written.
    tests = run_project_tests(env, project)
    assert tests.returncode == 1
    package = name.replace("-", "_") + "_server"
    handler = project / package / "handlers" / "echo.py"
    stub = f"handler echo is not implemented yet: edit {package}/handlers/echo.py"
    assert f"\n{stub}\n" in tests.stdout, tests.stdout
    handler.write_text(ECHO_HANDLER, encoding="utf-8")
    tests = run_project_tests(env, project)
    assert tests.returncode == 0, tests.stdout + tests.stderr


def test_new_refuses_a_directory_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    code = new_project(tmp_path, data={}, defaults=True, template=None, vcs_ref=None)
    assert code == 2
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_template_version_needs_a_template_with_git_history(tmp_path: Path) -> None:
    dest = tmp_path / "x"
    code = new_project(dest, data={}, defaults=True, template=None, vcs_ref="v1")
    assert code == 2
    assert not dest.exists()


def test_list_answers_may_be_comma_separated() -> None:
    data = {"transports": "stdio,http", "description": "a, b"}
    assert copier_answers(data) == {"transports": "[stdio,http]", "description": "a, b"}
    assert copier_answers({"transports": "[sse]"}) == {"transports": "[sse]"}


# ---- the template itself -------------------------------------------------------------


def test_the_pre_commit_hook_runs_mcpmint_check() -> None:
    text = "".join(
        line for line in read(PRE_COMMIT).splitlines(True) if "{%" not in line
    ).replace("{{ mcpmint_requirement | tojson }}", '"mcpmint"')
    text = text.replace("{{ runtime_requirement | tojson }}", '"mcpmint-runtime"')
    (repo,) = yaml.safe_load(text)["repos"]
    (hook,) = repo["hooks"]
    assert repo["repo"] == "local"
    assert hook["entry"] == "mcpmint check spec.yaml -o ."
    assert hook["pass_filenames"] is False


def test_the_template_pins_the_mcpmint_it_ships_with() -> None:
    version = tomllib.loads(read(ROOT / "pyproject.toml"))["project"]["version"]
    questions = read_yaml(TEMPLATE / "copier.yml")
    assert questions["mcpmint_requirement"]["default"] == f"mcpmint=={version}"
    assert "{{ mcpmint_requirement | tojson }}" in read(
        TEMPLATE / "pyproject.toml.jinja"
    )
    assert "{{ mcpmint_requirement | tojson }}" in read(PRE_COMMIT)


def test_an_index_install_is_pinned_and_a_local_one_required_from_its_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mcpmint import new

    version = tomllib.loads(read(ROOT / "pyproject.toml"))["project"]["version"]
    monkeypatch.setattr(new, "_direct_url", lambda name: None)
    assert new.mcpmint_source() == new.Source(f"mcpmint=={version}", None, None)
    git_url = {
        "url": "https://example.com/mcpmint.git",
        "vcs_info": {"commit_id": "abc"},
    }
    monkeypatch.setattr(new, "_direct_url", lambda name: git_url)
    at = "git+https://example.com/mcpmint.git@abc"
    assert new.mcpmint_source() == new.Source(
        f"mcpmint @ {at}", f"mcpmint-runtime @ {at}#subdirectory=generator", None
    )


def test_a_new_project_installs_from_this_checkout_in_a_fresh_venv(
    env: dict[str, str], tmp_path: Path
) -> None:
    """`pip install -e ".[dev]"` of a project made by this (editable) mcpmint, in a venv
    that has nothing; then its mcpmint check and mypy --strict pass there."""
    made = subprocess.run(
        [PYTHON, "-m", "mcpmint", "new", "fresh", "--defaults"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    project = tmp_path / "fresh"
    table = tomllib.loads(read(project / "pyproject.toml"))["project"]
    assert f"mcpmint @ {ROOT.as_uri()}" in table["optional-dependencies"]["dev"]
    runtime = f"mcpmint-runtime @ {(ROOT / 'generator').as_uri()}"
    assert table["dependencies"] == [runtime]
    hook = read_yaml(project / ".pre-commit-config.yaml")["repos"][0]["hooks"][0]
    assert hook["additional_dependencies"][0] == f"mcpmint @ {ROOT.as_uri()}"
    assert f"mcpmint new: mcpmint is installed from the folder {ROOT}: " in made.stderr
    assert "`copier update` cannot bring template changes" in made.stderr
    ci = read(project / ".github" / "workflows" / "ci.yml")
    assert "python -m mypy --strict fresh_server" in ci
    venv = tmp_path / "venv"
    run(env, tmp_path, PYTHON, "-m", "venv", str(venv))
    python = str(venv / "bin" / "python")
    # No wheel cache: a fresh machine has none, and a wheel cached from an earlier
    # state of this checkout would be installed instead of building it.
    pip = (python, "-m", "pip", "install", "-q", "--no-cache-dir")
    run(env, project, *pip, "-e", ".[dev]")
    run(env, project, python, "-m", "mcpmint", "check", "spec.yaml", "-o", ".")
    run(env, project, python, "-m", "mypy", "--strict", "fresh_server")


def test_no_template_file_name_starts_with_a_dot() -> None:
    # setuptools leaves dotfiles out of the wheel, and `mcpmint new` copies from it.
    assert list(TEMPLATE.rglob(".*")) == []


# ---- hostile answers -----------------------------------------------------------------

HOSTILE = {
    "description": 'a "quoted" \\ {{ 7*7 }} {% raw %} $(touch PWNED) `touch PWNED` é😀',
    "author": 'O\'Brien "x" \\ {{ 1+1 }} ; touch PWNED',
}


def test_hostile_answers_are_written_as_data_and_nothing_runs(
    env: dict[str, str], tmp_path: Path
) -> None:
    # The template's only commands are argv lists naming no answer; answers reach files
    # as escaped strings, and copier renders no answer as a template.
    data = [
        arg for key, value in HOSTILE.items() for arg in ("--data", f"{key}={value}")
    ]
    run(env, tmp_path, PYTHON, "-m", "mcpmint", "new", "demo", "--defaults", *data)
    project = tmp_path / "demo"
    pyproject = tomllib.loads(read(project / "pyproject.toml"))["project"]
    assert pyproject["description"] == HOSTILE["description"]
    assert pyproject["authors"] == [{"name": HOSTILE["author"]}]
    assert (
        read_yaml(project / "spec.yaml")["server"]["description"]
        == HOSTILE["description"]
    )
    assert not list(tmp_path.rglob("PWNED"))
    run(env, project, PYTHON, "-m", "mcpmint", "check", "spec.yaml", "-o", ".")


@pytest.mark.parametrize("key", ["description", "author"])
@pytest.mark.parametrize(
    "bad", ["two\nlines", "a\ttab", "bell\x07", "next\x85line", "sep\u2028x"]
)
def test_answers_that_would_break_the_files_are_refused_and_nothing_is_written(
    tmp_path: Path, key: str, bad: str
) -> None:
    dest = tmp_path / "demo"
    code = new_project(
        dest, data={key: bad}, defaults=True, template=None, vcs_ref=None
    )
    assert code != 0
    assert not dest.exists() or not any(dest.iterdir())


def rendered_dockerfile() -> str:
    """The template's Dockerfile for a project with a network transport."""
    import jinja2

    source = read(TEMPLATE / "{{ 'Dockerfile' if dockerfile else '' }}.jinja")
    context = {
        "project_name": "demo",
        "python_version": "3.11",
        "package_name": "demo_server",
    }
    return (
        jinja2.Environment(undefined=jinja2.StrictUndefined)
        .from_string(source)
        .render(context)
    )


def test_the_dockerfile_health_check_follows_mcp_port(tmp_path: Path) -> None:
    """`docker run -e MCP_PORT=9000` moves the server (no --port in CMD overrides the
    variable) and the health check with it: the check's own code, run with MCP_PORT
    set, reaches /healthz on that port and fails on another. (Docker itself is not
    run: building needs the base image from the network.)"""
    import http.server
    import json
    import threading

    dockerfile = rendered_dockerfile()
    assert "--port" not in dockerfile.split("\nCMD ")[-1]
    (check_line,) = [
        line
        for line in dockerfile.splitlines()
        if line.strip().startswith('CMD ["python", "-c"')
    ]
    command = json.loads(check_line.strip().removeprefix("CMD "))
    assert "8000/healthz" not in command[2]

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/healthz" else 404)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        env = {**os.environ, "MCP_PORT": str(port)}
        done = subprocess.run(
            [PYTHON, *command[1:]], env=env, capture_output=True, timeout=30
        )
        assert done.returncode == 0, done.stderr
        closed = socket_port_closed()
        env = {**os.environ, "MCP_PORT": str(closed)}
        done = subprocess.run(
            [PYTHON, *command[1:]], env=env, capture_output=True, timeout=30
        )
        assert done.returncode != 0
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def socket_port_closed() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
