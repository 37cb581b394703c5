"""Linear-Gaussian partially observable test system with a linear recurrent policy.

This module is the "ground truth" half of the gradient-estimator lab of section 3 of the S2PG paper
(Al-Hafez et al., ICLR 2024, "Time-Efficient Reinforcement Learning with Stochastic Stateful
Policies"). It defines

* :class:`LinearGaussianPOMDP`: ``s' = A s + B a + w``, ``o = C s + v`` with Gaussian ``s0, w, v``
  and the bounded reward ``r(s, a) = exp(-(s^T Q_s s + a^T R_a a) / 2)`` in ``(0, 1]``, so
  Assumption 3.1 holds with ``R = 1``;
* :class:`LinearRecurrentPolicy`: internal-state transition mean ``Z z + U o`` (``Z`` fixed, the
  "recurrent gain" of Assumption 3.3) and action mean ``K z + L o``; the learnable parameters are
  ``theta = (U, K, L)`` (they enter through the input and output maps, so the gradients of the means
  in Assumption 3.2 are the observations and internal states themselves);
* the exact expected return and the exact policy gradient of both policy variants.

Two policies, one parameter vector (REFERENCE note (a) for section 3):

* ``"s2pg"``: stochastic internal-state kernel ``z' ~ N(Z z + U o, sigma_z^2 I)`` (equation 6,
  S2PG);
* ``"bptt"``: deterministic internal state ``z' = Z z + U o`` (equation 6, BPTT).

Each estimator is unbiased for the gradient of *its own* policy's return; the two returns coincide
only for ``sigma_z -> 0``.

Why the true gradient is exact here. Every random quantity of the closed loop is a linear function
of Gaussian noises with zero mean, so the joint state ``x_t = (s_t, z_t)`` is a zero-mean Gaussian
whose covariance ``P_t`` follows the Lyapunov-type recursion
``P_{t+1} = M P_t M^T + N V N^T + blockdiag(sigma_a^2 B B^T + W, sigma_z^2 I)``, and the reward
vector ``y_t = (s_t, a_t)`` is Gaussian with covariance ``S_t``. For ``y ~ N(0, S)`` and ``Q >= 0``,
``E[exp(-y^T Q y / 2)] = det(I + S Q)^{-1/2}``, hence
``J(theta) = sum_t gamma^t det(I + S_t(theta) Q)^{-1/2}`` in closed form. Its gradient is obtained
by automatic differentiation of this closed form in float64, i.e. exactly up to rounding (the tests
check it against central finite differences and against the Monte-Carlo estimators).

Closed-loop stability. Although the open-loop internal gain ``Z`` may exceed 1, the default
parameters (:func:`default_lab`) place the eigenvalues of the closed-loop matrix ``M`` at modulus
``sqrt(0.5)`` for every ``|Z| < sqrt(2)``: internal states, observations and actions stay bounded in
mean square (so the constants ``F`` and ``H`` of Assumption 3.2 are finite in mean square for any
``T``), while the *open-loop* Jacobian products ``Z^(t-i)`` that BPTT multiplies (equation 22) grow
exponentially for ``Z > 1``. This isolates exactly the effect analysed by Theorems 3.4 and 3.5.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal, Sequence, Union

import torch

__all__ = [
    'Estimator',
    'ESTIMATORS',
    'LinearGaussianPOMDP',
    'LinearRecurrentPolicy',
    'StepMoments',
    'default_lab',
    'closed_loop_matrix',
    'closed_loop_spectral_radius',
    'exact_expected_return',
    'true_gradient',
    'step_moments',
]

Estimator = Literal['bptt', 's2pg']
ESTIMATORS: tuple[str, str] = ('bptt', 's2pg')

DTYPE = torch.float64
MatrixLike = Union[float, Sequence, torch.Tensor]


def _matrix(value: MatrixLike, rows: int | None = None) -> torch.Tensor:
    """Converts a scalar / nested sequence / tensor to a 2-D float64 tensor.

    A scalar becomes ``value * I_rows`` when ``rows`` is given, otherwise a 1x1 matrix.
    """
    t = torch.as_tensor(value, dtype=DTYPE)
    if t.ndim == 0:
        n = 1 if rows is None else rows
        return t * torch.eye(n, dtype=DTYPE)
    if t.ndim == 1:
        return torch.diag(t) if rows is not None and t.numel() == rows and rows > 1 else t.reshape(1, -1)
    if t.ndim != 2:
        raise ValueError(f'expected a scalar, vector or matrix, got shape {tuple(t.shape)}')
    return t.clone()


def _check_estimator(estimator: str) -> None:
    if estimator not in ESTIMATORS:
        raise ValueError(f'estimator must be one of {ESTIMATORS}, got {estimator!r}')


@dataclass(frozen=True)
class LinearGaussianPOMDP:
    """Linear-Gaussian POMDP with a bounded exponential-quadratic reward.

    Dynamics ``s_{t+1} = A s_t + B a_t + w_t``, observation ``o_t = C s_t + v_t`` with
    ``s_0 ~ N(0, Sigma0)``, ``w ~ N(0, W)``, ``v ~ N(0, V)``. Reward
    ``r_t = exp(-(s_t^T Q_s s_t + a_t^T R_a a_t) / 2)`` in ``(0, R]`` with ``R = 1``
    (Assumption 3.1). Return ``G = sum_{t<T} gamma^t r_t``.

    Attributes:
        A: State transition matrix ``(n_s, n_s)``.
        B: Input matrix ``(n_s, n_a)``.
        C: Observation matrix ``(n_o, n_s)``.
        W: Process-noise covariance ``(n_s, n_s)``.
        V: Observation-noise covariance ``(n_o, n_o)`` (positive definite).
        Sigma0: Initial-state covariance ``(n_s, n_s)``.
        Q_s: State weight of the reward ``(n_s, n_s)``, positive semi-definite.
        R_a: Action weight of the reward ``(n_a, n_a)``, positive semi-definite.
        gamma: Discount factor in ``(0, 1]``.
    """

    A: torch.Tensor
    B: torch.Tensor
    C: torch.Tensor
    W: torch.Tensor
    V: torch.Tensor
    Sigma0: torch.Tensor
    Q_s: torch.Tensor
    R_a: torch.Tensor
    gamma: float = 0.95
    reward_bound: float = field(default=1.0, init=False)

    @classmethod
    def create(cls, A: MatrixLike, B: MatrixLike, C: MatrixLike, W: MatrixLike, V: MatrixLike,
               Sigma0: MatrixLike, Q_s: MatrixLike, R_a: MatrixLike,
               gamma: float = 0.95) -> 'LinearGaussianPOMDP':
        """Builds a system from scalars / sequences / tensors, checking the shapes.

        Scalars for the square matrices are interpreted as multiples of the identity.
        """
        A_ = _matrix(A)
        n_s = A_.shape[0]
        B_ = _matrix(B)
        if B_.shape[0] != n_s:
            B_ = B_.T
        n_a = B_.shape[1]
        C_ = _matrix(C)
        if C_.shape[1] != n_s:
            C_ = C_.T
        n_o = C_.shape[0]
        system = cls(A=A_, B=B_, C=C_, W=_matrix(W, n_s), V=_matrix(V, n_o), Sigma0=_matrix(Sigma0, n_s),
                     Q_s=_matrix(Q_s, n_s), R_a=_matrix(R_a, n_a), gamma=float(gamma))
        system._validate()
        return system

    def _validate(self) -> None:
        n_s, n_a, n_o = self.n_s, self.n_a, self.n_o
        expected = {'A': (n_s, n_s), 'B': (n_s, n_a), 'C': (n_o, n_s), 'W': (n_s, n_s), 'V': (n_o, n_o),
                    'Sigma0': (n_s, n_s), 'Q_s': (n_s, n_s), 'R_a': (n_a, n_a)}
        for name, shape in expected.items():
            if tuple(getattr(self, name).shape) != shape:
                raise ValueError(f'{name} has shape {tuple(getattr(self, name).shape)}, expected {shape}')
        if not 0.0 < self.gamma <= 1.0:
            raise ValueError('gamma must lie in (0, 1]')

    @property
    def n_s(self) -> int:
        """Dimension of the (hidden) environment state."""
        return self.A.shape[0]

    @property
    def n_a(self) -> int:
        """Dimension of the action."""
        return self.B.shape[1]

    @property
    def n_o(self) -> int:
        """Dimension of the observation."""
        return self.C.shape[0]

    @property
    def reward_weight(self) -> torch.Tensor:
        """Block-diagonal weight ``Q = blockdiag(Q_s, R_a)`` of the reward vector ``y = (s, a)``."""
        return torch.block_diag(self.Q_s, self.R_a)

    def max_return(self, horizon: int) -> float:
        """Largest possible return ``R (1 - gamma^T) / (1 - gamma)`` (``R T`` for ``gamma = 1``)."""
        if self.gamma == 1.0:
            return self.reward_bound * horizon
        return self.reward_bound * (1.0 - self.gamma ** horizon) / (1.0 - self.gamma)

    def reward(self, s: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
        """Bounded reward ``exp(-(s^T Q_s s + a^T R_a a) / 2)`` for batched ``s (N, n_s)``, ``a (N, n_a)``."""
        quad = ((s @ self.Q_s) * s).sum(-1) + ((a @ self.R_a) * a).sum(-1)
        return torch.exp(-0.5 * quad)


@dataclass(frozen=True)
class LinearRecurrentPolicy:
    """Linear recurrent Gaussian policy (equation 6 of the paper with linear maps).

    ``a_t ~ N(K z_t + L o_t, sigma_a^2 I)``; internal state ``z_{t+1} = Z z_t + U o_t`` (BPTT
    variant) or ``z_{t+1} ~ N(Z z_t + U o_t, sigma_z^2 I)`` (S2PG variant); ``z_0 = 0``.
    The learnable parameters are ``theta = (U, K, L)``; the recurrent gain ``Z`` is fixed, so that
    ``||d mu_z / d z|| = ||Z||`` is the constant of Assumption 3.3.

    Attributes:
        Z: Fixed recurrent gain ``(n_z, n_z)``.
        U: Input map of the internal state ``(n_z, n_o)``.
        K: Output map of the internal state ``(n_a, n_z)``.
        L: Direct observation-to-action map ``(n_a, n_o)``.
        sigma_a: Standard deviation of the action noise.
        sigma_z: Standard deviation of the internal-state kernel (used by the S2PG variant only).
    """

    Z: torch.Tensor
    U: torch.Tensor
    K: torch.Tensor
    L: torch.Tensor
    sigma_a: float = 0.5
    sigma_z: float = 0.5

    @classmethod
    def create(cls, Z: MatrixLike, U: MatrixLike, K: MatrixLike, L: MatrixLike, sigma_a: float = 0.5,
               sigma_z: float = 0.5) -> 'LinearRecurrentPolicy':
        """Builds a policy; a scalar ``Z`` means ``Z * I_{n_z}`` with ``n_z`` taken from ``U``."""
        U_ = _matrix(U)
        n_z = U_.shape[0]
        policy = cls(Z=_matrix(Z, n_z), U=U_, K=_matrix(K), L=_matrix(L), sigma_a=float(sigma_a),
                     sigma_z=float(sigma_z))
        policy._validate()
        return policy

    def _validate(self) -> None:
        n_z, n_o = self.U.shape
        n_a = self.K.shape[0]
        if tuple(self.Z.shape) != (n_z, n_z):
            raise ValueError(f'Z must be ({n_z}, {n_z}), got {tuple(self.Z.shape)}')
        if tuple(self.K.shape) != (n_a, n_z):
            raise ValueError(f'K must be ({n_a}, {n_z}), got {tuple(self.K.shape)}')
        if tuple(self.L.shape) != (n_a, n_o):
            raise ValueError(f'L must be ({n_a}, {n_o}), got {tuple(self.L.shape)}')
        if self.sigma_a <= 0.0 or self.sigma_z <= 0.0:
            raise ValueError('sigma_a and sigma_z must be positive')

    @property
    def n_z(self) -> int:
        """Dimension of the internal state."""
        return self.Z.shape[0]

    @property
    def params(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The learnable parameters ``theta = (U, K, L)``."""
        return self.U, self.K, self.L

    @property
    def num_params(self) -> int:
        """Number of scalar parameters in ``theta``."""
        return sum(p.numel() for p in self.params)

    def param_labels(self) -> list[str]:
        """Names of the entries of the flat parameter vector (order ``U, K, L``, row-major)."""
        labels = []
        for name, p in zip('UKL', self.params):
            labels += [f'{name}[{i},{j}]' for i in range(p.shape[0]) for j in range(p.shape[1])]
        return labels

    def with_gain(self, Z: MatrixLike) -> 'LinearRecurrentPolicy':
        """Copy of the policy with another fixed recurrent gain ``Z``."""
        return replace(self, Z=_matrix(Z, self.n_z))

    def internal_std(self, estimator: Estimator) -> float:
        """Internal-state noise of the given variant: ``sigma_z`` for S2PG, 0 for BPTT."""
        _check_estimator(estimator)
        return self.sigma_z if estimator == 's2pg' else 0.0

    def check_compatible(self, system: LinearGaussianPOMDP) -> None:
        """Raises ``ValueError`` if the policy's shapes do not match the system's."""
        if self.U.shape[1] != system.n_o or self.L.shape[1] != system.n_o:
            raise ValueError('policy observation dimension does not match the system')
        if self.K.shape[0] != system.n_a:
            raise ValueError('policy action dimension does not match the system')


