"""The workspace file: globs, where it is found, and the versions a shared-file diff
asks for."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcpmint.spec.diagnostics import SpecError
from mcpmint.workspace.config import find_workspace, load_workspace
from mcpmint.workspace.outcome import next_version

SPEC = "mcpmint: 1\nserver: {name: x}\ntools: []\n"


def test_a_glob_lists_every_match_with_its_own_folder(tmp_path: Path) -> None:
    for team in ("b", "a"):
        (tmp_path / "teams" / team).mkdir(parents=True)
        (tmp_path / "teams" / team / "spec.yaml").write_text(SPEC)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "orders.yaml").write_text(SPEC)
    ws = tmp_path / "mcpmint-workspace.yaml"
    ws.write_text(
        "mcpmint-workspace: 1\nservers:\n"
        "  - spec: teams/*/spec.yaml\n"
        "  - {spec: 'specs/*.yaml', out: 'services/{stem}'}\n"
    )
    servers = load_workspace(ws).servers
    assert [
        (s.spec.relative_to(tmp_path), s.out.relative_to(tmp_path)) for s in servers
    ] == [
        (Path("teams/a/spec.yaml"), Path("teams/a")),
        (Path("teams/b/spec.yaml"), Path("teams/b")),
        (Path("specs/orders.yaml"), Path("services/orders")),
    ]


def test_a_glob_with_one_fixed_out_folder_is_a_duplicate(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(SPEC)
    ws = tmp_path / "ws.yaml"
    ws.write_text("mcpmint-workspace: 1\nservers:\n  - {spec: '*.yaml', out: gen}\n")
    with pytest.raises(SpecError) as caught:
        load_workspace(ws, display="ws.yaml")
    assert [d.format() for d in caught.value.diagnostics] == [
        "ws.yaml:3:22: error: servers[0].out: out gen is also the project folder of"
        " a.yaml (servers[0])\n  hint: each server needs its own project folder"
    ]


def test_a_wrong_format_version_and_a_missing_list_are_located(tmp_path: Path) -> None:
    ws = tmp_path / "ws.yaml"
    ws.write_text("mcpmint-workspace: 2\n")
    with pytest.raises(SpecError) as caught:
        load_workspace(ws, display="ws.yaml")
    assert [d.format() for d in caught.value.diagnostics] == [
        "ws.yaml:1:1: error: (root): missing required key 'servers'\n"
        "  hint: list the specs: `servers: [{spec: specs/x.yaml, out: services/x}]`",
        "ws.yaml:1:1: error: mcpmint-workspace: unsupported workspace format version\n"
        "  hint: this mcpmint reads `mcpmint-workspace: 1`",
    ]


def test_the_workspace_is_found_upwards_but_not_past_the_repository(
    tmp_path: Path,
) -> None:
    (tmp_path / "mcpmint-workspace.yaml").write_text("")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "specs").mkdir()
    assert find_workspace(repo / "specs") is None
    (repo / "mcpmint-workspace.yaml").write_text("")
    assert find_workspace(repo / "specs") == repo / "mcpmint-workspace.yaml"


@pytest.mark.parametrize(
    ("old", "bump", "needed"),
    [
        ("1.2.3", "major", "2.0.0"),
        ("1.2.3", "minor", "1.3.0"),
        ("1.2.3", "patch", "1.2.4"),
        ("0.3.1", "major", "0.4.0"),  # 0.x: a minor bump may break
        ("0.3.1", "minor", "0.3.2"),
        ("1.2.3", "none", "no bump"),
        (None, "major", "a major bump"),
    ],
)
def test_the_version_a_server_needs(old: str | None, bump: str, needed: str) -> None:
    assert next_version(old, bump) == needed


def test_a_spec_listed_twice_and_a_glob_matching_nothing_are_located(
    tmp_path: Path,
) -> None:
    (tmp_path / "teams" / "a").mkdir(parents=True)
    (tmp_path / "teams" / "a" / "spec.yaml").write_text(SPEC)
    ws = tmp_path / "ws.yaml"
    ws.write_text(
        "mcpmint-workspace: 1\nservers:\n"
        "  - {spec: 'teams/*/spec.yaml', out: 'gen/{folder}'}\n"
        "  - {spec: teams/a/spec.yaml, out: elsewhere}\n"
        "  - {spec: 'apis/*.yaml'}\n"
    )
    with pytest.raises(SpecError) as caught:
        load_workspace(ws, display="ws.yaml")
    assert [d.format() for d in caught.value.diagnostics] == [
        "ws.yaml:4:6: error: servers[1].spec: teams/a/spec.yaml is listed twice\n"
        "  hint: also in servers[0]",
        "ws.yaml:5:6: error: servers[2].spec: no file matches 'apis/*.yaml'\n"
        "  hint: paths are relative to the workspace file's folder",
    ]
    ws.write_text(ws.read_text().split("  - {spec: teams/a")[0])
    (server,) = load_workspace(ws).servers
    assert server.out == tmp_path / "gen" / "a"
