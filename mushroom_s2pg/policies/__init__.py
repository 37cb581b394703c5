"""The three policy families behind the StatefulPolicy interface (SAC, TD3 and PPO/GAIL)."""
from mushroom_s2pg.policies.deterministic_policy import DeterministicPolicy, perturb
from mushroom_s2pg.policies.gaussian_policy import GaussianPolicy
from mushroom_s2pg.policies.squashed_gaussian_policy import SquashedGaussianPolicy

__all__ = ['DeterministicPolicy', 'GaussianPolicy', 'SquashedGaussianPolicy', 'perturb']
