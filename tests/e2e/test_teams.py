"""Two teams and a consumer, in a real git repository: the platform team owns
`specs/shared/geo.yaml` (a models package), the orders and shipping servers `$ref` it,
and a frontend consumes both through their client-only packages.

The shared file is then edited six ways. For each edit:

- `mcpmint diff` gives one classified report in the file form (OLD and NEW on disk) and
  in both git forms (`git:v1:SPEC SPEC`, `git:v1:SPEC git:v2:SPEC`), every change
  attributed to the shared file;
- the workspace `check` finds both servers, their client packages and the models
  package stale;
- the frontend built at v1 (old clients, old models package) runs against the servers
  regenerated at v2, and fails exactly when the report has an error.

The v1 repository is built once per module; each edit works on a copy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

PYTHON = sys.executable

GEO = """\
# Owned by the platform team; the orders and shipping teams $ref it.
package: geo_schemas
version: 1.0.0
$defs:
  PostalCode: {type: string, minLength: 3, maxLength: 10}
  Address:
    type: object
    properties:
      street: {type: string}
      city: {type: string}
      postal_code: {$ref: "#/$defs/PostalCode"}
    required: [street, city, postal_code]
    additionalProperties: false
"""
ORDERS = """\
mcpmint: 1
server: {name: orders, version: 1.0.0, package: orders_server}
tools:
  - name: place_order
    description: Place an order shipped to an address.
    inputSchema:
      type: object
      properties:
        item: {type: string}
        ship_to: {$ref: "shared/geo.yaml#/$defs/Address"}
      required: [item, ship_to]
    outputSchema:
      type: object
      properties:
        order_id: {type: string}
        ship_to: {$ref: "shared/geo.yaml#/$defs/Address"}
      required: [order_id, ship_to]
"""
SHIPPING = """\
mcpmint: 1
server: {name: shipping, version: 1.0.0, package: shipping_server}
tools:
  - name: quote
    description: The price of shipping to an address.
    inputSchema:
      type: object
      properties:
        to: {$ref: "shared/geo.yaml#/$defs/Address"}
      required: [to]
    outputSchema:
      type: object
      properties:
        price: {type: number}
        to: {$ref: "shared/geo.yaml#/$defs/Address"}
      required: [price, to]
"""
WORKSPACE = """\
mcpmint-workspace: 1
servers:
  - {spec: specs/shared/geo.yaml, out: packages/geo}
  - {spec: specs/orders.yaml, out: services/orders, client: clients/orders}
  - {spec: specs/shipping.yaml, out: services/shipping, client: clients/shipping}
"""
# The orders server stores an address in the richest form its schema allows: with
# its country when Address has one, the postal code with a country prefix when it
# fits. So an old client meets whatever room a new schema gives.
PLACE_ORDER = """\
from pydantic import ValidationError

from ..context import Context
from ..models import PlaceOrderInput, PlaceOrderOutput


async def place_order(args: PlaceOrderInput, ctx: Context) -> PlaceOrderOutput:
    address = args.ship_to
    data = address.model_dump()
    if "country" in type(address).model_fields:
        data["country"] = "GB"
    try:
        address = type(address).model_validate({**data, "postal_code": "GB-" + data["postal_code"]})
    except ValidationError:
        address = type(address).model_validate(data)
    return PlaceOrderOutput(order_id="o-1", ship_to=address)
"""
QUOTE = """\
from ..context import Context
from ..models import QuoteInput, QuoteOutput


async def quote(args: QuoteInput, ctx: Context) -> QuoteOutput:
    return QuoteOutput(price=9.5, to=args.to)
"""
# The frontend: an orders result's address goes, as is, to the shipping client.
FRONTEND = """\
import asyncio
import os
import sys

from geo_schemas import Address
from orders_client import OrdersClient
from shipping_client import ShippingClient