def default_lab(Z: MatrixLike = 1.1, gamma: float = 0.95, sigma_a: float = 0.5,
                sigma_z: float = 0.5) -> tuple[LinearGaussianPOMDP, LinearRecurrentPolicy]:
    """The default lab: scalar plant, two noisy sensors, scalar internal state.

    Plant ``s' = 0.9 s + a + w`` (``W = 0.01``, ``s_0 ~ N(0, 1)``), observed by an accurate and a
    noisy sensor ``o = (s + v_1, s + v_2)`` with ``V = diag(0.01, 1)``; reward
    ``exp(-(s^2 + 0.1 a^2) / 2)``. Policy ``U = (0.35, 0.15)``, ``K = -1``, ``L = (-0.6, -0.3)``:
    then ``A + B L C = 0`` and ``B K U C = -0.5``, so the closed-loop characteristic polynomial is
    ``lambda^2 - Z lambda + 0.5`` and both closed-loop eigenvalues have modulus ``sqrt(0.5)`` for
    every ``|Z| < sqrt(2)``. The BPTT sensitivity ``d z_t / d U = sum_i Z^(t-1-i) o_i`` is *not*
    stabilised by the feedback (the sensor noises enter it with open-loop weights ``Z^(t-1-i)``),
    which is the exponential term of Lemma A.2.

    Args:
        Z: Fixed recurrent gain (scalar: ``n_z = 1``).
        gamma: Discount factor.
        sigma_a: Action noise standard deviation.
        sigma_z: Internal-state kernel standard deviation of the S2PG policy.

    Returns:
        ``(system, policy)``.
    """
    system = LinearGaussianPOMDP.create(A=0.9, B=1.0, C=[[1.0], [1.0]], W=0.01, V=[0.01, 1.0], Sigma0=1.0,
                                        Q_s=1.0, R_a=0.1, gamma=gamma)
    policy = LinearRecurrentPolicy.create(Z=Z, U=[[0.35, 0.15]], K=[[-1.0]], L=[[-0.6, -0.3]], sigma_a=sigma_a,
                                          sigma_z=sigma_z)
    return system, policy


