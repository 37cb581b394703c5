"""Every algorithm on every POMDP task; save/load; determinism; non-finite losses."""
import numpy as np
import pytest
import torch
from mushroom_rl.core import Core

from algorithm_helpers import tiny_hyperparameters, torch_batch
from environments import POMDP_ENV_IDS, make_env
from mushroom_s2pg.algorithms import ALGORITHMS, IMITATION_ALGORITHMS, make_agent
from mushroom_s2pg.core import CriticInput, NonFiniteLossError
from toy_envs import ToyPOMDP

#: The reinforcement-learning algorithms; the imitation ones (GAIL) need expert data and are tested in test_gail.py.
RL_ALGORITHMS = sorted(set(ALGORITHMS) - set(IMITATION_ALGORITHMS))


def _fit_steps(agent):
    return agent.default_n_steps_per_fit


@pytest.mark.parametrize('env_id', POMDP_ENV_IDS)
@pytest.mark.parametrize('name', RL_ALGORITHMS)
def test_every_algorithm_fits_twice_on_every_task(name, env_id):
    mdp = make_env(env_id, horizon=40)
    mdp.seed(0)
    agent = make_agent(name, mdp.info, mdp.policy_obs_mask, env_id=env_id, **tiny_hyperparameters(name))
    core = Core(agent, mdp)
    for _ in range(2):
        core.learn(n_steps=60, n_steps_per_fit=_fit_steps(agent), quiet=True)
    assert getattr(agent, '_n_updates', 1) > 0
    dataset = core.evaluate(n_episodes=1, quiet=True)
    assert len(dataset) > 0


def _toy_agent(name, seed=0, critic_obs_mask=None, **extra):
    np.random.seed(seed)
    torch.manual_seed(seed)
    env = ToyPOMDP(horizon=10)
    params = tiny_hyperparameters(name, **extra)
    for key, value in dict(n_features_actor=16, n_features_critic=16, policy_state_dim=4).items():
        if key in ALGORITHMS[name].__init__.__code__.co_varnames:
            params.setdefault(key, value)
    agent = make_agent(name, env.info, env.policy_obs_mask, critic_obs_mask=critic_obs_mask, **params)
    return env, agent


def _parameters(agent):
    return torch.cat([p.detach().flatten() for p in agent.policy.parameters()])


@pytest.mark.parametrize('name', RL_ALGORITHMS)
def test_same_seed_gives_identical_training(name):
    results = []
    for _ in range(2):
        env, agent = _toy_agent(name, seed=3)
        Core(agent, env).learn(n_steps=150, n_steps_per_fit=_fit_steps(agent), quiet=True)
        results.append(_parameters(agent))
    assert torch.equal(results[0], results[1])
    env, agent = _toy_agent(name, seed=4)
    Core(agent, env).learn(n_steps=150, n_steps_per_fit=_fit_steps(agent), quiet=True)
    assert not torch.equal(results[0], _parameters(agent))


@pytest.mark.parametrize('full_save', [True, False])
@pytest.mark.parametrize('name', RL_ALGORITHMS)
def test_save_load_round_trip_and_training_continues(name, full_save, tmp_path):
    env, agent = _toy_agent(name, critic_obs_mask=np.array([True, False, True]))
    core = Core(agent, env)
    core.learn(n_steps=120, n_steps_per_fit=_fit_steps(agent), quiet=True)
    path = tmp_path / 'agent.zip'
    agent.save(path, full_save=full_save)
    loaded = type(agent).load(path)
    np.testing.assert_array_equal(loaded.critic_obs_mask, [True, False, True])

    states = np.random.randn(20, 3)
    z = np.random.uniform(-1, 1, (20,) + agent.policy.policy_state_shape).astype(np.float32)
    with agent.deterministic(), loaded.deterministic():
        for s, zz in zip(states, z):
            a1, z1 = agent.policy.draw_action(s, zz)
            a2, z2 = loaded.policy.draw_action(s, zz)
            np.testing.assert_array_equal(a1, a2)
            np.testing.assert_array_equal(z1, z2)
    for attr in ('_critic', '_target_critic', '_V'):
        if hasattr(agent, attr):
            for p1, p2 in zip(getattr(agent, attr).parameters(), getattr(loaded, attr).parameters()):
                assert torch.equal(p1, p2)
    if full_save and hasattr(agent, 'replay_memory'):
        assert loaded.replay_memory.size == agent.replay_memory.size
        np.testing.assert_array_equal(loaded.replay_memory.policy_state, agent.replay_memory.policy_state)

    before = _parameters(loaded).clone()
    Core(loaded, env).learn(n_steps=120, n_steps_per_fit=_fit_steps(loaded), quiet=True)
    assert not torch.equal(before, _parameters(loaded)), 'the loaded optimizer no longer trains the policy'


class NaNRewardPOMDP(ToyPOMDP):
    def step(self, action):
        state, reward, absorbing, info = super().step(action)
        return state, float('nan'), absorbing, info


@pytest.mark.parametrize('name', RL_ALGORITHMS)
def test_nan_loss_stops_training_with_a_clear_message(name):
    _, agent = _toy_agent(name)
    env = NaNRewardPOMDP(horizon=10)
    with pytest.raises(NonFiniteLossError, match=r'loss is nan'):
        Core(agent, env).learn(n_steps=200, n_steps_per_fit=_fit_steps(agent), quiet=True)


def test_unknown_algorithm_and_hyperparameter_are_named():
    env = ToyPOMDP()
    with pytest.raises(ValueError, match=r"'SAC_XYZ'.*SAC_RS.*TD3_RS"):
        make_agent('SAC_XYZ', env.info, env.policy_obs_mask)
    with pytest.raises(ValueError, match=r"lr_actr.*lr_actor"):
        make_agent('SAC_RS', env.info, env.policy_obs_mask, lr_actr=1.)


def test_policy_obs_mask_shape_mismatch_names_both_shapes():
    env = ToyPOMDP()
    with pytest.raises(ValueError, match=r'\(4,\).*\(3,\)'):
        make_agent('SAC_RS', env.info, np.ones(4, dtype=bool))


@pytest.mark.parametrize('name', ['SAC_RS', 'TD3_RS'])
def test_policy_sees_the_masked_observation_and_the_critic_the_full_state(name):
    mdp = make_env('HalfCheetahPOMDP-v5', random_mass=True)
    mask = mdp.policy_obs_mask
    agent = make_agent(name, mdp.info, mask, env_id='HalfCheetahPOMDP-v5', **tiny_hyperparameters(name))
    assert agent.policy.network.core.obs_encoder.in_features == 8 == mask.sum()
    critic = agent._critic.critics[0]
    assert critic.state_encoder[0].in_features == mdp.info.observation_space.shape[0] + 2 * 6
    batch = torch_batch(4, **{key: torch.zeros(4, *shape) for key, shape in dict(
        state=(mask.size,), policy_state=(32,), action=(6,), next_state=(mask.size,), next_policy_state=(32,),
        prev_action=(6,)).items()})
    batch.state[:, ~mask] = 5.
    assert torch.equal(CriticInput.stored(batch).state, batch.state)
    hidden_changed = batch._replace(state=batch.state.clone())
    hidden_changed.state[:, ~mask] = -5.
    with torch.no_grad():
        assert not torch.allclose(critic(CriticInput.stored(batch)), critic(CriticInput.stored(hidden_changed)))
    assert torch.all(agent.policy.observation(batch.state) == 0)
