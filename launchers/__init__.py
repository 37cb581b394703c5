"""Experiment launchers: ``experiment`` (one run) and ``launch_pomdp_privileged`` (the paper's grid).

The submodules are not imported here, so that ``python -m launchers.experiment`` runs cleanly.

"""
__all__ = ['experiment', 'launch_pomdp_privileged']
