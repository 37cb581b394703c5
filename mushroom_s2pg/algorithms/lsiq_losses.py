"""LS-IQ's critic targets and loss (the least-squares regression of :mod:`mushroom_s2pg.algorithms.lsiq`)."""
from typing import Tuple

import torch
import torch.nn.functional as F

__all__ = ['lsiq_critic_loss', 'lsiq_critic_targets', 'lsiq_q_bound']


def lsiq_q_bound(gamma: float, reg_mult: float) -> float:
    """The bound 1 / (reg_mult (1 - gamma)) of LS-IQ's Q values (200 for gamma 0.99 and reg_mult 0.5)."""
    return 1. / (reg_mult * (1. - gamma))


def lsiq_critic_targets(next_value: torch.Tensor, absorbing: torch.Tensor, is_expert: torch.Tensor, gamma: float,
                        reg_mult: float, treat_absorbing_states: bool = True, target_clipping: bool = True,
                        expert_target: str = 'fixed') -> torch.Tensor:
    """
    The least-squares targets of LS-IQ's critic (the reference's "sqil-like" loss).

    With y = (1 - absorbing) gamma clip(V(s'), Q_min, Q_max) and r_bound = 1 / reg_mult (times 1 / (1 - gamma) at
    absorbing states when ``treat_absorbing_states``): agent transitions get y - r_bound; expert transitions
    Q_max (``expert_target='fixed'``, the reference's setting) or y + r_bound (``'bootstrap'``). With clipping and
    absorbing-state treatment every target lies in [Q_min, Q_max] = +-:func:`lsiq_q_bound`.

    Args:
        next_value (torch.Tensor): soft values V(s') = Q'(s', z', a', z'', a) - alpha log pi(a' | .);
        absorbing, is_expert (torch.Tensor): per-transition flags (bool or 0/1 floats);
        gamma (float): discount factor;
        reg_mult (float): weight of the chi^2 regulariser (0.5 in the reference).

    """
    if expert_target not in ('fixed', 'bootstrap'):
        raise ValueError(f"expert_target must be 'fixed' or 'bootstrap', got {expert_target!r}")
    q_max = lsiq_q_bound(gamma, reg_mult)
    absorbing = absorbing.float()
    is_expert = is_expert.bool()
    value = next_value.clamp(-q_max, q_max) if target_clipping else next_value
    y = (1. - absorbing) * gamma * value
    scale = 1. + absorbing * (1. / (1. - gamma) - 1.) if treat_absorbing_states else torch.ones_like(absorbing)
    r_bound = scale / reg_mult
    expert = torch.full_like(y, q_max) if expert_target == 'fixed' else y + r_bound
    return torch.where(is_expert, expert, y - r_bound)


def lsiq_critic_loss(q: torch.Tensor, target: torch.Tensor, is_expert: torch.Tensor,
                     loss: str = 'mse') -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """
    LS-IQ's critic loss: the mean (squared or Huber) error on the expert transitions plus the one on the agent's.

    Returns:
        The total loss, the expert term and the agent term.

    """
    if loss not in ('mse', 'huber'):
        raise ValueError(f"loss must be 'mse' or 'huber', got {loss!r}")
    error = F.mse_loss if loss == 'mse' else F.huber_loss
    is_expert = is_expert.bool()
    expert_term = error(q[is_expert], target[is_expert])
    agent_term = error(q[~is_expert], target[~is_expert])
    return expert_term + agent_term, expert_term, agent_term
