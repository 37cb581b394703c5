"""The GAIL family: discriminator, reward from the discriminator, every agent on Atlas.carry, save/load, launcher."""
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from mushroom_rl.core import Agent, Core

from environments import expert_dataset, make_env
from imitation_helpers import ensure_mini_data
from mushroom_s2pg.algorithms import (IMITATION_ALGORITHMS, ExpertData, ExpertDataError, make_agent,
                                      needs_expert_data)
from mushroom_s2pg.algorithms.gail import bernoulli_entropy, discriminator_reward
from mushroom_s2pg.utils import read_progress
from toy_envs import ToyPOMDP

GAIL_ALGORITHMS = ('GAIL_BPTT', 'GAIL_ORACLE', 'GAIL_RS', 'GAIL_VANILLA')

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TASK = 'Atlas.carry'

#: Small enough that every agent fits several times within a few hundred steps.
TINY = dict(n_steps_per_fit=100, n_epochs=2, batch_size=50, discriminator_batch_size=200)


@pytest.fixture(scope='module')
def atlas_expert():
    ensure_mini_data()
    return expert_dataset(TASK)


@pytest.fixture(scope='module')
def atlas_mdp():
    ensure_mini_data()
    mdp = make_env(TASK, horizon=100)
    yield mdp
    mdp.stop()


def _full_states(expert: ExpertData, mask: np.ndarray, rows: np.ndarray) -> np.ndarray:
    full = np.zeros((len(rows), mask.size), dtype=np.float32)
    full[:, mask] = rows
    return full


def test_registry_names_the_imitation_algorithms_and_requires_their_data(atlas_mdp, atlas_expert):
    assert set(IMITATION_ALGORITHMS) == {'GAIL_RS', 'GAIL_BPTT', 'GAIL_VANILLA', 'GAIL_ORACLE', 'LSIQ_RS', 'LSIQ_BPTT',
                                         'LSIQ_VANILLA', 'LSIQ_ORACLE'}
    assert needs_expert_data('GAIL_RS') and not needs_expert_data('PPO_RS')
    with pytest.raises(ExpertDataError, match='expert_data'):
        make_agent('GAIL_RS', atlas_mdp.info, atlas_mdp.policy_obs_mask)
    with pytest.raises(ValueError, match='does not imitate'):
        make_agent('PPO_RS', atlas_mdp.info, atlas_mdp.policy_obs_mask, expert_data=atlas_expert)
    with pytest.raises(ValueError, match='expert_data'):  # data, not a hyperparameter
        make_agent('GAIL_RS', atlas_mdp.info, atlas_mdp.policy_obs_mask, **{'expert_data_': atlas_expert})


def test_discriminator_sees_the_expert_entries_only(atlas_mdp, atlas_expert):
    # the mini (motion-capture) data hold what the policy observes: the discriminator sees those entries, no z
    agent = make_agent('GAIL_RS', atlas_mdp.info, atlas_mdp.policy_obs_mask, expert_data=atlas_expert)
    assert agent.discriminator.state_dim == int(atlas_mdp.policy_obs_mask.sum()) == atlas_expert.states.shape[1]
    assert agent.discriminator.mlp[0].in_features == atlas_expert.states.shape[1]
    assert [m.out_features for m in agent.discriminator.mlp if isinstance(m, torch.nn.Linear)] == [512, 256, 1]
    assert all(isinstance(m, torch.nn.Tanh) for m in agent.discriminator.mlp[1:4:2])
    assert agent.policy.policy_state_shape == (32,)
    with pytest.raises(ValueError, match='entries'):
        ExpertData(np.zeros((4, 7)), np.zeros((4, 7)), np.ones(4, bool)).located(31, atlas_mdp.policy_obs_mask)


def test_discriminate_next_state_feeds_the_discriminator_both_states(atlas_mdp, atlas_expert):
    """The option ``discriminate_next_state``: D(s, s') instead of D(s)."""
    agent = make_agent('GAIL_RS', atlas_mdp.info, atlas_mdp.policy_obs_mask, expert_data=atlas_expert,
                       discriminate_next_state=True)
    assert agent.discriminator.mlp[0].in_features == 2 * atlas_expert.states.shape[1]


def test_discriminator_separates_expert_from_uniformly_random_states(atlas_mdp, atlas_expert):
    np.random.seed(0)
    torch.manual_seed(0)
    agent = make_agent('GAIL_VANILLA', atlas_mdp.info, atlas_mdp.policy_obs_mask, expert_data=atlas_expert)
    mask = atlas_mdp.policy_obs_mask
    low = atlas_expert.states.min(0) - atlas_expert.states.std(0) - 0.5
    high = atlas_expert.states.max(0) + atlas_expert.states.std(0) + 0.5

    def random_states(n):
        return _full_states(atlas_expert, mask, np.random.uniform(low, high, (n, mask.sum())))

    for _ in range(300):
        agent._fit_discriminator(random_states(100), random_states(100))
    expert = _full_states(atlas_expert, mask, atlas_expert.states)
    other = random_states(500)
    with torch.no_grad():
        d_expert = agent.discriminator(torch.as_tensor(expert[:, mask]))
        d_other = agent.discriminator(torch.as_tensor(other[:, mask]))
    assert (d_expert > 0).float().mean() > 0.9
    assert (d_other < 0).float().mean() > 0.9
    reward_expert = agent.discriminator_reward(expert, expert)
    reward_other = agent.discriminator_reward(other, other)
    assert reward_expert.mean() > reward_other.mean() + 1.


