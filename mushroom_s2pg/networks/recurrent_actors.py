"""GRU actor networks of the reference implementation (REFERENCE section 3)."""
from typing import List, Sequence, Tuple

import torch
import torch.nn as nn

from mushroom_s2pg.networks.outputs import DeterministicOutputs, GRUFeatures, GaussianOutputs

__all__ = ['NETWORK_STRUCTURES', 'DeterministicGRUActor', 'GRUCore', 'GaussianGRUActor', 'check_structure',
           'small_init', 'xavier_init']

#: The structures of the GRU networks: ``'library'`` (one observation encoder read before and after the GRU, PyTorch's
#: initialisation with a small output layer) or ``'reference'`` (the reference's separate post-GRU observation layer
#: ``_h1_o_post_rnn`` and its Xavier-uniform gains, ``s2pg/networks/recurrent_networks.py``).
NETWORK_STRUCTURES = ('library', 'reference')


def check_structure(structure: str) -> str:
    """``structure`` when it is one of :data:`NETWORK_STRUCTURES`, else a ValueError naming the valid ones."""
    if structure not in NETWORK_STRUCTURES:
        raise ValueError(f"Unknown network structure {structure!r}. Valid: {', '.join(NETWORK_STRUCTURES)}")
    return structure


def small_init(layer: nn.Linear, scale: float = 3e-3) -> None:
    nn.init.uniform_(layer.weight, -scale, scale)
    nn.init.uniform_(layer.bias, -scale, scale)


def xavier_init(layer: nn.Linear, nonlinearity: str, scale: float = 1.) -> None:
    """Xavier-uniform weights at ``scale`` times the gain of ``nonlinearity``; the bias keeps PyTorch's default."""
    nn.init.xavier_uniform_(layer.weight, gain=scale * nn.init.calculate_gain(nonlinearity))


