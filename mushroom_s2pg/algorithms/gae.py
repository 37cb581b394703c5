"""Generalised advantage estimation over stateful transitions (appendix C, Algorithm 3)."""
import numpy as np

__all__ = ['compute_gae']


def compute_gae(reward: np.ndarray, value: np.ndarray, next_value: np.ndarray, absorbing: np.ndarray,
                cut: np.ndarray, gamma: float, lam: float):
    """
    GAE(gamma, lambda) along consecutive transitions (s_t, z_t, a_t, z'_t) with values
    V_t = V(s_t, z_t) and V'_t = V(s_{t+1}, z'_t) (Algorithm 3 of the paper):

        delta_t = r_t + gamma (1 - absorbing_t) V'_t - V_t
        A_t = delta_t + gamma lambda (1 - cut_t) A_{t+1}

    An absorbing step bootstraps nothing; a step that ends the trace (``cut``: last step of an episode,
    absorbing or truncated, or the last step of the batch) keeps its own bootstrap V'_t but does not look
    further. The recursion runs over time, vectorised over nothing else because it is sequential.

    Returns:
        The advantages and the value targets A_t + V_t.

    """
    reward, value, next_value = (np.asarray(x, dtype=np.float64) for x in (reward, value, next_value))
    not_absorbing = 1. - np.asarray(absorbing, dtype=np.float64)
    carry = gamma * lam * (1. - np.asarray(cut, dtype=np.float64))
    delta = reward + gamma * not_absorbing * next_value - value
    advantage = np.zeros_like(delta)
    running = 0.
    for t in range(len(delta) - 1, -1, -1):
        running = delta[t] + carry[t] * running
        advantage[t] = running
    return advantage, advantage + value
