"""Sampling profiles of benchmark processes with py-spy, and what the samples say.

    python -m bench.webhook --think 0 --customers 300 --instances 1 --profile reports/profile

Each process is sampled (py-spy record, 100 Hz, native frames off, idle frames on) from the
start of the load to its end, into folded stacks (`<name>.txt`: "frame;frame;... count"
lines). `python -m bench.profiling FILE...` prints for each file where the process spends
its samples: by package (the innermost frame of ours or of a library), and the functions
that use most samples themselves. Idle samples (waiting in the event loop's select) are
counted apart, so "busy" is the process's CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import signal
import sys
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^:()]+)(?::\d+)?\)$")
# Frames of a process waiting for work rather than doing it.
_IDLE = ("select (selectors.py", "_run_once (asyncio/base_events.py", "epoll", "poll (")
OURS = ("prima", "actions", "escalation", "handover", "bot", "nlu", "bench")


class Sampler:
    """py-spy on one process until `stop()`; its folded stacks in `output`."""

    def __init__(self, pid: int, output: Path) -> None:
        self.pid = pid
        self.output = output
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self._process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).with_name("py-spy")),
            "record",
            "--pid",
            str(self.pid),
            "--rate",
            "100",
            "--format",
            "raw",
            "--idle",
            "--nonblocking",
            "--output",
            str(self.output),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )

    async def stop(self) -> None:
        if self._process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            self._process.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
        await self._process.wait()


def where(stack: list[str]) -> str:
    """The package a sample is charged to: the innermost frame's top-level package."""
    for frame in reversed(stack):
        m = _FRAME.match(frame)
        if m is None:
            continue
        path = m.group("file").replace("\\", "/")
        parts = path.split("/")
        if "site-packages" in parts:
            return parts[parts.index("site-packages") + 1]
        if parts[0] in OURS:
            return parts[0] + "/" + parts[1] if len(parts) > 1 else parts[0]
        if path.endswith(".py"):
            return "stdlib:" + parts[0].removesuffix(".py")
    return "other"


def summary(path: Path, top: int = 15) -> str:
    packages: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    idle = busy = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        stack_text, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        stack = stack_text.split(";")
        if any(marker in stack[-1] for marker in _IDLE):
            idle += count
            continue
        busy += count
        packages[where(stack)] += count
        functions[stack[-1]] += count
    total = idle + busy or 1
    lines = [f"{path.name}: {busy} busy samples ({busy / total:.0%}), {idle} idle"]
    lines.append("  by package (innermost frame):")
    lines += [f"    {n / (busy or 1):6.1%}  {name}" for name, n in packages.most_common(top)]
    lines.append("  functions by own samples:")
    lines += [f"    {n / (busy or 1):6.1%}  {name}" for name, n in functions.most_common(top)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    for path in args.files:
        print(summary(path, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
