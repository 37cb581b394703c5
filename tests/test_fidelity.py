"""Fidelity to the reference: network sizes, PPO details, TD3-RS and SAC-RS mechanics (issue 10, items 1, 3-5)."""
import numpy as np
import pytest
import torch
from mushroom_rl.core import Agent, Core

from algorithm_helpers import tiny_hyperparameters, torch_batch
from environments import make_env
from mushroom_s2pg.algorithms import make_agent
from mushroom_s2pg.core import Windows, to_torch
from mushroom_s2pg.networks import MLPStateValue, RecurrentStateValue
from toy_envs import ToyPOMDP

ENV_ID = 'HalfCheetahPOMDP-v5'


def _n_parameters(module):
    return sum(p.numel() for p in module.parameters())


@pytest.fixture(scope='module')
def half_cheetah():
    return make_env(ENV_ID)


# Hand counts on HalfCheetahPOMDP-v5 (17 state entries, 8 observed, 6 actions):
# stateful critic, dim z 32: [z, z'] 64->256->128, [s, a, a_prev] 29->256->128, [a, a_prev] 12->256->128,
# then 128->128->1: 49536 + 40576 + 36224 + 16641 = 142977 (the reference's ~145k).
# PPO-RS V(o, z, a_prev), dim z 128: 142->128->128->1 = 18304 + 16512 + 129 = 34945.
# PPO-BPTT recurrent V (the reference table's network_structure='reference', PPOCriticBPTTNetwork of
# s2pg/networks/recurrent_networks.py): encoders 8->128, 6->128 (1152 + 896), GRU 256->128 (148224), the post-GRU
# observation layer 8->128 (1152), head 256->128->1 (33025).
@pytest.mark.parametrize('name, critic_attribute, expected', [
    ('SAC_RS', 'q', 142977), ('TD3_RS', 'q', 142977), ('PPO_RS', 'v', 34945), ('PPO_BPTT', 'v', 184449)])
def test_critics_have_the_reference_size(half_cheetah, name, critic_attribute, expected):
    agent = make_agent(name, half_cheetah.info, half_cheetah.policy_obs_mask, env_id=ENV_ID)
    critic = agent._critic.critics[0] if critic_attribute == 'q' else agent._V
    assert _n_parameters(critic) == expected


def test_ppo_bptt_has_a_recurrent_critic_that_sees_the_window(half_cheetah):
    env = ToyPOMDP(horizon=9)
    agent = make_agent('PPO_BPTT', env.info, env.policy_obs_mask, truncation_length=4)
    assert isinstance(agent._V, RecurrentStateValue)
    privileged = make_agent('PPO_BPTT', env.info, env.policy_obs_mask, truncation_length=4, privileged_critic=True)
    assert isinstance(privileged._V, MLPStateValue)
    window = Windows(state=torch.randn(3, 5, 3), prev_action=torch.randn(3, 5, 2), mask=torch.ones(3, 5),
                     lengths=torch.tensor([4, 4, 2]), initial_policy_state=torch.zeros(3, 0))
    batch = torch_batch(3, window=window)
    v, v_next = agent._V.values(agent.policy, batch)
    changed = batch._replace(window=window._replace(state=window.state.clone()))
    changed.window.state[:, 0] += 1.
    v_changed, _ = agent._V.values(agent.policy, changed)
    assert torch.all(v != v_changed), 'V_t must depend on the first observation of the window'
    assert v.shape == v_next.shape == (3,)


def test_ppo_action_mean_is_linear_and_unsquashed():
    env = ToyPOMDP()
    for name in ('PPO_RS', 'PPO_VANILLA'):
        agent = make_agent(name, env.info, env.policy_obs_mask)
        last = agent.policy.network.head if name == 'PPO_RS' else agent.policy.network.mlp[-1]
        with torch.no_grad():
            last.bias.fill_(5.)
        with agent.deterministic():
            action, _ = agent.policy.draw_action(np.zeros(3), agent.policy.reset())
        np.testing.assert_allclose(action, 5., atol=0.1)


def _ppo_with_two_fits(name='PPO_RS'):
    env = ToyPOMDP(horizon=8)
    agent = make_agent(name, env.info, env.policy_obs_mask, **tiny_hyperparameters(name, n_steps_per_fit=40))
    core = Core(agent, env)
    core.learn(n_steps=80, n_steps_per_fit=40, quiet=True)
    return env, agent, core