class GRUCore(nn.Module):
    """
    Shared body: o -> Linear+ReLU and a_prev -> Linear+ReLU, concatenated into a one-layer GRU whose
    hidden state is the internal state z. ``step`` runs one step, ``unroll`` a (batch, time) sequence in
    one batched call (used by the BPTT baselines). With ``use_prev_action=False`` the GRU reads the observation
    features only and a_prev is ignored (the reference's LS-IQ-RS runs so: its launcher sets
    ``use_prev_action=False``).

    With ``post_rnn_encoder=True`` (the reference's structure) the heads read the observation through a second
    layer ``o -> Linear+ReLU`` of their own (the reference's ``_h1_o_post_rnn``) instead of the GRU's encoder;
    :meth:`init_encoders` gives the encoders Xavier-uniform weights at a multiple of the ReLU gain.

    """
    #: class default for modules pickled before the option existed (they all used a_prev); those pickled before
    #: ``post_rnn_encoder`` have no ``post_rnn_obs_encoder`` and read as one encoder (:meth:`post_rnn_layer`)
    use_prev_action = True

    def __init__(self, obs_dim: int, action_dim: int, policy_state_dim: int, n_features: int,
                 use_prev_action: bool = True, post_rnn_encoder: bool = False):
        super().__init__()
        self.use_prev_action = bool(use_prev_action)
        self.obs_encoder = nn.Linear(obs_dim, n_features)
        self.prev_action_encoder = nn.Linear(action_dim, n_features) if self.use_prev_action else None
        self.gru = nn.GRU((2 if self.use_prev_action else 1) * n_features, policy_state_dim, batch_first=True)
        if post_rnn_encoder:
            self.post_rnn_obs_encoder = nn.Linear(obs_dim, n_features)

    @property
    def post_rnn_layer(self):
        """The heads' own observation layer (the reference's ``_h1_o_post_rnn``), or None (library structure)."""
        return self._modules.get('post_rnn_obs_encoder')

    def init_encoders(self, scale: float) -> None:
        """Xavier-uniform weights at ``scale`` times the ReLU gain for every encoder (the GRU keeps its own)."""
        for layer in (self.obs_encoder, self.prev_action_encoder, self.post_rnn_layer):
            if layer is not None:
                xavier_init(layer, 'relu', scale)

    def features(self, obs: torch.Tensor, prev_action: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """The observation features the heads read and the GRU's input."""
        obs_features = torch.relu(self.obs_encoder(obs))
        gru_input = obs_features
        if self.use_prev_action:
            gru_input = torch.cat([obs_features, torch.relu(self.prev_action_encoder(prev_action))], dim=-1)
        post_rnn_layer = self.post_rnn_layer
        if post_rnn_layer is not None:
            obs_features = torch.relu(post_rnn_layer(obs))
        return obs_features, gru_input

    def step(self, obs: torch.Tensor, z: torch.Tensor, prev_action: torch.Tensor) -> GRUFeatures:
        obs_features, gru_input = self.features(obs, prev_action)
        z_next, _ = self.gru(gru_input.unsqueeze(1), z.unsqueeze(0).contiguous())
        return GRUFeatures(obs_features, z_next.squeeze(1))

    def unroll(self, obs: torch.Tensor, z0: torch.Tensor, prev_action: torch.Tensor) -> GRUFeatures:
        obs_features, gru_input = self.features(obs, prev_action)
        z_seq, _ = self.gru(gru_input, z0.unsqueeze(0).contiguous())
        return GRUFeatures(obs_features, z_seq)

    def unroll_at(self, obs: torch.Tensor, z0: torch.Tensor, prev_action: torch.Tensor,
                  indices: Sequence[torch.Tensor]) -> List[GRUFeatures]:
        """
        Unroll the GRU over the windows (trimmed to the longest needed step) and return the observation
        features and GRU states only at ``indices`` (one time index per window, for each entry), so that the
        heads run on the steps that are used and not on the whole window.

        """
        horizon = int(max(int(index.max()) for index in indices)) + 1
        obs_features, z_seq = self.unroll(obs[:, :horizon], z0, prev_action[:, :horizon])
        rows = torch.arange(obs.shape[0], device=obs.device)
        return [GRUFeatures(obs_features[rows, index], z_seq[rows, index]) for index in indices]


class GaussianGRUActor(nn.Module):
    """
    SAC-RS actor: outputs the means and log-stds of a diagonal Gaussian over [a, z'] (pre-tanh).
    The mean of z' is the GRU's new hidden state; the head [ReLU(Linear(o)), z_gru] -> Linear -> ReLU ->
    Linear(2|a| + |z|) gives the action mean, the action log-std and the log-std of z'. ``use_prev_action``: see
    :class:`GRUCore`.

    ``structure='reference'`` is the reference's ``SACRecurrentActorNetwork``: the head reads a post-GRU observation
    layer of its own, and every layer has Xavier-uniform weights at 0.1 times its gain (ReLU for the encoders and
    the hidden head layer, linear for the output). ``'library'``: one shared encoder, PyTorch's initialisation and an
    output layer drawn from U(-3e-3, 3e-3).

    ``sample_policy_state=False`` (the BPTT actor, the reference's ``SACBPTTActorNetwork``, whose GRU carries z'
    deterministically) drops the log-std of z' from the head: it outputs 2|a| and ``log_std_policy_state`` is None.

    """
    #: class default for modules pickled before the option existed (they all output the log-std of z')
    sample_policy_state = True

    def __init__(self, obs_dim: int, action_dim: int, policy_state_dim: int = 32, n_features: int = 256,
                 use_prev_action: bool = True, structure: str = 'library', sample_policy_state: bool = True):
        super().__init__()
        reference = check_structure(structure) == 'reference'
        self.action_dim = action_dim
        self.policy_state_dim = policy_state_dim
        self.sample_policy_state = bool(sample_policy_state)
        n_outputs = 2 * action_dim + (policy_state_dim if self.sample_policy_state else 0)
        self.core = GRUCore(obs_dim, action_dim, policy_state_dim, n_features, use_prev_action, reference)
        self.head = nn.Sequential(nn.Linear(n_features + policy_state_dim, n_features), nn.ReLU(),
                                  nn.Linear(n_features, n_outputs))
        if reference:
            self.core.init_encoders(0.1)
            xavier_init(self.head[0], 'relu', 0.1)
            xavier_init(self.head[-1], 'linear', 0.1)
        else:
            small_init(self.head[-1])

    def _outputs(self, features: GRUFeatures) -> GaussianOutputs:
        out = self.head(torch.cat([features.obs_features, features.policy_state], dim=-1))
        if not self.sample_policy_state:
            mean_a, log_std_a = torch.chunk(out, 2, dim=-1)
            return GaussianOutputs(mean_action=mean_a, log_std_action=log_std_a,
                                   mean_policy_state=features.policy_state)
        mean_a, log_std_a, log_std_z = torch.split(out, [self.action_dim, self.action_dim,
                                                         self.policy_state_dim], dim=-1)
        return GaussianOutputs(mean_action=mean_a, log_std_action=log_std_a, mean_policy_state=features.policy_state,
                               log_std_policy_state=log_std_z)

    def forward(self, obs: torch.Tensor, z: torch.Tensor, prev_action: torch.Tensor) -> GaussianOutputs:
        """The means and log-stds of a and z' (all pre-squashing)."""
        return self._outputs(self.core.step(obs, z, prev_action))

    def unroll(self, obs: torch.Tensor, z0: torch.Tensor, prev_action: torch.Tensor) -> GaussianOutputs:
        """The same outputs for (batch, time) sequences, the GRU carrying its state deterministically."""
        return self._outputs(self.core.unroll(obs, z0, prev_action))

    def unroll_at(self, obs: torch.Tensor, z0: torch.Tensor, prev_action: torch.Tensor,
                  indices: Sequence[torch.Tensor]) -> List[GaussianOutputs]:
        """The outputs at one time index per window, for each entry of ``indices`` (BPTT)."""
        return [self._outputs(picked) for picked in self.core.unroll_at(obs, z0, prev_action, indices)]


class DeterministicGRUActor(nn.Module):
    """
    TD3-RS actor: features 128, GRU 32, linear head with tanh. Returns the normalised action in
    [-1, 1] and the next internal state (the GRU state, in (-1, 1)). With ``squash_action=False`` the head is
    linear (the PPO actors' action mean, as in the reference).

    ``structure='reference'``: the reference's post-GRU observation layer and Xavier-uniform gains, those of
    ``TD3ActorRecurrentNetwork`` with ``squash_action`` (0.1 times the ReLU gain for the encoders, 0.1 times the
    linear gain for the head) and those of ``PPOActorRecurrentNetwork`` without (0.05 times the ReLU gain for every
    layer, the head included). ``'library'``: one shared encoder, PyTorch's initialisation and a head drawn from
    U(-3e-3, 3e-3).

    """
    def __init__(self, obs_dim: int, action_dim: int, policy_state_dim: int = 32, n_features: int = 128,
                 squash_action: bool = True, structure: str = 'library'):
        super().__init__()
        reference = check_structure(structure) == 'reference'
        self.action_dim = action_dim
        self.policy_state_dim = policy_state_dim
        self.squash_action = bool(squash_action)
        self.core = GRUCore(obs_dim, action_dim, policy_state_dim, n_features, post_rnn_encoder=reference)
        self.head = nn.Linear(n_features + policy_state_dim, action_dim)
        if reference and self.squash_action:
            self.core.init_encoders(0.1)
            xavier_init(self.head, 'linear', 0.1)
        elif reference:
            self.core.init_encoders(0.05)
            xavier_init(self.head, 'relu', 0.05)
        else:
            small_init(self.head)

    def _action(self, obs_features: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        a = self.head(torch.cat([obs_features, z], dim=-1))
        return torch.tanh(a) if self.squash_action else a

    def _outputs(self, features: GRUFeatures) -> DeterministicOutputs:
        return DeterministicOutputs(action=self._action(features.obs_features, features.policy_state),
                                    next_policy_state=features.policy_state)

    def forward(self, obs: torch.Tensor, z: torch.Tensor, prev_action: torch.Tensor) -> DeterministicOutputs:
        return self._outputs(self.core.step(obs, z, prev_action))

    def unroll(self, obs: torch.Tensor, z0: torch.Tensor, prev_action: torch.Tensor) -> DeterministicOutputs:
        return self._outputs(self.core.unroll(obs, z0, prev_action))

    def unroll_at(self, obs: torch.Tensor, z0: torch.Tensor, prev_action: torch.Tensor,
                  indices: Sequence[torch.Tensor]) -> List[DeterministicOutputs]:
        """(a, z') at one time index per window, for each entry of ``indices`` (BPTT)."""
        return [self._outputs(picked) for picked in self.core.unroll_at(obs, z0, prev_action, indices)]
