"""Hypothesis strategies for hostile specs: mutated seed files, mutated spec data, and
hostile YAML built from scratch. Used by test_hostile_specs.py and fuzz_survey.py.

The seed corpus is specs/*.yaml (valid) and tests/golden/invalid/*.yaml (refused).
"""

from __future__ import annotations

import codecs
import copy
import json
import re
from typing import Any

import yaml
from hardening_support import ROOT
from hypothesis import strategies as st

SEED_FILES = sorted((ROOT / "specs").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "golden" / "invalid").glob("*.yaml")
)
SEEDS = {p.name: p.read_text(encoding="utf-8") for p in SEED_FILES}
VALID = [
    yaml.safe_load(p.read_text(encoding="utf-8"))
    for p in sorted((ROOT / "specs").glob("*.yaml"))
]


# Things a hostile or clumsy author puts in a spec.
# fmt: off
TOKENS = [
    '\t', '\ufeff', '\x00', '\r', '\r\n', '\n', '\u2028', '\u2029', '\x85', '\x1b[31m',
    '\x7f', '\x01', '\ud7ff', '\ue000', '\U0010ffff', "😀", '\u202e', '\u200f', "é", " ",
    "  ", "&a ", "*a", "&a [1] ", "<<: *a", "!!python/object/apply:os.system ['true']",
    "!!binary aGk=", "!!set {a}", "!custom x", "!!str ", "!!int ", "!!float ",
    "!!timestamp ", "!!omap ", "? ", ": ", "- ", '---\n', '...\n', '%YAML 1.1\n',
    '%TAG ! tag:x,2000:\n', "#", "'", '"', '"""', "'''", '\\', '\\u0000', '\\0', '\\L',
    "{{ x }}", "{% if %}", "{# c #}", "[", "]", "{", "}", ",", "|", ">", '|-\n  x\n',
    "~", "null", "true", "yes", "no", "on", "off", "0x1F", "0o17", "0b101", "1e400",
    "-1e400", "-.inf", ".nan", "1_000", '9' * 5000, '-' + '9' * 400, "1e-400",
    "0.1e99999", "2001-12-14t21:59:43.10-05:00", "2001-12-14", "12:30:00", "$ref",
    "$defs", "#/$defs/", "#/$defs/City", "../", "/etc/passwd",
    "http://127.0.0.1:9/x.json", "file:///etc/hosts", "type", "object", "string",
    "properties", "required", "inputSchema", "outputSchema", "tools", "name",
    "examples", "arguments", "result", "_meta", "annotations", "__init__", "class",
    "None", "model_config", 'a' * 20000, 'b ' * 5000, 'x' * 1025 + ': 1',
]
# fmt: on
HOSTILE_STRINGS = [t for t in TOKENS if len(t) < 2000] + ["", "a" * 20_000]
HUGE_INT = (
    "@HUGE-INT@"  # replaced by 5,000 digits once serialised (Hypothesis cannot repr it)
)
# fmt: off
KEY_NAMES = [
    "name", "type", "properties", "required", "items", "$ref", "$defs", "enum", "const",
    "default", "pattern", "format", "anyOf", "oneOf", "allOf", "not", "if", "then",
    "else", "additionalProperties", "minLength", "maxLength", "minimum", "maximum",
    "multipleOf", "examples", "arguments", "result", "_meta", "title", "description",
    "class", "__init__", "model_config", "a b", "", "😀", '\u202e', 'x' * 300,
]
# fmt: on


token = st.one_of(
    st.sampled_from(TOKENS),
    st.text(max_size=8),
    st.text(
        alphabet=st.characters(
            codec="utf-8", categories=("Cc", "Cf", "Zl", "Zp", "Zs", "So")
        ),
        max_size=4,
    ),
)


_VALUE_LINE = re.compile(r"^(\s*(?:- )?[\w$\"'.-]+:\s+)(\S.*)$")
VALID_SEEDS = sorted(p.name for p in SEED_FILES if "invalid" not in p.parts)


