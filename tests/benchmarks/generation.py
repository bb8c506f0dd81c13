"""Generation cost: `mcpmint generate` / no-op regenerate / `check` against datamodel-code-generator.

Specs of 1, 10, 100 and 300 tools are synthesised from six realistic tool shapes
(nested objects, enums, arrays, patterns, formats, refs to shared `$defs`). Every
command runs as a fresh process, as on a save: interpreter start and imports included.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

TIMEOUT = 600  # seconds, per command

REF = "#/$defs/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def _obj(
    properties: dict[str, Any],
    required: tuple[str, ...] | list[str] = (),
    closed: bool = True,
) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    return schema


SHARED_DEFS: dict[str, Any] = {
    "Money": _obj(
        {
            "amount": {"type": "number", "minimum": 0},
            "currency": {"type": "string", "enum": ["EUR", "USD", "GBP", "JPY"]},
        },
        ["amount", "currency"],
    ),
    "Address": _obj(
        {
            "street": {"type": "string", "minLength": 1, "maxLength": 200},
            "city": {"type": "string", "minLength": 1, "maxLength": 100},
            "postcode": {"type": "string", "pattern": "^[0-9A-Z -]{3,10}$"},
            "country": {
                "type": "string",
                "minLength": 2,
                "maxLength": 2,
                "description": "ISO 3166-1 alpha-2",
            },
        },
        ["street", "city", "country"],
    ),
    "Person": _obj(
        {
            "id": {"type": "string"},
            "name": {"type": "string", "maxLength": 200},
            "email": {"type": "string", "format": "email"},
            "address": _ref("Address"),
        },
        ["id", "name"],
    ),
    "Status": {
        "type": "string",
        "enum": ["draft", "open", "in_progress", "done", "cancelled"],
    },
    "Tag": {"type": "string", "minLength": 1, "maxLength": 32},
    "DateRange": _obj(
        {
            "start": {"type": "string", "format": "date"},
            "end": {"type": "string", "format": "date"},
        },
        ["start"],
    ),
    "Pagination": _obj(
        {
            "cursor": {"type": "string"},
            "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
        }
    ),
    "PageInfo": _obj(
        {
            "next_cursor": {"type": ["string", "null"]},
            "total": {"type": "integer", "minimum": 0},
        },
        ["total"],
    ),
    "LineItem": _obj(
        {
            "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
            "quantity": {"type": "integer", "minimum": 1, "maximum": 1000},
            "price": _ref("Money"),
        },
        ["sku", "quantity", "price"],
    ),
}


def _create_order() -> tuple[dict[str, Any], dict[str, Any]]:
    shipping = _obj(
        {
            "address": _ref("Address"),
            "method": {
                "type": "string",
                "enum": ["standard", "express", "pickup"],
                "default": "standard",
            },
            "notes": {"type": "string", "maxLength": 500},
        },
        ["address"],
    )
    items = {"type": "array", "items": _ref("LineItem"), "minItems": 1, "maxItems": 100}
    given = _obj(
        {
            "customer": _ref("Person"),
            "items": items,
            "shipping": shipping,
            "coupon": {"type": "string"},
        },
        ["customer", "items"],
    )
    out = _obj(
        {
            "order_id": {"type": "string"},
            "status": _ref("Status"),
            "total": _ref("Money"),
            "items": items,
        },
        ["order_id", "status", "total"],
        closed=False,
    )
    return given, out


def _list_tickets() -> tuple[dict[str, Any], dict[str, Any]]:
    filters = _obj(
        {
            "status": {"type": "array", "items": _ref("Status")},
            "assignee": {"type": "string"},
            "tags": {"type": "array", "items": _ref("Tag"), "maxItems": 10},
            "created": _ref("DateRange"),
        }
    )
    sort = _obj(
        {
            "field": {"type": "string", "enum": ["created", "updated", "priority"]},
            "descending": {"type": "boolean", "default": True},
        }
    )
    ticket = _obj(
        {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "status": _ref("Status"),
            "priority": {"type": "integer", "minimum": 1, "maximum": 5},
            "assignee": _ref("Person"),
            "tags": {"type": "array", "items": _ref("Tag")},
        },
        ["id", "title", "status"],
    )
    given = _obj({"page": _ref("Pagination"), "filter": filters, "sort": sort})
    out = _obj(
        {"tickets": {"type": "array", "items": ticket}, "page": _ref("PageInfo")},
        ["tickets", "page"],
        closed=False,
    )
    return given, out


def _update_ticket() -> tuple[dict[str, Any], dict[str, Any]]:
    patch = _obj(
        {
            "title": {"type": "string", "minLength": 1, "maxLength": 200},
            "status": _ref("Status"),
            "priority": {"type": "integer", "minimum": 1, "maximum": 5},
            "tags": {"type": "array", "items": _ref("Tag")},
        }
    )
    given = _obj(
        {
            "id": {"type": "string"},
            "patch": patch,
            "notify": {"type": "boolean", "default": True},
        },
        ["id", "patch"],
    )
    out = _obj(
        {
            "id": {"type": "string"},
            "status": _ref("Status"),
            "updated_at": {"type": "string", "format": "date-time"},
        },
        ["id", "status"],
        closed=False,
    )
    return given, out


def _get_report() -> tuple[dict[str, Any], dict[str, Any]]:
    metrics = {
        "type": "array",
        "items": {"type": "string", "enum": ["revenue", "orders", "refunds", "visits"]},
        "minItems": 1,
    }
    given = _obj(
        {
            "range": _ref("DateRange"),
            "group_by": {"type": "string", "enum": ["day", "week", "month"]},
            "metrics": metrics,
        },
        ["range", "metrics"],
    )
    row = _obj(
        {
            "period": {"type": "string"},
            "values": {"type": "object", "additionalProperties": {"type": "number"}},
        },
        ["period", "values"],
    )
    out = _obj(
        {
            "rows": {"type": "array", "items": row},
            "currency": {"type": "string", "enum": ["EUR", "USD", "GBP", "JPY"]},
        },
        ["rows"],
        closed=False,
    )
    return given, out


def _search_docs() -> tuple[dict[str, Any], dict[str, Any]]:
    filters = _obj(
        {
            "tags": {"type": "array", "items": _ref("Tag"), "maxItems": 6},
            "min_score": {"type": "number", "minimum": 0, "maximum": 1, "default": 0},
            "date_range": _ref("DateRange"),
        }
    )
    given = _obj(
        {
            "query": {"type": "string", "minLength": 1, "maxLength": 200},
            "filters": filters,
            "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
            "sort": {
                "type": "string",
                "enum": ["relevance", "date"],
                "default": "relevance",
            },
        },
        ["query"],
    )
    hit = _obj(
        {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "score": {"type": "number"},
            "tags": {"type": "array", "items": _ref("Tag")},
        },
        ["id", "title", "score"],
    )
    out = _obj(
        {
            "total": {"type": "integer", "minimum": 0},
            "hits": {"type": "array", "items": hit},
            "page": _ref("PageInfo"),
        },
        ["total", "hits"],
        closed=False,
    )
    return given, out


def _send_message() -> tuple[dict[str, Any], dict[str, Any]]:
    attachment = _obj(
        {
            "name": {"type": "string", "maxLength": 255},
            "mime_type": {"type": "string", "pattern": "^[a-z]+/[a-z0-9.+-]+$"},
            "size": {"type": "integer", "minimum": 0, "maximum": 26214400},
        },
        ["name", "mime_type"],
    )
    given = _obj(
        {
            "to": {
                "type": "array",
                "items": {"type": "string", "format": "email"},
                "minItems": 1,
                "maxItems": 50,
            },
            "subject": {"type": "string", "maxLength": 200},
            "body": {"type": "string"},
            "priority": {
                "type": "string",
                "enum": ["low", "normal", "high"],
                "default": "normal",
            },
            "attachments": {"type": "array", "items": attachment},
        },
        ["to", "subject", "body"],
    )
    out = _obj(
        {"message_id": {"type": "string"}, "queued": {"type": "boolean"}},
        ["message_id", "queued"],
        closed=False,
    )
    return given, out


SHAPES = {
    "create_order": _create_order,
    "list_tickets": _list_tickets,
    "update_ticket": _update_ticket,
    "get_report": _get_report,
    "search_docs": _search_docs,
    "send_message": _send_message,
}


def synthesise(count: int) -> dict[str, Any]:
    """A spec with `count` tools cycling through the shapes, sharing one set of $defs."""
    shapes = list(SHAPES.items())
    tools = []
    for i in range(count):
        base, make = shapes[i % len(shapes)]
        given, out = make()
        tools.append(
            {
                "name": f"{base}_{i:03d}",
                "description": f"{base.replace('_', ' ').capitalize()} (variant {i}).",
                "inputSchema": given,
                "outputSchema": out,
            }
        )
    return {
        "mcpmint": 1,
        "server": {
            "name": f"gen{count}",
            "version": "1.0.0",
            "package": f"gen{count}_server",
        },
        "transports": ["stdio", "http", "sse", "websocket"],
        "$defs": SHARED_DEFS,
        "tools": tools,
    }


def dcg_document(spec: dict[str, Any]) -> dict[str, Any]:
    """The same schemas as one JSON Schema document for datamodel-code-generator."""
    defs = dict(spec["$defs"])
    for tool in spec["tools"]:
        pascal = "".join(part.capitalize() for part in tool["name"].split("_"))
        defs[f"{pascal}Input"] = tool["inputSchema"]
        defs[f"{pascal}Output"] = tool["outputSchema"]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": defs}


def _timed(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int, str]:
    """Wall seconds, exit status and the end of stderr of one command."""
    start = time.perf_counter()
    done = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT
    )
    return time.perf_counter() - start, done.returncode, done.stderr[-1000:]


DCG_FLAGS = [
    "--input-file-type", "jsonschema", "--output-model-type", "pydantic_v2.BaseModel",
    "--formatters", "builtin", "--target-python-version", "3.11", "--use-annotated",
    "--disable-timestamp", "--field-constraints",
]  # fmt: skip


def measure(
    sizes: tuple[int, ...],
    reps: int,
    work: Path,
    python: str = sys.executable,
    env: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Seconds of each command for each size; reps interleaved across sizes.

    Each size has its own black cache folder (`MCPMINT_CACHE_DIR`), emptied before the
    first `generate` of every rep, so that `generate` is the first run on a machine and
    the regenerations see the cache a developer's machine has.
    """
    mcpmint = [python, "-m", "mcpmint"]
    dcg = [python, "-m", "datamodel_code_generator"]
    specs = {}
    for size in sizes:
        spec = synthesise(size)
        folder = work / f"gen{size}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "schemas.json").write_text(json.dumps(dcg_document(spec), indent=1))
        specs[size] = (folder, spec)
    records = []
    for rep in range(reps):
        for size in sizes:
            folder, spec = specs[size]
            spec_path, out, cache = (
                folder / "spec.yaml",
                folder / "out",
                folder / "black-cache",
            )
            env = dict(env or os.environ, MCPMINT_CACHE_DIR=str(cache))
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            spec_path.write_text(json.dumps(spec, indent=1))  # JSON is YAML
            generate = [*mcpmint, "generate", str(spec_path), "-o", str(out)]
            timings = {"generate": _timed(generate, folder, env)}
            edited = json.loads(json.dumps(spec))
            edited["tools"][0]["description"] += f" Edited in rep {rep}."
            spec_path.write_text(json.dumps(edited, indent=1))
            timings["regenerate (one tool edited)"] = _timed(generate, folder, env)
            timings["regenerate (no-op)"] = _timed(generate, folder, env)
            timings["check"] = _timed(
                [*mcpmint, "check", str(spec_path), "-o", str(out), "--quiet"],
                folder,
                env,
            )
            dcg_argv = [
                *dcg,
                "--input",
                str(folder / "schemas.json"),
                "--output",
                str(folder / "dcg_models.py"),
            ]
            timings["datamodel-codegen"] = _timed([*dcg_argv, *DCG_FLAGS], folder, env)
            for command, (seconds, status, stderr) in timings.items():
                # check exits 1 when it finds stale files: timed all the same, and reported.
                ok = status == 0 or (command == "check" and status == 1)
                records.append(
                    {
                        "tools": size, "command": command, "rep": rep, "seconds": seconds if ok else None,
                        "status": status, "error": None if ok else stderr,
                    }
                )  # fmt: skip
    return records


def median(values: list[float]) -> float:
    return statistics.median(values)
