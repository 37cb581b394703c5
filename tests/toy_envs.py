"""Small hand-made environments and policies for the tests."""
import numpy as np
import torch
from mushroom_rl.core import Agent, Environment, MDPInfo
from mushroom_rl.policy import Policy
from mushroom_rl.utils.spaces import Box

from mushroom_s2pg.core import PolicyStep, SingleStep, StatefulAgent, StatefulPolicy, TransitionBatch


class ToyPOMDP(Environment):
    """
    State [t, x, hidden]: t counts steps, x is a noisy position, ``hidden`` is invisible to the policy.
    Episodes end by absorption when x leaves [-3, 3] or by the horizon.

    """
    def __init__(self, horizon: int = 7, gamma: float = 0.99):
        self._state = None
        self._t = 0
        super().__init__(MDPInfo(Box(-10 * np.ones(3), 10 * np.ones(3)), Box(-np.ones(2), np.ones(2)),
                                 gamma, horizon))

    policy_obs_mask = np.array([True, True, False])

    def reset(self, state=None):
        self._t = 0
        self._state = np.array([0., np.random.uniform(-1, 1), np.random.uniform(-1, 1)])
        return self._state.copy()

    def step(self, action):
        self._t += 1
        x = self._state[1] + action[0] + 0.1 * np.random.randn()
        self._state = np.array([float(self._t), x, self._state[2]])
        reward = -abs(x) + self._state[2] * action[1]
        return self._state.copy(), reward, abs(x) > 3., dict()


class CountingNetwork(torch.nn.Module):
    """z' = z + 1 and a = [z_0 / 10, o_0 / 100]."""
    policy_state_dim = 2

    def forward(self, obs, z, prev_action):
        return torch.stack([z[..., 0] / 10., obs[..., 0] / 100.], -1), z + 1.


class CountingPolicy(StatefulPolicy):
    """z' = z + 1 and a = [z_0 / 10, state_0 / 100]: every stored value can be predicted by hand."""
    def __init__(self, policy_obs_mask: np.ndarray):
        super().__init__(CountingNetwork(), SingleStep(), -np.ones(2), np.ones(2), policy_obs_mask,
                         stochastic_policy_state=False)

    def _step(self, outputs, deterministic):
        action, next_policy_state = outputs
        return PolicyStep(action, None, next_policy_state)


class RecordingAgent(StatefulAgent):
    """Keeps every transition that ``fit`` receives."""
    def __init__(self, mdp_info, policy: StatefulPolicy):
        super().__init__(mdp_info, policy)
        self.received = []

    def fit(self, dataset, **info):
        self.received.append(self._transitions(dataset))

    def all_transitions(self):
        received = [t for t in self.received if t is not None]
        return TransitionBatch(*(None if values[0] is None else np.concatenate(values) for values in zip(*received)))


class RandomPolicy(Policy):
    """Uniform actions from a seeded generator (stateless, MushroomRL 1.10 interface)."""
    def __init__(self, low, high, seed=0):
        self._low, self._high = low, high
        self._rng = np.random.default_rng(seed)

    def draw_action(self, state):
        return self._rng.uniform(self._low, self._high)

    def reset(self):
        pass


class RandomAgent(Agent):
    """A plain MushroomRL agent with a random policy that counts its fits."""
    def __init__(self, mdp_info, seed=0):
        space = mdp_info.action_space
        super().__init__(mdp_info, RandomPolicy(space.low, space.high, seed))
        self.n_fit = 0

    def fit(self, dataset, **info):
        self.n_fit += 1
