"""LS-IQ: bounded critic targets and Q values, expert internal states, building, fitting and save/load."""
import numpy as np
import pytest
import torch
from mushroom_rl.core import Core

from mushroom_s2pg.algorithms.lsiq import expert_policy_states
from mushroom_s2pg.algorithms.lsiq_losses import lsiq_critic_targets, lsiq_q_bound
from mushroom_s2pg.expert_data import ExpertData, ExpertDataError
from mushroom_s2pg.core import CriticInput, TransitionBatch
from mushroom_s2pg.core.batch import map_arrays
from mushroom_s2pg.algorithms.lsiq_variants import LSIQ_BPTT, LSIQ_ORACLE, LSIQ_RS, LSIQ_VANILLA
from environments import expert_dataset, make_env
from environments.expert_data import write_perfect_file
from imitation_helpers import ensure_mini_data
from toy_envs import ToyPOMDP

VARIANTS = {'LSIQ_RS': LSIQ_RS, 'LSIQ_BPTT': LSIQ_BPTT, 'LSIQ_VANILLA': LSIQ_VANILLA, 'LSIQ_ORACLE': LSIQ_ORACLE}
TINY = dict(batch_size=16, initial_replay_size=32, warmup_transitions=40, max_replay_size=2000)
SMALL_NETS = {'LSIQ_RS': dict(policy_state_dim=4, n_features_actor=16, n_features_critic=16),
              'LSIQ_BPTT': dict(policy_state_dim=4, n_features_actor=16, critic_features=(16, 16)),
              'LSIQ_VANILLA': dict(actor_features=(16, 16), critic_features=(16, 16)),
              'LSIQ_ORACLE': dict(actor_features=(16, 16), critic_features=(16, 16))}


def toy_expert(lengths=(5, 7, 3), seed=0) -> ExpertData:
    """Hand-made expert episodes on ToyPOMDP's full state [t, x, hidden], with actions."""
    rng = np.random.default_rng(seed)
    states, actions, next_states, last, absorbing = [], [], [], [], []
    for length in lengths:
        hidden = rng.uniform(-1, 1)
        x = rng.uniform(-1, 1, length + 1)
        full = np.stack([np.arange(length + 1), x, np.full(length + 1, hidden)], 1)
        states.append(full[:-1])
        next_states.append(full[1:])
        actions.append(np.stack([-0.5 * x[:-1], np.full(length, np.sign(hidden))], 1).clip(-1, 1))
        last.append(np.arange(length) == length - 1)
        absorbing.append(np.zeros(length, dtype=bool))
    return ExpertData(np.concatenate(states), np.concatenate(next_states), last=np.concatenate(last),
                      actions=np.concatenate(actions), absorbing=np.concatenate(absorbing))


def make_agent(name, env=None, **kwargs):
    env = ToyPOMDP() if env is None else env
    params = dict(TINY, **SMALL_NETS[name])
    params.update(kwargs)
    return env, VARIANTS[name](env.info, env.policy_obs_mask, expert_data=toy_expert(), **params)


def _parameters(agent):
    return torch.cat([p.detach().flatten() for p in agent.policy.parameters()])


