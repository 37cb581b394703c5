"""Which code produced a result: the package's version and, in a git checkout, its revision."""
import os
import subprocess
from typing import Any, Dict, Optional

from mushroom_s2pg import __version__

__all__ = ['git_revision', 'package_provenance']

_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _git(root: str, *args: str) -> str:
    return subprocess.run(['git', '-C', root, *args], capture_output=True, text=True, timeout=10).stdout.strip()


def git_revision(root: Optional[str] = None) -> Dict[str, Any]:
    """
    The commit of a git checkout and the tracked files changed since.

    Args:
        root (str, None): a folder of the checkout (default: the checkout this package lives in, only when the
            package is imported from the top of a checkout: an installed copy, e.g. in a virtual environment
            inside some other repository, has none).

    Returns:
        ``git_commit``, ``git_dirty`` and ``git_modified`` (paths), or an empty dict outside a checkout or
        without git.

    """
    try:
        if root is None:
            top = _git(_PACKAGE_ROOT, 'rev-parse', '--show-toplevel')
            if not top or os.path.realpath(top) != os.path.realpath(_PACKAGE_ROOT):
                return dict()
            root = _PACKAGE_ROOT
        commit = _git(root, 'rev-parse', 'HEAD')
        status = subprocess.run(['git', '-C', root, 'status', '--porcelain', '--untracked-files=no'],
                                capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return dict()
    modified = [line[3:] for line in status.splitlines()]
    return dict(git_commit=commit, git_dirty=bool(modified), git_modified=modified) if commit else dict()


def package_provenance() -> Dict[str, Any]:
    """
    Returns:
        ``package_version`` (``mushroom_s2pg.__version__``) and, when the package runs from a git checkout,
        :func:`git_revision`'s ``git_commit``, ``git_dirty`` and ``git_modified``.

    """
    return dict(package_version=__version__, **git_revision())