def closed_loop_matrix(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy,
                       params: Sequence[torch.Tensor] | None = None) -> torch.Tensor:
    """Mean closed-loop matrix ``M`` of ``x_t = (s_t, z_t)``: ``E[x_{t+1} | x_t] = M x_t``.

    ``M = [[A + B L C, B K], [U C, Z]]`` (the same for both policy variants).
    """
    U, K, L = policy.params if params is None else params
    top = torch.cat([system.A + system.B @ L @ system.C, system.B @ K], dim=1)
    bottom = torch.cat([U @ system.C, policy.Z], dim=1)
    return torch.cat([top, bottom], dim=0)


def closed_loop_spectral_radius(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy) -> float:
    """Spectral radius of :func:`closed_loop_matrix` (< 1: bounded second moments for any ``T``)."""
    return float(torch.linalg.eigvals(closed_loop_matrix(system, policy)).abs().max())


def _noise_maps(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy, params: Sequence[torch.Tensor],
                estimator: Estimator) -> tuple[torch.Tensor, torch.Tensor]:
    """Input map of the observation noise and covariance of the remaining transition noise."""
    U, K, L = params
    N = torch.cat([system.B @ L, U], dim=0)  # x_{t+1} gets N v_t
    sz = policy.internal_std(estimator)
    Wx = torch.block_diag(policy.sigma_a ** 2 * system.B @ system.B.T + system.W,
                          sz ** 2 * torch.eye(policy.n_z, dtype=DTYPE))
    return N, Wx


