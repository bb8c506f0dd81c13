"""Run a server under cProfile with a CPU-time clock: `cpu_profiled.py OUT (-m MODULE | SCRIPT) ARGS...`.

A CPU clock leaves out the time the process waits or is preempted, which a wall-clock
sampler counts on a loaded machine. Profiling starts on SIGUSR1 (after the imports and
the warm-up calls) in the main thread; the stats are written to OUT when the server exits.
"""

from __future__ import annotations

import cProfile
import runpy
import signal
import sys
import time
from pathlib import Path


def main() -> None:
    out, target = sys.argv[1], sys.argv[2:]
    profiler = cProfile.Profile(time.process_time)
    if target[0] == "-m":
        module, args = target[1], target[2:]
        sys.argv = [module, *args]
        run = lambda: runpy.run_module(module, run_name="__main__", alter_sys=True)  # noqa: E731
    else:
        script, args = target[0], target[1:]
        sys.argv = [script, *args]
        sys.path[0] = script.rsplit("/", 1)[0]
        run = lambda: runpy.run_path(script, run_name="__main__")  # noqa: E731

    def dump(signum: int, frame: object) -> None:
        profiler.disable()
        profiler.dump_stats(out)

    # SIGUSR1 starts the profile; SIGUSR2 writes it (uvicorn dies of the SIGTERM it re-raises).
    signal.signal(signal.SIGUSR1, lambda signum, frame: profiler.enable())
    signal.signal(signal.SIGUSR2, dump)
    try:
        run()
    except SystemExit:
        pass
    finally:
        profiler.disable()
        if not Path(out).exists():
            profiler.dump_stats(out)


if __name__ == "__main__":
    main()
