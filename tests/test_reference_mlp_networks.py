"""
The reference's MLP initialisation (``network_structure='reference'`` on the baselines) and the BPTT actors' heads.

Reference: ``robfiras/s2pg``, ``s2pg/networks/vanilla_networks.py`` (``SACActorNetwork``: Xavier at the ReLU gain,
output at 0.01; ``SACCriticNetwork``: ReLU gains, linear output; ``FullyConnectedNetwork`` with activations relu, relu,
identity: ReLU gains, output gain 0.1; ``TD3ActorNetwork``: fan-in uniform, output U(-3e-3, 3e-3); ``PPONetwork``:
0.01 times the gains) and ``recurrent_networks.py`` (``SACWindowActorNetwork`` / ``TD3WindowActorNetwork``: 0.1 times
the ReLU gain everywhere; ``SACBPTTActorNetwork``: a head of 2|a| outputs).
"""
import math

import numpy as np
import pytest
import torch

from mushroom_s2pg.algorithms import make_agent
from mushroom_s2pg.expert_data import ExpertData
from mushroom_s2pg.algorithms.reference_hyperparameters import REFERENCE_HYPERPARAMETERS, reference_hyperparameters
from mushroom_s2pg.networks.mlp import mlp
from mushroom_s2pg.networks.recurrent_actors import GaussianGRUActor
from mushroom_s2pg.networks.reference_init import REFERENCE_MLP_INITS, reference_classes, reference_mlp_init
from toy_envs import ToyPOMDP

RELU = math.sqrt(2.)


def largest(layer: torch.nn.Linear) -> float:
    return float(layer.weight.detach().abs().max())


def assert_bound(layer: torch.nn.Linear, bound: float):
    """Weights within ``bound`` and spread over most of it (not a smaller initialisation)."""
    assert 0.8 * bound < largest(layer) <= bound + 1e-9


def xavier_bound(layer: torch.nn.Linear, gain: float) -> float:
    fan_out, fan_in = layer.weight.shape
    return gain * math.sqrt(6. / (fan_in + fan_out))


def fan_in_bound(layer: torch.nn.Linear) -> float:
    return 1. / math.sqrt(layer.weight.shape[1])


def linears(module: torch.nn.Module):
    return [m for m in module.modules() if isinstance(m, torch.nn.Linear)]


@pytest.mark.parametrize('name, hidden, output', [
    ('SACActorNetwork', lambda l: xavier_bound(l, RELU), lambda l: xavier_bound(l, 0.01)),
    ('SACCriticNetwork', lambda l: xavier_bound(l, RELU), lambda l: xavier_bound(l, 1.)),
    ('SACWindowActorNetwork', lambda l: xavier_bound(l, 0.1 * RELU), lambda l: xavier_bound(l, 0.1 * RELU)),
    ('TD3WindowActorNetwork', lambda l: xavier_bound(l, 0.1 * RELU), lambda l: xavier_bound(l, 0.1 * RELU)),
    ('TD3ActorNetwork', fan_in_bound, lambda l: 3e-3),
    ('FullyConnectedNetwork', lambda l: xavier_bound(l, RELU), lambda l: xavier_bound(l, 0.1)),
    ('PPONetwork', lambda l: xavier_bound(l, 0.01 * RELU), lambda l: xavier_bound(l, 0.01)),
    ('DiscriminatorNetwork', lambda l: xavier_bound(l, 5. / 3.), lambda l: xavier_bound(l, 0.1)),
])
def test_each_reference_class_initialises_its_layers_at_the_stated_bounds(name, hidden, output):
    torch.manual_seed(0)
    network = reference_mlp_init(mlp(40, 6, (64, 64)), name)
    *hidden_layers, output_layer = linears(network)
    for layer in hidden_layers:
        assert_bound(layer, hidden(layer))
    assert_bound(output_layer, output(output_layer))
    for layer in linears(network):      # biases keep PyTorch's default U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        assert float(layer.bias.detach().abs().max()) <= fan_in_bound(layer)


