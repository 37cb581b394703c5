"""
The reference's GRU networks (``network_structure='reference'``): layer structure pinned by parameter counts written
from the reference's layer definitions, Xavier gains checked through the weights' bounds, the library structure kept,
and the choice reaching every variant with a GRU actor.

Reference: ``robfiras/s2pg``, ``s2pg/networks/recurrent_networks.py``. Sizes below: observation o, action a,
internal state z, features n; a ``Linear(i, j)`` has i*j + j parameters, a one-layer ``GRU(i, h)`` 3*(i*h + h*h + 2*h).
"""
import math

import numpy as np
import pytest
import torch

from mushroom_s2pg.algorithms import make_agent
from mushroom_s2pg.networks.recurrent_actors import DeterministicGRUActor, GaussianGRUActor
from mushroom_s2pg.networks.value_networks import RecurrentStateValue
from toy_envs import ToyPOMDP

O, A, Z, N = 7, 3, 5, 16


def n_parameters(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def linear(i: int, j: int) -> int:
    return i * j + j


def gru(i: int, h: int) -> int:
    return 3 * (i * h + h * h + 2 * h)


def xavier_bound(layer: torch.nn.Linear, gain: float) -> float:
    fan_out, fan_in = layer.weight.shape
    return gain * math.sqrt(6. / (fan_in + fan_out))


def assert_xavier(layer: torch.nn.Linear, gain: float):
    """Weights within the Xavier-uniform bound of ``gain`` and spread over most of it (not a smaller init)."""
    bound = xavier_bound(layer, gain)
    largest = float(layer.weight.detach().abs().max())
    assert largest <= bound + 1e-7
    assert largest > 0.8 * bound


RELU = math.sqrt(2.)


def test_sac_actor_matches_sac_recurrent_actor_network():
    torch.manual_seed(0)
    actor = GaussianGRUActor(O, A, Z, N, structure='reference')
    # SACRecurrentActorNetwork (use_prev_action=True): _h1_o, _h1_o_post_rnn, _h1_a_prev, GRU(2n, z),
    # _h3 Linear(z + n, n), _h4 Linear(n, 2a + z) (the SAC_RS experiment's actor_output_shape = 2|a| + |z|)
    expected = (linear(O, N) + linear(O, N) + linear(A, N) + gru(2 * N, Z)
                + linear(Z + N, N) + linear(N, 2 * A + Z))
    assert n_parameters(actor) == expected
    # library structure: no _h1_o_post_rnn
    assert n_parameters(GaussianGRUActor(O, A, Z, N)) == expected - linear(O, N)
    # gains: ReLU gain x 0.1 for _h1_o, _h1_o_post_rnn, _h1_a_prev, _h3; linear gain x 0.1 for _h4
    core = actor.core
    for layer in (core.obs_encoder, core.post_rnn_layer, core.prev_action_encoder, actor.head[0]):
        assert_xavier(layer, 0.1 * RELU)
    assert_xavier(actor.head[-1], 0.1)


def test_sac_actor_without_previous_action_matches_the_reference():
    actor = GaussianGRUActor(O, A, Z, N, use_prev_action=False, structure='reference')
    # SACRecurrentActorNetwork with use_prev_action=False: the GRU reads n features; _h1_a_prev exists unused in the
    # reference (a * n + n parameters more there), ours leaves it out
    expected = linear(O, N) + linear(O, N) + gru(N, Z) + linear(Z + N, N) + linear(N, 2 * A + Z)
    assert n_parameters(actor) == expected


def test_td3_actor_matches_td3_actor_recurrent_network():
    torch.manual_seed(1)
    actor = DeterministicGRUActor(O, A, Z, N, structure='reference')
    # TD3ActorRecurrentNetwork: _h1_o, _h1_o_post_rnn, _h1_a_prev, GRU(2n, z), _h3 Linear(z + n, a)
    expected = linear(O, N) + linear(O, N) + linear(A, N) + gru(2 * N, Z) + linear(Z + N, A)
    assert n_parameters(actor) == expected
    core = actor.core
    for layer in (core.obs_encoder, core.post_rnn_layer, core.prev_action_encoder):
        assert_xavier(layer, 0.1 * RELU)
    assert_xavier(actor.head, 0.1)


def test_ppo_actor_matches_ppo_actor_recurrent_network():
    torch.manual_seed(2)
    actor = DeterministicGRUActor(O, A, Z, N, squash_action=False, structure='reference')
    # PPOActorRecurrentNetwork: _h1_o, _h1_o_post_rnn, _h1_a_prev, GRU(2n, z), _h3 Linear(z + n, a); every layer
    # Xavier at 0.05 x the ReLU gain, _h3 included
    expected = linear(O, N) + linear(O, N) + linear(A, N) + gru(2 * N, Z) + linear(Z + N, A)
    assert n_parameters(actor) == expected
    core = actor.core
    for layer in (core.obs_encoder, core.post_rnn_layer, core.prev_action_encoder, actor.head):
        assert_xavier(layer, 0.05 * RELU)


def test_recurrent_critic_matches_ppo_critic_bptt_network():
    torch.manual_seed(3)
    critic = RecurrentStateValue(O, A, N, Z, structure='reference')
    # PPOCriticBPTTNetwork: _h1_o, _h1_o_post_rnn, _h1_a_prev, GRU(2n, h), _hq_1 Linear(h + n, n), _hq_2 Linear(n, 1);
    # every layer Xavier at the ReLU gain, _hq_2 included
    expected = linear(O, N) + linear(O, N) + linear(A, N) + gru(2 * N, Z) + linear(Z + N, N) + linear(N, 1)
    assert n_parameters(critic) == expected
    core = critic.core
    for layer in (core.obs_encoder, core.post_rnn_layer, core.prev_action_encoder, critic.head[0],
                  critic.head[-1]):
        assert_xavier(layer, RELU)


def test_reference_actor_reads_the_observation_after_the_gru_through_its_own_layer():
    torch.manual_seed(4)
    actor = GaussianGRUActor(O, A, Z, N, structure='reference')
    obs, z, prev = torch.randn(4, O), torch.zeros(4, Z), torch.zeros(4, A)
    before = actor(obs, z, prev)
    with torch.no_grad():
        actor.core.post_rnn_layer.weight.zero_()
    after = actor(obs, z, prev)
    assert torch.equal(before.mean_policy_state, after.mean_policy_state)  # the GRU does not read that layer
    assert not torch.allclose(before.mean_action, after.mean_action)  # the head does


def test_library_structure_is_the_default_and_unknown_structures_are_refused():
    actor = GaussianGRUActor(O, A, Z, N)
    assert actor.core.post_rnn_layer is None
    assert float(actor.head[-1].weight.detach().abs().max()) <= 3e-3
    with pytest.raises(ValueError, match='library, reference'):
        DeterministicGRUActor(O, A, Z, N, structure='paper')


@pytest.mark.parametrize('name', ['SAC_RS', 'SAC_BPTT', 'TD3_RS', 'TD3_BPTT', 'PPO_RS', 'PPO_BPTT'])
def test_variants_build_the_reference_networks_on_request(name):
    env = ToyPOMDP()
    kwargs = dict(privileged_critic=False) if name == 'PPO_BPTT' else dict()
    library = make_agent(name, env.info, env.policy_obs_mask, **kwargs)
    reference = make_agent(name, env.info, env.policy_obs_mask, network_structure='reference', **kwargs)
    assert library.policy.network.core.post_rnn_layer is None
    assert reference.policy.network.core.post_rnn_layer is not None
    if name == 'PPO_BPTT':
        assert reference._V.core.post_rnn_layer is not None
    obs_dim = int(np.sum(env.policy_obs_mask))
    grown = n_parameters(reference.policy.network) - n_parameters(library.policy.network)
    assert grown == linear(obs_dim, reference.policy.network.core.obs_encoder.out_features)


@pytest.mark.parametrize('name, z, n, head', [
    # SACRecurrentActorNetwork: _h3 Linear(z + n, n), _h4 Linear(n, 2a + z); SAC-RS launcher: z 32, n 256
    ('SAC_RS', 32, 256, lambda z, n, a: linear(z + n, n) + linear(n, 2 * a + z)),
    # TD3ActorRecurrentNetwork: _h3 Linear(z + n, a); TD3-RS: z 32, n 128
    ('TD3_RS', 32, 128, lambda z, n, a: linear(z + n, a)),
    # PPOActorRecurrentNetwork: _h3 Linear(z + n, a); PPO-RS: z 128, n 128
    ('PPO_RS', 128, 128, lambda z, n, a: linear(z + n, a)),
])
def test_the_reference_table_builds_the_reference_actors_on_half_cheetah(name, z, n, head):
    from environments import make_env
    env = make_env('HalfCheetahPOMDP-v5')
    o, a = int(np.sum(env.policy_obs_mask)), env.info.action_space.shape[0]
    assert (o, a) == (8, 6)
    agent = make_agent(name, env.info, env.policy_obs_mask, env_id='HalfCheetahPOMDP-v5')
    # _h1_o, _h1_o_post_rnn, _h1_a_prev, GRU(2n, z), then the head (SAC-RS: 144,108; TD3-RS: 32,006; PPO-RS: 152,966)
    expected = linear(o, n) + linear(o, n) + linear(a, n) + gru(2 * n, z) + head(z, n, a)
    assert n_parameters(agent.policy.network) == expected
