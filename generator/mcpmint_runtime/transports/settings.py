"""Settings of the network transports, and their defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by network servers under OAuth only
    from ..oauth import OAuthSettings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_BODY_SIZE = 4 * 1024 * 1024  # the SDK's default
DEFAULT_WS_MAX_SIZE = 16 * 1024 * 1024  # uvicorn's default
DEFAULT_WS_PING_INTERVAL = 20.0
DEFAULT_GRACE_PERIOD = 10.0
# A stateful Streamable HTTP session with no request in flight (and no GET stream
# open) for this long is ended; its id then answers 404 and the client starts a
# new one. ~40 kB each: the SDK's own default, 30 minutes, let a client that never
# sends DELETE pile them up.
DEFAULT_SESSION_IDLE_TIMEOUT = 300.0
# Open stateful sessions at most; past it, a new session is refused with 503.
DEFAULT_MAX_SESSIONS = 10_000

_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


@dataclass(frozen=True, slots=True)
class NetworkSettings:
    """How the HTTP, SSE and WebSocket endpoints listen and whom they answer."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    # Empty: the loopback names, plus the bound address when it is a specific one.
    allowed_hosts: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()
    token: str | None = field(default=None, repr=False)  # never printed
    stateless: bool = False
    json_response: bool = False
    session_idle_timeout: float | None = DEFAULT_SESSION_IDLE_TIMEOUT  # None: never
    max_sessions: int | None = DEFAULT_MAX_SESSIONS  # None: no limit
    max_body_size: int = DEFAULT_MAX_BODY_SIZE
    ws_max_size: int = DEFAULT_WS_MAX_SIZE
    ws_ping_interval: float | None = DEFAULT_WS_PING_INTERVAL
    grace_period: float = DEFAULT_GRACE_PERIOD
    log_level: str = "info"
    # PEM files: both set, HTTPS and WSS (checked by `tls.tls_problem`); else plain.
    tls_cert: str | None = None
    tls_key: str | None = None
    metrics: bool = False  # `/metrics` (needs mcpmint-runtime[metrics])
    oauth: OAuthSettings | None = None  # an OAuth 2.1 resource server (oauth.py)
    # Stateful HTTP: session ids `<route>.<id>`, for a proxy (session_route.py).
    session_route: str | None = None

    def effective_allowed_hosts(self) -> list[str]:
        """Host header values accepted (DNS-rebinding protection is always on),
        lower-cased: host names match in any letter case."""
        if self.allowed_hosts:
            return [pattern.lower() for pattern in self.allowed_hosts]
        names = list(_LOOPBACK_HOSTS)
        bound = _host_name(self.host)
        if bound is not None and bound.lower() not in names:
            names.append(bound.lower())
        # Any port, or none (what a client or proxy on port 80 sends).
        return [form for name in names for form in (name, f"{name}:*")]

    def effective_allowed_origins(self) -> list[str]:
        """Origin header values accepted; requests without Origin always pass."""
        if self.allowed_origins:
            return list(self.allowed_origins)
        # With TLS, a browser page on the loopback names may be served over https too.
        schemes = ("http", "https") if self.tls_cert else ("http",)
        return [f"{s}://{name}:*" for s in schemes for name in _LOOPBACK_HOSTS]


def _host_name(host: str) -> str | None:
    """The Host-header spelling of a bind address; None for a wildcard bind."""
    import ipaddress  # only network subcommands need it

    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host  # a name such as "localhost" or "myservice"
    if address.is_unspecified:
        return None  # 0.0.0.0 / ::: no single name; pass --allowed-host
    return f"[{host}]" if address.version == 6 else host