def test_every_reference_class_is_tested_and_unknown_ones_and_structures_are_refused():
    assert len(REFERENCE_MLP_INITS) == 8
    with pytest.raises(ValueError, match='SACActorNetwrk'):
        reference_mlp_init(mlp(4, 2, (8,)), 'SACActorNetwrk')
    assert reference_classes('library', 'PPONetwork', 'SACCriticNetwork') == (None, None)
    assert reference_classes('reference', 'PPONetwork') == ('PPONetwork',)
    with pytest.raises(ValueError, match='paper'):
        reference_classes('paper', 'PPONetwork')


def _agent(variant: str, env: ToyPOMDP, **kwargs):
    """The variant on the toy task; imitators get six hand-made expert transitions with actions."""
    if variant.startswith(('LSIQ', 'GAIL')):
        states = np.arange(18, dtype=float).reshape(6, 3) / 10.
        kwargs['expert_data'] = ExpertData(states, states + 0.1, last=[0, 0, 1, 0, 0, 1], actions=np.zeros((6, 2)),
                                           absorbing=np.zeros(6, dtype=bool))
    return make_agent(variant, env.info, env.policy_obs_mask, **kwargs)


def _actor_mlp(agent):
    return agent.policy.network.mlp


def _critic_mlp(agent):
    critic = agent.critic
    return critic.critics[0].mlp if hasattr(critic, 'critics') else critic.mlp


# (variant, the actor's reference class, the critic's, or None where the critic is not an MLP Q of this option)
VARIANTS = [
    ('SAC_VANILLA', 'SACActorNetwork', 'SACCriticNetwork'),
    ('SAC_ORACLE', 'SACActorNetwork', 'SACCriticNetwork'),
    ('SAC_WINDOW', 'SACWindowActorNetwork', 'FullyConnectedNetwork'),
    ('TD3_VANILLA', 'TD3ActorNetwork', 'FullyConnectedNetwork'),
    ('TD3_ORACLE', 'TD3ActorNetwork', 'FullyConnectedNetwork'),
    ('TD3_WINDOW', 'TD3WindowActorNetwork', 'FullyConnectedNetwork'),
    ('LSIQ_VANILLA', 'SACActorNetwork', 'FullyConnectedNetwork'),
    ('LSIQ_ORACLE', 'SACActorNetwork', 'FullyConnectedNetwork'),
    ('PPO_VANILLA', 'PPONetwork', None),
    ('PPO_ORACLE', 'PPONetwork', None),
    ('PPO_WINDOW', 'PPONetwork', None),
    ('GAIL_VANILLA', 'PPONetwork', None),
    ('GAIL_ORACLE', 'PPONetwork', None),
]


def _expected(name: str, layer: torch.nn.Linear, output: bool) -> float:
    rule = REFERENCE_MLP_INITS[name]
    if output and rule.output_bound is not None:
        return rule.output_bound
    gain = rule.output_gain if output else rule.hidden_gain
    return fan_in_bound(layer) if gain is None else xavier_bound(layer, gain)


@pytest.mark.parametrize('variant, actor_class, critic_class', VARIANTS)
def test_baselines_take_their_reference_class_initialisation_on_request(variant, actor_class, critic_class):
    env = ToyPOMDP()
    torch.manual_seed(0)
    reference = _agent(variant, env, network_structure='reference', actor_features=(64, 64),
                       **({'critic_features': (64, 64)} if critic_class else {}))
    library = _agent(variant, env, actor_features=(64, 64))
    networks = [(_actor_mlp(reference), actor_class)]
    if critic_class is not None:
        networks.append((_critic_mlp(reference), critic_class))
    for network, name in networks:
        *hidden, output = linears(network)
        for layer in hidden:
            assert_bound(layer, _expected(name, layer, False))
        assert_bound(output, _expected(name, output, True))
    # the library's actor: PyTorch's hidden layers, an output layer (weights and biases) from U(-3e-3, 3e-3)
    library_output = linears(_actor_mlp(library))[-1]
    assert largest(library_output) <= 3e-3 and float(library_output.bias.detach().abs().max()) <= 3e-3
    # same layers either way
    assert [tuple(l.weight.shape) for l in linears(_actor_mlp(library))] == \
           [tuple(l.weight.shape) for l in linears(_actor_mlp(reference))]


