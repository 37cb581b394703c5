"""Experiment launchers: one run (``experiment``, configured by ``config.RunConfig``) and the paper's grids
(``launch_*.py``, declared with ``grid_spec.GridSpec`` and run by ``grid``).

The submodules are not imported here, so that ``python -m launchers.experiment`` runs cleanly.

"""
import warnings

# MuJoCo's viewer bindings warn on import on machines without a display; nothing here renders.
warnings.filterwarnings('ignore', message='.*DISPLAY environment variable.*')

__all__ = ['experiment', 'launch_pomdp_privileged']
