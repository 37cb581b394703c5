"""SAC's choices that the reference made and the compact SAC_RS did not: critic structure and initialisation,
temperature loss, refresh timing; each an option of the package, checked on small hand-made inputs."""
from copy import deepcopy

import numpy as np
import pytest
import torch
from mushroom_rl.core import Core

from algorithm_helpers import tiny_hyperparameters
from mushroom_s2pg.algorithms import make_agent
from mushroom_s2pg.algorithms.temperature import Temperature
from mushroom_s2pg.core import to_torch
from mushroom_s2pg.core.interfaces import CriticInput
from mushroom_s2pg.networks.critics import StatefulQNetwork
from toy_envs import ToyPOMDP


def _n_parameters(module):
    return sum(p.numel() for p in module.parameters())


def test_linear_encoders_give_the_compact_critic():
    # state 17, actions 6 (with a_prev 12), dim z 32, width 128: encoders 64->128, 29->128, 12->128, head 128->128->1
    critic = StatefulQNetwork(17, 6, 32, 128, encoders='linear', init_scale=None)
    assert _n_parameters(critic) == (64 * 128 + 128) + (29 * 128 + 128) + (12 * 128 + 128) + (128 * 128 + 128) + 129
    assert [type(m).__name__ for m in critic.policy_state_encoder] == ['Linear']
    x = CriticInput(state=torch.randn(5, 17), policy_state=torch.randn(5, 32), action=torch.randn(5, 6),
                    next_policy_state=torch.randn(5, 32), prev_action=torch.randn(5, 6))
    assert critic(x).shape == (5,)


def test_critic_init_scale_and_default_init():
    torch.manual_seed(0)
    scaled = StatefulQNetwork(17, 6, 32, 256)
    torch.manual_seed(0)
    default = StatefulQNetwork(17, 6, 32, 256, init_scale=None)
    w_scaled, w_default = scaled.state_encoder[0].weight, default.state_encoder[0].weight
    bound = 0.1 * torch.nn.init.calculate_gain('relu') * np.sqrt(6. / (29 + 256))
    assert w_scaled.abs().max() <= bound
    assert w_default.abs().max() > 5 * bound, 'PyTorch default: uniform within 1/sqrt(fan_in)'
    with pytest.raises(ValueError, match="Unknown critic encoders 'deep'.*mlp, linear"):
        StatefulQNetwork(17, 6, 32, 256, encoders='deep')


def test_sac_rs_builds_its_critic_from_the_options():
    env = ToyPOMDP()
    agent = make_agent('SAC_RS', env.info, env.policy_obs_mask, n_features_critic=16, critic_encoders='linear',
                       critic_init_scale=None)
    critic = agent._critic.critics[0]
    assert isinstance(critic.state_encoder[0], torch.nn.Linear) and len(critic.state_encoder) == 1
    assert critic.head[0].in_features == 16


def test_temperature_loss_through_alpha_scales_the_gradient_by_alpha():
    log_prob = torch.tensor([-1., 0.5, 2.])
    grads = {}
    for form in ('log_alpha', 'alpha'):
        temperature = Temperature(2., 1e-3, -2., loss=form)
        temperature.loss(log_prob).backward()
        grads[form] = temperature.log_value.grad.clone()
    torch.testing.assert_close(grads['alpha'], 2. * grads['log_alpha'])
    torch.testing.assert_close(grads['log_alpha'], -(log_prob - 2.).mean())
    with pytest.raises(ValueError, match="Unknown temperature loss 'exp'"):
        Temperature(1., 1e-3, -1., loss='exp')


def test_sac_temperature_loss_options_reach_both_temperatures():
    env = ToyPOMDP()
    agent = make_agent('SAC_RS', env.info, env.policy_obs_mask, temperature_loss='alpha')
    assert (agent._temperature.loss_form, agent._temperature_z.loss_form) == ('alpha', 'log_alpha')
    agent = make_agent('SAC_RS', env.info, env.policy_obs_mask, temperature_loss_z='alpha')
    assert (agent._temperature.loss_form, agent._temperature_z.loss_form) == ('log_alpha', 'alpha')


