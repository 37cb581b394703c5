"""
What GAIL's discriminator sees: D(s) or D(s, a) (and s' with ``discriminate_next_state``), the default that follows
the expert data (actions: (s, a), as the reference's launchers effectively ran; none: s), the error for actions the
data do not have, and rewards that use the actions when the discriminator sees them (hand-made arrays).
"""
import numpy as np
import pytest
import torch
from mushroom_rl.core import Core

from mushroom_s2pg.algorithms import ExpertData, ExpertDataError, make_agent
from mushroom_s2pg.algorithms.gail import resolve_discriminator_inputs
from toy_envs import ToyPOMDP

STATE_DIM, ACTION_DIM = 3, 2  # ToyPOMDP: full state [t, x, hidden], two actions
TINY = dict(n_steps_per_fit=20, n_epochs=1, batch_size=10, discriminator_batch_size=20)


def expert(actions: bool) -> ExpertData:
    rng = np.random.default_rng(0)
    states = rng.normal(size=(12, STATE_DIM))
    return ExpertData(states, states + 0.1, (np.arange(12) % 4) == 0,
                      actions=rng.uniform(-1, 1, size=(12, ACTION_DIM)) if actions else None)


def gail(actions: bool = True, name: str = 'GAIL_RS', **kwargs):
    env = ToyPOMDP()
    return make_agent(name, env.info, env.policy_obs_mask, expert_data=expert(actions), **TINY, **kwargs)


@pytest.mark.parametrize('inputs, next_state, width', [
    ('state', False, STATE_DIM),
    ('state_action', False, STATE_DIM + ACTION_DIM),
    ('state', True, 2 * STATE_DIM),
    ('state_action', True, 2 * STATE_DIM + ACTION_DIM),
])
def test_the_discriminator_s_input_width(inputs, next_state, width):
    agent = gail(discriminator_inputs=inputs, discriminate_next_state=next_state)
    assert agent.discriminator_inputs == inputs
    assert agent.discriminator.input_dim == width


def test_the_default_follows_the_expert_data():
    assert gail(actions=True).discriminator_inputs == 'state_action'
    assert gail(actions=False).discriminator_inputs == 'state'
    # the reference's network takes no (s, a, s'): with s' the default leaves the actions out
    assert gail(actions=True, discriminate_next_state=True).discriminator_inputs == 'state'
    assert resolve_discriminator_inputs(None, expert(True)) == 'state_action'
    assert resolve_discriminator_inputs(None, expert(False)) == 'state'


def test_state_action_without_expert_actions_is_one_clear_error():
    with pytest.raises(ExpertDataError, match="discriminator_inputs='state_action' needs expert actions"):
        gail(actions=False, discriminator_inputs='state_action')
    with pytest.raises(ValueError, match="Unknown discriminator_inputs 'actions'"):
        gail(discriminator_inputs='actions')


def _linear_discriminator(agent, action_weights):
    """Replace D's MLP by one linear layer reading only the actions: logit = action . action_weights."""
    layer = torch.nn.Linear(agent.discriminator.input_dim, 1)
    with torch.no_grad():
        layer.weight.zero_()
        layer.bias.zero_()
        layer.weight[0, STATE_DIM:STATE_DIM + ACTION_DIM] = torch.as_tensor(action_weights)
    agent.discriminator.mlp = torch.nn.Sequential(layer)


def test_the_reward_uses_the_actions_when_the_discriminator_sees_them():
    agent = gail(discriminator_inputs='state_action')
    _linear_discriminator(agent, [1., -0.5])
    state = np.zeros((3, STATE_DIM), dtype=np.float32)
    action = np.array([[0., 0.], [1., 0.], [0., 4.]], dtype=np.float32)
    # logits 0, 1, -2: rewards softplus = log(1 + e^logit)
    expected = np.log1p(np.exp([0., 1., -2.]))
    np.testing.assert_allclose(agent.discriminator_reward(state, state, action), expected, rtol=1e-6)


def test_the_reward_ignores_the_actions_of_a_state_discriminator():
    agent = gail(discriminator_inputs='state')
    state = np.random.default_rng(1).normal(size=(3, STATE_DIM)).astype(np.float32)
    first = agent.discriminator_reward(state, state, np.zeros((3, ACTION_DIM), dtype=np.float32))
    second = agent.discriminator_reward(state, state, np.ones((3, ACTION_DIM), dtype=np.float32))
    np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize('name', ['GAIL_RS', 'GAIL_VANILLA'])
def test_a_state_action_discriminator_learns_on_rollouts_and_survives_save_and_load(name, tmp_path):
    env = ToyPOMDP(horizon=10)
    agent = gail(name=name)
    assert agent.discriminator_inputs == 'state_action'
    Core(agent, env).learn(n_steps=60, n_steps_per_fit=20, quiet=True)
    assert np.isfinite(agent.last_losses['discriminator'])
    path = tmp_path / 'gail.msh'
    agent.save(path, full_save=True)
    loaded = type(agent).load(path)
    assert loaded.discriminator_inputs == 'state_action'
    assert loaded.discriminator.input_dim == STATE_DIM + ACTION_DIM
    Core(loaded, env).learn(n_steps=20, n_steps_per_fit=20, quiet=True)


def test_expert_data_without_actions_cannot_replace_those_of_a_state_action_discriminator():
    agent = gail(discriminator_inputs='state_action')
    with pytest.raises(ExpertDataError, match='none'):
        agent.set_expert_data(expert(actions=False))