async def main() -> None:
    env = {"PYTHONPATH": os.environ["SERVERS_PATH"]}
    address = Address(street="10 Downing St", city="London", postal_code="SW1A 2AA")
    orders_cmd = f"{sys.executable} -m orders_server stdio"
    shipping_cmd = f"{sys.executable} -m shipping_server stdio"
    async with OrdersClient.connect(orders_cmd, env=env) as orders:
        order = await orders.place_order(item="tea", ship_to=address)
    async with ShippingClient.connect(shipping_cmd, env=env) as shipping:
        price = await shipping.quote(to=order.ship_to)
    print(f"ok {order.order_id} {price.price}")


asyncio.run(main())
"""


def run(*argv: str, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        list(argv), cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    if ok:
        assert done.returncode == 0, f"{argv}\n{done.stdout}\n{done.stderr}"
    return done


def mint(*argv: str, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    return run(PYTHON, "-m", "mcpmint", *argv, cwd=cwd, ok=ok)


def git(*argv: str, cwd: Path) -> None:
    run("git", "-c", "user.name=t", "-c", "user.email=t@t", *argv, cwd=cwd)


@pytest.fixture(scope="module")
def v1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_v1(tmp_path_factory.mktemp("teams"))


def build_v1(parent: Path) -> Path:
    """The repository at v1 in `parent`/repo, generated, with handlers, and the
    frontend's copies of what v1 published in `parent`/frontend."""
    repo = parent / "repo"
    (repo / "specs/shared").mkdir(parents=True)
    (repo / "specs/shared/geo.yaml").write_text(GEO)
    (repo / "specs/orders.yaml").write_text(ORDERS)
    (repo / "specs/shipping.yaml").write_text(SHIPPING)
    (repo / "mcpmint-workspace.yaml").write_text(WORKSPACE)
    mint("generate", cwd=repo)
    (repo / "services/orders/orders_server/handlers/place_order.py").write_text(
        PLACE_ORDER
    )
    (repo / "services/shipping/shipping_server/handlers/quote.py").write_text(QUOTE)
    # The frontend installs what v1 published: both clients and the models package.
    frontend = repo.parent / "frontend"
    frontend.mkdir()
    for package in ("packages/geo", "clients/orders", "clients/shipping"):
        shutil.copytree(repo / package, frontend / Path(package).name)
    (frontend / "app.py").write_text(FRONTEND)
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "v1", cwd=repo)
    git("tag", "v1", cwd=repo)
    assert mint("check", cwd=repo).returncode == 0
    return repo


