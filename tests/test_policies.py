"""Stateful policies: log-probabilities, shapes, determinism of the mean, noise bounds."""
import numpy as np
import torch
from torch.distributions import Normal, TransformedDistribution
from torch.distributions.transforms import TanhTransform

from algorithm_helpers import torch_batch
from mushroom_s2pg.core import PolicyStep, SingleStep
from mushroom_s2pg.networks.recurrent_actors import DeterministicGRUActor, GaussianGRUActor
from mushroom_s2pg.policies import DeterministicPolicy, SquashedGaussianPolicy

MASK = np.array([True, False, True, True, False])
LOW, HIGH = np.array([-2., -1., 0.]), np.array([2., 1., 1.])


def _gaussian_policy():
    return SquashedGaussianPolicy(GaussianGRUActor(3, 3, policy_state_dim=4, n_features=16), SingleStep(), LOW, HIGH,
                                  MASK)


def _batch(s, z, a_prev, action=None, z_next=None):
    fields = dict(state=s, policy_state=z, prev_action=a_prev, action=action, next_policy_state=z_next)
    return torch_batch(len(s), **{name: value for name, value in fields.items() if value is not None})


def _distribution_parameters(policy, s, z, a_prev):
    out = policy.network(policy.observation(s), z, a_prev)
    bounds = policy.log_std_min, policy.log_std_max
    return (out.mean_action, out.log_std_action.clamp(*bounds), out.mean_policy_state,
            out.log_std_policy_state.clamp(*bounds))


def _torch_squashed(mean, log_std):
    return TransformedDistribution(Normal(mean, log_std.exp()), [TanhTransform(cache_size=1)])


def test_joint_log_prob_equals_torch_distributions():
    policy = _gaussian_policy()
    with torch.no_grad():
        for p in policy.network.head.parameters():
            p.normal_(0., 0.5)
    s, z, a_prev = torch.randn(64, 5), torch.rand(64, 4) * 2 - 1, torch.randn(64, 3)
    mean_a, log_std_a, mean_z, log_std_z = _distribution_parameters(policy, s, z, a_prev)
    a_norm = torch.rand(64, 3) * 1.8 - 0.9
    z_next = torch.rand(64, 4) * 1.8 - 0.9
    expected = (_torch_squashed(mean_a, log_std_a).log_prob(a_norm).sum(-1)
                + _torch_squashed(mean_z, log_std_z).log_prob(z_next).sum(-1))
    ours = policy.log_prob_batch(_batch(s, z, a_prev, policy.scale_action(a_norm), z_next))
    torch.testing.assert_close(ours, expected, rtol=1e-4, atol=1e-4)


def test_sampled_log_probs_are_those_of_the_samples():
    policy = _gaussian_policy()
    s, z, a_prev = torch.randn(32, 5), torch.zeros(32, 4), torch.zeros(32, 3)
    out = policy.evaluate_batch(_batch(s, z, a_prev), next=False).current
    joint = out.log_prob_action + out.log_prob_policy_state
    torch.testing.assert_close(joint, policy.log_prob_batch(_batch(s, z, a_prev, out.action, out.next_policy_state)),
                               rtol=1e-3, atol=1e-3)
    low, high = torch.as_tensor(LOW, dtype=torch.float32), torch.as_tensor(HIGH, dtype=torch.float32)
    assert torch.all(out.action >= low) and torch.all(out.action <= high)
    assert torch.all(out.next_policy_state.abs() <= 1.)


def test_policy_uses_only_the_masked_observation():
    policy = _gaussian_policy()
    policy.set_deterministic(True)
    state = np.random.randn(5)
    other = state.copy()
    other[~MASK] += 10.
    z = np.zeros(4, np.float32)
    a1, z1 = policy.draw_action(state, z)
    a2, z2 = policy.draw_action(other, z)
    np.testing.assert_array_equal(a1, a2)
    np.testing.assert_array_equal(z1, z2)
    other[0] += 1.
    assert not np.allclose(policy.draw_action(other, z)[1], z1)


def test_deterministic_policy_noise_and_bounds():
    policy = DeterministicPolicy(DeterministicGRUActor(3, 3, policy_state_dim=4, n_features=16), SingleStep(), LOW,
                                 HIGH, MASK, std=0.5, std_z=0.3)
    state, z = np.random.randn(5), np.zeros(4, np.float32)
    policy.set_deterministic(True)
    a_det, z_det = policy.draw_action(state, z)
    np.testing.assert_array_equal(a_det, policy.draw_action(state, z)[0])
    policy.set_deterministic(False)
    draws = [policy.draw_action(state, z) for _ in range(50)]
    actions = np.array([d[0] for d in draws])
    assert np.all(actions >= LOW) and np.all(actions <= HIGH)
    assert actions.std(0).min() > 0
    zeros = PolicyStep(policy.scale_action(torch.zeros(1000, 3)), torch.zeros(1000, 3), torch.zeros(1000, 4))
    noisy = policy.perturb(zeros, 1., 1., clip=0.5, clip_z=0.2)
    a, zz = noisy.normalised_action, noisy.next_policy_state
    assert a.abs().max() <= 0.5 and zz.abs().max() <= 0.2


def test_reset_returns_zero_policy_state():
    policy = _gaussian_policy()
    np.testing.assert_array_equal(policy.reset(), np.zeros(4))
    assert policy.policy_state_shape == (4,)
