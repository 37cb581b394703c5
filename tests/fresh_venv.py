"""A wheel of this repository installed into a fresh virtual environment, as a library user would have it.

Offline and fast: the wheel is built from a copy of the repository (so that the build writes nothing here) with
the test interpreter's setuptools, and installed with ``--no-deps`` into a virtual environment made with
``python -m venv --without-pip``. That environment reaches the dependencies already installed for the tests
through one ``.pth`` line naming their site-packages folder(s): a ``.pth`` line only appends a folder to
``sys.path``, the ``.pth`` files inside it are not run, so the editable install of this repository (its finder
is started by a ``.pth`` file there) stays out. The package is then imported from the wheel's copy only.

"""
import fnmatch
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

__all__ = ['ROOT', 'FreshVenv', 'build_wheel', 'wheel_metadata', 'make_fresh_venv']

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Not part of a build: version control, environments, outputs, caches.
_SKIP_AT_ROOT = {'.git', '.venv', 'build', 'dist', 'results', 'logs', '.pytest_cache'}
_SKIP_ANYWHERE = ('__pycache__', '*.egg-info', '*.pyc')


def _ignore(folder: str, names: List[str]) -> List[str]:
    skipped = [name for name in names if any(fnmatch.fnmatch(name, pattern) for pattern in _SKIP_ANYWHERE)]
    if os.path.abspath(folder) == ROOT:
        skipped += [name for name in names if name in _SKIP_AT_ROOT
                    or os.path.isfile(os.path.join(folder, name, 'pyvenv.cfg'))]
    return skipped


def _run(command: Sequence[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(list(command), capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f'{" ".join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}'
    return result


def build_wheel(workdir: str) -> str:
    """
    Build the wheel of this repository, offline, from a copy of it.

    Args:
        workdir (str): an empty folder for the copy and the wheel.

    Returns:
        The path of the wheel.

    """
    source, dist = os.path.join(workdir, 'source'), os.path.join(workdir, 'dist')
    shutil.copytree(ROOT, source, ignore=_ignore)
    _run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '--no-index',
          '--disable-pip-version-check', '-q', '-w', dist, source])
    wheels = [name for name in os.listdir(dist) if name.endswith('.whl')]
    assert len(wheels) == 1, wheels
    return os.path.join(dist, wheels[0])


def wheel_metadata(wheel: str) -> Dict[str, List[str]]:
    """The fields of the wheel's ``METADATA`` header (each a list of its values, e.g. ``Requires-Dist``)."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith('.dist-info/METADATA'))
        header = archive.read(name).decode().split('\n\n', 1)[0]
    fields: Dict[str, List[str]] = {}
    for line in header.splitlines():
        key, _, value = line.partition(': ')
        fields.setdefault(key, []).append(value)
    return fields


def clean_environment() -> Dict[str, str]:
    """
    The test's environment without what would put this repository or user packages on ``sys.path``; one
    torch thread, as in the tests (``conftest.py``).
    """
    env = {key: value for key, value in os.environ.items()
           if key not in ('PYTHONPATH', 'PYTHONHOME', 'PYTHONSTARTUP', 'PYTHONSAFEPATH')}
    env.update(PYTHONNOUSERSITE='1', MPLBACKEND='Agg', OMP_NUM_THREADS='1')
    return env


@dataclass(frozen=True)
class FreshVenv:
    """A virtual environment holding the installed wheel (``prefix``), its ``python``, ``bin`` and site-packages."""
    prefix: str
    site_packages: str

    @property
    def bin(self) -> str:
        return os.path.join(self.prefix, 'bin')

    @property
    def python(self) -> str:
        return os.path.join(self.bin, 'python')

    def run(self, command: Sequence[str], cwd: str, check: bool = True,
            timeout: Optional[float] = 300) -> subprocess.CompletedProcess:
        """Run ``command`` (a program of ``bin`` by name, or any path) in ``cwd`` with :func:`clean_environment`."""
        program = command[0] if os.sep in command[0] else os.path.join(self.bin, command[0])
        result = subprocess.run([program, *command[1:]], cwd=cwd, env=clean_environment(), capture_output=True,
                                text=True, timeout=timeout)
        if check:
            assert result.returncode == 0, f'{command} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}'
        return result


def make_fresh_venv(prefix: str, wheel: str) -> FreshVenv:
    """
    A fresh virtual environment with ``wheel`` installed (``--no-deps``) and the test interpreter's packages
    reachable as plain folders (their ``.pth`` files not run).

    Args:
        prefix (str): the folder of the new environment;
        wheel (str): the wheel to install.

    Returns:
        The environment.

    """
    _run([sys.executable, '-m', 'venv', '--without-pip', prefix])
    python = os.path.join(prefix, 'bin', 'python')
    site_packages = _run([python, '-c', 'import sysconfig; print(sysconfig.get_path("purelib"))'],
                         env=clean_environment()).stdout.strip()
    dependencies = dict.fromkeys(sysconfig.get_path(kind) for kind in ('purelib', 'platlib'))
    with open(os.path.join(site_packages, 'test_dependencies.pth'), 'w') as f:
        f.write(''.join(folder + '\n' for folder in dependencies))
    venv = FreshVenv(prefix=prefix, site_packages=site_packages)
    # --ignore-installed: never touch the test interpreter's own (editable) install of this package.
    venv.run(['python', '-m', 'pip', 'install', '--no-deps', '--no-index', '--ignore-installed',
              '--disable-pip-version-check', '-q', wheel], cwd=prefix)
    return venv
