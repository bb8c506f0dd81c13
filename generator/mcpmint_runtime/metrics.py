"""Prometheus metrics, opt-in (`--metrics`), named after the OpenTelemetry MCP
semantic conventions: `mcp.server.operation.duration` is the histogram
`mcp_server_operation_duration_seconds`, its attributes are labels with `_` for `.`.

Labels stay few: a tool, prompt or resource the server does not serve, and a method
it does not know, count as `_unknown`; a resource read is labelled with the name of
the resource or template that answers it, never its URI; arguments never appear.
Needs `prometheus-client` (`pip install 'mcpmint-runtime[metrics]'`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import mcp_types as types
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp.shared.uri_template import UriTemplate
from pydantic import ValidationError

if TYPE_CHECKING:
    from mcp.server.lowlevel import Server
    from prometheus_client.metrics_core import Metric

logger = logging.getLogger(__name__)

__all__ = ["EXTRA", "Metrics", "MetricsMissing", "auth_failure", "current", "enable"]

EXTRA = "pip install 'mcpmint-runtime[metrics]'"
UNKNOWN = "_unknown"
# The semantic conventions' advice for mcp.server.operation.duration, in seconds.
BUCKETS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300)
LABELS = (
    "mcp_method_name",
    "gen_ai_tool_name",
    "gen_ai_prompt_name",
    "mcp_resource_name",
    "error_type",
)
METHODS = frozenset(  # the methods a client may send a server, in MCP
    """
    initialize ping server/discover subscriptions/listen tools/list tools/call
    prompts/list prompts/get resources/list resources/templates/list resources/read
    resources/subscribe resources/unsubscribe completion/complete logging/setLevel
    tasks/get tasks/result tasks/list tasks/cancel notifications/tasks/status
    notifications/initialized notifications/cancelled notifications/progress
    notifications/roots/list_changed
    """.split()
)


class MetricsMissing(Exception):
    """`--metrics` without prometheus-client installed."""


class Metrics:
    """One process's instruments, in a registry of their own."""

    def __init__(self) -> None:
        try:
            import prometheus_client as prom
        except ImportError:
            raise MetricsMissing(
                f"--metrics needs prometheus-client: {EXTRA}"
            ) from None
        self._prom = prom
        # `*_created` series would double the output.
        prom.disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = prom.CollectorRegistry()
        for collector in (prom.ProcessCollector, prom.PlatformCollector):
            collector(registry=self.registry)
        self.duration = prom.Histogram(
            "mcp_server_operation_duration_seconds",
            "MCP request or notification duration as observed on the server, from "
            "the time it was received until the result or ack is sent.",
            LABELS,
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.auth_failures = prom.Counter(
            "mcpmint_auth_failures",
            "Requests refused for want of a valid bearer token (401), by reason.",
            ("reason",),
            registry=self.registry,
        )
        self._sessions: list[Callable[[], int]] = []
        self.registry.register(_SessionsCollector(self._sessions))

    def count_sessions(self, source: Callable[[], int]) -> None:
        """Add `source` (open sessions right now) to the open-sessions gauge."""
        self._sessions.append(source)

    def start(self, server: Server[Any], port: int | None, *, stdio: bool) -> None:
        """Instrument `server`; serve the metrics on `127.0.0.1:port` if given."""
        instrument(server, self)
        if stdio:
            self.count_sessions(lambda: 1)  # the process is the session
        if port is not None:
            # A thread of prometheus-client's own: no access log, stdout untouched.
            self._prom.start_http_server(port, "127.0.0.1", registry=self.registry)

    def exposition(self) -> tuple[bytes, str]:
        """The registry in Prometheus's text format, and its content type."""
        return self._prom.generate_latest(self.registry), self._prom.CONTENT_TYPE_LATEST


class _SessionsCollector:
    def __init__(self, sources: list[Callable[[], int]]) -> None:
        self._sources = sources

    def collect(self) -> Iterator[Metric]:
        from prometheus_client.core import GaugeMetricFamily

        yield GaugeMetricFamily(
            "mcpmint_open_sessions",
            "Sessions open now: stateful Streamable HTTP sessions, SSE streams, "
            "WebSocket connections, the stdio session.",
            value=sum(source() for source in self._sources),
        )


_current: Metrics | None = None


def enable() -> Metrics:
    """The process's metrics, created on first use; MetricsMissing without the extra."""
    global _current
    if _current is None:
        _current = Metrics()
    return _current


def current() -> Metrics | None:
    """The process's metrics, or None when `--metrics` is off."""
    return _current


def auth_failure(reason: str) -> None:
    """Count a refused token (`missing_token`, `invalid_token`), if metrics are on."""
    if _current is not None:
        _current.auth_failures.labels(reason).inc()


def instrument(server: Server[Any], metrics: Metrics) -> None:
    """Time every request and notification `server` handles (once per server)."""
    if not any(isinstance(m, MetricsMiddleware) for m in server.middleware):
        server.middleware.append(MetricsMiddleware(server, metrics))


class MetricsMiddleware:
    """Context-tier middleware: one duration observation per message."""

    def __init__(self, server: Server[Any], metrics: Metrics) -> None:
        self._server = server
        self._metrics = metrics
        self._names: _Names | None = None

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        labels = await self._labels(ctx)
        started = time.perf_counter()
        error = "cancelled"  # unless the chain returns or raises
        try:
            result = await call_next(ctx)
            error = _tool_error(ctx.method, result)
            return result
        except MCPError as exc:
            error = str(exc.error.code)
            raise
        except ValidationError:
            error = str(types.INVALID_PARAMS)
            raise
        except Exception as exc:
            error = type(exc).__qualname__
            raise
        finally:
            self._metrics.duration.labels(*labels, error).observe(
                time.perf_counter() - started
            )

    async def _labels(self, ctx: ServerRequestContext[Any, Any]) -> tuple[str, ...]:
        method = ctx.method
        if method not in METHODS and self._server.get_request_handler(method) is None:
            return (UNKNOWN, "", "", "")
        target = (ctx.params or {}).get("uri" if method == "resources/read" else "name")
        if method not in ("tools/call", "prompts/get", "resources/read"):
            return (method, "", "", "")
        if self._names is None:
            try:
                self._names = await _Names.read(self._server, ctx)
            except Exception:  # a list handler that failed: every name `_unknown`
                logger.exception("Metrics: could not list the server's names")
                self._names = _Names(self._server, set(), {}, [])
        name = self._names.label(method, target if isinstance(target, str) else None)
        if method == "tools/call":
            return (method, name, "", "")
        if method == "prompts/get":
            return (method, "", name, "")
        return (method, "", "", name)


def _tool_error(method: str, result: HandlerResult) -> str:
    """`tool_error` for a tools/call answered with `isError: true`, else ''."""
    if method != "tools/call":
        return ""
    if isinstance(result, types.CallToolResult):
        return "tool_error" if result.is_error else ""
    if isinstance(result, dict) and result.get("isError") is True:
        return "tool_error"
    return ""


class _Names:
    """The tools, prompts, resources and templates the server serves."""

    def __init__(
        self,
        server: Server[Any],
        prompts: set[str],
        resources: dict[str, str],
        templates: list[tuple[UriTemplate, str]],
    ) -> None:
        self._server = server
        self._prompts = prompts
        self._resources = resources
        self._templates = templates

    @classmethod
    async def read(
        cls, server: Server[Any], ctx: ServerRequestContext[Any, Any]
    ) -> _Names:
        """Asked of the server's own list handlers once: the lists never change."""
        prompts = await _listing(server, ctx, "prompts/list", types.ListPromptsResult)
        found = await _listing(server, ctx, "resources/list", types.ListResourcesResult)
        templates = await _listing(
            server, ctx, "resources/templates/list", types.ListResourceTemplatesResult
        )
        return cls(
            server,
            {p.name for p in getattr(prompts, "prompts", ())},
            {str(r.uri): r.name for r in getattr(found, "resources", ())},
            [
                (UriTemplate.parse(t.uri_template), t.name)
                for t in getattr(templates, "resource_templates", ())
            ],
        )

    def label(self, method: str, target: str | None) -> str:
        if target is None:
            return UNKNOWN
        if method == "tools/call":
            schema = self._server.get_tool_input_schema
            known = schema is not None and schema(target) is not None
            return target if known else UNKNOWN
        if method == "prompts/get":
            return target if target in self._prompts else UNKNOWN
        if target in self._resources:
            return self._resources[target]
        for template, name in self._templates:
            if template.match(target) is not None:
                return name
        return UNKNOWN


async def _listing(
    server: Server[Any], ctx: ServerRequestContext[Any, Any], method: str, kind: Any
) -> Any:
    entry = server.get_request_handler(method)
    if entry is None:
        return None
    result = await entry.handler(ctx, None)
    return kind.model_validate(result) if isinstance(result, dict) else result