@pytest.mark.parametrize('variant', ['SAC_BPTT', 'TD3_BPTT', 'LSIQ_BPTT'])
def test_bptt_critics_start_as_the_reference_fully_connected_network(variant):
    env = ToyPOMDP()
    torch.manual_seed(0)
    agent = _agent(variant, env, network_structure='reference')
    *hidden, output = linears(_critic_mlp(agent))
    for layer in hidden:
        assert_bound(layer, xavier_bound(layer, RELU))
    assert_bound(output, xavier_bound(output, 0.1))


@pytest.mark.parametrize('variant', ['SAC_BPTT', 'LSIQ_BPTT'])
@pytest.mark.parametrize('structure', ['library', 'reference'])
def test_bptt_gaussian_actors_output_only_the_action_distribution(variant, structure):
    # SACBPTTActorNetwork: _h1_o Linear(o, n), _h1_o_post_rnn Linear(o, n), _h1_a_prev Linear(a, n), GRU(2n, z),
    # _h3 Linear(z + n, n), _h4 Linear(n, 2a): no log-std of z' (the GRU carries z' deterministically)
    env = ToyPOMDP()
    agent = _agent(variant, env, network_structure=structure, n_features_actor=16, policy_state_dim=5)
    actor = agent.policy.network
    o, a, z, n = int(np.sum(env.policy_obs_mask)), env.info.action_space.shape[0], 5, 16
    assert actor.head[-1].out_features == 2 * a
    expected = (o * n + n) + (a * n + n) + 3 * (2 * n * z + z * z + 2 * z) + ((z + n) * n + n) + (n * 2 * a + 2 * a)
    if structure == 'reference':
        expected += o * n + n
    assert sum(p.numel() for p in actor.parameters()) == expected
    outputs = actor(torch.zeros(4, o), torch.zeros(4, z), torch.zeros(4, a))
    assert outputs.mean_action.shape == outputs.log_std_action.shape == (4, a)
    assert outputs.log_std_policy_state is None and outputs.mean_policy_state.shape == (4, z)
    obs = env.reset()
    agent.episode_start()
    action = agent.draw_action(obs)
    assert np.all(np.abs(action) <= 1.)


@pytest.mark.parametrize('variant', ['GAIL_RS', 'GAIL_BPTT', 'GAIL_VANILLA', 'GAIL_ORACLE'])
def test_gail_discriminators_start_as_the_reference_discriminator_network_on_request(variant):
    # DiscriminatorNetwork: FullyConnectedNetwork with activations tanh, tanh, identity, widths [512, 256]
    env = ToyPOMDP()
    torch.manual_seed(0)
    reference = _agent(variant, env, network_structure='reference')
    *hidden, output = linears(reference._D.mlp)
    assert [layer.out_features for layer in hidden] == [512, 256]
    for layer in hidden:
        assert_bound(layer, xavier_bound(layer, 5. / 3.))
    assert_bound(output, xavier_bound(output, 0.1))
    library_output = linears(_agent(variant, env)._D.mlp)[-1]
    assert largest(library_output) <= fan_in_bound(library_output)    # PyTorch's initialisation


def test_the_rs_actor_keeps_the_log_std_of_the_sampled_internal_state():
    actor = GaussianGRUActor(3, 2, policy_state_dim=5, n_features=8)
    assert actor.head[-1].out_features == 2 * 2 + 5
    assert actor(torch.zeros(1, 3), torch.zeros(1, 5), torch.zeros(1, 2)).log_std_policy_state.shape == (1, 5)


def test_the_reference_table_sets_the_reference_networks_for_every_algorithm():
    for name in REFERENCE_HYPERPARAMETERS:
        assert reference_hyperparameters(name, 'HalfCheetahPOMDP-v5')['network_structure'] == 'reference', name


def test_the_imitation_grid_runs_the_reference_networks_and_lsiq_tanh_correction():
    from launchers.grids.imitation import SPEC
    for entry in SPEC.entries:
        label, algorithm, hyperparameters = entry.label, entry.algorithm, entry.hyperparameters
        assert hyperparameters['network_structure'] == 'reference', label
        if algorithm.startswith('LSIQ'):
            assert hyperparameters['tanh_log_prob'] == 'reference', label
