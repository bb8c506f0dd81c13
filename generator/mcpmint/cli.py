"""The `mcpmint` command: argument parsing and exit codes only."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mcpmint.pipeline import ClientOnly, WrongKind, check, stubs
from mcpmint.spec.diagnostics import SpecError, format_diagnostics
from mcpmint.spec.vocabulary import TRANSPORTS

DEFAULT_IMPORT_TIMEOUT = 30.0  # seconds `mcpmint import` waits for a server


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mcpmint", description="Typed MCP servers from a YAML spec of tools."
    )
    parser.add_argument("--version", action="version", version=version_text())
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("generate", "write or refresh the server project"),
        ("check", "exit 1 if the project is stale"),
    ):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument(
            "spec", type=Path, nargs="*", help="none: every server of the workspace"
        )
        cmd.add_argument(
            "-o",
            "--out",
            type=Path,
            help="project directory (default: the spec's directory)",
        )
        _workspace_option(cmd)
        cmd.add_argument("-q", "--quiet", action="store_true", help="exit code only")
        add_client_only_options(cmd)
        if name == "check":
            cmd.add_argument(
                "--fail-on-stubs",
                action="store_true",
                help="exit 1 too while a handler only raises NotImplementedError",
            )
    cmd = sub.add_parser("validate", help="located diagnostics only")
    cmd.add_argument("spec", type=Path)
    _workspace_option(cmd)
    sub.add_parser("schema", help="the JSON Schema of the spec format")
    cmd = sub.add_parser(
        "diff", help="breaking-change report between two spec versions"
    )
    cmd.add_argument("old", help="a spec, a shared schema file, or git:REV alone")
    cmd.add_argument("new", nargs="?", help="(default with git:REV: the working tree)")
    _workspace_option(cmd)
    cmd.add_argument(
        "--fail-on", choices=["error", "warning", "bump", "never"], default="error"
    )
    cmd.add_argument("--format", choices=["text", "json"], default="text")
    cmd = sub.add_parser("new", help="scaffold a new server project with copier")
    cmd.add_argument("dest", type=Path)
    cmd.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="answer a question",
    )
    cmd.add_argument(
        "--defaults", action="store_true", help="use the default answers, ask nothing"
    )
    cmd.add_argument(
        "--template",
        help="template path or git URL (default: the one shipped with mcpmint)",
    )
    cmd.add_argument("--vcs-ref", help="template version (git tag or commit)")
    add_import_parser(sub)
    return parser


def _workspace_option(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--workspace",
        type=Path,
        metavar="FILE",
        help="the workspace file (default: mcpmint-workspace.yaml, found upwards)",
    )


def add_client_only_options(cmd: argparse.ArgumentParser) -> None:
    """`--client-only` and `--package` of generate and check."""
    cmd.add_argument(
        "--client-only",
        action="store_true",
        help="the typed client and models alone, as a package of their own",
    )
    cmd.add_argument(
        "--package",
        type=_package_name,
        help="with --client-only: its package (default: server.package with "
        "_server replaced by _client, else + _client)",
    )


def _package_name(text: str) -> str:
    from mcpmint.spec.naming import is_package_name

    if not is_package_name(text):
        raise argparse.ArgumentTypeError(f"not a Python package name: {text!r}")
    return text


def _client(args: argparse.Namespace) -> ClientOnly | None:
    if args.package is not None and not args.client_only:
        print(f"mcpmint {args.command}: --package needs --client-only", file=sys.stderr)
        sys.exit(2)
    return ClientOnly(args.package) if args.client_only else None


def _flags(args: argparse.Namespace) -> str:
    """The client-only options as given, for a command to suggest."""
    package = f" --package {args.package}" if args.package else ""
    return " --client-only" + package if args.client_only else ""


def add_import_parser(sub: Any) -> None:
    """The `import` subcommand and its options."""
    cmd = sub.add_parser("import", help="write a spec from a running server's tools")
    add = cmd.add_argument
    add("server", help="a command line (stdio), or an http(s) URL (…/sse: SSE)")
    add("-o", "--out", type=Path, required=True, help="the spec to write")
    add("--transport", action="append", choices=TRANSPORTS,
        help="a transport of the spec; repeatable (default: stdio)")  # fmt: skip
    add("--token-env", metavar="NAME", help="environment variable holding a token")
    add("--name", help="server name of the spec (default: serverInfo.name)")
    add("--package", help="Python package of the spec (default: from the name)")
    add("--timeout", type=float, default=DEFAULT_IMPORT_TIMEOUT, metavar="SECONDS")
    add("--force", action="store_true", help="overwrite the spec if it exists")


def version_text() -> str:
    """`mcpmint X (mcpmint-runtime Y)`: the versions installed, from their metadata."""
    from importlib import metadata

    found = []
    for name in ("mcpmint", "mcpmint-runtime"):
        try:
            found.append(metadata.version(name))
        except metadata.PackageNotFoundError:
            found.append("not installed")
    return f"mcpmint {found[0]} (mcpmint-runtime {found[1]})"


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `mcpmint` script."""
    try:
        args = _parser().parse_args(argv)
        try:
            code = _COMMANDS[args.command](args)
        except SpecError as exc:
            print(format_diagnostics(exc.diagnostics), file=sys.stderr)
            code = 1
        except WrongKind as exc:
            print(f"mcpmint {args.command}: {exc}", file=sys.stderr)
            code = 2
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader left (`mcpmint check | head -1`): stop quietly, and keep Python
        # from failing again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 1
    sys.exit(code)


