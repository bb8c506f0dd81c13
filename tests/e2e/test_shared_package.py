"""Shared schema packages: two servers whose specs use `shared/geo.yaml#/$defs/Address`
share one `Address` class, imported from the package generated from geo.yaml.

Everything runs from a tmp dir with the generated projects on PYTHONPATH (nothing is
installed); each check that imports the generated packages runs in its own process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mcpmint.pipeline import check, generate

GEO = """\
package: geo_schemas
version: 1.2.0
$defs:
  PostalCode:
    type: string
    pattern: "^[0-9A-Z -]{3,10}$"
  Address:
    type: object
    properties:
      street: {type: string, minLength: 1}
      city: {type: string}
      postal_code: {$ref: "#/$defs/PostalCode"}
    required: [street, city, postal_code]
    additionalProperties: false
"""
ORDERS = """\
mcpmint: 1
server: {name: orders, version: 1.0.0, package: orders_server}
$defs: {}
tools:
  - name: place_order
    description: Place an order; returns where it ships.
    inputSchema:
      type: object
      properties:
        item: {type: string}
        ship_to: {$ref: "shared/geo.yaml#/$defs/Address"}
      required: [item, ship_to]
      additionalProperties: false
    outputSchema:
      type: object
      properties:
        order_id: {type: integer}
        ship_to: {$ref: "shared/geo.yaml#/$defs/Address"}
      required: [order_id, ship_to]
"""
# A local definition named like the shared one: the shared class is then GeoAddress
# in orders' spec, and still geo_schemas.Address.
LOCAL_ADDRESS = "$defs:\n  Address: {type: string, description: a local address}\n"
SHIPPING = """\
mcpmint: 1
server: {name: shipping, version: 1.0.0, package: shipping_server}
tools:
  - name: quote
    description: The address a parcel goes to, as the carrier writes it.
    inputSchema:
      type: object
      properties:
        to: {$ref: "shared/geo.yaml#/$defs/Address"}
      required: [to]
      additionalProperties: false
    outputSchema: {type: object, $ref: "shared/geo.yaml#/$defs/Address"}
