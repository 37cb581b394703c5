"""BPTT baselines' policies: a GRU whose internal state is carried deterministically (REFERENCE section 2)."""
from typing import Dict, Optional, Tuple

import torch

from mushroom_s2pg.policies.deterministic_stateful_policy import DeterministicStatefulPolicy
from mushroom_s2pg.policies.gaussian_stateful_policy import GaussianStatefulPolicy
from mushroom_s2pg.policies.squashed_gaussian import squashed_sample

__all__ = ['GaussianRecurrentPolicy', 'DeterministicRecurrentPolicy']


class GaussianRecurrentPolicy(GaussianStatefulPolicy):
    """
    The SAC-RS network used as an ordinary recurrent policy: z' is the GRU state itself (no sampling),
    only the action is a squashed Gaussian. Trained by backpropagation through time over windows that
    start from the stored hidden state (``sample_batch_t`` unrolls them in one batched GRU call).

    """
    refresh_policy_state = False

    def _sample_from_parameters(self, mean_a, log_std_a, mean_z, log_std_z, deterministic=False):
        a, log_prob_a = squashed_sample(mean_a, log_std_a, deterministic)
        return dict(action=self.scale_action(a), next_policy_state=mean_z,
                    log_prob_action=log_prob_a, log_prob_policy_state=torch.zeros_like(log_prob_a))

    def sample_batch_t(self, batch: Dict[str, torch.Tensor], need_current: bool = True
                       ) -> Tuple[Optional[Dict[str, torch.Tensor]], Dict[str, torch.Tensor]]:
        window = batch['window']
        lengths = window['lengths']
        indices = [lengths - 1, lengths] if need_current else [lengths]
        with torch.set_grad_enabled(need_current and torch.is_grad_enabled()):
            outputs = self.network.unroll_at(self.observation(window['state']), window['initial_policy_state'],
                                             window['prev_action'], indices)

        def sample(mean_a: torch.Tensor, log_std_a: torch.Tensor, detach: bool) -> Dict[str, torch.Tensor]:
            log_std_a = log_std_a.clamp(self.log_std_min, self.log_std_max)
            if detach:
                mean_a, log_std_a = mean_a.detach(), log_std_a.detach()
            a, log_prob_a = squashed_sample(mean_a, log_std_a)
            return dict(action=self.scale_action(a), log_prob_action=log_prob_a)

        nxt = sample(*outputs[-1][:2], detach=True)
        return (sample(*outputs[0][:2], detach=False) if need_current else None), nxt


class DeterministicRecurrentPolicy(DeterministicStatefulPolicy):
    """
    The TD3-RS network used as an ordinary recurrent policy: exploration noise on the action only, the
    GRU state carried deterministically; trained by backpropagation through time over stored windows.

    """
    refresh_policy_state = False

    def __init__(self, network, action_low, action_high, policy_obs_mask, std: float = 0.1):
        super().__init__(network, action_low, action_high, policy_obs_mask, std=std, std_z=0.)

    def forward_batch_t(self, batch: Dict[str, torch.Tensor], network: Optional[torch.nn.Module] = None,
                        need_current: bool = True, need_next: bool = True) -> Tuple[Optional[tuple], Optional[tuple]]:
        network = self.network if network is None else network
        window = batch['window']
        lengths = window['lengths']
        wanted = [index for index, needed in ((lengths - 1, need_current), (lengths, need_next)) if needed]
        outputs = iter(network.unroll_at(self.observation(window['state']), window['initial_policy_state'],
                                         window['prev_action'], wanted))
        current = (next(outputs)[0], None) if need_current else None
        nxt = (next(outputs)[0], None) if need_next else None
        return current, nxt
