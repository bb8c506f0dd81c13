"""`{argument}` placeholders in a prompt's text: parsed once, at generation.

The grammar is deliberately tiny: `{name}` is the argument's value, `{{` and `}}`
are literal braces, and nothing else is special. A value is inserted as data by the
runtime (a join of the parts), never parsed again, so a value like `{x}`, `{{` or
`{__class__}` stays exactly as the client sent it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Placeholder:
    name: str  # the argument whose value goes here


Part = str | Placeholder


class PlaceholderError(ValueError):
    """A text that is not a valid template: the message says where and why."""


def parse(text: str) -> list[Part]:
    """The literal runs and placeholders of `text`, in order; adjacent literals
    joined."""
    parts: list[Part] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in "{}" and text[i + 1 : i + 2] == char:
            literal.append(char)
            i += 2
        elif char == "}":
            raise PlaceholderError(
                f"unmatched '}}' at character {i + 1}: write '}}}}' for a literal brace"
            )
        elif char == "{":
            end = text.find("}", i + 1)
            name = text[i + 1 : end] if end != -1 else ""
            if end == -1 or not name or "{" in name:
                raise PlaceholderError(
                    f"unclosed or empty '{{' at character {i + 1}: write '{{{{' "
                    "for a literal brace"
                )
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(Placeholder(name))
            i = end + 1
        else:
            literal.append(char)
            i += 1
    if literal:
        parts.append("".join(literal))
    return parts


def names(parts: list[Part]) -> list[str]:
    """The arguments the parts name, in order of first use."""
    seen: dict[str, None] = {}
    for part in parts:
        if isinstance(part, Placeholder):
            seen.setdefault(part.name)
    return list(seen)


def as_json(parts: list[Part]) -> str | list[str | dict[str, str]]:
    """The parts as the runtime reads them: a plain string when there is no
    placeholder, else a list of strings and `{"arg": name}` objects."""
    if all(isinstance(p, str) for p in parts):
        return "".join(p for p in parts if isinstance(p, str))
    return [p if isinstance(p, str) else {"arg": p.name} for p in parts]
