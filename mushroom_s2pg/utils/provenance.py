"""Which code produced a result: the git revision of the package's checkout."""
import os
import subprocess
from typing import Any, Dict, Optional

__all__ = ['git_revision']

_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def git_revision(root: Optional[str] = None) -> Dict[str, Any]:
    """
    The commit of a git checkout and the tracked files changed since.

    Args:
        root (str, None): a folder of the checkout (default: the checkout this package lives in).

    Returns:
        ``git_commit``, ``git_dirty`` and ``git_modified`` (paths), or an empty dict outside a checkout or
        without git.

    """
    root = _PACKAGE_ROOT if root is None else root
    try:
        def git(*args: str) -> str:
            return subprocess.run(['git', '-C', root, *args], capture_output=True, text=True, timeout=10).stdout
        commit = git('rev-parse', 'HEAD').strip()
        modified = [line[3:] for line in git('status', '--porcelain', '--untracked-files=no').splitlines()]
    except (OSError, subprocess.SubprocessError):
        return dict()
    return dict(git_commit=commit, git_dirty=bool(modified), git_modified=modified) if commit else dict()