def test_reward_and_entropy_formulas():
    logits = torch.linspace(-5, 5, 11)
    d = torch.sigmoid(logits)
    torch.testing.assert_close(discriminator_reward(logits), -torch.log(1 - d))
    torch.testing.assert_close(bernoulli_entropy(logits), -(d * torch.log(d) + (1 - d) * torch.log(1 - d)))


class ZeroRewardPOMDP(ToyPOMDP):
    def step(self, action):
        state, _, absorbing, info = super().step(action)
        return state, 0., absorbing, info


def _toy_expert(n=60):
    states = np.stack([np.arange(n) % 10, np.zeros(n), np.zeros(n)], -1).astype(np.float32)
    return ExpertData(states, states + np.array([1., 0., 0.]), (np.arange(n) % 10) == 0)


@pytest.mark.parametrize('name', ['GAIL_RS', 'GAIL_VANILLA'])
def test_policy_is_rewarded_by_the_discriminator_not_the_environment(name):
    np.random.seed(1)
    torch.manual_seed(1)
    env = ZeroRewardPOMDP(horizon=10)
    small = dict(policy_state_dim=4, n_features_actor=16) if name == 'GAIL_RS' else dict(actor_features=(16, 16))
    agent = make_agent(name, env.info, env.policy_obs_mask, expert_data=_toy_expert(), lr_critic=3e-3,
                       **dict(TINY, **small))
    seen = []
    fit_transitions = agent._transitions

    def recording(dataset):
        transitions = fit_transitions(dataset)
        seen.append(transitions)
        return transitions

    agent._transitions = recording
    Core(agent, env).learn(n_steps=600, n_steps_per_fit=100, quiet=True)
    last = seen[-1]
    assert agent.last_losses['env_reward'] == 0.
    assert np.all(last.reward > 0.)  # -log(1 - D) > 0 whatever the environment says
    np.testing.assert_allclose(last.reward, agent.discriminator_reward(last.state, last.next_state), rtol=1e-6)
    assert agent.last_losses['discriminator_reward'] == pytest.approx(float(last.reward.mean()), rel=1e-6)
    assert 'discriminator' in agent.last_losses
    # the value function learned the discriminator's (positive) returns, not the zero environment return
    batch = agent.rollout_batch(last)
    with torch.no_grad():
        values = agent._V.values(agent.policy, batch, next=False).current
    assert float(values.mean()) > 0.5


@pytest.mark.parametrize('name', GAIL_ALGORITHMS)
def test_every_gail_agent_fits_on_atlas_and_round_trips_save_load(name, atlas_mdp, atlas_expert, tmp_path):
    np.random.seed(2)
    torch.manual_seed(2)
    params = dict(TINY, **({'truncation_length': 4} if name == 'GAIL_BPTT' else {}))
    agent = make_agent(name, atlas_mdp.info, atlas_mdp.policy_obs_mask, env_id=TASK, expert_data=atlas_expert,
                       **params)
    core = Core(agent, atlas_mdp)
    d_before = [p.detach().clone() for p in agent.discriminator.parameters()]
    core.learn(n_steps=300, n_steps_per_fit=agent.default_n_steps_per_fit, quiet=True)
    assert agent._n_updates > 0
    assert not all(torch.equal(a, b) for a, b in zip(d_before, agent.discriminator.parameters()))
    losses = agent.last_losses
    assert {'actor', 'critic', 'discriminator', 'discriminator_reward', 'env_reward'} <= set(losses)
    assert all(np.isfinite(v) for v in losses.values())

    path = tmp_path / 'agent.zip'
    agent.save(path, full_save=True)
    loaded = Agent.load(path)
    assert type(loaded) is type(agent)
    for p1, p2 in zip(agent.discriminator.parameters(), loaded.discriminator.parameters()):
        assert torch.equal(p1, p2)
    state = atlas_mdp.reset()
    with agent.deterministic(), loaded.deterministic():
        z = agent.policy.reset()
        np.testing.assert_array_equal(agent.policy.draw_action(state, z)[0], loaded.policy.draw_action(state, z)[0])
    before = torch.cat([p.detach().flatten() for p in loaded.policy.parameters()]).clone()
    Core(loaded, atlas_mdp).learn(n_steps=200, n_steps_per_fit=loaded.default_n_steps_per_fit, quiet=True)
    after = torch.cat([p.detach().flatten() for p in loaded.policy.parameters()])
    assert not torch.equal(before, after), 'the loaded agent no longer trains its policy'


