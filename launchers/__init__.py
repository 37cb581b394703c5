"""Experiment launchers, in four rooms:

- ``launchers.run``: one run (``launchers.run.experiment``, configured by ``launchers.run.config.RunConfig``);
- ``launchers.grids``: the paper's grids (``launchers.grids.memory``, ``.pomdp``, ``.pomdp_privileged``, ``.cpg``,
  ``.imitation``, each a ``launchers.grids.spec.GridSpec`` run by ``launchers.grids.runner``), their reduced
  reproduction (``launchers.grids.reproduce_small``) and SLURM submission;
- ``launchers.report``: from run folders (or one ``returns.csv`` table) to figures and tables;
- ``launchers.tools``: expert data (``launchers.tools.make_expert_data``) and the memory diagnostics
  (``launchers.tools.goal_following``).

Every command line runs as ``python -m <module>`` or as the console script that installing the package creates
(:data:`CONSOLE_SCRIPTS`, the same as ``setup.py``). This module holds the command lines' shared helpers and
imports no room, so that ``python -m launchers.run.experiment`` runs cleanly.

"""
import argparse
import os
import shlex
import shutil
import sys
import warnings

# MuJoCo's viewer bindings warn on import on machines without a display; nothing here renders.
warnings.filterwarnings('ignore', message='.*DISPLAY environment variable.*')

__all__ = ['CONSOLE_SCRIPTS', 'program_name', 'console_script', 'command_line', 'Parser']

#: The command-line modules and their console scripts (setup.py's ``console_scripts``).
CONSOLE_SCRIPTS = {
    'launchers.run.experiment': 's2pg-experiment',
    'launchers.report': 's2pg-report',
    'launchers.tools.make_expert_data': 's2pg-make-expert-data',
    'launchers.tools.goal_following': 's2pg-goal-following',
    'launchers.grids.memory': 's2pg-launch-memory',
    'launchers.grids.pomdp': 's2pg-launch-pomdp',
    'launchers.grids.pomdp_privileged': 's2pg-launch-pomdp-privileged',
    'launchers.grids.cpg': 's2pg-launch-cpg',
    'launchers.grids.imitation': 's2pg-launch-imitation',
    'launchers.grids.reproduce_small': 's2pg-reproduce-small',
}


def program_name(module: str) -> str:
    """
    The name a command line was started by, for its usage line.

    Args:
        module (str): the launcher's module, e.g. ``'launchers.run.experiment'``.

    Returns:
        The console script (``s2pg-experiment``) when started through one, else ``python -m <module>``.

    """
    invoked = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ''
    return invoked if invoked.startswith('s2pg-') else f'python -m {module}'


def console_script(module: str) -> str:
    """The console script of a command-line module (``launchers.grids.memory`` -> ``s2pg-launch-memory``)."""
    try:
        return CONSOLE_SCRIPTS[module]
    except KeyError:
        raise ValueError(f'{module} is not a command-line module of the launchers') from None


def command_line(module: str, *arguments: str) -> str:
    """
    A command that runs ``module`` with ``arguments`` from any folder, for printing: the console script installed
    beside this Python (by its name where the PATH finds that one, else by its path), else this Python with
    ``-m <module>``.

    """
    script = CONSOLE_SCRIPTS.get(module)
    beside = os.path.join(os.path.dirname(sys.executable), script) if script else None
    if beside and os.path.isfile(beside):
        found = shutil.which(script)
        program = [script if found and os.path.samefile(found, beside) else beside]
    else:
        program = [sys.executable, '-m', module]
    return shlex.join([*program, *arguments])


class Parser(argparse.ArgumentParser):
    """The launchers' argument parser: a refused argument is one line naming it (``<prog>: error: <message> (see
    --help)``, exit status 2), without the usage block."""

    def error(self, message: str):
        self.exit(2, f'{self.prog}: error: {message} (see --help)\n')
