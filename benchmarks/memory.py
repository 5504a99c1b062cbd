"""The peak memory of a process together with every process it starts, sampled while a run goes on.

`ru_maxrss` counts one process only: the worker processes that score chunks and the forked copy
that computes side tables beside the comparison are left out, though a user's machine must hold
them at the same time. This sums the proportional set size (PSS: each shared page divided among
the processes that share it, so a forked child's copy-on-write pages are not counted twice) of the
process and all its descendants, a few times a second. Linux only; elsewhere it reports nothing.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

PROC = Path("/proc")


class TreeMemory:
    """with TreeMemory() as memory: ...; memory.peak_mb is the highest sum seen (None off Linux)."""

    def __init__(self, interval_s: float = 0.2):
        self.interval_s = interval_s
        self.peak_mb: float | None = None
        self._since_mark: float = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        if (PROC / "self" / "smaps_rollup").exists():
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def peak_since_mark(self) -> float | None:
        """The highest sum seen since the last call (or the start), counting the sum now; None off Linux."""
        if self.peak_mb is None:
            return None
        now = tree_pss_mb(os.getpid())
        peak, self._since_mark = max(self._since_mark, now), now
        return peak

    def _sample(self) -> None:
        while True:
            total = tree_pss_mb(os.getpid())
            self.peak_mb = total if self.peak_mb is None else max(self.peak_mb, total)
            self._since_mark = max(self._since_mark, total)
            if self._stop.wait(self.interval_s):
                return


def tree_pss_mb(root: int) -> float:
    """PSS in MB of `root` and its descendants now; processes that end while being read count as 0."""
    return sum(_pss_kb(pid) for pid in _tree(root)) / 1024


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            parent = _parent(entry)
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found, waiting = [], [root]
    while waiting:
        pid = waiting.pop()
        found.append(pid)
        waiting.extend(children.get(pid, []))
    return found


def _parent(entry: Path) -> int | None:
    try:
        stat = (entry / "stat").read_text()
    except OSError:
        return None
    # The command name, in parentheses, may hold spaces: the fields after its last ")" are fixed.
    return int(stat.rsplit(")", 1)[1].split()[1])


def _pss_kb(pid: int) -> int:
    try:
        lines = (PROC / str(pid) / "smaps_rollup").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith("Pss:")), 0)


class StagePeaks(dict):
    """A `timings` dict for pipeline.flow.analyze that also keeps, in `peaks_mb`, the peak of the process
    tree during each stage (from the end of the one before): the driver sets a stage's time as it ends."""

    def __init__(self, memory: TreeMemory):
        super().__init__()
        self.memory, self.peaks_mb = memory, {}

    def __setitem__(self, stage: str, seconds: float) -> None:
        peak = self.memory.peak_since_mark()
        if peak is not None:
            self.peaks_mb[stage] = round(peak)
        super().__setitem__(stage, seconds)
