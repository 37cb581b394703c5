"""The CPG policy: Euler step by hand, bounded parameters with gradients, blindness, SAC-RS integration."""
import math

import numpy as np
import pytest
import torch
from mushroom_rl.core import Core

from algorithm_helpers import tiny_hyperparameters
from environments import make_env
from mushroom_s2pg.algorithms import make_agent
from mushroom_s2pg.networks.cpg import CPG_BOUNDS, CPGNetwork


def _network():
    torch.manual_seed(0)
    net = CPGNetwork(action_dim=3, n_oscillators=2, dt=0.05)
    with torch.no_grad():
        for p in (net.v_raw, net.b_raw, net.c_raw, net.w_raw, net.phi_raw):
            p.normal_()
    return net


def test_euler_step_matches_a_hand_computed_step():
    net = _network()
    v, b, c, w, phi = (x.detach().numpy().astype(np.float64) for x in net.oscillator_parameters())
    psi, r, dr = np.array([0.3, 1.7]), np.array([0.5, 1.2]), np.array([-0.1, 0.4])
    dpsi = np.array([2 * math.pi * v[i] + sum(r[j] * w[i, j] * math.sin(psi[j] - psi[i] - phi[i, j])
                                              for j in range(2) if j != i) for i in range(2)])
    ddr = c * (c / 4 * (b - r) - dr)
    expected = np.concatenate([np.mod(psi + 0.05 * dpsi, 2 * math.pi), r + 0.05 * dr, dr + 0.05 * ddr])
    z = torch.as_tensor(np.concatenate([psi, r, dr]), dtype=torch.float32)
    np.testing.assert_allclose(net.euler_step(z[None])[0].detach().numpy(), expected, rtol=1e-5, atol=1e-5)


def test_parameters_stay_bounded_and_receive_gradients():
    net = _network()
    with torch.no_grad():
        net.v_raw.fill_(50.)
        net.c_raw.fill_(-50.)
    v, b, c, w, phi = net.oscillator_parameters()
    for value, bound in ((v, CPG_BOUNDS['v']), (b, CPG_BOUNDS['b']), (c, CPG_BOUNDS['c']), (w, CPG_BOUNDS['w']),
                         (phi, CPG_BOUNDS['phi'])):
        assert torch.all(value >= 0) and torch.all(value <= bound)
    net = _network()
    z = torch.rand(8, 6)
    for _ in range(3):
        z = net.euler_step(z)
    net.command(z).sum().backward()
    for name in ('v_raw', 'b_raw', 'c_raw', 'w_raw', 'phi_raw'):
        assert getattr(net, name).grad.abs().sum() > 0, name


def test_no_self_coupling_zero_diagonal_without_gradient():
    # Reference (HopfOscillatorModule): only the n (n - 1) off-diagonal couplings and phase lags exist.
    torch.manual_seed(1)
    n = 3
    net = CPGNetwork(action_dim=2, n_oscillators=n, dt=0.05)
    with torch.no_grad():
        for p in (net.w_raw, net.phi_raw):
            p.normal_()
    assert net.w_raw.numel() == net.phi_raw.numel() == n * (n - 1)
    v, b, c, w, phi = net.oscillator_parameters()
    assert torch.all(torch.diagonal(w) == 0) and torch.all(torch.diagonal(phi) == 0)
    off = ~torch.eye(n, dtype=torch.bool)
    assert torch.all(w[off] > 0)
    # the diagonal is not connected to any parameter
    grads = torch.autograd.grad(torch.diagonal(w).sum() + torch.diagonal(phi).sum(), list(net.parameters()),
                                allow_unused=True, retain_graph=True)
    assert all(g is None or torch.all(g == 0) for g in grads)
    # the off-diagonal entries are trained
    grads = torch.autograd.grad(w[off].sum(), [net.w_raw])
    assert torch.all(grads[0] != 0)


def test_single_oscillator_runs_at_its_own_frequency():
    # Without self-coupling, one oscillator's phase advances by exactly 2 pi v dt (mod 2 pi).
    torch.manual_seed(2)
    net = CPGNetwork(action_dim=1, n_oscillators=1, dt=0.05)
    v = net.oscillator_parameters().v
    z = torch.tensor([[0.4, 1.3, 0.2]])
    psi_next = net.euler_step(z)[0, 0]
    expected = torch.remainder(torch.tensor(0.4) + 0.05 * 2 * math.pi * v[0], 2 * math.pi)
    assert torch.allclose(psi_next, expected, atol=1e-6)


def test_cpg_policy_ignores_the_observation_and_plugs_into_sac_rs():
    mdp = make_env('HalfCheetah-v5', horizon=30)
    agent = make_agent('SAC_RS', mdp.info, mdp.policy_obs_mask, actor='cpg',
                       **tiny_hyperparameters('SAC_RS'))
    policy = agent.policy
    assert policy.policy_state_shape == (18,)
    z = np.random.randn(18).astype(np.float32)
    with agent.deterministic():
        a1, z1 = policy.draw_action(np.random.randn(17), z)
        a2, z2 = policy.draw_action(100 * np.random.randn(17), z)
    np.testing.assert_array_equal(a1, a2)
    np.testing.assert_array_equal(z1, z2)
    core = Core(agent, mdp)
    core.learn(n_steps=80, n_steps_per_fit=1, quiet=True)
    assert 'alpha_z' in agent.last_losses
    memory = agent.replay_memory
    assert memory.policy_state.shape[1] == 18 and np.abs(memory.policy_state[:80, 6:]).sum() > 0


def test_unknown_actor_is_named():
    mdp = make_env('HalfCheetah-v5')
    with pytest.raises(ValueError, match=r"'lstm'.*gru, cpg"):
        make_agent('SAC_RS', mdp.info, mdp.policy_obs_mask, actor='lstm')