def _covariances(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy, horizon: int,
                 estimator: Estimator, params: Sequence[torch.Tensor] | None = None) -> list[torch.Tensor]:
    """Covariances ``P_t`` of ``x_t = (s_t, z_t)`` for ``t = 0..T-1`` (all means are zero)."""
    _check_estimator(estimator)
    policy.check_compatible(system)
    params = policy.params if params is None else params
    M = closed_loop_matrix(system, policy, params)
    N, Wx = _noise_maps(system, policy, params, estimator)
    drive = N @ system.V @ N.T + Wx
    P = torch.block_diag(system.Sigma0, torch.zeros(policy.n_z, policy.n_z, dtype=DTYPE))
    covs = []
    for _ in range(horizon):
        covs.append(P)
        P = M @ P @ M.T + drive
    return covs


def exact_expected_return(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy, horizon: int,
                          estimator: Estimator, params: Sequence[torch.Tensor] | None = None) -> torch.Tensor:
    """Exact ``J(theta) = E[sum_{t<T} gamma^t r_t]`` of the BPTT or S2PG policy variant.

    Uses ``E[exp(-y^T Q y / 2)] = det(I + S Q)^{-1/2}`` for the zero-mean Gaussian reward vector
    ``y_t = (s_t, a_t)`` with covariance ``S_t = G P_t G^T + Hv V Hv^T + blockdiag(0, sigma_a^2 I)``,
    ``G = [[I, 0], [L C, K]]``, ``Hv = [0; L]``. Differentiable with respect to ``params``.

    Args:
        system: The POMDP.
        policy: The policy (its ``Z``, ``sigma_a``, ``sigma_z``; ``theta`` unless ``params`` given).
        horizon: Trajectory length ``T``.
        estimator: ``'s2pg'`` (stochastic internal state) or ``'bptt'`` (deterministic one).
        params: Optional ``(U, K, L)`` overriding the policy's, e.g. tensors requiring grad.

    Returns:
        Scalar float64 tensor.
    """
    params = policy.params if params is None else params
    U, K, L = params
    n_s, n_a, n_z = system.n_s, system.n_a, policy.n_z
    G = torch.cat([torch.cat([torch.eye(n_s, dtype=DTYPE), torch.zeros(n_s, n_z, dtype=DTYPE)], dim=1),
                   torch.cat([L @ system.C, K], dim=1)], dim=0)
    Hv = torch.cat([torch.zeros(n_s, system.n_o, dtype=DTYPE), L], dim=0)
    extra = Hv @ system.V @ Hv.T + torch.block_diag(torch.zeros(n_s, n_s, dtype=DTYPE),
                                                     policy.sigma_a ** 2 * torch.eye(n_a, dtype=DTYPE))
    Q = system.reward_weight
    eye = torch.eye(n_s + n_a, dtype=DTYPE)
    J = torch.zeros((), dtype=DTYPE)
    for t, P in enumerate(_covariances(system, policy, horizon, estimator, params)):
        S = G @ P @ G.T + extra
        J = J + system.gamma ** t * torch.exp(-0.5 * torch.linalg.slogdet(eye + S @ Q)[1])
    return J