def test_light_save_needs_the_expert_data_back(atlas_mdp, atlas_expert, tmp_path):
    agent = make_agent('GAIL_VANILLA', atlas_mdp.info, atlas_mdp.policy_obs_mask, expert_data=atlas_expert, **TINY)
    Core(agent, atlas_mdp).learn(n_steps=100, n_steps_per_fit=100, quiet=True)
    agent.save(tmp_path / 'light.zip', full_save=False)
    loaded = Agent.load(tmp_path / 'light.zip')
    with pytest.raises(ExpertDataError, match='set_expert_data'):
        Core(loaded, atlas_mdp).learn(n_steps=100, n_steps_per_fit=100, quiet=True)
    loaded.set_expert_data(atlas_expert)
    Core(loaded, atlas_mdp).learn(n_steps=100, n_steps_per_fit=100, quiet=True)


def test_command_line_runs_gail_rs_on_atlas(tmp_path):
    ensure_mini_data()
    command = [sys.executable, '-m', 'launchers.run.experiment', '--env_id', TASK, '--algorithm', 'GAIL_RS',
               '--n_epochs', '1', '--n_steps_per_epoch', '300', '--n_eval_episodes', '1', '--horizon', '50',
               '--hyperparameters', '{"n_steps_per_fit": 100, "n_epochs": 1, "discriminator_batch_size": 200}',
               '--results_dir', str(tmp_path), '--seed', '0', '--quiet']
    env = dict(os.environ)
    env['PYTHONPATH'] = ROOT + os.pathsep + env.get('PYTHONPATH', '')
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = read_progress(os.path.join(str(tmp_path), '0', 'progress.csv'))
    assert [row['epoch'] for row in rows] == [0, 1]
    assert np.isfinite(float(rows[-1]['loss_discriminator']))


def _toy_gail(name, seed, **extra):
    np.random.seed(seed)
    torch.manual_seed(seed)
    env = ToyPOMDP(horizon=10)
    small = dict(actor_features=(16, 16)) if name in ('GAIL_VANILLA', 'GAIL_ORACLE') else \
        dict(policy_state_dim=4, n_features_actor=16)
    agent = make_agent(name, env.info, env.policy_obs_mask, expert_data=_toy_expert(), **dict(TINY, **small, **extra))
    return env, agent


def _policy_and_discriminator(agent):
    return torch.cat([p.detach().flatten() for p in (*agent.policy.parameters(), *agent.discriminator.parameters())])


@pytest.mark.parametrize('name', GAIL_ALGORITHMS)
def test_same_seed_gives_identical_gail_training(name):
    results = []
    for seed in (3, 3, 4):
        env, agent = _toy_gail(name, seed)
        Core(agent, env).learn(n_steps=300, n_steps_per_fit=100, quiet=True)
        results.append(_policy_and_discriminator(agent))
    assert torch.equal(results[0], results[1])
    assert not torch.equal(results[0], results[2])


def test_gail_bptt_without_privileged_critic_has_a_recurrent_value_function():
    from mushroom_s2pg.networks import RecurrentStateValue
    env, agent = _toy_gail('GAIL_BPTT', 0, privileged_critic=False, truncation_length=3)
    assert isinstance(agent._V, RecurrentStateValue)
    Core(agent, env).learn(n_steps=200, n_steps_per_fit=100, quiet=True)
    assert np.isfinite(agent.last_losses['critic'])


@pytest.mark.parametrize('name, every', [('GAIL_RS', 3), ('GAIL_BPTT', 1)])
def test_discriminator_is_trained_every_nth_fit(name, every):
    env, agent = _toy_gail(name, 0)
    assert agent._train_discriminator_every == every  # the reference launchers' values
    calls = []
    fit_discriminator = agent._fit_discriminator

    def counting(state, next_state, action=None):
        calls.append(len(state))
        return fit_discriminator(state, next_state, action)

    agent._fit_discriminator = counting
    Core(agent, env).learn(n_steps=600, n_steps_per_fit=100, quiet=True)
    assert calls == [100] * len(range(0, 6, every))


def test_run_config_keeps_imitation_algorithms_on_imitation_tasks(tmp_path):
    from launchers.run.config import ExperimentConfigError, RunConfig
    with pytest.raises(ExperimentConfigError, match=r'GAIL_RS imitates expert data.*Atlas\.carry') as error:
        RunConfig(env_id='HalfCheetahPOMDP-v5', algorithm='GAIL_RS')
    assert error.value.field == 'env_id'
    with pytest.raises(ExperimentConfigError, match=r'expert_data.*SAC_RS') as error:
        RunConfig(env_id='Atlas.carry', algorithm='SAC_RS', expert_data=str(tmp_path / 'x.npz'))
    assert error.value.field == 'expert_data'
    with pytest.raises(ExperimentConfigError, match=r'expert_data.*missing\.npz'):
        RunConfig(env_id='Atlas.carry', algorithm='GAIL_RS', expert_data=str(tmp_path / 'missing.npz'))
    assert RunConfig(env_id='Atlas.carry', algorithm='GAIL_RS').task_options == {}