def _extreme_fit(target_clipping: bool, n_updates: int = 300) -> torch.Tensor:
    """Q at a batch after fitting it with rewards of +-1e9 and a target critic that claims 1e9 everywhere."""
    torch.manual_seed(0)
    np.random.seed(0)
    env, agent = make_agent('LSIQ_RS', lr_critic=3e-3, target_clipping=target_clipping)
    n = 64
    rng = np.random.default_rng(0)
    batch = TransitionBatch(state=rng.normal(0, 1, (n, 3)), policy_state=rng.uniform(-1, 1, (n, 4)),
                 action=rng.uniform(-1, 1, (n, 2)), reward=rng.choice([-1e9, 1e9], n),
                 next_state=rng.normal(0, 1, (n, 3)), next_policy_state=rng.uniform(-1, 1, (n, 4)),
                 absorbing=rng.random(n) < 0.2, last=np.zeros(n, bool), prev_action=rng.uniform(-1, 1, (n, 2)),
                 first=np.zeros(n, bool))
    batch = map_arrays(batch, lambda v: torch.as_tensor(np.asarray(v, dtype=np.float32)))._replace(
        is_expert=torch.arange(n) >= n // 2)
    for _ in range(n_updates):
        with torch.no_grad():
            agent._target_critic.head[-1].bias.fill_(1e9)  # keep the target critic extreme
        losses, _ = agent._update(batch)
        assert all(np.isfinite(float(v)) for v in losses.values())
    with torch.no_grad():
        return agent._critic(CriticInput.stored(batch)), batch.is_expert, lsiq_q_bound(agent._gamma, agent._reg_mult)


def test_q_values_stay_inside_the_bound_under_extreme_rewards():
    q, is_expert, bound = _extreme_fit(target_clipping=True)
    # the targets are inside the bound exactly (above); the network regresses to them, so its values stay inside
    # up to the regression error of a small net on a random batch
    assert torch.all(q.abs() <= 1.5 * bound), q.abs().max()
    assert q[is_expert].mean() > 0.5 * bound  # the critic did learn: expert Q towards Q_max
    # the control: without the clipping of V(s') the extreme target critic leaks into Q
    q_unclipped, _, _ = _extreme_fit(target_clipping=False)
    assert q_unclipped.abs().max() > 5 * bound


# ----- expert internal states -----------------------------------------------------------------------
def test_expert_rollout_starts_at_zero_and_never_crosses_episode_boundaries():
    torch.manual_seed(0)
    env, agent = make_agent('LSIQ_RS')
    expert = toy_expert()
    starts = expert.episode_starts
    z, z_next, prev_action = expert_policy_states(agent.policy, expert.states, expert.actions, starts)
    assert z.shape == (expert.n_samples, 4)
    np.testing.assert_array_equal(z[starts], 0.)
    np.testing.assert_array_equal(prev_action[starts], 0.)
    inner = np.flatnonzero(~starts)
    np.testing.assert_array_equal(z[inner], z_next[inner - 1])           # z_{t+1} carried within an episode
    np.testing.assert_array_equal(prev_action[inner], expert.actions[inner - 1])
    assert np.all(np.abs(z[inner]) > 0)

    # no information crosses a boundary: changing episode 0 leaves the z of episode 1 unchanged (BPTT: the
    # deterministic kernel, so the comparison is exact)
    env, bptt = make_agent('LSIQ_BPTT')
    states = np.array(expert.states)
    z_a, _, _ = expert_policy_states(bptt.policy, states, expert.actions, starts)
    states[:5] += 100.
    actions = np.array(expert.actions)
    actions[:5] = -actions[:5]
    z_b, _, _ = expert_policy_states(bptt.policy, states, actions, starts)
    assert not np.allclose(z_a[1:5], z_b[1:5])
    np.testing.assert_array_equal(z_a[5:], z_b[5:])
    np.testing.assert_array_equal(z_a[starts], 0.)


def test_expert_rollout_matches_a_step_by_step_rollout():
    torch.manual_seed(0)
    env, agent = make_agent('LSIQ_BPTT')
    expert = toy_expert()
    z, z_next, _ = expert_policy_states(agent.policy, expert.states, expert.actions, expert.episode_starts)
    with agent.deterministic():
        policy_state, prev = agent.policy.reset(), None
        for i, state in enumerate(np.array(expert.states)):
            if expert.episode_starts[i]:
                policy_state, prev = agent.policy.reset(), None
            np.testing.assert_allclose(z[i], policy_state, atol=1e-5)
            _, policy_state = agent.policy.draw_action(state, policy_state, prev)
            np.testing.assert_allclose(z_next[i], policy_state, atol=1e-5)
            prev = np.array(expert.actions[i])


def test_stateless_policies_have_no_expert_internal_state():
    env, agent = make_agent('LSIQ_VANILLA')
    assert agent.expert_memory.policy_state.shape == (toy_expert().n_samples, 0)


def test_expert_memory_gets_the_refresh():
    torch.manual_seed(0)
    np.random.seed(0)
    env, agent = make_agent('LSIQ_RS')
    before = agent.expert_memory.next_policy_state.copy()
    Core(agent, env).learn(n_steps=120, n_steps_per_fit=1, quiet=True)
    after = agent.expert_memory.next_policy_state
    assert not np.array_equal(before, after)
    starts = agent.expert_memory.first[:agent.expert_memory.size]
    np.testing.assert_array_equal(agent.expert_memory.policy_state[:agent.expert_memory.size][starts], 0.)


# ----- errors ---------------------------------------------------------------------------------------
def test_expert_data_without_actions_or_without_data_give_clear_errors():
    env = ToyPOMDP()
    expert = toy_expert()
    motion_capture = ExpertData(expert.states, expert.next_states, last=expert.last)  # states only: no actions
    with pytest.raises(ExpertDataError, match='no actions.*make_expert_data'):
        LSIQ_RS(env.info, env.policy_obs_mask, expert_data=motion_capture, **SMALL_NETS['LSIQ_RS'])
    with pytest.raises(ExpertDataError, match='expert_data'):
        LSIQ_VANILLA(env.info, env.policy_obs_mask)
    observed = toy_expert()
    with pytest.raises(ValueError, match='full state'):
        LSIQ_RS(env.info, env.policy_obs_mask, **SMALL_NETS['LSIQ_RS'], expert_data=ExpertData(
            observed.states[:, :2], observed.next_states[:, :2], last=observed.last, actions=observed.actions,
            absorbing=observed.absorbing))
    with pytest.raises(ExpertDataError, match='no absorbing'):
        LSIQ_RS(env.info, env.policy_obs_mask, **SMALL_NETS['LSIQ_RS'], expert_data=ExpertData(
            observed.states, observed.next_states, last=observed.last, actions=observed.actions))


def test_expert_data_with_episode_starts_only_are_accepted():
    env = ToyPOMDP()
    expert = toy_expert()
    data = ExpertData(expert.states, expert.next_states, episode_starts=expert.episode_starts, actions=expert.actions,
                      absorbing=expert.absorbing)
    np.testing.assert_array_equal(data.last, expert.last)
    agent = LSIQ_ORACLE(env.info, env.policy_obs_mask, expert_data=data, **SMALL_NETS['LSIQ_ORACLE'])
    assert agent.expert_memory.size == expert.n_samples


# ----- every variant builds, fits, round-trips and keeps fitting --------------------------------------
@pytest.mark.parametrize('full_save', [True, False])
@pytest.mark.parametrize('name, options', [(name, {}) for name in VARIANTS] + [
    ('LSIQ_RS', dict(critic_inputs='state_action')), ('LSIQ_RS', dict(critic_inputs='residual')),
    ('LSIQ_RS', dict(use_prev_action=True))])
def test_fits_and_round_trips_save_load(name, options, full_save, tmp_path):
    torch.manual_seed(0)
    np.random.seed(0)
    env, agent = make_agent(name, **options)
    Core(agent, env).learn(n_steps=200, n_steps_per_fit=1, quiet=True)
    assert agent._n_updates > 0 and 'actor' in agent.last_losses
    for key in ('critic', 'critic_expert', 'critic_agent', 'q_expert', 'q_agent', 'env_reward'):
        assert np.isfinite(agent.last_losses[key])
    path = tmp_path / 'agent.zip'
    agent.save(path, full_save=full_save)
    loaded = type(agent).load(path)
    for p1, p2 in zip(agent._critic.parameters(), loaded._critic.parameters()):
        assert torch.equal(p1, p2)
    if full_save:
        assert loaded.replay_memory.size == agent.replay_memory.size
        np.testing.assert_array_equal(loaded.expert_memory.policy_state, agent.expert_memory.policy_state)
    else:
        with pytest.raises(ExpertDataError, match='set_expert_data'):
            Core(loaded, env).learn(n_steps=40, n_steps_per_fit=1, quiet=True)
        loaded.set_expert_data(toy_expert())
    before = _parameters(loaded).clone()
    Core(loaded, env).learn(n_steps=150, n_steps_per_fit=1, quiet=True)
    assert not torch.equal(before, _parameters(loaded)), 'the loaded agent no longer trains its policy'


def test_defaults_are_the_reference_values():
    env = ToyPOMDP()
    agent = LSIQ_RS(env.info, env.policy_obs_mask, expert_data=toy_expert())
    assert agent._batch_size == 256 and agent.replay_memory._initial_size == 25000
    assert agent.replay_memory.max_size == 1000000 and agent._warmup_transitions == 26000
    assert agent._tau == 0.005 and agent._tau_z == 1.
    assert agent.alpha == pytest.approx(1.) and agent.alpha_z == pytest.approx(0.01)
    assert agent._actor_optimizer.param_groups[0]['lr'] == 1e-4
    assert agent._critic_optimizer.param_groups[0]['lr'] == 3e-4
    assert (agent.policy.log_std_min, agent.policy.log_std_max) == (-5., 2.)
    assert agent.policy.policy_state_shape == (32,)
    assert lsiq_q_bound(agent._gamma, agent._reg_mult) == pytest.approx(1 / (0.5 * (1 - env.info.gamma)))


def _hand_made_input(agent, prev_action: float) -> CriticInput:
    """A fixed batch of 5 transitions of the agent's task, with the given a_prev everywhere."""
    torch.manual_seed(0)
    n, state_dim = 5, agent.mdp_info.observation_space.shape[0]
    action_dim, z_dim = agent.mdp_info.action_space.shape[0], agent.policy.policy_state_shape[0]
    return CriticInput(state=torch.rand(n, state_dim), policy_state=torch.rand(n, z_dim) - 0.5,
                       action=torch.rand(n, action_dim) - 0.5, next_policy_state=torch.rand(n, z_dim) - 0.5,
                       prev_action=torch.full((n, action_dim), prev_action))


def _critic_and_actor_outputs(agent, prev_action: float):
    """The critic's Q and the actor's (mean_a, mean z') on :func:`_hand_made_input`."""
    x = _hand_made_input(agent, prev_action)
    obs = x.state[:, torch.as_tensor(agent.policy.policy_obs_mask)]
    out = agent.policy.network(obs, x.policy_state, x.prev_action)
    return agent._critic(x), out.mean_action, out.mean_policy_state


def test_lsiq_rs_ignores_the_previous_action_as_the_reference_launcher_does():
    """The reference LS-IQ-RS launcher runs use_prev_action=False (actor) and builds its critic without a_prev; the
    option is there for the other algorithms, which keep a_prev."""
    _, agent = make_agent('LSIQ_RS')
    for first, second in zip(_critic_and_actor_outputs(agent, -1.), _critic_and_actor_outputs(agent, 1.)):
        assert torch.equal(first, second)
    assert agent._critic.action_encoder[0].in_features == agent.mdp_info.action_space.shape[0]

    _, with_prev = make_agent('LSIQ_RS', use_prev_action=True)
    different = [not torch.allclose(first, second) for first, second in
                 zip(_critic_and_actor_outputs(with_prev, -1.), _critic_and_actor_outputs(with_prev, 1.))]
    assert all(different)


@pytest.mark.parametrize('critic_inputs, blind', [('state_action', True), ('stateful', False)])
def test_the_critic_ablation_decides_whether_q_sees_internal_states(critic_inputs, blind):
    _, agent = make_agent('LSIQ_RS', critic_inputs=critic_inputs)
    x = _hand_made_input(agent, 0.)
    flipped = CriticInput(state=x.state, action=x.action, policy_state=-x.policy_state,
                          next_policy_state=-x.next_policy_state, prev_action=x.prev_action)
    assert torch.allclose(agent._critic(flipped), agent._critic(x)) == blind


def test_the_residual_critic_starts_as_its_z_blind_part_and_learns_to_see_internal_states():
    """``critic_inputs='residual'``: Q = Q_0(s, a) + R(s, z, a, z') with R's output layer at zero, so at first Q is
    exactly the MLP and blind to z, z'; one gradient step on a loss that depends on z makes it see them."""
    _, agent = make_agent('LSIQ_RS', critic_inputs='residual')
    critic = agent._critic
    x = _hand_made_input(agent, 0.)
    flipped = CriticInput(state=x.state, action=x.action, policy_state=-x.policy_state,
                          next_policy_state=-x.next_policy_state, prev_action=x.prev_action)
    assert torch.equal(critic(x), critic.state_action(x)) and torch.equal(critic(flipped), critic(x))
    optimizer = torch.optim.SGD(critic.parameters(), lr=0.1)
    loss = ((critic(x) - x.policy_state.sum(-1)) ** 2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    assert not torch.allclose(critic(flipped), critic(x))


def test_an_unknown_critic_ablation_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="critic_inputs must be one of \\('stateful', 'state_action', 'residual'\\), "
                                         "got 'z'"):
        make_agent('LSIQ_RS', critic_inputs='z')


def test_networks_pickled_before_the_option_keep_reading_the_previous_action():
    """Modules saved before ``use_prev_action`` existed have no such attribute: the class default (True) matches the
    encoders they were built with."""
    _, agent = make_agent('LSIQ_RS', use_prev_action=True)
    for module in (agent._critic, agent.policy.network.core):
        del module.__dict__['use_prev_action']
        assert module.use_prev_action is True
    first, second = _critic_and_actor_outputs(agent, -1.), _critic_and_actor_outputs(agent, 1.)
    assert not torch.allclose(first[0], second[0]) and not torch.allclose(first[2], second[2])


# ----- the imitation task ---------------------------------------------------------------------------
def _atlas_perfect_file(path, n_episodes=3, length=8):
    """A perfect-format file (full states and actions, as launchers/tools/make_expert_data.py writes) of random
    actions."""
    mdp = make_env('Atlas.carry')
    mdp.seed(0)
    rng = np.random.default_rng(0)
    n_actions = mdp.info.action_space.shape[0]
    states, actions, next_states = [], [], []
    while len(states) < n_episodes:
        episode, episode_actions = [mdp.reset()], []
        for _ in range(length):
            episode_actions.append(rng.normal(0, 0.05, n_actions))
            obs, _, absorbing, _ = mdp.step(episode_actions[-1])
            if absorbing:
                break
            episode.append(obs)
        if len(episode) == length + 1:
            states.append(episode[:-1])
            next_states.append(episode[1:])
            actions.append(episode_actions)
    mdp.stop()
    last = np.arange(n_episodes * length) % length == length - 1
    write_perfect_file(str(path), np.concatenate(states), np.concatenate(actions), last,
                       np.zeros(len(last)), next_states=np.concatenate(next_states))
    return str(path)


def test_atlas_carry_motion_capture_is_refused_and_perfect_data_fit(tmp_path):
    ensure_mini_data()
    mdp = make_env('Atlas.carry')
    try:
        with pytest.raises(ExpertDataError, match='no actions.*make_expert_data'):
            LSIQ_RS(mdp.info, mdp.policy_obs_mask, expert_data=expert_dataset('Atlas.carry'))
    finally:
        mdp.stop()
    path = _atlas_perfect_file(tmp_path / 'atlas.npz')
    data = expert_dataset('Atlas.carry.perfect', path=path)  # what the launcher loads for --expert_data PATH
    mdp = make_env('Atlas.carry.perfect', dataset_path=path)
    try:
        np.random.seed(0)
        torch.manual_seed(0)
        agent = LSIQ_RS(mdp.info, mdp.policy_obs_mask, expert_data=data, **TINY, **SMALL_NETS['LSIQ_RS'])
        assert agent.expert_memory.size == data.n_samples
        Core(agent, mdp).learn(n_steps=80, n_steps_per_fit=1, quiet=True)
        assert 'actor' in agent.last_losses and np.isfinite(agent.last_losses['critic'])
    finally:
        mdp.stop()


def test_registry_and_run_config_give_lsiq_transitions_with_actions(tmp_path):
    from environments import expert_dataset
    from launchers.run.config import ExperimentConfigError, RunConfig
    from mushroom_s2pg.algorithms import expert_data_for, needs_expert_data
    ensure_mini_data()
    assert needs_expert_data('LSIQ_RS')
    with pytest.raises(ExperimentConfigError, match=r'expert_data.*action') as error:   # motion capture: no actions
        RunConfig(env_id='Atlas.carry', algorithm='LSIQ_RS').check_data()
    assert error.value.field == 'expert_data'
    path = _atlas_perfect_file(tmp_path / 'atlas.npz')
    config = RunConfig(env_id='Atlas.carry', algorithm='LSIQ_RS', expert_data=str(path))
    expert = config.check_data()
    assert isinstance(expert, ExpertData) and expert.actions is not None and expert.full_state
    dataset = expert_dataset(config.env_id, config.expert_data)
    assert expert_data_for('LSIQ_RS', dataset) is dataset and expert_data_for('GAIL_RS', dataset) is dataset
    with pytest.raises(ValueError, match='does not imitate'):
        expert_data_for('SAC_RS', dataset)