def true_gradient(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy, horizon: int,
                  estimator: Estimator) -> torch.Tensor:
    """Exact policy gradient ``grad_theta J`` of the chosen policy variant, flat in ``(U, K, L)`` order.

    Automatic differentiation of the closed form :func:`exact_expected_return` (float64).
    Note (REFERENCE, section 3 note (a)): ``true_gradient(..., 's2pg')`` is the target of the S2PG
    estimator (Lemma 2.1) and ``true_gradient(..., 'bptt')`` the target of the BPTT estimator; they
    differ by an amount that vanishes as ``sigma_z -> 0``.
    """
    params = tuple(p.detach().clone().requires_grad_(True) for p in policy.params)
    J = exact_expected_return(system, policy, horizon, estimator, params)
    grads = torch.autograd.grad(J, params, allow_unused=True)  # U is unused for T = 1
    return torch.cat([(torch.zeros_like(p) if g is None else g).reshape(-1) for p, g in zip(params, grads)]).detach()


@dataclass(frozen=True)
class StepMoments:
    """Exact per-step second moments, used by the variance bounds.

    Attributes:
        z_sq: ``E|z_t|^2`` for ``t = 0..T-1``.
        o_sq: ``E|o_t|^2`` for ``t = 0..T-1``.
    """

    z_sq: torch.Tensor
    o_sq: torch.Tensor


def step_moments(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy, horizon: int,
                 estimator: Estimator) -> StepMoments:
    """Exact ``E|z_t|^2`` and ``E|o_t|^2`` under the chosen policy variant."""
    n_s = system.n_s
    z_sq, o_sq = [], []
    for P in _covariances(system, policy, horizon, estimator):
        z_sq.append(torch.trace(P[n_s:, n_s:]))
        o_sq.append(torch.trace(system.C @ P[:n_s, :n_s] @ system.C.T + system.V))
    return StepMoments(z_sq=torch.stack(z_sq).detach(), o_sq=torch.stack(o_sq).detach())
