"""Critic networks (REFERENCE section 3). Every critic takes a typed :class:`CriticInput`."""
from typing import Optional, Sequence

import torch
import torch.nn as nn

from mushroom_s2pg.core.interfaces import CriticInput
from mushroom_s2pg.networks.mlp import mlp, scaled_xavier_init
from mushroom_s2pg.networks.reference_init import reference_mlp_init

__all__ = ['CRITIC_ENCODERS', 'StatefulQNetwork', 'MLPQNetwork', 'ResidualStatefulQNetwork', 'TwinCritic']

#: The encoders of :class:`StatefulQNetwork`: the reference's two-layer MLPs, or single linear layers.
CRITIC_ENCODERS = ('mlp', 'linear')


class StatefulQNetwork(nn.Module):
    """
    Privileged critic Q(s_full, z, a, z', a_prev) of SAC-RS and TD3-RS (the reference's critic with hidden
    states): three encoders ``in -> n_features -> ReLU -> n_features / 2`` of [z, z'], [s, a, a_prev] and
    [a, a_prev], summed, a ReLU, then ``n_features / 2 -> n_features / 2 -> ReLU -> 1``; Xavier-uniform weights
    at a tenth of the usual gain. It learns the value of the internal-state transition (Theorem 2.2). With
    the reference's ``n_features = 256`` it has about 143k parameters on HalfCheetah (dim z = 32). With
    ``use_prev_action=False`` a_prev is left out of both encoders (the reference's LS-IQ-RS critic).

    Two options change the structure (ablations, ``docs`` "Ablations"): ``encoders='linear'`` makes each encoder a
    single ``in -> n_features`` linear layer and the head ``n_features -> n_features -> ReLU -> 1`` (the compact
    critic); ``init_scale=None`` keeps PyTorch's default initialisation instead of the scaled Xavier one.

    """
    #: class default for modules pickled before the option existed (they all used a_prev)
    use_prev_action = True

    def __init__(self, state_dim: int, action_dim: int, policy_state_dim: int, n_features: int = 256,
                 use_prev_action: bool = True, encoders: str = 'mlp', init_scale: Optional[float] = 0.1):
        super().__init__()
        if encoders not in CRITIC_ENCODERS:
            raise ValueError(f"Unknown critic encoders {encoders!r}. Valid: {', '.join(CRITIC_ENCODERS)}")
        if n_features < 2 or n_features % 2:
            raise ValueError(f'n_features must be an even number >= 2, got {n_features}')
        self.use_prev_action = bool(use_prev_action)
        n_actions = (2 if self.use_prev_action else 1) * action_dim
        width, hidden = (n_features // 2, (n_features,)) if encoders == 'mlp' else (n_features, ())

        def layers(input_dim: int, output_dim: int, n_hidden) -> nn.Sequential:
            network = mlp(input_dim, output_dim, n_hidden)
            return network if init_scale is None else scaled_xavier_init(network, init_scale)

        self.policy_state_encoder = layers(2 * policy_state_dim, width, hidden)
        self.state_encoder = layers(state_dim + n_actions, width, hidden)
        self.action_encoder = layers(n_actions, width, hidden)
        self.head = layers(width, 1, (width,))

    def forward(self, x: CriticInput) -> torch.Tensor:
        actions = torch.cat([x.action, x.prev_action], dim=-1) if self.use_prev_action else x.action
        h = (self.policy_state_encoder(torch.cat([x.policy_state, x.next_policy_state], dim=-1))
             + self.state_encoder(torch.cat([x.state, actions], dim=-1))
             + self.action_encoder(actions))
        return self.head(torch.relu(h)).squeeze(-1)


class MLPQNetwork(nn.Module):
    """
    Plain MLP critic Q(s, a) (BPTT, window, vanilla and oracle baselines); internal states are ignored.
    ``reference_class`` names the reference MLP whose initialisation it takes
    (:data:`~mushroom_s2pg.networks.reference_init.REFERENCE_MLP_INITS`); None keeps PyTorch's.

    """
    def __init__(self, state_dim: int, action_dim: int, n_features: Sequence[int] = (256, 256),
                 reference_class: Optional[str] = None):
        super().__init__()
        self.mlp = mlp(state_dim + action_dim, 1, n_features)
        if reference_class is not None:
            reference_mlp_init(self.mlp, reference_class)

    def forward(self, x: CriticInput) -> torch.Tensor:
        return self.mlp(torch.cat([x.state, x.action], dim=-1)).squeeze(-1)


class ResidualStatefulQNetwork(nn.Module):
    """
    Q(s_full, z, a, z') = Q_0(s_full, a) + R(s_full, z, a, z'): the baselines' MLP critic plus a
    :class:`StatefulQNetwork` residual whose output layer starts at zero. At initialisation it is the z-blind
    critic; the residual then learns how the value depends on the internal-state transition (Theorem 2.2), so
    the critic still values z and z'. An ablation of LS-IQ-RS's critic, not the reference's.

    """
    def __init__(self, state_dim: int, action_dim: int, policy_state_dim: int, n_features: int = 256,
                 use_prev_action: bool = False):
        super().__init__()
        self.state_action = MLPQNetwork(state_dim, action_dim, (n_features, n_features))
        self.residual = StatefulQNetwork(state_dim, action_dim, policy_state_dim, n_features, use_prev_action)
        output = self.residual.head[-1]
        nn.init.zeros_(output.weight)
        nn.init.zeros_(output.bias)

    def forward(self, x: CriticInput) -> torch.Tensor:
        return self.state_action(x) + self.residual(x)


class TwinCritic(nn.Module):
    """Two independent critics evaluated on the same inputs (clipped double-Q)."""
    def __init__(self, critic_1: nn.Module, critic_2: nn.Module):
        super().__init__()
        self.critics = nn.ModuleList([critic_1, critic_2])

    def forward(self, x: CriticInput) -> torch.Tensor:
        """
        Returns:
            A tensor of shape (2, batch) with both critics' values.

        """
        return torch.stack([critic(x) for critic in self.critics])

    def q1(self, x: CriticInput) -> torch.Tensor:
        return self.critics[0](x)
