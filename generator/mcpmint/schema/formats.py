"""The string formats mcpmint enforces, checked with the standard library only.

`format_problem` is the one implementation: `validate` uses it on a spec's examples and
defaults, and the models stage pastes its source into every generated models.py that
needs it (as `_format_problem`), so that a server refuses exactly what `validate` does.
It therefore imports inside its body and uses nothing else from this module.
"""

from __future__ import annotations

# The formats the generated models check on strings; any other `format` only annotates.
FORMATS = (
    "date-time",
    "date",
    "time",
    "email",
    "uri",
    "uuid",
    "ipv4",
    "ipv6",
    "hostname",
)


def format_problem(name: str, value: str) -> str | None:
    """Why `value` is not a `name` string (RFC 3339, RFC 3986, ...); None if it is,
    or if mcpmint does not check `name`."""
    import datetime
    import ipaddress
    import re

    digits = "[0-9]"
    offset = rf"([Zz]|[+-]{digits}{{2}}:{digits}{{2}})"
    clock = rf"{digits}{{2}}:{digits}{{2}}:{digits}{{2}}(\.{digits}+)?"
    day = rf"{digits}{{4}}-{digits}{{2}}-{digits}{{2}}"
    label = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
    host = rf"{label}(\.{label})*\.?"
    atom = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
    shapes = {
        "date-time": (rf"{day}[Tt]{clock}{offset}", "an RFC 3339 date-time"),
        "date": (day, "an RFC 3339 date (YYYY-MM-DD)"),
        "time": (rf"{clock}{offset}", "an RFC 3339 time with an offset (HH:MM:SSZ)"),
        "email": (rf"{atom}(\.{atom})*@{host}", "an email address"),
        "uri": (
            r"[A-Za-z][A-Za-z0-9+.-]*:([A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=-]"
            r"|%[0-9A-Fa-f]{2})*",
            "a URI with a scheme (https://example.com/)",
        ),
        "uuid": (
            r"[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}",
            "a UUID (8-4-4-4-12 hex digits)",
        ),
        "ipv4": (r"[0-9.]+", "an IPv4 address"),
        "ipv6": (r"[0-9A-Fa-f:.]+", "an IPv6 address"),
        "hostname": (host, "a hostname"),
    }
    if name not in shapes:
        return None
    shape, what = shapes[name]
    problem = f"not {what}"
    if not re.fullmatch(shape, value):
        return problem
    try:
        if name == "date-time":
            datetime.datetime.fromisoformat(value.upper())
        elif name == "date":
            datetime.date.fromisoformat(value)
        elif name == "time":
            datetime.time.fromisoformat(value.upper())
        elif name == "ipv4":
            ipaddress.IPv4Address(value)
        elif name == "ipv6":
            ipaddress.IPv6Address(value)
    except ValueError:
        return problem
    if name in ("hostname", "email") and len(value.rpartition("@")[2]) > 253:
        return problem
    return None
