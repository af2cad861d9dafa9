"""Sampling profiles of benchmark processes with py-spy, and what the samples say.

    python -m bench.webhook --think 0 --customers 300 --instances 1 --profile reports/profile

Each process is sampled (py-spy record, 100 Hz, busy threads only) from the start of the
load to its end, into folded stacks (`<name>.txt`: "frame;frame;... count" lines).
`python -m bench.profiling FILE... [--seconds S]` prints for each file where the process
spends its CPU: by package (the innermost frame's module: a library, the standard library,
or ours), by our code (the innermost frame of ours: which of our modules the time is spent
for), and the functions that use most samples themselves. With the run's length, samples
become a share of one core.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import signal
import sys
import time
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]+?)(?::\d+)?\)$")
OURS = ("prima", "actions", "escalation", "handover", "bot", "nlu", "bench")
RATE = 100


class Sampler:
    """py-spy on one process until `stop()`; its folded stacks in `output`."""

    def __init__(self, pid: int, output: Path) -> None:
        self.pid = pid
        self.output = output
        self._process: asyncio.subprocess.Process | None = None
        self.started = self.seconds = 0.0

    async def start(self) -> None:
        self.started = time.monotonic()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self._process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).with_name("py-spy")),
            "record",
            "--pid",
            str(self.pid),
            "--rate",
            str(RATE),
            "--format",
            "raw",
            "--nonblocking",
            "--output",
            str(self.output),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )

    async def stop(self) -> None:
        if self._process is None:
            return
        self.seconds = time.monotonic() - self.started
        with contextlib.suppress(ProcessLookupError):
            self._process.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
        await self._process.wait()


def _module(frame: str) -> str | None:
    m = _FRAME.match(frame)
    if m is None:
        return None
    path = m.group("file").replace("\\", "/")
    parts = path.split("/")
    if "site-packages" in parts:
        parts = parts[parts.index("site-packages") + 1 :]
    return "/".join(parts)


def where(stack: list[str]) -> str:
    """The package a sample is charged to: the innermost frame's top-level module (ours by
    module file: "actions/turns.py")."""
    for frame in reversed(stack):
        path = _module(frame)
        if path is None:
            continue
        top = path.split("/")[0].removesuffix(".py")
        if top in OURS:
            return "/".join(path.split("/")[:2])
        if top in sys.stdlib_module_names or top.startswith("<frozen"):
            return f"stdlib:{top}"
        return top
    return "other"


def ours(stack: list[str]) -> str:
    """Which of our modules a sample is spent for: the innermost frame of ours."""
    for frame in reversed(stack):
        path = _module(frame)
        if path is not None and path.split("/")[0] in OURS:
            return "/".join(path.split("/")[:2]) + ":" + frame.split(" (")[0]
    return "(none of ours)"


def summary(path: Path, seconds: float | None = None, top: int = 12) -> str:
    packages: Counter[str] = Counter()
    callers: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    total = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        stack_text, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        stack = stack_text.split(";")
        total += count
        packages[where(stack)] += count
        callers[ours(stack)] += count
        functions[stack[-1]] += count
    cpu = f", {total / (RATE * seconds):.0%} of a core over {seconds:.0f} s" if seconds else ""
    lines = [f"{path.name}: {total} samples{cpu}"]
    for title, counter in (
        ("by package (innermost frame)", packages),
        ("by our code (innermost frame of ours)", callers),
        ("functions by own samples", functions),
    ):
        lines.append(f"  {title}:")
        lines += [f"    {n / (total or 1):6.1%}  {name}" for name, n in counter.most_common(top)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--seconds", type=float, help="the run's length (CPU share)")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args(argv)
    for path in args.files:
        print(summary(path, args.seconds, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
