"""Stateful-policy algorithms with MushroomRL's names."""
from mushroom_s2pg.algorithms.sac_rs import SAC_RS
from mushroom_s2pg.algorithms.td3_rs import TD3_RS

__all__ = ['SAC_RS', 'TD3_RS']