@st.composite
def text_mutation(draw: st.DrawFn) -> bytes:
    """A seed file with one to four edits, then encoded (usually as UTF-8)."""
    names = (
        st.sampled_from(VALID_SEEDS)
        if draw(st.integers(0, 3))
        else st.sampled_from(sorted(SEEDS))
    )
    text = SEEDS[draw(names)]
    kinds = [
        "value",
        "value",
        "quoted",
        "insert",
        "delete",
        "replace",
        "dup",
        "drop",
        "swap",
        "indent",
        "cut",
    ]
    for _ in range(draw(st.integers(1, 3))):
        lines = text.split("\n")
        kind = draw(st.sampled_from(kinds))
        pos = draw(st.integers(0, len(text)))
        i, j = (draw(st.integers(0, len(lines) - 1)) for _ in range(2))
        if (
            kind == "value"
        ):  # a key's value replaced: plain, or as a JSON string (valid YAML)
            values = [n for n, line in enumerate(lines) if _VALUE_LINE.match(line)]
            n = draw(st.sampled_from(values)) if values else i
            match = _VALUE_LINE.match(lines[n])
            new = draw(token)
            new = json.dumps(new) if draw(st.booleans()) else new
            lines[n] = match.group(1) + new if match else lines[n]
            text = "\n".join(lines)
        elif kind == "quoted":  # inside a double-quoted string, as a YAML escape or raw
            quotes = [m.end() for m in re.finditer(r'"', text)] or [pos]
            at = draw(st.sampled_from(quotes))
            new = draw(token)
            text = (
                text[:at]
                + (json.dumps(new)[1:-1] if draw(st.booleans()) else new)
                + text[at:]
            )
        elif kind == "insert":
            text = text[:pos] + draw(token) + text[pos:]
        elif kind == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 40)) :]
        elif kind == "replace":
            text = text[:pos] + draw(token) + text[pos + draw(st.integers(1, 12)) :]
        elif kind == "dup":
            text = "\n".join(lines[: i + 1] + [lines[i]] + lines[i + 1 :])
        elif kind == "drop":
            text = "\n".join(lines[:i] + lines[i + 1 :])
        elif kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif kind == "indent":
            lines[i] = (
                draw(st.sampled_from([" ", "  ", "\t", "    ", "- ", "? "])) + lines[i]
            )
            text = "\n".join(lines)
        else:
            text = text[:pos]
    return _encode(draw, text)


def _encode(draw: st.DrawFn, text: str) -> bytes:
    encoding = draw(
        st.sampled_from(["utf-8"] * 8 + ["utf-8-sig", "utf-16", "latin-1", "bytes"])
    )
    if encoding == "bytes":
        return text.encode("utf-8", "surrogatepass") + draw(
            st.binary(min_size=1, max_size=16)
        )
    return text.encode(
        encoding, "surrogatepass" if encoding.startswith("utf") else "replace"
    )


scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63 - 10, max_value=2**64 + 10),
    st.sampled_from([HUGE_INT, 10**20, 2**53 + 1, -(2**63)]),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(HOSTILE_STRINGS),
)
json_value = st.recursive(
    scalar,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.one_of(st.sampled_from(KEY_NAMES), st.text(max_size=8)),
            inner,
            max_size=4,
        )
    ),
    max_leaves=24,
)


def _nested(depth: int, leaf: Any, kind: str) -> Any:
    for _ in range(depth):
        leaf = (
            [leaf]
            if kind == "list"
            else (
                {"type": "object", "properties": {"p": leaf}}
                if kind == "schema"
                else {"a": leaf}
            )
        )
    return leaf


