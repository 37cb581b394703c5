"""Stateful and stateless policies behind the StatefulPolicy interface."""
from mushroom_s2pg.policies.deterministic_stateful_policy import DeterministicStatefulPolicy
from mushroom_s2pg.policies.gaussian_stateful_policy import CPGPolicy, GaussianStatefulPolicy
from mushroom_s2pg.policies.ppo_policies import PPORecurrentPolicy, PPOStatefulPolicy, PPOWindowPolicy
from mushroom_s2pg.policies.recurrent_policies import DeterministicRecurrentPolicy, GaussianRecurrentPolicy
from mushroom_s2pg.policies.window_policies import DeterministicWindowPolicy, GaussianWindowPolicy

__all__ = ['CPGPolicy', 'DeterministicRecurrentPolicy', 'DeterministicStatefulPolicy', 'DeterministicWindowPolicy',
           'GaussianRecurrentPolicy', 'GaussianStatefulPolicy', 'GaussianWindowPolicy', 'PPORecurrentPolicy',
           'PPOStatefulPolicy', 'PPOWindowPolicy']
