"""Traces: the SDK's spans exported over OTLP/HTTP when the `OTEL_*` variables ask.

The SDK already opens a span per request (`mcp.server._otel`), named like
`tools/call get_forecast`, child of the `traceparent` a client puts in `_meta`; with
only the OpenTelemetry API installed they go nowhere. Setting
`OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or
`OTEL_TRACES_EXPORTER=otlp|console`) with the extra installed
(`pip install 'mcpmint-runtime[otel]'`) installs a tracer provider that exports them.
The exporter reads the other standard variables itself (headers, timeout,
compression, `OTEL_BSP_*`); `service.name` defaults to the server's name.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
    from mcp.server.lowlevel import Server

__all__ = ["EXTRA", "TracingError", "configure_tracing", "spans_when_traced"]

logger = logging.getLogger(__name__)

EXTRA = "pip install 'mcpmint-runtime[otel]'"
_ENDPOINTS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
_EXPORTERS = ("otlp", "console", "none")


class TracingError(Exception):
    """The `OTEL_*` variables ask for something this server cannot do."""


def wanted_exporter(env: Mapping[str, str]) -> str | None:
    """`otlp`, `console`, or None (no traces), from the standard variables."""
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    names = [n.strip().lower() for n in env.get("OTEL_TRACES_EXPORTER", "").split(",")]
    names = [n for n in names if n]
    unknown = [n for n in names if n not in _EXPORTERS]
    if unknown:
        raise TracingError(
            f"OTEL_TRACES_EXPORTER: {unknown[0]!r} is not one of "
            f"{', '.join(_EXPORTERS)}"
        )
    if "none" in names:
        return None
    if names:
        return names[0]
    return "otlp" if any(env.get(name) for name in _ENDPOINTS) else None


def configure_tracing(service: str, env: Mapping[str, str] | None = None) -> bool:
    """Install a tracer provider exporting the SDK's spans, if the variables ask;
    True if one was installed. A missing extra is a warning: the variables may have
    been set for every container of a cluster."""
    env = os.environ if env is None else env
    exporter = wanted_exporter(env)
    if exporter is None:
        return False
    protocol = env.get(
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", env.get("OTEL_EXPORTER_OTLP_PROTOCOL")
    )
    if exporter == "otlp" and protocol not in (None, "", "http/protobuf"):
        raise TracingError(
            f"OTEL_EXPORTER_OTLP_PROTOCOL: {protocol!r} is not supported; "
            "this server exports http/protobuf"
        )
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
            OTLPSpanExporter,
        )
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import (
            BatchSpanProcessor,
            ConsoleSpanExporter,
            SpanExporter,
        )
    except ImportError:
        logger.warning(
            "OTEL_* variables are set but traces are not exported: %s", EXTRA
        )
        return False
    named = "OTEL_SERVICE_NAME" in env or "service.name=" in env.get(
        "OTEL_RESOURCE_ATTRIBUTES", ""
    )
    resource = Resource.create({} if named else {"service.name": service})
    provider = TracerProvider(resource=resource)  # flushed at exit
    if exporter == "console":
        # stderr: on stdio, stdout is the wire.
        chosen: SpanExporter = ConsoleSpanExporter(out=sys.stderr)
    else:
        chosen = OTLPSpanExporter()
    provider.add_span_processor(BatchSpanProcessor(chosen))
    trace.set_tracer_provider(provider)
    return True


def spans_when_traced(server: Server[Any]) -> None:
    """Open the SDK's per-request span only while a tracer provider is installed.

    Without one (no `OTEL_*` variables, no provider set by the user's code) its
    span is a no-op that still costs a few per cent of a call's CPU: attributes,
    a context extracted from `_meta`, a context manager. The provider is checked
    on every request, so one installed later (in a lifespan hook) is honoured."""
    from mcp.server._otel import OpenTelemetryMiddleware
    from opentelemetry import trace

    def traced(sdk_span: OpenTelemetryMiddleware) -> Any:
        async def span_if_traced(
            ctx: ServerRequestContext[Any, Any], call_next: CallNext
        ) -> HandlerResult:
            if isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
                return await call_next(ctx)
            return await sdk_span(ctx, call_next)

        return span_if_traced

    server.middleware[:] = [
        traced(m) if isinstance(m, OpenTelemetryMiddleware) else m
        for m in server.middleware
    ]
