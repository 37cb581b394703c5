"""The privileged critics see ``state[..., critic_obs_mask]``; replay memories keep the full state; policies their mask."""
import numpy as np
import pytest
import torch
from mushroom_rl.core import Agent, Core

from algorithm_helpers import tiny_hyperparameters, torch_batch
from environments import make_env
from launchers.run.experiment import experiment
from mushroom_s2pg.algorithms import ALGORITHMS, make_agent
from mushroom_s2pg.core import CriticInput, TransitionBatch, checked_critic_obs_mask, critic_state
from test_lsiq import toy_expert
from toy_envs import ToyPOMDP

MASK = np.array([True, False, True])  # ToyPOMDP's full state has 3 entries; the critic sees the first and last
OFF_POLICY = [name for name in ALGORITHMS if name.split('_')[0] in ('SAC', 'TD3', 'LSIQ')]
PRIVILEGED_V = [name for name in ALGORITHMS if name.split('_')[0] in ('PPO', 'GAIL') and name != 'PPO_BPTT']


def test_critic_state_selects_the_masked_entries():
    state = torch.arange(12.).reshape(2, 2, 3)
    np.testing.assert_array_equal(critic_state(state, MASK).numpy(), state.numpy()[..., MASK])
    assert critic_state(state, None) is state
    assert critic_state(state, np.ones(3, dtype=bool)) is state  # all True: the same tensor, the same numbers


def test_checked_critic_obs_mask_refuses_other_shapes_and_an_empty_mask():
    np.testing.assert_array_equal(checked_critic_obs_mask(None, (3,)), [True, True, True])
    with pytest.raises(ValueError, match=r'\(4,\).*\(3,\)'):
        checked_critic_obs_mask(np.ones(4, dtype=bool), (3,))
    with pytest.raises(ValueError, match='nothing'):
        checked_critic_obs_mask(np.zeros(3, dtype=bool), (3,))
    env = ToyPOMDP()
    with pytest.raises(ValueError, match=r'\(4,\).*\(3,\)'):
        make_agent('SAC_RS', env.info, env.policy_obs_mask, critic_obs_mask=np.ones(4, dtype=bool))


def _agent(name, critic_obs_mask=MASK):
    torch.manual_seed(0)
    env = ToyPOMDP(horizon=10)
    params = tiny_hyperparameters(name)
    if name.startswith(('PPO', 'GAIL')):
        params['privileged_critic'] = True
    expert = toy_expert() if name.startswith(('GAIL', 'LSIQ')) else None
    return make_agent(name, env.info, env.policy_obs_mask, expert_data=expert, critic_obs_mask=critic_obs_mask,
                      **params)


def _batch(agent, hidden: float) -> TransitionBatch:
    n, z_dim = 5, agent.policy.stored_policy_state(np.zeros((1,) + agent.policy.policy_state_shape)).shape[1]
    generator = torch.Generator().manual_seed(1)
    fields = dict(state=torch.rand(n, 3, generator=generator), next_state=torch.rand(n, 3, generator=generator),
                  action=torch.rand(n, 2, generator=generator), prev_action=torch.rand(n, 2, generator=generator),
                  policy_state=torch.rand(n, z_dim, generator=generator),
                  next_policy_state=torch.rand(n, z_dim, generator=generator))
    for key in ('state', 'next_state'):
        fields[key][:, ~MASK] = hidden
    return torch_batch(n, **fields)


@pytest.mark.parametrize('name', OFF_POLICY)
def test_off_policy_critic_sees_only_the_masked_entries(name):
    agent = _agent(name)
    np.testing.assert_array_equal(agent.critic_obs_mask, MASK)
    with torch.no_grad():
        q_nan = agent.critic(CriticInput.stored(_batch(agent, float('nan')), agent.critic_obs_mask))
        q_zero = agent.critic(CriticInput.stored(_batch(agent, 0.), agent.critic_obs_mask))
        q_huge = agent.critic(CriticInput.stored(_batch(agent, 1e30), agent.critic_obs_mask))
    assert torch.isfinite(q_nan).all()
    assert torch.equal(q_nan, q_zero) and torch.equal(q_huge, q_zero)