@pytest.mark.parametrize('name', ['PPO_RS', 'PPO_BPTT', 'PPO_WINDOW', 'PPO_VANILLA', 'PPO_ORACLE'])
def test_ppo_standardizer_learns_in_fits_only_and_round_trips(name, tmp_path):
    env, agent, core = _ppo_with_two_fits(name)
    standardizer = agent.policy.standardizer
    mean, std = standardizer.mean.copy(), standardizer.std.copy()
    assert np.all(mean[:2] != 0) and np.all(std != 1), 'two fits of rollout states must have moved the statistics'
    core.evaluate(n_episodes=3, quiet=True)
    np.testing.assert_array_equal(standardizer.mean, mean)
    np.testing.assert_array_equal(standardizer.std, std)
    state = torch.tensor([[3., -2., 7.]])
    expected = ((state - torch.as_tensor(mean, dtype=torch.float32)) / torch.as_tensor(std, dtype=torch.float32))
    torch.testing.assert_close(agent.policy.observation(state), expected.clamp(-10, 10)[:, agent.policy.policy_obs_mask])
    agent.save(tmp_path / 'ppo.zip', full_save=True)
    loaded = Agent.load(tmp_path / 'ppo.zip')
    np.testing.assert_array_equal(loaded.policy.standardizer.mean, mean)
    Core(loaded, env).learn(n_steps=40, n_steps_per_fit=40, quiet=True)
    assert not np.array_equal(loaded.policy.standardizer.mean, mean), 'training continues after load'


def _toy_off_policy(name, **extra):
    env = ToyPOMDP(horizon=10)
    params = tiny_hyperparameters(name, initial_replay_size=1000, max_replay_size=1000, **extra)
    agent = make_agent(name, env.info, env.policy_obs_mask, **params)
    Core(agent, env).learn(n_steps=40, n_steps_per_fit=40, quiet=True)   # stored, not yet updated
    assert agent._n_updates == 0
    return agent, to_torch(agent.replay_memory.get(np.arange(0, 40, 3)))


def _flat(module):
    return torch.cat([p.detach().flatten() for p in module.parameters()])


def test_td3_targets_move_at_every_update_and_refresh_uses_mu_z_on_actor_steps_only():
    agent, batch = _toy_off_policy('TD3_RS', policy_delay=2)
    before = _flat(agent._target_critic), _flat(agent._target_actor)
    with torch.no_grad():
        mu_z = agent.policy.evaluate_batch(batch, next=False).current.next_policy_state
    _, fresh = agent._update(batch)       # n_updates 0: an actor step
    agent._n_updates += 1
    torch.testing.assert_close(fresh, mu_z)
    middle = _flat(agent._target_critic), _flat(agent._target_actor)
    _, fresh = agent._update(batch)       # n_updates 1: a critic-only step
    assert fresh is None
    after = _flat(agent._target_critic), _flat(agent._target_actor)
    for b, m, a in zip(before, middle, after):
        assert not torch.equal(b, m) and not torch.equal(m, a), 'targets move after every critic update'


def test_sac_refreshes_internal_states_only_once_the_actor_learns():
    agent, batch = _toy_off_policy('SAC_RS', warmup_transitions=100)
    losses, fresh = agent._update(batch)
    assert fresh is None and 'actor' not in losses
    agent, batch = _toy_off_policy('SAC_RS', warmup_transitions=10)
    losses, fresh = agent._update(batch)
    assert fresh is not None and 'actor' in losses


def test_sac_temperature_loss_goes_through_log_alpha():
    agent, _ = _toy_off_policy('SAC_RS', init_alpha=2., target_entropy=-2.)
    log_prob = torch.tensor([-1., 0.5, 2.])
    loss = agent._temperature.step(log_prob)
    torch.testing.assert_close(loss, -(torch.log(torch.tensor(2.)) * (log_prob - 2.)).mean())
    assert agent.alpha != 2., 'the step moved alpha'


def test_ppo_grid_shows_humanoid_actuator_forces_and_the_privileged_grid_hides_them():
    from launchers.grids import pomdp as launch_pomdp
    from launchers.grids import pomdp_privileged as launch_pomdp_privileged
    from launchers.grids.runner import grid_experiments, parse_args
    visible = dict()
    for module in (launch_pomdp, launch_pomdp_privileged):
        args = parse_args(module.SPEC, ['--local', '--envs', 'HumanoidPOMDP-v5'])
        experiment = grid_experiments(module.SPEC, args, local=True)[0]
        options = {k: v for k, v in experiment.items() if k in ('random_mass', 'hide_actuator_forces')}
        visible[module.SPEC.name] = int(make_env('HumanoidPOMDP-v5', **options).policy_obs_mask.sum())
    assert visible == dict(pomdp=117, pomdp_privileged=100)
