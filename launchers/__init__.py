"""Experiment launchers: one run (``experiment``, configured by ``config.RunConfig``) and the paper's grids
(``launch_*.py``, declared with ``grid_spec.GridSpec`` and run by ``grid``).

Every command line runs as ``python -m launchers.<module>`` or as the console script that installing the
package creates (``s2pg-experiment``, ``s2pg-launch-memory``, ...; see ``setup.py``). The submodules are not
imported here, so that ``python -m launchers.experiment`` runs cleanly.

"""
import argparse
import os
import shlex
import shutil
import sys
import warnings

# MuJoCo's viewer bindings warn on import on machines without a display; nothing here renders.
warnings.filterwarnings('ignore', message='.*DISPLAY environment variable.*')

__all__ = ['experiment', 'launch_pomdp_privileged', 'program_name', 'console_script', 'command_line', 'Parser']


def program_name(module: str) -> str:
    """
    The name a command line was started by, for its usage line.

    Args:
        module (str): the launcher's module, e.g. ``'launchers.experiment'``.

    Returns:
        The console script (``s2pg-experiment``) when started through one, else ``python -m <module>``.

    """
    invoked = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ''
    return invoked if invoked.startswith('s2pg-') else f'python -m {module}'


def console_script(module: str) -> str:
    """The console script of a launcher module (``launchers.launch_memory`` -> ``s2pg-launch-memory``; setup.py)."""
    return 's2pg-' + module.rsplit('.', 1)[-1].replace('_', '-')


def command_line(module: str, *arguments: str) -> str:
    """
    A command that runs ``module`` with ``arguments`` from any folder, for printing: the console script installed
    beside this Python (by its name where the PATH finds that one, else by its path), else this Python with
    ``-m <module>``.

    """
    beside = os.path.join(os.path.dirname(sys.executable), console_script(module))
    if os.path.isfile(beside):
        found = shutil.which(console_script(module))
        program = [console_script(module) if found and os.path.samefile(found, beside) else beside]
    else:
        program = [sys.executable, '-m', module]
    return shlex.join([*program, *arguments])


class Parser(argparse.ArgumentParser):
    """The launchers' argument parser: a refused argument is one line naming it (``<prog>: error: <message> (see
    --help)``, exit status 2), without the usage block."""

    def error(self, message: str):
        self.exit(2, f'{self.prog}: error: {message} (see --help)\n')
