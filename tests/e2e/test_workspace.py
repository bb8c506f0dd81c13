"""Many servers at once: a real git repository with a shared schema file, two server
specs and a workspace file, driven through the `mcpmint` command.

One `generate` of both servers is shared by the module (generation takes ~1 s per
spec); each test works on its own copy of the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

GEO = """\
# Shared between the orders and shipping teams.
$defs:
  PostalCode: {type: string, pattern: "^[0-9]{5}$"}
  Address:
    type: object
    properties:
      street: {type: string}
      zip: {$ref: "#/$defs/PostalCode"}
    required: [street, zip]
  Country: {type: string, minLength: 2, maxLength: 2}
"""
ORDERS = """\
mcpmint: 1
server: {name: orders, version: 1.0.0}
tools:
  - name: ship_order
    description: Ship an order to an address.
    inputSchema:
      type: object
      properties:
        to: {$ref: "shared/geo.yaml#/$defs/Address"}
      required: [to]
"""
SHIPPING = """\
mcpmint: 1
server: {name: shipping, version: 0.3.0}
tools:
  - name: quote
    description: Price of shipping to a postal code.
    inputSchema:
      type: object
      properties:
        zip: {$ref: "shared/geo.yaml#/$defs/PostalCode"}
      required: [zip]
"""
WORKSPACE = """\
mcpmint-workspace: 1
servers:
  - spec: specs/orders.yaml
    out: services/orders
  - spec: specs/shipping.yaml
    out: services/shipping
"""
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


def mcpmint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mcpmint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


def narrow_postal_code(repo: Path) -> None:
    geo = repo / "specs" / "shared" / "geo.yaml"
    geo.write_text(GEO.replace("{5}", "{4}"), encoding="utf-8")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository, both servers generated and committed."""
    repo = tmp_path_factory.mktemp("ws") / "repo"
    (repo / "specs" / "shared").mkdir(parents=True)
    (repo / "specs" / "shared" / "geo.yaml").write_text(GEO, encoding="utf-8")
    (repo / "specs" / "orders.yaml").write_text(ORDERS, encoding="utf-8")
    (repo / "specs" / "shipping.yaml").write_text(SHIPPING, encoding="utf-8")
    (repo / "mcpmint-workspace.yaml").write_text(WORKSPACE, encoding="utf-8")
    done = mcpmint(repo, "generate")  # the module's one generation
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        "specs/orders.yaml → services/orders: 19 created, 0 updated, 0 unchanged,"
        " 0 kept, 0 orphaned, 0 deleted"
    )
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "two servers")
    return repo


@pytest.fixture
def repo(generated: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(generated, copy, symlinks=True)
    return copy


def test_check_over_the_workspace_gives_one_line_per_server(generated: Path) -> None:
    done = mcpmint(generated, "check")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        "specs/orders.yaml → services/orders: up to date\n"
        "specs/shipping.yaml → services/shipping: up to date\n"
        "2 of 2 projects up to date\n"
    )
    # from a subfolder, the workspace is found in the parent
    assert mcpmint(generated / "specs", "check", "-q").returncode == 0
    done = mcpmint(generated, "check", "--fail-on-stubs")
    assert done.returncode == 1
    assert "specs/orders.yaml → services/orders: 1 handler still a stub\n" in (
        done.stdout
    )


def test_an_edit_to_the_shared_file_makes_both_servers_stale(repo: Path) -> None:
    narrow_postal_code(repo)
    assert mcpmint(repo, "check", "--quiet").stdout == ""
    done = mcpmint(repo, "check")
    assert done.returncode == 1
    status = [line for line in done.stdout.splitlines() if " → " in line]
    assert status == [
        "specs/orders.yaml → services/orders: 2 files out of date",
        "specs/shipping.yaml → services/shipping: 2 files out of date",
    ]
    assert "stale: orders_server/models.py" in done.stdout
    assert done.stderr == "to refresh the generated files: run mcpmint generate\n"


def test_a_bad_workspace_is_refused_with_located_errors_and_nothing_written(
    repo: Path,
) -> None:
    (repo / "bad.yaml").write_text(
        WORKSPACE.replace("services/shipping", "services/orders")
        + "  - spec: specs/billing.yaml\n    outt: services/billing\n",
        encoding="utf-8",
    )
    done = mcpmint(repo, "generate", "--workspace", "bad.yaml")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "bad.yaml:6:5: error: servers[1].out: out services/orders is also the"
        " project folder of specs/orders.yaml (servers[0])\n"
        "  hint: each server needs its own project folder\n"
        "bad.yaml:7:5: error: servers[2].spec: spec specs/billing.yaml does not"
        " exist\n"
        "  hint: paths are relative to the workspace file's folder\n"
        "bad.yaml:8:5: error: servers[2].outt: unknown key 'outt'\n"
        "  hint: did you mean 'out'?\n"
        "3 errors, 0 warnings\n"
    )
    assert not (repo / "services" / "billing").exists()


