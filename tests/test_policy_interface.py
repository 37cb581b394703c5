"""The declared policy interface: typed steps for every algorithm, strategies, user-facing lengths, no probing."""
import re
from pathlib import Path

import numpy as np
import pytest
import torch

from algorithm_helpers import tiny_hyperparameters
from mushroom_s2pg import algorithms
from mushroom_s2pg.algorithms import ALGORITHMS, IMITATION_ALGORITHMS, hyperparameter_names, make_agent
from mushroom_s2pg.core import (BatchEvaluation, ObservationWindow, PolicyStep, SingleStep, StatefulPolicy,
                                StatefulReplayMemory, TransitionBatch, TruncatedUnroll, to_torch)
from mushroom_s2pg.policies import DeterministicPolicy, GaussianPolicy, SquashedGaussianPolicy
from toy_envs import ToyPOMDP

FAMILIES = dict(SAC=SquashedGaussianPolicy, TD3=DeterministicPolicy, PPO=GaussianPolicy)
#: The reinforcement-learning algorithms (the imitation ones need expert data: tests/test_gail.py).
RL_ALGORITHMS = sorted(set(ALGORITHMS) - set(IMITATION_ALGORITHMS))
STRATEGIES = dict(RS=SingleStep, BPTT=TruncatedUnroll, WINDOW=ObservationWindow, VANILLA=ObservationWindow,
                  ORACLE=ObservationWindow)


def _batch(agent, episode_lengths=(10, 14)):
    """A hand-made replay batch of two episodes (3 state entries, 2 action entries) with the policy's windows."""
    first = np.concatenate([[True] + [False] * (n - 1) for n in episode_lengths])
    last = np.concatenate([[False] * (n - 1) + [True] for n in episode_lengths])
    n = len(first)
    rng = np.random.default_rng(0)
    z_dim = agent.policy.stored_policy_state(np.zeros((1,) + agent.policy.policy_state_shape)).shape[1]
    action = rng.uniform(-1, 1, (n, 2)).astype(np.float32)
    states = rng.normal(size=(n + 1, 3)).astype(np.float32)
    memory = StatefulReplayMemory(0, 100)
    memory.add(TransitionBatch(state=states[:n], policy_state=rng.uniform(-1, 1, (n, z_dim)).astype(np.float32),
                    action=action, reward=np.zeros(n, np.float32), next_state=states[1:],
                    next_policy_state=rng.uniform(-1, 1, (n, z_dim)).astype(np.float32),
                    absorbing=np.zeros(n, bool), last=last,
                    prev_action=np.where(first[:, None], 0., np.roll(action, 1, 0)).astype(np.float32), first=first))
    idx = np.arange(n)
    batch = memory.get(idx)
    if agent.policy.replay_window_length is not None:
        batch = batch._replace(window=memory.transition_windows(idx, agent.policy.replay_window_length))
    return to_torch(batch)


@pytest.mark.parametrize('name', RL_ALGORITHMS)
def test_every_policy_returns_typed_steps_with_none_where_a_quantity_does_not_exist(name):
    family, variant = name.split('_')
    env = ToyPOMDP(horizon=9)
    agent = make_agent(name, env.info, env.policy_obs_mask, **tiny_hyperparameters(name))
    policy = agent.policy
    assert isinstance(policy, FAMILIES[family]) and isinstance(policy.inputs, STRATEGIES[variant])
    assert policy.stochastic_policy_state == (variant == 'RS')
    batch = _batch(agent)
    evaluation = policy.evaluate_batch(batch)
    assert isinstance(evaluation, BatchEvaluation)
    for step in (evaluation.current, evaluation.next):
        assert isinstance(step, PolicyStep)
        assert step.action.shape == (24, 2)
        assert (step.log_prob_action is None) == (family == 'TD3')
        assert (step.log_prob_policy_state is None) == (family == 'TD3' or variant != 'RS')
        assert (step.next_policy_state is None) == (variant in ('WINDOW', 'VANILLA', 'ORACLE'))
        assert (step.normalised_action is None) == (family == 'PPO')
    assert not evaluation.next.action.requires_grad
    assert evaluation.current.action.requires_grad
    assert policy.evaluate_batch(batch, current=False).current is None
    assert policy.evaluate_batch(batch, next=False).next is None


@pytest.mark.parametrize('name, kwargs, length', [
    ('SAC_RS', {}, None), ('SAC_BPTT', dict(truncation_length=7), 7), ('TD3_BPTT', dict(truncation_length=3), 3),
    ('PPO_BPTT', dict(truncation_length=4), 4), ('SAC_WINDOW', dict(window_length=3), 3),
    ('SAC_WINDOW', dict(window_length=1), None), ('TD3_VANILLA', {}, None), ('PPO_ORACLE', {}, None)])
def test_replay_window_length_is_derived_from_the_user_facing_length(name, kwargs, length):
    env = ToyPOMDP()
    agent = make_agent(name, env.info, env.policy_obs_mask, **kwargs)
    assert agent.policy.replay_window_length == length


def test_truncation_and_window_lengths_are_the_only_user_facing_lengths():
    for name in ALGORITHMS:
        names = hyperparameter_names(name)
        assert ('truncation_length' in names) == ('BPTT' in name), name
        assert ('window_length' in names) == name.endswith('_WINDOW'), name


def test_policy_interface_is_declared_abstract():
    with pytest.raises(TypeError, match='abstract'):
        StatefulPolicy(torch.nn.Linear(1, 1), SingleStep(), np.zeros(1), np.ones(1), np.ones(1, bool), False)


def test_algorithm_files_do_not_probe_policies_or_critics():
    folder = Path(algorithms.__file__).parent
    for path in folder.glob('*.py'):
        assert not re.search(r'\b(hasattr|getattr)\(', path.read_text()), path.name
