"""TLS on the network roads: `--tls-cert`/`--tls-key` (`MCP_TLS_CERT`/`MCP_TLS_KEY`).

One `serve` process with a self-signed certificate for 127.0.0.1 and localhost, made
here: a tool is called over https (Streamable HTTP and SSE) and wss, with the SDK's
client and with the typed client trusting that certificate; plain HTTP to the same
port gets nothing, nor does a client that does not trust the certificate. Bad files
stop the server before it listens: one line naming the file, exit 2.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from transport_helpers import TOKEN, ServerProcess, auth, spawn

from listening import owns_port, port_taken

pytestmark = pytest.mark.timeout(60)

WEATHER = Path(__file__).resolve().parents[3] / "generated_examples" / "weather"


def _write_pair(
    folder: Path, name: str, *, encrypted: bool = False
) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    names = [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
    ]
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / f"{name}-cert.pem", folder / f"{name}-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    protection: Any = (
        serialization.BestAvailableEncryption(b"passphrase")
        if encrypted
        else serialization.NoEncryption()
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, protection
        )
    )
    return cert_path, key_path


@pytest.fixture(scope="module")
def pems(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pems")
    cert, key = _write_pair(folder, "server")
    other_cert, other_key = _write_pair(folder, "other")
    _, encrypted_key = _write_pair(folder, "locked", encrypted=True)
    return {
        "cert": cert,
        "key": key,
        "other_key": other_key,
        "encrypted_key": encrypted_key,
    }


def _trust(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert))


def _wait_tls_ready(server: ServerProcess, cert: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise AssertionError(f"server exited early:\n{server.stderr()}")
        try:
            url = f"https://127.0.0.1:{server.port}/healthz"
            status = httpx2.get(url, verify=_trust(cert), timeout=1).status_code
        except httpx2.TransportError:
            status = None
        if status == 200 and owns_port(server.proc.pid, server.port):
            return
        time.sleep(0.05)
    raise AssertionError(f"server not ready:\n{server.stderr()}")


@pytest.fixture(scope="module")
def tls_server(
    pkg_root: Path, pems: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """`serve` with the token and TLS, the key given by its variable."""
    for _ in range(3):
        args = ["serve", "--token-env", "FAKEPKG_TEST_TOKEN"]
        args += ["--tls-cert", str(pems["cert"])]
        env = {"MCP_TLS_KEY": str(pems["key"])}
        server = spawn(pkg_root, tmp_path_factory.mktemp("tls"), args, env=env)
        try:
            _wait_tls_ready(server, pems["cert"])
            break
        except BaseException as exc:
            server.stop()
            if not port_taken(str(exc)):
                raise
    yield server
    assert server.stop() == 0


def _urls(server: ServerProcess) -> dict[str, str]:
    host = f"127.0.0.1:{server.port}"
    return {
        "http": f"https://{host}/mcp",
        "sse": f"https://{host}/sse",
        "websocket": f"wss://{host}/ws",
    }


async def _echo_with_sdk(kind: str, url: str, cert: Path) -> Any:
    if kind == "http":
        async with httpx2.AsyncClient(headers=auth(), verify=_trust(cert)) as http:
            target: Any = streamable_http_client(url, http_client=http)
            async with Client(target) as client:
                return await client.call_tool("echo", {"text": "over tls"})
    if kind == "sse":
        from mcpmint_runtime.connection import http_client_factory

        factory = http_client_factory(str(cert))
        target = sse_client(url, headers=auth(), httpx_client_factory=factory)
    else:
        from mcpmint_runtime.transports.websocket import websocket_client

        target = websocket_client(url, token=TOKEN, verify=str(cert))
    async with Client(target) as client:
        return await client.call_tool("echo", {"text": "over tls"})


@pytest.mark.parametrize("kind", ["http", "sse", "websocket"])
def test_a_tool_is_called_over_tls_by_a_client_trusting_the_certificate(
    tls_server: ServerProcess, pems: dict[str, Path], kind: str
) -> None:
    url = _urls(tls_server)[kind]
    result = anyio.run(_echo_with_sdk, kind, url, pems["cert"])
    assert result.structured_content == {"text": "over tls"}


def _weather_client() -> Any:
    sys.path.insert(0, str(WEATHER))
    try:
        from weather_server.client import WeatherClient
    finally:
        sys.path.remove(str(WEATHER))
    return WeatherClient


@pytest.mark.parametrize("kind", ["http", "sse", "websocket"])
def test_the_typed_client_trusts_a_certificate_given_as_verify(
    tls_server: ServerProcess, pems: dict[str, Path], kind: str
) -> None:
    async def go() -> Any:
        url = _urls(tls_server)[kind]
        options = {"token": TOKEN, "verify": str(pems["cert"]), "check": False}
        async with _weather_client().connect(url, **options) as c:
            return await c.client.call_tool("echo", {"text": "typed"})

    assert anyio.run(go).structured_content == {"text": "typed"}


def test_a_client_not_trusting_the_certificate_cannot_connect(
    tls_server: ServerProcess,
) -> None:
    from mcpmint_runtime import Unreachable

    async def go() -> None:
        url = _urls(tls_server)["http"]
        async with _weather_client().connect(url, token=TOKEN, check=False):
            pass

    with pytest.raises(Unreachable) as caught:
        anyio.run(go)
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_plain_http_to_the_tls_port_gets_no_answer(tls_server: ServerProcess) -> None:
    with pytest.raises(httpx2.TransportError):
        httpx2.get(f"http://127.0.0.1:{tls_server.port}/healthz", timeout=5)


def test_the_startup_line_names_https_and_wss_urls(tls_server: ServerProcess) -> None:
    port = tls_server.port
    assert (
        f"Serving MCP: Streamable HTTP at https://127.0.0.1:{port}/mcp, "
        f"SSE at https://127.0.0.1:{port}/sse, WebSocket at wss://127.0.0.1:{port}/ws"
    ) in tls_server.stderr()


# (arguments, the error line after "python -m fakepkg: error: ")
BAD = {
    "cert alone": (
        ["--tls-cert", "{cert}"],
        "--tls-cert needs --tls-key too (a certificate and its key, or neither)",
    ),
    "key alone": (
        ["--tls-key", "{key}"],
        "--tls-key needs --tls-cert too (a certificate and its key, or neither)",
    ),
    "missing cert": (
        ["--tls-cert", "{dir}/nope.pem", "--tls-key", "{key}"],
        "TLS certificate {dir}/nope.pem: cannot read it (No such file or directory)",
    ),
    "unreadable key": (
        ["--tls-cert", "{cert}", "--tls-key", "{dir}"],
        "TLS key {dir}: cannot read it (Is a directory)",
    ),
    "key as cert": (
        ["--tls-cert", "{key}", "--tls-key", "{key}"],
        "TLS certificate {key}: no PEM certificate in it",
    ),
    "cert as key": (
        ["--tls-cert", "{cert}", "--tls-key", "{cert}"],
        "TLS key {cert}: no PEM private key in it",
    ),
    "another key": (
        ["--tls-cert", "{cert}", "--tls-key", "{other_key}"],
        "TLS key {other_key}: not the key of the certificate {cert}",
    ),
    "encrypted key": (
        ["--tls-cert", "{cert}", "--tls-key", "{encrypted_key}"],
        "TLS key {encrypted_key}: the key is encrypted (give it without a passphrase)",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_tls_files_stop_the_server_before_it_listens(
    pems: dict[str, Path], case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # In process, as the command line runs them (a subprocess each costs seconds);
    # the test below runs one for real.
    from mcpmint_runtime.options import build_parser, parse_args, settings_from_args

    places = {name: str(path) for name, path in pems.items()}
    places["dir"] = str(pems["cert"].parent)
    args, expected = BAD[case]
    command = "sse" if case == "key alone" else "http"
    parser = build_parser("fakepkg", ("http", "sse"))
    parsed = parse_args(parser, [command, *(a.format(**places) for a in args)])
    with pytest.raises(SystemExit) as exited:
        settings_from_args(parsed, parser)
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert error == f"python -m fakepkg: error: {expected.format(**places)}\n"


def test_a_key_of_another_certificate_in_a_variable_stops_the_server(
    pkg_root: Path, pems: dict[str, Path], tmp_path: Path
) -> None:
    env = {"MCP_TLS_CERT": str(pems["cert"]), "MCP_TLS_KEY": str(pems["other_key"])}
    server = spawn(pkg_root, tmp_path, ["websocket"], env=env)
    assert server.wait(20) == 2
    assert server.stderr() == (
        f"python -m fakepkg: error: TLS key {pems['other_key']}: not the key of the "
        f"certificate {pems['cert']}\n"
    )


def test_under_tls_the_https_loopback_origins_are_accepted_too() -> None:
    from mcpmint_runtime.transports.settings import NetworkSettings

    assert NetworkSettings().effective_allowed_origins() == [
        "http://127.0.0.1:*",
        "http://localhost:*",
        "http://[::1]:*",
    ]
    assert NetworkSettings(tls_cert="c", tls_key="k").effective_allowed_origins() == [
        "http://127.0.0.1:*",
        "http://localhost:*",
        "http://[::1]:*",
        "https://127.0.0.1:*",
        "https://localhost:*",
        "https://[::1]:*",
    ]


@pytest.mark.usefixtures("pkg_root")
@pytest.mark.parametrize(
    ("name", "where"),
    [("tls_cert", "uvicorn --ssl-certfile"), ("tls_key", "uvicorn --ssl-keyfile")],
)
def test_create_app_leaves_tls_to_the_asgi_server(name: str, where: str) -> None:
    from fakepkg.server import server
    from mcpmint_runtime.transports.app import create_app

    with pytest.raises(TypeError) as refused:
        create_app(server, **{name: "cert.pem"})
    assert str(refused.value) == (
        f"create_app() does not take {name!r}: it is a setting of the ASGI server "
        f"running the app ({where})"
    )