def test_generate_checks_every_spec_before_writing_any(repo: Path) -> None:
    narrow_postal_code(repo)  # both servers are stale
    shipping = repo / "specs" / "shipping.yaml"
    models = repo / "services" / "orders" / "orders_server" / "models.py"
    before = models.read_bytes()
    shipping.write_text(SHIPPING.replace("quote", "Quote!"), encoding="utf-8")
    done = mcpmint(repo, "generate")
    assert done.returncode == 1
    assert done.stdout == (
        "specs/orders.yaml → services/orders: not written\n"
        "specs/shipping.yaml → services/shipping: invalid: 1 error\n"
    )
    assert "specs/shipping.yaml:4:5: error: tools[0].name:" in done.stderr
    assert done.stderr.endswith("nothing was written: fix the errors above\n")
    assert models.read_bytes() == before


def test_several_specs_need_a_folder_each(repo: Path) -> None:
    specs = ("specs/orders.yaml", "specs/shipping.yaml")
    done = mcpmint(repo, "check", *specs)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "mcpmint check: specs/orders.yaml and specs/shipping.yaml would both be"
        " generated in specs: give each its own folder in a mcpmint-workspace.yaml\n"
    )
    done = mcpmint(repo, "check", *specs, "-o", "x")
    assert done.stderr == (
        "mcpmint check: -o/--out takes one spec: with several, each is generated"
        " in its own folder; to choose the folders, list the specs in a"
        " mcpmint-workspace.yaml\n"
    )
    # with the workspace, the specs named are checked where it generates them
    done = mcpmint(repo, "check", "--workspace", "mcpmint-workspace.yaml", specs[1])
    assert done.stdout.splitlines()[0] == (
        "specs/shipping.yaml → services/shipping: up to date"
    )


def test_without_a_spec_or_a_workspace_check_says_what_to_pass(
    tmp_path: Path,
) -> None:
    (tmp_path / ".git").mkdir()  # the search stops at the repository's root
    done = mcpmint(tmp_path, "check")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "mcpmint check: no spec given and no mcpmint-workspace.yaml in this folder"
        " or a parent (up to the repository root): pass a spec, or --workspace FILE\n"
    )


TABLE = """\
server    spec                 bump   server.version         verdict
orders    specs/orders.yaml    major  1.0.0 → 1.0.0 (none)   too small
shipping  specs/shipping.yaml  major  0.3.0 → 0.4.0 (minor)  ok in 0.x
"""


def test_workspace_diff_attributes_a_narrowed_shared_pattern_in_every_server(
    repo: Path,
) -> None:
    narrow_postal_code(repo)
    shipping = repo / "specs" / "shipping.yaml"
    shipping.write_text(SHIPPING.replace("0.3.0", "0.4.0"), encoding="utf-8")
    done = mcpmint(repo, "diff", "git:HEAD")
    assert (done.returncode, done.stderr) == (1, "")
    via = "via shared/geo.yaml#/$defs/PostalCode: 1 place"
    assert done.stdout.count(via) == 2
    assert "    tools[quote].inputSchema.properties.zip.pattern\n" in done.stdout
    assert done.stdout.startswith("== orders: specs/orders.yaml ==\n" + via)
    assert done.stdout.endswith(TABLE)
    data = json.loads(mcpmint(repo, "diff", "git:HEAD", "--format", "json").stdout)
    assert [(s["server"], s["verdict"]) for s in data["servers"]] == [
        ("orders", "too small"),
        ("shipping", "ok in 0.x"),
    ]
    change = data["servers"][0]["report"]["changes"][0]
    assert change["source"] == "shared/geo.yaml#/$defs/PostalCode"
    assert mcpmint(repo, "diff", "git:HEAD", "--fail-on", "never").returncode == 0


