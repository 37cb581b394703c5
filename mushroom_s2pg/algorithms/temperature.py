"""The entropy temperature of the SAC-based algorithms (SAC, LS-IQ): alpha for a, alpha_z for z' (Algorithm 2)."""
import math
from copy import deepcopy
from typing import Dict, Optional, Tuple

import torch

from mushroom_s2pg.core import PolicyStep, TrainableStatefulAgent, adam
from mushroom_s2pg.core.device import move_to

__all__ = ['SoftActorCriticParts', 'TEMPERATURE_LOSSES', 'Temperature']


#: The forms of the temperature loss: through log alpha (the reference's and MushroomRL's) or through alpha.
TEMPERATURE_LOSSES = ('log_alpha', 'alpha')


class Temperature:
    """
    A temperature alpha = exp(log alpha), learned so that the policy's entropy tracks ``target_entropy``. The loss is
    -log alpha (log pi + target entropy), through log alpha as in the reference and MushroomRL's SAC, or with
    ``loss='alpha'`` -alpha (log pi + target entropy), whose gradient in log alpha is scaled by alpha (an ablation).
    Either way Adam steps log alpha. Saved with the agent's torch state (the tensor and its optimizer in one pickle).

    """
    #: class default for temperatures pickled before the option existed
    loss_form = 'log_alpha'

    def __init__(self, init_value: float, lr: float, target_entropy: float, loss: str = 'log_alpha'):
        if init_value <= 0:
            raise ValueError(f'the initial temperature must be positive, got {init_value}')
        if loss not in TEMPERATURE_LOSSES:
            raise ValueError(f"Unknown temperature loss {loss!r}. Valid: {', '.join(TEMPERATURE_LOSSES)}")
        self.log_value = torch.tensor(math.log(init_value), dtype=torch.float32, requires_grad=True)
        self.optimizer = adam([self.log_value], lr=lr)
        self.target_entropy = float(target_entropy)
        self.loss_form = loss

    def to(self, device: torch.device) -> 'Temperature':
        """Move log alpha (the tensor its optimizer steps) and the optimizer's state to ``device`` in place."""
        move_to(self.log_value, device)
        move_to(self.optimizer, device)
        return self

    @property
    def value(self) -> torch.Tensor:
        """alpha, without gradients."""
        return self.log_value.detach().exp()

    def loss(self, log_prob: torch.Tensor) -> torch.Tensor:
        weight = self.log_value if self.loss_form == 'log_alpha' else self.log_value.exp()
        return -(weight * (log_prob.detach() + self.target_entropy)).mean()

    def step(self, log_prob: torch.Tensor) -> torch.Tensor:
        """One Adam step on :meth:`loss` for a batch of log-probabilities; returns the detached loss."""
        loss = self.loss(log_prob)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return loss.detach()


class SoftActorCriticParts:
    """
    The pieces that SAC and LS-IQ share (mixed into their agents): a critic and its frozen target copy, the
    temperatures alpha (target entropy -dim(a) by default) and alpha_z (-dim(z)), and the actor and critic
    optimizers; the agent registers them in its torch state.

    """
    def _init_soft_actor_critic(self, policy, critic: torch.nn.Module, lr_actor: float, lr_critic: float,
                                init_alpha: float, lr_alpha: float, init_alpha_z: float, lr_alpha_z: float,
                                target_entropy, target_entropy_z, temperature_loss: str = 'log_alpha',
                                temperature_loss_z: str = 'log_alpha') -> None:
        action_dim = int(policy.action_shape[0])
        policy_state_dim = int(math.prod(policy.policy_state_shape))
        self._critic = critic
        self._target_critic = deepcopy(critic).requires_grad_(False)
        self._temperature = Temperature(init_alpha, lr_alpha,
                                        -float(action_dim) if target_entropy is None else target_entropy,
                                        temperature_loss)
        self._temperature_z = Temperature(init_alpha_z, lr_alpha_z,
                                          -float(policy_state_dim) if target_entropy_z is None else target_entropy_z,
                                          temperature_loss_z)
        self._actor_optimizer = adam(policy.parameters(), lr=lr_actor)
        self._critic_optimizer = adam(critic.parameters(), lr=lr_critic)

    def _actor_temperature_step(self, policy, q_new: torch.Tensor, current: PolicyStep, alpha: torch.Tensor,
                                alpha_z: torch.Tensor, temperature_rows: Optional[torch.Tensor] = None
                                ) -> Tuple[Dict[str, torch.Tensor], Optional[torch.Tensor]]:
        """
        The actor step and the temperature steps of SAC and LS-IQ: the actor descends
        alpha log pi_a(a) (+ alpha_z log pi_z(z') where z' is sampled) - ``q_new``, then alpha (and alpha_z) step
        on the log-probabilities of the ``temperature_rows`` (all rows when None; LS-IQ: the agent's).

        Returns:
            The losses ``actor``, ``alpha`` (and ``alpha_z``), and the fresh z' samples for the refresh of the replay
            memory where z' is sampled, else None.

        """
        stochastic_z = policy.stochastic_policy_state
        actor_loss = alpha * current.log_prob_action - q_new
        if stochastic_z:
            actor_loss = actor_loss + alpha_z * current.log_prob_policy_state
        losses = dict(actor=TrainableStatefulAgent._optimize(self._actor_optimizer, actor_loss.mean(),
                                                             list(policy.parameters())))

        def rows(values: torch.Tensor) -> torch.Tensor:
            return values if temperature_rows is None else values[temperature_rows]
        losses['alpha'] = self._temperature.step(rows(current.log_prob_action))
        if not stochastic_z:
            return losses, None
        losses['alpha_z'] = self._temperature_z.step(rows(current.log_prob_policy_state))
        return losses, current.next_policy_state.detach()

    @property
    def critic(self) -> torch.nn.Module:
        return self._critic

    @property
    def critic_optimizer(self) -> torch.optim.Optimizer:
        return self._critic_optimizer

    @property
    def alpha(self) -> float:
        return float(self._temperature.value)

    @property
    def alpha_z(self) -> float:
        return float(self._temperature_z.value)
