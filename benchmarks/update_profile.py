"""Where one off-policy update's time goes: the whole update, the twin critic and the policy, per algorithm.

Usage: ``.venv/bin/python benchmarks/update_profile.py [SAC_RS SAC_VANILLA ...] [--env ID] [--top N]``. Each agent
is built with ``make_agent`` (reference hyperparameters of the task), collects 1100 steps, then a fixed batch of 256
sampled transitions is timed (milliseconds, mean of 200 calls, one torch thread); ``--top N`` adds torch.profiler's
N most expensive operators of 50 updates.
"""
import argparse
import time
from typing import Callable

import torch
from mushroom_rl.core import Core
from torch.profiler import ProfilerActivity, profile

from environments import make_env
from mushroom_s2pg.algorithms import make_agent
from mushroom_s2pg.core import CriticInput, to_torch
from mushroom_s2pg.utils import seed_everything


def milliseconds(function: Callable[[], object], n: int = 200) -> float:
    function()
    start = time.perf_counter()
    for _ in range(n):
        function()
    return (time.perf_counter() - start) / n * 1e3


def profile_update(name: str, env_id: str, top: int) -> None:
    seed_everything(0)
    mdp = make_env(env_id)
    mdp.seed(0)
    agent = make_agent(name, mdp.info, mdp.policy_obs_mask, env_id=env_id, initial_replay_size=1000,
                       warmup_transitions=1000, critic_obs_mask=mdp.critic_obs_mask)
    Core(agent, mdp).learn(n_steps=1100, n_steps_per_fit=1, quiet=True)
    batch = to_torch(agent.replay_memory.get(agent.replay_memory.sample_indices(256)))
    critic, policy, inputs = agent._critic, agent.policy, CriticInput.stored(batch, agent.critic_obs_mask)

    def critic_backward():
        critic.zero_grad()
        critic(inputs).sum().backward()
    parts = dict(update=lambda: agent._update(batch), critic_forward=lambda: critic(inputs),
                 critic_forward_backward=critic_backward, policy_evaluate_batch=lambda: policy.evaluate_batch(batch))
    print(name, ' '.join(f'{part} {milliseconds(function):.2f} ms' for part, function in parts.items()))
    if top:
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            for _ in range(50):
                agent._update(batch)
        print(prof.key_averages().table(sort_by='self_cpu_time_total', row_limit=top))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('algorithms', nargs='*', default=['SAC_RS', 'SAC_VANILLA', 'TD3_RS', 'TD3_VANILLA'])
    parser.add_argument('--env', default='HalfCheetahPOMDP-v5')
    parser.add_argument('--top', type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    for name in args.algorithms:
        profile_update(name, args.env, args.top)


if __name__ == '__main__':
    main()
