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
    'default_lab',
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