def _out(args: argparse.Namespace) -> Path:
    out: Path = args.out if args.out is not None else args.spec.parent
    return out


def _many(args: argparse.Namespace) -> int | None:
    """A workspace or several specs: run by mcpmint.workspace; one spec: None."""
    if args.workspace is None and len(args.spec) == 1:
        args.spec = args.spec[0]
        return None
    if args.client_only or args.package:
        print(
            f"mcpmint {args.command}: --client-only and --package go with one spec; "
            "in a workspace, give a server a `client:` folder instead",
            file=sys.stderr,
        )
        return 2
    from mcpmint.workspace.run import run_many

    return run_many(args)


def _generate(args: argparse.Namespace) -> int:
    from mcpmint.pipeline import generate

    if (code := _many(args)) is not None:
        return code
    try:
        report = generate(args.spec, _out(args), _client(args))
    except OSError as exc:
        # Writes are all or nothing: a full disk or a denied write changed nothing.
        where = exc.filename if exc.filename is not None else _out(args)
        reason = exc.strerror or str(exc)
        print(
            f"mcpmint generate: {where}: {reason}; nothing was changed", file=sys.stderr
        )
        return 1
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    if not args.quiet:
        print(report.summary())
    if report.review:
        print(
            "review these handlers: their tools' schemas changed "
            "(run mypy to see where)",
            file=sys.stderr,
        )
    if report.orphaned:
        print(
            "orphaned handlers are kept: delete them yourself "
            "if the tools, prompts or resources are gone for good",
            file=sys.stderr,
        )
    return 0


def _check(args: argparse.Namespace) -> int:
    if (code := _many(args)) is not None:
        return code
    client = _client(args)
    problems = check(args.spec, _out(args), client)
    if problems and not args.quiet:
        print("\n".join(problems))
        pyproject = f"{_out(args) / 'pyproject.toml'}:"
        pins = {p for p in problems if p.startswith(pyproject)}
        if stale := [p for p in problems if p not in pins]:
            print(
                f"{len(stale)} file(s) out of date: "
                f"run mcpmint generate {args.spec}{_flags(args)} -o {_out(args)}",
                file=sys.stderr,
            )
        if any(p.startswith("hand-edited: ") for p in problems):
            print(
                "hand-edited files are overwritten by generate: move the change into "
                "a handler or the spec",
                file=sys.stderr,
            )
        if pins:
            print(
                "the project's dependencies cannot install what the generated "
                "code needs: edit pyproject.toml as said above",
                file=sys.stderr,
            )
    # A client-only package has no handlers.
    wanted = args.fail_on_stubs and client is None
    unwritten = stubs(args.spec, _out(args)) if wanted else []
    if unwritten and not args.quiet:
        print("\n".join(f"stub: {path}" for path in unwritten))
        print(
            f"{len(unwritten)} handler(s) still raise NotImplementedError: "
            "implement them",
            file=sys.stderr,
        )
    return 1 if problems or unwritten else 0


def _validate(args: argparse.Namespace) -> int:
    from mcpmint.pipeline import load_and_validate
    from mcpmint.workspace.shared import validate_command

    if (code := validate_command(args.spec, args.workspace)) is not None:
        return code
    _, warnings = load_and_validate(args.spec)
    print(format_diagnostics(warnings))
    return 0


def _schema(args: argparse.Namespace) -> int:
    from mcpmint.spec.format import spec_json_schema

    sys.stdout.write(spec_json_schema())
    return 0


def _diff(args: argparse.Namespace) -> int:
    from mcpmint.specdiff import report as diff
    from mcpmint.workspace.diff import diff_command

    if (code := diff_command(args)) is not None:
        return code
    try:
        old, old_origins = _diff_side(args.old)
        new, new_origins = _diff_side(args.new)
    except diff.DiffInputError as exc:
        print(f"mcpmint diff: {exc}", file=sys.stderr)
        return 2
    report = diff.diff_specs(old, new, {**old_origins, **new_origins})
    sys.stdout.write(
        diff.render_json(report) if args.format == "json" else diff.render_text(report)
    )
    return diff.exit_code(report, args.fail_on)


def _new(args: argparse.Namespace) -> int:
    from mcpmint.new import new_project

    data = dict(item.split("=", 1) for item in args.data)
    return new_project(
        args.dest,
        data=data,
        defaults=args.defaults,
        template=args.template,
        vcs_ref=args.vcs_ref,
    )


def _diff_side(ref: str) -> Any:
    """A spec to compare, validated (SpecError: exit 1 with the diagnostics)."""
    from mcpmint.specdiff import report as diff

    return diff.side_with_origins(ref, cwd=Path.cwd())


def _import(args: argparse.Namespace) -> int:
    from mcpmint.importer import run_import

    return run_import(args)


_COMMANDS = {
    "import": _import,
    "new": _new,
    "generate": _generate,
    "check": _check,
    "validate": _validate,
    "schema": _schema,
    "diff": _diff,
}