@pytest.mark.parametrize('name', OFF_POLICY)
def test_critic_state_width_is_the_mask_sum(name):
    critic = _agent(name).critic
    network = critic.critics[0] if hasattr(critic, 'critics') else critic
    if hasattr(network, 'mlp'):  # Q(s, a): the MLP critics of the baselines
        assert network.mlp[0].in_features == MASK.sum() + 2
    else:  # the stateful critics: [s, a, a_prev] (LS-IQ-RS: [s, a])
        n_actions = 2 * (2 if network.use_prev_action else 1)
        assert network.state_encoder[0].in_features == MASK.sum() + n_actions


@pytest.mark.parametrize('name', PRIVILEGED_V)
def test_privileged_value_function_sees_only_the_masked_entries(name):
    agent = _agent(name)
    value = agent._V
    z_dim = value.policy_state_dim
    assert value.mlp[0].in_features == MASK.sum() + z_dim
    with torch.no_grad():
        v_nan = value.values(agent.policy, _batch(agent, float('nan')))
        v_zero = value.values(agent.policy, _batch(agent, 0.))
    assert torch.isfinite(v_nan.current).all() and torch.equal(v_nan.current, v_zero.current)
    assert torch.equal(v_nan.next, v_zero.next)


@pytest.mark.parametrize('name', ['SAC_RS', 'PPO_VANILLA'])
def test_the_default_mask_is_all_true_and_gives_the_same_numbers(name):
    agent, same = _agent(name, None), _agent(name, np.ones(3, dtype=bool))
    np.testing.assert_array_equal(agent.critic_obs_mask, [True, True, True])
    batch = _batch(agent, 0.5)
    with torch.no_grad():
        if hasattr(agent, 'critic'):
            q = [a.critic(CriticInput.stored(batch, a.critic_obs_mask)) for a in (agent, same)]
            assert torch.equal(q[0], agent.critic(CriticInput.stored(batch)))
        else:
            q = [a._V.values(a.policy, batch).current for a in (agent, same)]
    assert torch.equal(*q)


@pytest.mark.parametrize('name', ['SAC_ORACLE', 'TD3_ORACLE', 'PPO_ORACLE', 'LSIQ_ORACLE', 'GAIL_ORACLE'])
def test_oracle_policies_see_the_full_state_and_their_critics_the_mask(name):
    agent = _agent(name)
    assert agent.policy.policy_obs_mask.all()
    np.testing.assert_array_equal(agent.critic_obs_mask, MASK)


def test_point_mass_door_trains_with_the_critic_on_position_and_doors(tmp_path):
    mdp = make_env('PointMassDoor-v0')
    assert mdp.critic_obs_mask.sum() == 4 and mdp.critic_obs_mask.size == 6
    summary = experiment(env_id='PointMassDoor-v0', algorithm='SAC_RS', n_epochs=1, n_steps_per_epoch=200,
                         n_eval_episodes=1, seed=0, results_dir=str(tmp_path), horizon=20, quiet=True,
                         hyperparameters='{"initial_replay_size": 50, "warmup_transitions": 60, "batch_size": 16, '
                                         '"max_replay_size": 500, "n_features_critic": 16, "n_features_actor": 16}')
    agent = Agent.load(summary['agent'])
    np.testing.assert_array_equal(agent.critic_obs_mask, mdp.critic_obs_mask)
    action_dim = mdp.info.action_space.shape[0]
    for critic in agent.critic.critics:
        assert critic.state_encoder[0].in_features == 4 + 2 * action_dim
    updates = agent._n_updates
    assert updates > 0
    Core(agent, mdp).learn(n_steps=80, n_steps_per_fit=1, quiet=True)  # training continues after load
    assert agent._n_updates > updates
    assert agent.replay_memory.get(np.arange(4)).state.shape == (4, 6)  # the memory keeps the full state


@pytest.mark.parametrize('name', OFF_POLICY)
def test_off_policy_agents_with_a_critic_mask_train_their_actor(name):
    """Past the warm-up the actor's step evaluates the critic on freshly drawn actions: it sees the masked state
    there too (a critic sized by the mask fails on the full state)."""
    agent, env = _agent(name), ToyPOMDP(horizon=10)
    before = [p.detach().clone() for p in agent.policy.network.parameters()]
    Core(agent, env).learn(n_steps=120, n_steps_per_fit=1, quiet=True)
    assert any(not torch.equal(p, q) for p, q in zip(before, agent.policy.network.parameters()))
