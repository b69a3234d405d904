"""Ctrl-C at chosen moments: KeyboardInterrupts fired by a timer inside a running call.

Used to check that a step is all or nothing: whatever point of it a Ctrl-C lands on, the state
afterwards is that of whole steps only.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable


def median_time(call: Callable[[], object], repeats: int = 3) -> float:
    """The median wall time of ``call()`` over ``repeats`` calls, in seconds."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def interrupt_at_many_points(call: Callable[[], object], call_time: float,
                             points: int = 40) -> int:
    """Call ``call()`` ``points`` times, each with a timer that raises KeyboardInterrupt after
    0.04, 0.08, ... call times (from early in the call to past its end); returns how many
    calls the interrupt reached. POSIX only (``signal.setitimer``)."""
    armed = [False]

    def on_alarm(signum: int, frame: object) -> None:
        if armed[0]:
            armed[0] = False
            raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, on_alarm)
    interrupts = 0
    try:
        for k in range(points):
            try:
                armed[0] = True
                signal.setitimer(signal.ITIMER_REAL, call_time * 0.04 * (k + 1))
                call()
                armed[0] = False
            except KeyboardInterrupt:
                interrupts += 1
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                armed[0] = False
    finally:
        signal.signal(signal.SIGALRM, old)
    return interrupts