@pytest.mark.parametrize('refresh_before_warmup', [False, True])
def test_refresh_before_warmup(refresh_before_warmup):
    env = ToyPOMDP(horizon=10)
    params = tiny_hyperparameters('SAC_RS', initial_replay_size=1000, max_replay_size=1000, warmup_transitions=100,
                                  refresh_before_warmup=refresh_before_warmup)
    agent = make_agent('SAC_RS', env.info, env.policy_obs_mask, **params)
    Core(agent, env).learn(n_steps=40, n_steps_per_fit=40, quiet=True)
    batch = to_torch(agent.replay_memory.get(np.arange(0, 40, 3)))
    losses, fresh = agent._update(batch)
    assert 'actor' not in losses
    assert (fresh is not None) == refresh_before_warmup
    if refresh_before_warmup:
        assert fresh.shape == batch.next_policy_state.shape and not fresh.requires_grad


def test_options_survive_save_and_load(tmp_path):
    env = ToyPOMDP(horizon=10)
    params = tiny_hyperparameters('SAC_RS', temperature_loss_z='alpha', refresh_before_warmup=True,
                                  critic_encoders='linear')
    agent = make_agent('SAC_RS', env.info, env.policy_obs_mask, **params)
    core = Core(agent, env)
    core.learn(n_steps=60, n_steps_per_fit=1, quiet=True)
    agent.save(tmp_path / 'agent.msh')
    loaded = type(agent).load(tmp_path / 'agent.msh')
    assert loaded._temperature_z.loss_form == 'alpha' and loaded._refresh_before_warmup
    Core(loaded, env).learn(n_steps=20, n_steps_per_fit=1, quiet=True)



def test_with_warmup_equal_to_initial_replay_only_the_first_update_comes_before_the_warmup_ends():
    # the memory starts fitting once it holds initial_replay_size transitions and the actor learns once it holds more
    # than warmup_transitions: with the two equal, refresh_before_warmup changes the first update only
    env = ToyPOMDP(horizon=10)
    agent = make_agent('SAC_RS', env.info, env.policy_obs_mask,
                       **tiny_hyperparameters('SAC_RS', initial_replay_size=40, warmup_transitions=40,
                                              refresh_before_warmup=True))
    updates = []
    update = agent._update

    def recording(batch):
        losses, fresh = update(batch)
        updates.append(('actor' in losses, fresh is not None))
        return losses, fresh

    agent._update = recording
    Core(agent, env).learn(n_steps=60, n_steps_per_fit=1, quiet=True)
    assert updates[0] == (False, True) and all(step == (True, True) for step in updates[1:]) and len(updates) == 21


def test_sac_rs_library_default_critic_starts_from_pytorch_initialisation_and_the_reference_from_scaled_xavier():
    env = ToyPOMDP()
    library = make_agent('SAC_RS', env.info, env.policy_obs_mask)._critic.critics[0].head[0].weight
    reference = make_agent('SAC_RS', env.info, env.policy_obs_mask, critic_init_scale=0.1)._critic.critics[0].head[0]
    bound = 0.1 * torch.nn.init.calculate_gain('relu') * np.sqrt(6. / (128 + 128))
    assert reference.weight.abs().max() <= bound < library.abs().max()


def test_policy_state_entropy_in_target_adds_the_z_entropy_bonus_to_the_critic_target():
    """The ablation ``policy_state_entropy_in_target``: the soft target has -alpha_z log pi_z(z'') too, so the critic
    loss of the same update on the same batch changes."""
    env = ToyPOMDP(horizon=10)
    params = tiny_hyperparameters('SAC_RS', initial_replay_size=1000, max_replay_size=1000, warmup_transitions=100,
                                  init_alpha_z=1.)
    agent = make_agent('SAC_RS', env.info, env.policy_obs_mask, **params)
    Core(agent, env).learn(n_steps=40, n_steps_per_fit=40, quiet=True)
    batch = to_torch(agent.replay_memory.get(np.arange(0, 40, 3)))
    with_bonus = deepcopy(agent)
    with_bonus._policy_state_entropy_in_target = True
    critic_losses = []
    for candidate in (agent, with_bonus):
        torch.manual_seed(0)
        critic_losses.append(float(candidate._update(batch)[0]['critic']))
    assert critic_losses[0] != critic_losses[1]