def test_workspace_diff_names_a_server_that_is_new_since_the_revision(
    repo: Path,
) -> None:
    (repo / "specs" / "billing.yaml").write_text(
        ORDERS.replace("orders", "billing"), encoding="utf-8"
    )
    workspace = repo / "mcpmint-workspace.yaml"
    workspace.write_text(WORKSPACE + "  - spec: specs/billing.yaml\n    out: b\n")
    done = mcpmint(repo, "diff", "git:HEAD")
    assert done.returncode == 0
    assert "== billing: specs/billing.yaml ==\nnew since HEAD\n" in done.stdout
    assert done.stdout.endswith(
        "billing   specs/billing.yaml   -     -                     new since HEAD\n"
    )
    assert mcpmint(repo, "diff", "git:HEAD", "git:HEAD").returncode == 0
    done = mcpmint(repo, "diff", "git:nope")
    assert done.returncode == 2
    assert (
        done.stderr == "mcpmint diff: git:nope: not a revision of the repository here\n"
    )


def test_a_shared_file_diff_reports_each_user_and_the_version_it_needs(
    repo: Path,
) -> None:
    narrow_postal_code(repo)
    old, new = "git:HEAD:specs/shared/geo.yaml", "specs/shared/geo.yaml"
    done = mcpmint(repo, "diff", old, new)
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout.startswith(
        "specs/shared/geo.yaml: 1 definition changed\n"
        "  PostalCode (changed): used by specs/orders.yaml, specs/shipping.yaml\n"
        "\n"
        "== orders: specs/orders.yaml ==\n"
        "via shared/geo.yaml#/$defs/PostalCode: 1 place\n"
    )
    assert done.stdout.endswith(
        "server    spec                 bump   server.version  needs\n"
        "orders    specs/orders.yaml    major  1.0.0           2.0.0\n"
        "shipping  specs/shipping.yaml  major  0.3.0           0.4.0\n"
    )
    data = json.loads(mcpmint(repo, "diff", old, new, "--format", "json").stdout)
    assert [(s["server"], s["needs"]) for s in data["servers"]] == [
        ("orders", "2.0.0"),
        ("shipping", "0.4.0"),
    ]
    assert data["definitions"] == [
        {
            "name": "PostalCode",
            "change": "changed",
            "used_by": ["specs/orders.yaml", "specs/shipping.yaml"],
        }
    ]
    (repo / "mcpmint-workspace.yaml").unlink()
    done = mcpmint(repo, "diff", old, new)
    assert done.returncode == 0
    assert done.stdout == (
        "specs/shared/geo.yaml: 1 definition changed\n  PostalCode (changed)\n"
    )
    assert done.stderr == (
        "no mcpmint-workspace.yaml found (in this folder or a parent, up to the"
        " repository root): the specs that use specs/shared/geo.yaml are not known;"
        " pass --workspace FILE, or diff each spec that uses it:"
        " mcpmint diff git:REV:SPEC SPEC\n"
    )


def test_validate_of_a_shared_file_lists_the_specs_using_each_definition(
    repo: Path,
) -> None:
    done = mcpmint(repo, "validate", "specs/shared/geo.yaml")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        "0 errors, 0 warnings\n"
        "3 definitions; the specs of mcpmint-workspace.yaml using each:\n"
        "  PostalCode: specs/orders.yaml, specs/shipping.yaml\n"
        "  Address: specs/orders.yaml\n"
        "  Country: none\n"
    )
    (repo / "mcpmint-workspace.yaml").rename(repo / "ws.yaml")
    done = mcpmint(repo, "validate", "specs/shared/geo.yaml")
    assert (done.returncode, done.stdout) == (0, "0 errors, 0 warnings\n")
    assert done.stderr == (
        "no mcpmint-workspace.yaml found (in this folder or a parent, up to the"
        " repository root): the specs that use specs/shared/geo.yaml are not known;"
        " pass --workspace FILE\n"
    )
    done = mcpmint(repo, "validate", "specs/shared/geo.yaml", "--workspace", "ws.yaml")
    assert "  Address: specs/orders.yaml\n" in done.stdout
    geo = repo / "specs" / "shared" / "geo.yaml"
    geo.write_text(GEO.replace("type: object", "type: objekt") + "owner: geo\n")
    done = mcpmint(repo, "validate", "specs/shared/geo.yaml")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith(
        "specs/shared/geo.yaml:5:5: error: $defs.Address.type: not valid JSON Schema"
        " 2020-12:"
    )
    assert (
        "specs/shared/geo.yaml:11:1: warning: owner: unknown key 'owner' in a shared"
        " schema file (ignored)\n"
    ) in done.stderr
