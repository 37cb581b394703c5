"""Central pattern generator: coupled Hopf-type oscillators as a policy's internal state (REFERENCE section 4)."""
import math

import torch
import torch.nn as nn

from mushroom_s2pg.networks.outputs import GaussianOutputs, OscillatorParameters

__all__ = ['CPGNetwork', 'scaled_sigmoid']

#: Upper bounds of the oscillator parameters (frequency v, amplitude b, convergence c, coupling w, phase lag phi).
CPG_BOUNDS = dict(v=5., b=2., c=10., w=1., phi=2 * math.pi)


def scaled_sigmoid(raw: torch.Tensor, upper: float) -> torch.Tensor:
    """Map an unbounded parameter into (0, upper)."""
    return upper * torch.sigmoid(raw)


class CPGNetwork(nn.Module):
    """
    n coupled oscillators with phase psi_i, amplitude r_i and amplitude velocity r'_i (the internal state
    z = [psi, r, r'], dimension 3n), integrated with explicit Euler at the control step dt:

        psi_i' = 2 pi v_i + sum_j r_j w_ij sin(psi_j - psi_i - phi_ij)
        r_i''  = c_i (c_i / 4 (b_i - r_i) - r_i')

    All oscillator parameters are trained through scaled sigmoids (v <= 5, b <= 2, c <= 10, w <= 1,
    phi <= 2 pi). As in the reference (``HopfOscillatorModule``, which keeps only the n (n - 1)
    off-diagonal couplings and phase lags), an oscillator does not couple to itself: ``w_ii = 0`` and
    ``phi_ii = 0``. Only the off-diagonal entries are parameters (``w_raw`` and ``phi_raw`` of shape
    ``(n, n - 1)``, row i holding the entries j != i in order), so the diagonal is a constant zero
    that receives no gradient. A small feed-forward net maps [r cos psi, r sin psi] of the new state to the mean joint
    command. The environment observation is not an input (a blind policy). ``forward`` has the signature of
    the GRU actors: it returns the means and log-stds of a and z' (state-independent learnable log-stds).

    """
    def __init__(self, action_dim: int, n_oscillators: int, dt: float, n_features: int = 64,
                 init_log_std: float = -1., init_log_std_z: float = -3., init_frequency: float = 1.5):
        super().__init__()
        if n_oscillators < 1 or dt <= 0:
            raise ValueError(f'need n_oscillators >= 1 and dt > 0, got {n_oscillators} and {dt}')
        self.action_dim = action_dim
        self.n_oscillators = n_oscillators
        self.policy_state_dim = 3 * n_oscillators
        self.dt = float(dt)
        n = n_oscillators
        if not 0 < init_frequency < CPG_BOUNDS['v']:
            raise ValueError(f"init_frequency must be in (0, {CPG_BOUNDS['v']}), got {init_frequency}")
        self.v_raw = nn.Parameter(torch.full((n,), math.log(init_frequency / (CPG_BOUNDS['v'] - init_frequency))))
        self.b_raw = nn.Parameter(torch.zeros(n))
        self.c_raw = nn.Parameter(torch.zeros(n))
        self.w_raw = nn.Parameter(torch.zeros(n, n - 1))
        self.phi_raw = nn.Parameter(torch.randn(n, n - 1) * 0.5)
        self.register_buffer('off_diagonal', ~torch.eye(n, dtype=torch.bool), persistent=False)
        self.readout = nn.Sequential(nn.Linear(2 * n, n_features), nn.Tanh(), nn.Linear(n_features, action_dim))
        nn.init.uniform_(self.readout[-1].weight, -3e-3, 3e-3)
        nn.init.zeros_(self.readout[-1].bias)
        self.log_std_a = nn.Parameter(torch.full((action_dim,), float(init_log_std)))
        self.log_std_z = nn.Parameter(torch.full((3 * n,), float(init_log_std_z)))

    def oscillator_parameters(self) -> OscillatorParameters:
        """The bounded parameters (v, b, c, w, phi); w and phi are (n, n) with a zero diagonal."""
        return OscillatorParameters(v=scaled_sigmoid(self.v_raw, CPG_BOUNDS['v']),
                                    b=scaled_sigmoid(self.b_raw, CPG_BOUNDS['b']),
                                    c=scaled_sigmoid(self.c_raw, CPG_BOUNDS['c']),
                                    w=self._zero_diagonal(scaled_sigmoid(self.w_raw, CPG_BOUNDS['w'])),
                                    phi=self._zero_diagonal(scaled_sigmoid(self.phi_raw, CPG_BOUNDS['phi'])))

    def _zero_diagonal(self, off_diagonal: torch.Tensor) -> torch.Tensor:
        """Place the (n, n - 1) off-diagonal entries (row-major, j != i) into an (n, n) matrix with zero diagonal."""
        n = self.n_oscillators
        full = torch.zeros(n, n, dtype=off_diagonal.dtype, device=off_diagonal.device)
        return full.masked_scatter(self.off_diagonal, off_diagonal)

    def euler_step(self, z: torch.Tensor) -> torch.Tensor:
        """One explicit Euler step of the oscillator dynamics; the phase is wrapped to [0, 2 pi)."""
        psi, r, dr = torch.split(z, self.n_oscillators, dim=-1)
        p = self.oscillator_parameters()
        # coupling[..., i, j] = r_j w_ij sin(psi_j - psi_i - phi_ij)
        coupling = r.unsqueeze(-2) * p.w * torch.sin(psi.unsqueeze(-2) - psi.unsqueeze(-1) - p.phi)
        dpsi = 2 * math.pi * p.v + coupling.sum(-1)
        ddr = p.c * (p.c / 4. * (p.b - r) - dr)
        psi_next = torch.remainder(psi + self.dt * dpsi, 2 * math.pi)
        return torch.cat([psi_next, r + self.dt * dr, dr + self.dt * ddr], dim=-1)

    def command(self, z: torch.Tensor) -> torch.Tensor:
        psi, r, _ = torch.split(z, self.n_oscillators, dim=-1)
        return self.readout(torch.cat([r * torch.cos(psi), r * torch.sin(psi)], dim=-1))

    def forward(self, obs: torch.Tensor, z: torch.Tensor, prev_action: torch.Tensor) -> GaussianOutputs:
        mean_z = self.euler_step(z)
        mean_a = self.command(mean_z)
        return GaussianOutputs(mean_action=mean_a, log_std_action=self.log_std_a.expand_as(mean_a),
                               mean_policy_state=mean_z, log_std_policy_state=self.log_std_z.expand_as(mean_z))
