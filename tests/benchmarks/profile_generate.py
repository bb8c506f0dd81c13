"""Where `mcpmint generate` spends its time, stage by stage, in one process.

    python -m tests.benchmarks.profile_generate --tools 100 [--runs 2]

Wraps the generator's stage functions with CPU-time (process_time) and wall-time
counters; CPU time is what load from other work changes least. Run 1 starts with an
empty black cache, later runs are no-op regenerations in the same process. Stages
nest (to_ir contains render_models and input_params), so they do not add up.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .generation import synthesise

# (module, function): the stages worth timing, where they are looked up.
STAGES = (
    ("mcpmint.spec.load", "load_spec"),  # looked up by mcpmint.diagnose when it runs
    ("mcpmint.spec.validate", "validate"),
    ("mcpmint.codegen.lower", "to_ir"),
    ("mcpmint.models.cache", "render_models"),  # a cache miss
    ("mcpmint.models.pipeline", "generated_module"),  # datamodel-code-generator
    ("mcpmint.codegen.lower", "input_params"),
    ("mcpmint.codegen.lower", "bundle"),
    ("mcpmint.codegen.render", "render"),
    ("mcpmint.codegen.format", "format_files"),
    ("mcpmint.codegen.format", "_black"),
    ("mcpmint", "write_tree"),
    ("mcpmint", "diff_tree"),
)


def _wrap(module: Any, name: str, totals: dict[str, list[float]]) -> None:
    original: Callable[..., Any] | None = getattr(module, name, None)
    if not callable(original):
        return
    key = f"{module.__name__}.{name}"
    totals.setdefault(key, [0.0, 0.0, 0])

    def timed(*args: Any, **kwargs: Any) -> Any:
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            entry = totals[key]
            entry[0] += time.process_time() - cpu
            entry[1] += time.perf_counter() - wall
            entry[2] += 1

    setattr(module, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.profile_generate", description=__doc__
    )
    parser.add_argument("--tools", type=int, default=100)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument(
        "--check", action="store_true", help="also time mcpmint.check after the runs"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mcpmint-genprof-"))
    os.environ["MCPMINT_CACHE_DIR"] = str(work / "cache")
    try:
        spec_path = work / "spec.yaml"
        spec_path.write_text(json.dumps(synthesise(args.tools), indent=1))
        start = time.process_time()
        import mcpmint
        import mcpmint.codegen.format
        import mcpmint.codegen.lower
        import mcpmint.models
        import mcpmint.codegen.render

        print(f"import mcpmint + stages: {time.process_time() - start:.2f} s CPU")
        for run in range(args.runs + (1 if args.check else 0)):
            totals: dict[str, list[float]] = {}
            for module_name, name in STAGES:
                _wrap(importlib.import_module(module_name), name, totals)
            cpu, wall = time.process_time(), time.perf_counter()
            checking = run == args.runs
            if checking:
                mcpmint.check(spec_path, work / "out")
            else:
                mcpmint.generate(spec_path, work / "out")
            what = (
                "check"
                if checking
                else ("generate (empty cache)" if run == 0 else "no-op regenerate")
            )
            print(
                f"\n{what}, {args.tools} tools: {time.process_time() - cpu:.2f} s CPU, {time.perf_counter() - wall:.2f} s wall"
            )
            for key, (stage_cpu, stage_wall, calls) in totals.items():
                if calls:
                    print(
                        f"  {stage_cpu:7.2f} s CPU {stage_wall:7.2f} s wall {calls:6d} calls  {key}"
                    )
            for module_name, name in STAGES:  # unwrap for the next run
                module = importlib.import_module(module_name)
                wrapped = getattr(module, name, None)
                inner = getattr(wrapped, "__closure__", None)
                if inner:
                    for cell in inner:
                        if (
                            callable(cell.cell_contents)
                            and getattr(cell.cell_contents, "__name__", "") == name
                        ):
                            setattr(module, name, cell.cell_contents)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