def frontend_run(
    repo: Path, upgraded: bool = False
) -> subprocess.CompletedProcess[str]:
    """The v1 frontend against the servers (and models package) now in `repo`; with
    `upgraded`, its code runs on the clients and models package now in `repo`."""
    frontend = repo.parent / "frontend"
    own = [frontend / name for name in ("geo", "orders", "shipping")]
    if upgraded:
        own = [repo / p for p in ("packages/geo", "clients/orders", "clients/shipping")]
    servers = [
        repo / p for p in ("services/orders", "services/shipping", "packages/geo")
    ]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(map(str, own)),
        "SERVERS_PATH": os.pathsep.join(map(str, servers)),
    }
    return subprocess.run(
        [PYTHON, "app.py"], cwd=frontend, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip


def test_the_frontend_works_at_v1(v1: Path) -> None:
    done = frontend_run(v1)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ok o-1 9.5\n"


def _replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text
        return text.replace(old, new)

    return edit


def _chain(*edits: Callable[[str], str]) -> Callable[[str], str]:
    def edit(text: str) -> str:
        for one in edits:
            text = one(text)
        return text

    return edit


RENAME = _replace("geo.yaml#/$defs/Address", "geo.yaml#/$defs/PostalAddress")

EDITS: dict[str, tuple[Callable[[str], str], Callable[[str], str] | None, str]] = {
    # name: (the edit of geo.yaml, the edit of both specs, the worst change's level)
    "add optional": (
        _replace(
            "      postal_code:", "      country: {type: string}\n      postal_code:"
        ),
        None,
        "info",
    ),
    "add required": (
        _replace(
            "    required: [street,",
            "      country: {type: string}\n    required: [country, street,",
        ),
        None,
        "error",
    ),
    "narrow": (_replace("maxLength: 10", "maxLength: 5"), None, "error"),
    # Results may now carry longer codes than the old models accept.
    "widen": (_replace("maxLength: 10", "maxLength: 16"), None, "error"),
    "rename": (_replace("  Address:", "  PostalAddress:"), RENAME, "error"),
    "remove": (
        _chain(
            _replace("      city: {type: string}\n", ""),
            _replace("[street, city, postal_code]", "[street, postal_code]"),
        ),
        None,
        "error",
    ),
}


def _edited(
    v1: Path,
    tmp_path: Path,
    edit: Callable[[str], str],
    specs: Callable[[str], str] | None,
) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(v1, repo, symlinks=True)
    shutil.copytree(v1.parent / "frontend", tmp_path / "frontend")
    geo = repo / "specs/shared/geo.yaml"
    geo.write_text(edit(geo.read_text()))
    for spec in ("orders", "shipping") if specs else ():
        path = repo / "specs" / f"{spec}.yaml"
        path.write_text(specs(path.read_text()))
    git("commit", "-qam", "v2", cwd=repo)
    git("tag", "v2", cwd=repo)
    old = tmp_path / "old"
    old.mkdir()
    archive = subprocess.run(
        ["git", "archive", "v1", "specs"], cwd=repo, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x"], cwd=old, input=archive.stdout, check=True)
    return repo


def _report(repo: Path, old: str, new: str) -> list[tuple[str, str, str, str]]:
    done = mint("diff", old, new, "--format", "json", "--fail-on", "never", cwd=repo)
    changes = json.loads(done.stdout)["changes"]
    return sorted((c["level"], c["rule"], c["path"], c["source"]) for c in changes)


@pytest.mark.parametrize("name", list(EDITS))
def test_a_shared_edit_is_reported_alike_caught_and_lived_as_reported(
    v1: Path, tmp_path: Path, name: str
) -> None:
    edit, specs, worst = EDITS[name]
    repo = _edited(v1, tmp_path, edit, specs)
    levels = set()
    for spec in ("specs/orders.yaml", "specs/shipping.yaml"):
        forms = [
            _report(repo, str(tmp_path / "old" / spec), spec),
            _report(repo, f"git:v1:{spec}", spec),
            _report(repo, f"git:v1:{spec}", f"git:v2:{spec}"),
        ]
        assert forms[0], f"{name}: no change reported for {spec}"
        assert forms[0] == forms[1] == forms[2], f"{name}: {spec}\n{forms}"
        for level, rule, path, source in forms[0]:
            assert source is not None and source.startswith(
                "shared/geo.yaml#/$defs/"
            ), f"{name}: {rule} at {path} not attributed to the shared file"
            levels.add(level)
    order = ["info", "warning", "error"]
    assert max(levels, key=order.index) == worst, f"{name}: {levels}"

    # One CI step sees every project the edit leaves behind.
    check = mint("check", "-q", cwd=repo, ok=False)
    assert check.returncode == 1
    status = mint("check", cwd=repo, ok=False).stdout
    for project in ("packages/geo", "services/orders", "clients/orders",
                    "services/shipping", "clients/shipping"):  # fmt: skip
        line = next(ln for ln in status.splitlines() if f"→ {project}" in ln)
        assert not line.endswith(": up to date"), status
    mint("generate", "-q", cwd=repo)
    assert mint("check", "-q", cwd=repo).returncode == 0

    # The frontend built at v1 meets the servers of v2 as the report said. A rename
    # changes no byte on the wire: what breaks is the frontend's code, once it takes
    # the packages v2 publishes.
    done = frontend_run(repo, upgraded=name == "rename")
    if worst == "error":
        assert done.returncode != 0, (
            f"{name}: the old frontend still works\n{done.stdout}"
        )
        if name == "rename":
            assert "cannot import name 'Address' from 'geo_schemas'" in done.stderr
        if name == "widen":  # the old model's bound, met in a result
            assert "String should have at most 10 characters" in done.stderr
    else:
        assert done.returncode == 0, f"{name}: {done.stderr}"
        assert done.stdout == "ok o-1 9.5\n"


DOC = Path(__file__).resolve().parents[2] / "docs" / "teams.md"


def _doc_blocks() -> list[list[str]]:
    """The fenced blocks of docs/teams.md, as lists of lines."""
    blocks, current = [], None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            if current is None:
                current = []
            else:
                blocks.append(current)
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def _quoted(command: str) -> list[str]:
    """The lines docs/teams.md quotes as the output of each `$ command` block, in
    order of appearance."""
    found = [b[1:] for b in _doc_blocks() if b and b[0] == f"$ {command}"]
    assert found, f"docs/teams.md quotes no output of {command}"
    return found  # type: ignore[return-value]


def _said(done: subprocess.CompletedProcess[str]) -> list[str]:
    return done.stdout.splitlines() + done.stderr.splitlines()


def _all_real(quoted: list[str], real: list[str], what: str) -> None:
    missing = [ln for ln in quoted if ln != "..." and ln not in real]
    assert not missing, f"docs/teams.md quotes for {what} what it does not print:\n" + (
        "\n".join(missing) + "\n-- printed:\n" + "\n".join(real)
    )


def test_docs_teams_quotes_real_output(v1: Path, tmp_path: Path) -> None:
    """Every line docs/teams.md shows as output is printed by the command it names, in
    the story it tells: widen PostalCode, bump the versions, regenerate."""
    repo = tmp_path / "repo"
    shutil.copytree(v1, repo, symlinks=True)
    shutil.copytree(v1.parent / "frontend", tmp_path / "frontend")
    for line in _doc_blocks()[1]:  # the shared file as shown
        assert line.startswith("#") or line in GEO.splitlines(), line
    checks = _quoted("mcpmint check")
    assert checks[0] == mint("check", cwd=repo).stdout.splitlines()
    geo = repo / "specs/shared/geo.yaml"
    geo.write_text(geo.read_text().replace("maxLength: 10", "maxLength: 16"))
    _all_real(checks[1], _said(mint("check", cwd=repo, ok=False)), "check (stale)")
    shared = "diff git:HEAD:specs/shared/geo.yaml specs/shared/geo.yaml"
    done = mint(*shared.split(), cwd=repo, ok=False)
    assert done.returncode == 1
    assert _quoted(f"mcpmint {shared}")[0] == done.stdout.splitlines()
    geo.write_text(geo.read_text().replace("version: 1.0.0", "version: 2.0.0"))
    for name in ("orders", "shipping"):
        spec = repo / "specs" / f"{name}.yaml"
        spec.write_text(spec.read_text().replace("version: 1.0.0", "version: 2.0.0"))
    assert mint("diff", "git:HEAD", cwd=repo, ok=False).returncode == 1
    done = mint("diff", "git:HEAD", "--fail-on", "bump", cwd=repo)
    _all_real(_quoted("mcpmint diff git:HEAD --fail-on bump")[0], _said(done), "diff")
    done = mint("generate", cwd=repo)
    _all_real(_quoted("mcpmint generate")[0], _said(done), "generate")
    done = mint("check", cwd=repo, ok=False)
    assert done.returncode == 1
    _all_real(checks[2], _said(done), "check (pins)")
    quoted = next(b for b in _doc_blocks() if b[0].startswith("orders_client.client."))
    done = frontend_run(repo)
    assert done.returncode == 1
    _all_real(quoted, done.stderr.splitlines(), "the frontend")