hostile_value = st.one_of(
    json_value,
    st.builds(
        _nested,
        st.integers(1, 120),
        scalar,
        st.sampled_from(["list", "dict", "schema"]),
    ),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*prefix, index))
    return out


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def data_mutation(draw: st.DrawFn) -> bytes:
    """A valid seed with values replaced, keys removed or added, then YAML or JSON."""
    data = copy.deepcopy(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        parent = _parent(data, path)
        kind = draw(
            st.sampled_from(["replace", "replace", "delete", "add", "wrap", "dup"])
        )
        if kind == "replace":
            parent[path[-1]] = draw(hostile_value)
        elif kind == "delete":
            del parent[path[-1]]
        elif kind == "add" and isinstance(parent, dict):
            parent[
                draw(st.one_of(st.sampled_from(KEY_NAMES), st.text(max_size=10)))
            ] = draw(hostile_value)
        elif kind == "wrap":
            parent[path[-1]] = [parent[path[-1]]]
        elif kind == "dup" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
    return _serialise(draw, data)


def _serialise(draw: st.DrawFn, data: Any) -> bytes:
    style = draw(
        st.sampled_from(["yaml", "yaml-unicode", "yaml-flow", "json", "json-ascii"])
    )
    if style.startswith("yaml"):
        flow = style == "yaml-flow"
        text = yaml.safe_dump(
            data,
            allow_unicode=style == "yaml-unicode",
            default_flow_style=flow,
            sort_keys=False,
        )
    else:
        text = json.dumps(data, ensure_ascii=style == "json-ascii", allow_nan=True)
    text = re.sub(r"""(["']?)@HUGE-INT@\1""", "-" + "9" * 5000, text)
    return text.encode("utf-8", "surrogatepass")


def _bomb(width: int, depth: int) -> str:
    lines = [f"l0: &l0 [{', '.join(['x'] * width)}]"]
    for level in range(1, depth):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def _indented(depth: int) -> str:
    return (
        "".join(" " * (2 * i) + "a:\n" for i in range(depth))
        + " " * (2 * depth)
        + "b: 1\n"
    )


@st.composite
def hostile_yaml(draw: st.DrawFn) -> bytes:
    """YAML (and not-YAML) built to hurt: bombs, nesting, encodings, junk."""
    seed = SEEDS[draw(st.sampled_from(sorted(SEEDS)))]
    kind = draw(
        st.sampled_from(
            [
                "bomb",
                "flow",
                "mapping",
                "indent",
                "encoding",
                "binary",
                "blank",
                "dupkeys",
                "merge",
                "docs",
                "longline",
                "anchored",
                "tool-bomb",
            ]
        )
    )
    if kind == "bomb":
        text = _bomb(draw(st.integers(2, 12)), draw(st.integers(2, 10)))
    elif kind == "flow":
        n = draw(st.integers(1, 5000))
        text = "mcpmint: 1\nx: " + "[" * n + "]" * n + "\n"
    elif kind == "mapping":
        n = draw(st.integers(1, 3000))
        text = "x: " + "{a: " * n + "1" + "}" * n + "\n"
    elif kind == "indent":
        text = _indented(draw(st.integers(1, 400)))
    elif kind == "encoding":
        codec = draw(
            st.sampled_from(
                ["utf-16-le", "utf-16-be", "utf-32", "utf-16", "cp1252", "utf-7"]
            )
        )
        bom = draw(
            st.sampled_from(
                [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF8 * 2]
            )
        )
        return bom + seed.encode(codec, "replace")
    elif kind == "binary":
        return draw(st.binary(max_size=4000))
    elif kind == "blank":
        text = draw(
            st.sampled_from(
                [
                    "",
                    " ",
                    "\n\n",
                    "# only a comment\n",
                    "---\n",
                    "...\n",
                    "\ufeff",
                    "~\n",
                    "[]\n",
                    "{}\n",
                    "''\n",
                ]
            )
        )
    elif kind == "dupkeys":
        lines = seed.split("\n")
        i = draw(st.integers(0, len(lines) - 1))
        text = "\n".join(lines[: i + 1] + [lines[i]] + lines[i + 1 :])
    elif kind == "merge":
        text = (
            "base: &b {name: x, description: y, inputSchema: {type: object}}\n"
            + seed.replace("  - name:", "  - <<: *b\n    name:", 1)
        )
    elif kind == "docs":
        text = seed + "\n---\n" + seed
    elif kind == "longline":
        text = (
            "mcpmint: 1\ndescription: " + "a" * draw(st.integers(1000, 300_000)) + "\n"
        )
    elif kind == "anchored":
        text = (
            "mcpmint: 1\nserver: {name: a, version: '1'}\n$defs:\n  S: &s {type: object, properties: {x: {type: string}}}\n"
            "tools:\n  - {name: a, description: a, inputSchema: *s, outputSchema: *s}\n  - {name: b, description: b, inputSchema: *s}\n"
        )
    else:
        width = draw(st.integers(2, 40))
        text = (
            "mcpmint: 1\nserver: {name: a, version: '1'}\ns: &s {type: object}\ntools:\n"
            + "".join(
                f"  - {{name: t{i}, description: d, inputSchema: *s}}\n"
                for i in range(width)
            )
        )
    return _encode(draw, text)
