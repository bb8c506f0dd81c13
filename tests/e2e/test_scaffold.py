"""The copier template: new projects pass their own tests; `copier update` keeps user files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from mcpmint.new import copier_answers, new_project

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "templates" / "project"
PYTHON = sys.executable
NETWORK = ("http", "sse", "websocket")

# `mcpmint new` into <name>/ with these answers; the folder name is the project name.
NEW_PROJECTS: dict[str, list[str]] = {
    "plain-defaults": [],
    "over-http": ["transports=http"],
    "over-sse": ["transports=sse"],
    "over-websocket": ["transports=websocket"],
    "every-road": [
        "transports=stdio,http,sse,websocket",
        "dockerfile=false",
        "ci=false",
        "python_version=3.12",
        "author=Ada Lovelace",
    ],
}


def _environment(home: Path) -> dict[str, str]:
    """A git identity and no user-level git or copier settings: CI has neither."""
    settings = home / "copier-settings.yml"
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


def run(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a command; fail the test with its output if it exits non-zero."""
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, f"{args} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def git(env: dict[str, str], cwd: Path, *args: str) -> None:
    run(env, cwd, "git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args)


def commit_all(env: dict[str, str], repo: Path, message: str) -> None:
    git(env, repo, "add", "-A")
    git(env, repo, "commit", "-q", "-m", message)


def project_files(project: Path) -> list[Path]:
    return [p for p in project.rglob("*") if p.is_file() and ".git" not in p.parts]


def run_project_tests(env: dict[str, str], project: Path) -> subprocess.CompletedProcess[str]:
    """The project's own test suite, as its README says to run it (without installing)."""
    return subprocess.run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _environment(tmp_path_factory.mktemp("home"))


# ---- copier update ---------------------------------------------------------------------------

ECHO_HANDLER = '''"""Handler of the tool 'echo': repeats the message."""

from __future__ import annotations

from ..models import EchoInput, EchoOutput
from ..runtime import ToolContext


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


def template_repository(env: dict[str, str], where: Path) -> Path:
    """A git repository laid out like mcpmint's: copier.yml on top, the template below."""
    repo = where / "template"
    (repo / "templates").mkdir(parents=True)
    shutil.copy2(ROOT / "copier.yml", repo / "copier.yml")
    shutil.copytree(TEMPLATE, repo / "templates" / "project")
    git(env, repo, "init", "-q", "-b", "main")
    commit_all(env, repo, "template v1")
    git(env, repo, "tag", "v1")
    return repo


def change_template(env: dict[str, str], repo: Path) -> None:
    """Template v2: one more ignore pattern, and a different starter spec."""
    gitignore = repo / "templates" / "project" / "{{ '.gitignore' }}.jinja"
    gitignore.write_text(gitignore.read_text(encoding="utf-8") + ".tox/\n", encoding="utf-8")
    spec = repo / "templates" / "project" / "spec.yaml.jinja"
    spec.write_text("# starter spec, v2\n" + spec.read_text(encoding="utf-8"), encoding="utf-8")
    commit_all(env, repo, "template v2")
    git(env, repo, "tag", "v2")


def test_copier_update_keeps_user_files_and_rebuilds_generated_ones(
    env: dict[str, str], tmp_path: Path
) -> None:
    template = template_repository(env, tmp_path)
    project = tmp_path / "demo"
    copier = (PYTHON, "-m", "copier")
    run(env, tmp_path, *copier, "copy", "--trust", "--defaults", "--vcs-ref", "v1",
        str(template), str(project))  # fmt: skip
    git(env, project, "init", "-q", "-b", "main")
    commit_all(env, project, "new project")

    handler = project / "demo_server" / "handlers" / "echo.py"
    handler.write_text(ECHO_HANDLER, encoding="utf-8")
    spec = project / "spec.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + SHOUT_TOOL, encoding="utf-8")
    gitignore = project / ".gitignore"
    gitignore.write_text("notes/\n" + gitignore.read_text(encoding="utf-8"), encoding="utf-8")
    commit_all(env, project, "implement echo, add shout")  # not regenerated: update must
    edited = {path: path.read_bytes() for path in (handler, spec)}

    change_template(env, template)
    run(env, project, *copier, "update", "--trust", "--defaults")

    assert {path: path.read_bytes() for path in edited} == edited
    lines = gitignore.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "notes/" and ".tox/" in lines
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["_commit"] == "v2"
    assert (project / "demo_server" / "handlers" / "shout.py").is_file()
    run(env, project, PYTHON, "-m", "mcpmint", "check", "spec.yaml", "-o", ".")
    for path in project_files(project):
        assert path.suffix != ".rej", path
        assert b"<<<<<<<" not in path.read_bytes(), path
    tests = run_project_tests(env, project)
    assert tests.returncode == 0, tests.stdout + tests.stderr


# ---- mcpmint new -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def new_projects(
    env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    where = tmp_path_factory.mktemp("new")

    def scaffold(name: str) -> Path:
        answers = [arg for item in NEW_PROJECTS[name] for arg in ("--data", item)]
        run(env, where, PYTHON, "-m", "mcpmint", "new", name, "--defaults", *answers)
        return where / name

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(NEW_PROJECTS, pool.map(scaffold, NEW_PROJECTS), strict=True))


@pytest.fixture(scope="module")
def new_project_tests(
    env: dict[str, str], new_projects: dict[str, Path]
) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every new project's own tests, two projects at a time."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = pool.map(lambda p: run_project_tests(env, p), new_projects.values())
        return dict(zip(new_projects, runs, strict=True))


@pytest.mark.parametrize("name", NEW_PROJECTS)
def test_a_new_project_passes_its_own_tests_without_edits(
    name: str, new_project_tests: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    done = new_project_tests[name]
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("name", NEW_PROJECTS)
def test_a_new_project_follows_its_answers(
    name: str, env: dict[str, str], new_projects: dict[str, Path]
) -> None:
    project = new_projects[name]
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    package = answers["package_name"]
    assert package == name.replace("-", "_") + "_server"
    spec = yaml.safe_load((project / "spec.yaml").read_text(encoding="utf-8"))
    assert spec["server"] == {
        "name": name,
        "version": "0.1.0",
        "package": package,
        "description": answers["description"],
    }
    assert spec["transports"] == answers["transports"]
    network = any(t in NETWORK for t in spec["transports"])
    assert (project / "Dockerfile").is_file() == (network and answers["dockerfile"])
    assert (project / ".github" / "workflows" / "ci.yml").is_file() == answers["ci"]
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["tool"]["setuptools"]["package-data"] == {
        package: ["tools.json", "py.typed"]
    }
    assert pyproject["project"]["requires-python"] == ">=" + answers["python_version"]
    assert (project / package / "handlers" / "echo.py").is_file()
    run(env, project, PYTHON, "-m", "mcpmint", "check", "spec.yaml", "-o", ".")


def test_new_without_answers_asks_for_a_stdio_server_with_ci(
    new_projects: dict[str, Path],
) -> None:
    project = new_projects["plain-defaults"]
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["transports"] == ["stdio"]
    assert answers["python_version"] == "3.11"
    assert answers["ci"] is True
    assert "dockerfile" not in answers  # not asked without a network transport
    assert not (project / "Dockerfile").exists()
    assert not (project / ".dockerignore").exists()


def test_the_docker_image_serves_every_network_transport_as_a_non_root_user(
    new_projects: dict[str, Path],
) -> None:
    project = new_projects["over-http"]
    dockerfile = (project / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM python:3.11-slim" in dockerfile
    assert "USER 10001" in dockerfile
    assert "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile
    command = '"python", "-m", "over_http_server", "serve", "--host", "0.0.0.0"'
    assert command in dockerfile


def test_the_hook_and_the_workflow_run_mcpmint_check(new_projects: dict[str, Path]) -> None:
    project = new_projects["plain-defaults"]
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (hook,) = config["repos"][0]["hooks"]
    assert config["repos"][0]["repo"] == "local"
    assert hook["entry"] == "mcpmint check spec.yaml -o ."
    workflow = (project / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert "mcpmint check spec.yaml -o ." in workflow
    assert "python -m pytest" in workflow


# ---- the template itself ---------------------------------------------------------------------


def test_the_template_pins_the_mcpmint_it_ships_with() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pin = f'"mcpmint=={version["project"]["version"]}"'
    assert pin in (TEMPLATE / "pyproject.toml.jinja").read_text(encoding="utf-8")
    hook = (TEMPLATE / "{{ '.pre-commit-config.yaml' }}.jinja").read_text(encoding="utf-8")
    assert pin in hook


def test_no_template_file_name_starts_with_a_dot() -> None:
    # setuptools leaves dotfiles out of the wheel, and mcpmint new copies from the wheel.
    assert [p for p in TEMPLATE.rglob(".*")] == []


def test_new_refuses_a_directory_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    code = new_project(tmp_path, data={}, defaults=True, template=None, vcs_ref=None)
    assert code == 2
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_version_needs_a_template_with_git_history(tmp_path: Path) -> None:
    code = new_project(tmp_path / "x", data={}, defaults=True, template=None, vcs_ref="v1")
    assert code == 2
    assert not (tmp_path / "x").exists()


def test_list_answers_may_be_comma_separated() -> None:
    data = {"transports": "stdio,http", "description": "a, b"}
    assert copier_answers(data) == {"transports": "[stdio,http]", "description": "a, b"}
    assert copier_answers({"transports": "[sse]"}) == {"transports": "[sse]"}
