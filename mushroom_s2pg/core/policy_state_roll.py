"""
Rolling a policy's z-kernel over stored trajectories: the internal states that the *current* policy would have
carried along them.

Used for the internal states of expert trajectories (LS-IQ's expert memory).
"""
from typing import Optional, Tuple

import numpy as np
import torch

from mushroom_s2pg.core.batch import TransitionBatch, Windows
from mushroom_s2pg.core.stateful_policy import StatefulPolicy

__all__ = ['roll_policy_states']


def _step_inputs(policy: StatefulPolicy, state: torch.Tensor, policy_state: torch.Tensor,
                 prev_action: torch.Tensor) -> TransitionBatch:
    """A replay-like batch holding one step (s, z, a_prev) per row, in the form ``policy.evaluate_batch`` reads (its
    reward and flags are zeros: the policy does not read them)."""
    flags = torch.zeros(len(state), device=state.device)
    window = None
    if policy.replay_window_length is not None:
        window = Windows(state=torch.stack([state, torch.zeros_like(state)], 1),
                         prev_action=torch.stack([prev_action, torch.zeros_like(prev_action)], 1),
                         lengths=torch.ones(len(state), dtype=torch.long, device=state.device),
                         mask=torch.ones(len(state), 2, dtype=torch.bool, device=state.device),
                         initial_policy_state=policy_state)
    return TransitionBatch(state=state, policy_state=policy_state, action=prev_action, reward=flags, next_state=state,
                           next_policy_state=policy_state, absorbing=flags, last=flags, prev_action=prev_action,
                           first=flags, window=window)


def roll_policy_states(policy: StatefulPolicy, states: np.ndarray, prev_actions: np.ndarray,
                       episode_starts: np.ndarray,
                       initial_policy_states: Optional[np.ndarray] = None) -> Tuple[np.ndarray, np.ndarray]:
    """
    The policy's kernel z' ~ pi_z(. | o, z, a_prev) rolled over consecutive trajectories, all episodes at once, one
    time step per network call. Each episode starts from z0 = ``policy.reset()`` (or its row of
    ``initial_policy_states``); episodes never mix.

    Args:
        policy (StatefulPolicy): the policy (its sample of z', or its deterministic carry for BPTT policies);
        states (np.ndarray): ``(N, d)`` full states, episode after episode;
        prev_actions (np.ndarray): ``(N, action_dim)`` previous actions (0 at episode starts);
        episode_starts (np.ndarray): ``(N,)`` bool, True on the first row of each episode (the first row must be);
        initial_policy_states (np.ndarray, None): ``(n_episodes, dim z)`` stored z of each episode's first row.

    Returns:
        z and z' ``(N, dim z)`` as replay memories store them (``policy.stored_policy_state``; zero width for
        stateless policies).

    """
    states = np.asarray(states, dtype=np.float32)
    prev_actions = np.asarray(prev_actions, dtype=np.float32)
    starts = np.flatnonzero(np.asarray(episode_starts, dtype=bool))
    n = len(states)
    if n == 0 or len(starts) == 0 or starts[0] != 0:
        raise ValueError('episode_starts must mark the first row')
    lengths = np.diff(np.append(starts, n))

    z0 = policy.stored_policy_state(np.asarray(policy.reset(), dtype=np.float32)[None])
    width = z0.shape[-1]
    z = np.zeros((n, width), dtype=np.float32)
    z_next = np.zeros((n, width), dtype=np.float32)
    if width == 0:
        return z, z_next
    if initial_policy_states is None:
        current = np.repeat(z0, len(starts), axis=0)
    else:
        current = np.array(initial_policy_states, dtype=np.float32).reshape(len(starts), width)
    device = policy.device
    with torch.no_grad():
        for t in range(int(lengths.max())):
            active = np.flatnonzero(lengths > t)
            rows = starts[active] + t
            z[rows] = current[active]
            inputs = (torch.from_numpy(array).to(device) for array in (states[rows], current[active], prev_actions[rows]))
            step = policy.evaluate_batch(_step_inputs(policy, *inputs), current=True, next=False)
            fresh = policy.stored_policy_state(step.current.next_policy_state.cpu().numpy().astype(np.float32))
            z_next[rows] = fresh
            current[active] = fresh
    return z, z_next
