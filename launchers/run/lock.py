"""One process per run folder: an advisory lock on ``<run_dir>/run.lock``.

The lock is ``fcntl.flock`` on an open file, so the operating system releases it when its holder exits, however it
exits (``kill -9`` too): a stale lock file never blocks a resume. The file holds the holder's ``pid@host`` for the
message of a process that finds the folder taken. On network file systems ``flock`` is emulated with POSIX record
locks (Linux NFS v4), which also end with the process.

"""
import fcntl
import os
import socket
from typing import Optional

from launchers.run.config import ExperimentConfigError

__all__ = ['LOCK_FILE', 'RunLock', 'RunLockedError']

LOCK_FILE = 'run.lock'


class RunLockedError(ExperimentConfigError):
    """Another process holds the run folder; the message names the folder and the holder."""
    def __init__(self, message: str):
        super().__init__(message, 'results_dir')


class RunLock:
    """
    The lock of one run folder, taken by :meth:`acquire` (or ``with``) and released by :meth:`release`.

    Args:
        run_dir (str): the run folder (it must exist).

    """
    def __init__(self, run_dir: str):
        self.run_dir = run_dir
        self.path = os.path.join(run_dir, LOCK_FILE)
        self._file = None

    def acquire(self) -> 'RunLock':
        """
        Take the lock without waiting.

        Raises:
            RunLockedError: when another process holds it, naming the folder and the holder's ``pid@host``.

        """
        handle = open(self.path, 'a+')
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or 'unknown'
            handle.close()
            raise RunLockedError(f'the run folder {os.path.abspath(self.run_dir)} is in use by another process '
                                 f'(pid@host {holder}); wait for it to end, or stop it, before resuming') from None
        handle.seek(0)
        handle.truncate()
        handle.write(f'{os.getpid()}@{socket.gethostname()}\n')
        handle.flush()
        self._file = handle
        return self

    def release(self) -> None:
        """Release the lock (the file stays: its content is only information)."""
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def __enter__(self) -> 'RunLock':
        return self.acquire()

    def __exit__(self, *exc_info) -> Optional[bool]:
        self.release()
        return None
