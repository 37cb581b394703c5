"""Experiment launchers: one run (``experiment``, configured by ``config.RunConfig``) and the paper's grids
(``launch_*.py``, declared with ``grid_spec.GridSpec`` and run by ``grid``).

Every command line runs as ``python -m launchers.<module>`` or as the console script that installing the
package creates (``s2pg-experiment``, ``s2pg-launch-memory``, ...; see ``setup.py``). The submodules are not
imported here, so that ``python -m launchers.experiment`` runs cleanly.

"""
import os
import sys
import warnings

# MuJoCo's viewer bindings warn on import on machines without a display; nothing here renders.
warnings.filterwarnings('ignore', message='.*DISPLAY environment variable.*')

__all__ = ['experiment', 'launch_pomdp_privileged', 'program_name']


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
