"""The named outputs of the actor and value networks (what policies and algorithms read by field name)."""
from typing import NamedTuple, Optional

import torch

__all__ = ['DeterministicOutputs', 'GRUFeatures', 'GaussianOutputs', 'OscillatorParameters', 'StateValues']


class GaussianOutputs(NamedTuple):
    """
    A diagonal Gaussian over [a, z'] before any squashing (SAC and LS-IQ actors, the CPG); the z' entries are None
    for stateless actors.

    """
    mean_action: torch.Tensor
    log_std_action: torch.Tensor
    mean_policy_state: Optional[torch.Tensor] = None
    log_std_policy_state: Optional[torch.Tensor] = None


class DeterministicOutputs(NamedTuple):
    """
    An action and the next internal state: a tanh action in [-1, 1] (TD3 actors), or the linear action mean of
    PPO's Gaussian with z' its internal-state mean; ``next_policy_state`` is None for stateless actors.

    """
    action: torch.Tensor
    next_policy_state: Optional[torch.Tensor] = None


class GRUFeatures(NamedTuple):
    """What the shared GRU body gives the heads: the observation features and the GRU's (new) hidden state(s)."""
    obs_features: torch.Tensor
    policy_state: torch.Tensor


class StateValues(NamedTuple):
    """V at the batch's steps t and, where asked for, t+1."""
    current: torch.Tensor
    next: Optional[torch.Tensor] = None


class OscillatorParameters(NamedTuple):
    """The bounded parameters of the CPG's oscillators: frequencies v, amplitudes b, convergence rates c, and the
    (n, n) coupling weights w and phase biases phi (zero diagonals)."""
    v: torch.Tensor
    b: torch.Tensor
    c: torch.Tensor
    w: torch.Tensor
    phi: torch.Tensor
