"""Stopping a run cleanly on SIGTERM or SIGUSR1 (SLURM's preemption, requeue, cancel and time-limit signals).

Inside :func:`preemptible` the signals raise :class:`Preempted` in the training loop, wherever it is, so a run stops
within a fraction of a second; its files stay as they were after the last epoch (the checkpoint of that epoch, and
``progress.csv`` rows that a resume cuts back to it), so the same command resumes it exactly. Writing those files is
a :func:`deferred` section: a signal that arrives there is raised when the section ends, so no file is left half
written. Outside the main thread (joblib workers) nothing is installed.

"""
import signal
import threading
from contextlib import contextmanager
from typing import Iterator, Optional

__all__ = ['PREEMPTED_EXIT_CODE', 'PREEMPTION_SIGNALS', 'Preempted', 'preemptible', 'deferred']

#: The exit status of a run stopped by a signal (the shell's 128 + SIGTERM).
PREEMPTED_EXIT_CODE = 143

#: The signals that stop a run: SLURM sends SIGTERM (then SIGKILL after ``KillWait``); ``sbatch --signal`` can send
#: SIGUSR1 before the time limit.
PREEMPTION_SIGNALS = (signal.SIGTERM, signal.SIGUSR1)


class Preempted(Exception):
    """The run was stopped by a signal; ``signum`` names it."""
    def __init__(self, signum: int):
        super().__init__(f'stopped by {signal.Signals(signum).name}')
        self.signum = signum


class _State:
    depth = 0                       # nesting of deferred sections
    pending: Optional[int] = None   # a signal that arrived inside one
    active = False


def _handler(signum, frame) -> None:
    if _State.depth > 0:
        _State.pending = signum
        return
    raise Preempted(signum)


@contextmanager
def preemptible() -> Iterator[None]:
    """Within the block, :data:`PREEMPTION_SIGNALS` raise :class:`Preempted` (main thread only)."""
    if threading.current_thread() is not threading.main_thread() or _State.active:
        yield
        return
    previous = {signum: signal.signal(signum, _handler) for signum in PREEMPTION_SIGNALS}
    _State.active, _State.pending, _State.depth = True, None, 0
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _State.active = False


@contextmanager
def deferred() -> Iterator[None]:
    """A section that a signal does not interrupt: :class:`Preempted` is raised when it ends."""
    _State.depth += 1
    try:
        yield
    finally:
        _State.depth -= 1
    if _State.depth == 0 and _State.pending is not None:
        signum, _State.pending = _State.pending, None
        raise Preempted(signum)