"""
HANDLERS = {
    "orders/orders_server/handlers/place_order.py": """\
        from __future__ import annotations

        from ..context import Context
        from ..models import PlaceOrderInput, PlaceOrderOutput


        async def place_order(args: PlaceOrderInput, ctx: Context) -> PlaceOrderOutput:
            return PlaceOrderOutput(order_id=7, ship_to=args.ship_to)
        """,
    "shipping/shipping_server/handlers/quote.py": """\
        from __future__ import annotations

        from ..context import Context
        from ..models import QuoteInput, QuoteOutput


        async def quote(args: QuoteInput, ctx: Context) -> QuoteOutput:
            wire = args.to.model_dump(mode="json", by_alias=True)
            return QuoteOutput.model_validate({**wire, "city": wire["city"].upper()})
        """,
}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """shared/geo.yaml, orders.yaml and shipping.yaml, generated, with handlers."""
    root = tmp_path_factory.mktemp("shared_package")
    (root / "shared").mkdir()
    (root / "shared" / "geo.yaml").write_text(GEO)
    (root / "orders.yaml").write_text(ORDERS)
    (root / "shipping.yaml").write_text(SHIPPING)
    generate(root / "shared" / "geo.yaml", root / "geo")
    generate(root / "orders.yaml", root / "orders")
    generate(root / "shipping.yaml", root / "shipping")
    for rel, text in HANDLERS.items():
        (root / rel).write_text(textwrap.dedent(text))
    return root


def _run(root: Path, code: str, *projects: str) -> subprocess.CompletedProcess[str]:
    """`code` in a new Python with the given projects (default: all three) on the
    path, run in `root`."""
    paths = [str(root / p) for p in projects or ("geo", "orders", "shipping")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_both_servers_and_the_package_have_one_address_class(root: Path) -> None:
    done = _run(
        root,
        """
        import geo_schemas, orders_server.models as o, shipping_server.models as s
        assert o.Address is s.Address is geo_schemas.Address, (o.Address, s.Address)
        assert issubclass(s.QuoteOutput, geo_schemas.Address)
        print(geo_schemas.__version__, geo_schemas.__all__)
        """,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split(" ", 1)[0] == "1.2.0"
    assert "'Address', 'PostalCode'" in done.stdout


def test_the_package_holds_every_definition_and_serves_nothing_new(root: Path) -> None:
    models = (root / "orders" / "orders_server" / "models.py").read_text()
    assert "from geo_schemas.models import Address as Address" in models
    assert "class Address" not in models and "PostalCode" not in models
    tools = json.loads((root / "orders" / "orders_server" / "tools.json").read_text())
    served = tools["tools"][0]["inputSchema"]["$defs"]
    assert set(served) == {"Address", "PostalCode"}  # bundled as before
    manifest = (root / "geo" / "mcpmint-generated.txt").read_text().splitlines()
    assert [line for line in manifest if not line.startswith("#")] == [
        "README.md",
        "geo_schemas/__init__.py",
        "geo_schemas/models.py",
        "geo_schemas/py.typed",
        "pyproject.toml",
    ]
    assert check(root / "shared" / "geo.yaml", root / "geo") == []


def test_an_orders_result_is_an_argument_of_the_shipping_client(root: Path) -> None:
    done = _run(
        root,
        f"""
        import asyncio, sys
        from geo_schemas import Address
        from orders_server.client import OrdersClient
        from shipping_server.client import ShippingClient

        async def main():
            here = Address(street="1 Main St", city="Lyon", postal_code="69001")
            cmd = {sys.executable!r} + " -m {{}} stdio"
            async with OrdersClient.connect(cmd.format("orders_server")) as orders:
                placed = await orders.place_order(item="book", ship_to=here)
            async with ShippingClient.connect(cmd.format("shipping_server")) as ship:
                quoted = await ship.quote(to=placed.ship_to)
            assert type(placed.ship_to) is Address, type(placed.ship_to)
            print(quoted.city, isinstance(quoted, Address))

        asyncio.run(main())
        """,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "LYON True"


def test_mypy_accepts_an_orders_address_for_the_shipping_client(root: Path) -> None:
    (root / "consumer.py").write_text(
        textwrap.dedent(
            """\
            from geo_schemas import Address
            from orders_server.client import OrdersClient
            from shipping_server.client import ShippingClient


            async def relay(orders: OrdersClient, ship: ShippingClient) -> Address:
                here = Address(street="1 Main St", city="Lyon", postal_code="69001")
                placed = await orders.place_order(item="book", ship_to=here)
                return await ship.quote(to=placed.ship_to)
            """
        )
    )
    (root / "wrong.py").write_text(
        textwrap.dedent(
            """\
            from orders_server.client import OrdersClient
            from shipping_server.client import ShippingClient


            async def relay(orders: OrdersClient, ship: ShippingClient) -> None:
                placed = await orders.place_order(item="book", ship_to=None)
                await ship.quote(to=placed)
            """
        )
    )
    paths = os.pathsep.join(str(root / p) for p in ("geo", "orders", "shipping"))
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
        + ["consumer.py", "wrong.py"],
        cwd=root,
        env={**os.environ, "MYPYPATH": paths},
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert [e.split(":", 1)[0] for e in errors] == ["wrong.py", "wrong.py"], errors


def test_a_local_definition_named_address_keeps_the_shared_class(root: Path) -> None:
    spec = root / "orders_local.yaml"
    spec.write_text(ORDERS.replace("$defs: {}\n", LOCAL_ADDRESS))
    generate(spec, root / "orders_local")
    done = _run(
        root,
        """
        import geo_schemas, orders_server.models as o
        field = o.PlaceOrderInput.model_fields["ship_to"].annotation
        assert field is geo_schemas.Address is o.GeoAddress, field
        """,
        "geo",
        "orders_local",
    )
    assert done.returncode == 0, done.stderr


def test_a_server_refuses_a_package_from_another_shared_file(root: Path) -> None:
    (root / "shared2").mkdir(exist_ok=True)
    changed = root / "shared2" / "geo.yaml"
    changed.write_text(GEO + "  Country: {type: string}\n")
    generate(changed, root / "geo2")
    old = _digest_of(root / "geo")
    new = _digest_of(root / "geo2")
    done = _run(
        root, "from orders_server.__main__ import run; run(['stdio'])", "geo2", "orders"
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"orders_server: error: orders_server was generated with geo_schemas from "
        f"shared/geo.yaml (sha256 {old}), but the installed geo_schemas was generated "
        f"from sha256 {new}: regenerate orders_server from its spec, or install the "
        "geo_schemas generated from that file (geo-schemas==1.2.0)"
    ]
    warned = _run(
        root,
        """
        import asyncio, warnings
        from mcpmint_runtime import ClientError, SharedSchemaWarning
        from orders_server.client import OrdersClient

        async def main():
            try:
                async with OrdersClient.connect("http://127.0.0.1:9/mcp", timeout=2):
                    pass
            except ClientError:
                pass

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            asyncio.run(main())
        print([c.category.__name__ for c in caught])
        """,
        "geo2",
        "orders",
    )
    assert warned.returncode == 0, warned.stderr
    assert warned.stdout.strip() == "['SharedSchemaWarning']"


def _digest_of(project: Path) -> str:
    for line in (project / "geo_schemas" / "__init__.py").read_text().splitlines():
        if line.startswith("__digest__ = "):
            return line.split('"')[1]
    raise AssertionError("no __digest__")


def test_check_reports_a_missing_or_other_shared_dependency(root: Path) -> None:
    out = root / "orders_pins"
    shutil.copytree(root / "orders", out)
    pyproject = out / "pyproject.toml"
    text = pyproject.read_text()
    assert '    "geo-schemas==1.2.0",\n' in text  # the first generate wrote it
    assert check(root / "orders.yaml", out) == []
    pyproject.write_text(text.replace('    "geo-schemas==1.2.0",\n', ""))
    [problem] = check(root / "orders.yaml", out)
    assert problem.startswith(f"{pyproject}:")
    assert problem.endswith(
        "no geo-schemas in [project] dependencies, and the generated models import "
        'from it: add "geo-schemas==1.2.0"'
    )
    pyproject.write_text(text.replace("geo-schemas==1.2.0", "geo-schemas>=1,<1.2"))
    [problem] = check(root / "orders.yaml", out)
    assert problem.endswith(
        'dependency "geo-schemas>=1,<1.2" does not admit geo-schemas 1.2.0, which the '
        'models were generated with: change it to "geo-schemas==1.2.0"'
    )
