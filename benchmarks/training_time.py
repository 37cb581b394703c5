"""Training-time benchmark: cost of a training step of every SAC / TD3 variant, and of a PPO fit.

A timed block is one ``Core.learn`` call: ``--steps`` steps of one action, one environment step and one update for
SAC_*, TD3_* and MushroomRL's SAC / TD3 (seconds per 1000 steps); the agent's ``n_steps_per_fit`` steps and one fit
for PPO_* (seconds per 1M steps). Each (env, variant) pair has its own ``make_env`` environment, ``make_agent``
agent and Core of the timing proxies of ``benchmarks/timing.py`` (``timed_learn``). After an untimed warm-up the pairs are timed
side by side in rotating rounds (``interleaved_schedule``) so that machine noise spreads evenly; medians of wall
and CPU time are reported, next to the FLOPs per environment step of each variant (one more block counted by
``torch.utils.flop_counter.FlopCounterMode`` after the timing) and the GFLOP/s they achieve, so that a time ratio can
be read against the FLOP ratio of the networks. Like every ``learn`` call a block starts an episode: the reset is measured (a column of
its own) and the update cost does not depend on where episodes were cut (windows are padded to full length).

Usage: ``.venv/bin/python benchmarks/training_time.py [--quick] [--envs ID ...] [--families sac,td3] [--variants
SAC_RS SAC ...]`` (``--quick``: ~5 min on 2 cores). Writes ``training_time[_quick].json`` and ``.md`` to
``--out-dir``, prints the tables, the lines ``ratio <variant>/<vanilla> [<env>]: <x>`` (ratios of wall medians,
PPO last) and, last, ``ratio SAC_RS/SAC: <x>`` (on HalfCheetahPOMDP-v5, else the first env; n/a if not timed).
"""
import argparse
import gc
import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode
from mushroom_rl.algorithms.actor_critic import SAC, TD3
from mushroom_rl.core import Core
from mushroom_rl.policy import ClippedGaussianPolicy
from mushroom_rl.utils.dataset import parse_dataset

from environments import make_env, masked_observation
from mushroom_s2pg.algorithms import (default_hyperparameters, expert_data_for, hyperparameter_names, make_agent,
                                      needs_expert_data)
from mushroom_s2pg.core import StatefulReplayMemory, TransitionBatch, to_torch
from mushroom_s2pg.expert_data import ExpertData
from mushroom_s2pg.networks import mlp
from mushroom_s2pg.utils import git_revision, seed_everything
from timing import TimedAgent, TimedEnvironment, interleaved_schedule, timed_learn  # next to this file
from training_time_report import FAMILIES, ON_POLICY, PARTS, claims, markdown  # the report, next to this file

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ENVS, DEFAULT_FAMILIES = ('HalfCheetahPOMDP-v5', 'AntPOMDP-v5'), ('sac', 'td3', 'ppo')
FULL = dict(steps=200, reps=6, warmup_updates=100, ppo_fits=3)
QUICK = dict(steps=75, reps=4, warmup_updates=40, ppo_fits=1)
REPLAY_WARMUP = 1000            # initial_replay_size = warmup_transitions: one full HalfCheetah episode
PPO_WARMUP_STEPS = 256          # untimed PPO warm-up: one fit on this many steps (or fewer)
RATIO, RATIO_ENV = ('SAC_RS', 'SAC'), 'HalfCheetahPOMDP-v5'


@dataclass(frozen=True)
class Variant:
    """A timed agent: ``algorithm`` of the package registry with ``overrides``, or MushroomRL's ``SAC`` / ``TD3``;
    compared with its family's vanilla and with ``baselines``."""
    algorithm: str
    overrides: Dict[str, int] = field(default_factory=dict)
    baselines: Tuple[str, ...] = ()
    family = property(lambda self: self.algorithm.split('_')[0].lower())
    on_policy = property(lambda self: self.family in ON_POLICY)
    bptt = property(lambda self: 'BPTT' in self.algorithm)
    window = property(lambda self: self.overrides.get('truncation_length', self.overrides.get('window_length', 0)))

    def build(self, mdp, env_id: str, common: Dict[str, Any], device: str = 'cpu') -> Tuple[Any, Dict[str, Any]]:
        """The agent and its hyperparameters: the task's reference values, ``common`` where accepted, overrides."""
        if self.algorithm in ('SAC', 'TD3'):
            return mushroom_agent(self.algorithm, mdp, env_id, common, device)
        kwargs = {k: v for k, v in common.items() if k in hyperparameter_names(self.algorithm) and v is not None}
        kwargs.update(self.overrides)
        expert = timing_expert_data(self.algorithm, mdp) if needs_expert_data(self.algorithm) else None
        agent = make_agent(self.algorithm, mdp.info, mdp.policy_obs_mask, env_id=env_id, expert_data=expert,
                           device=device, critic_obs_mask=mdp.critic_obs_mask, **kwargs)
        return agent, {**default_hyperparameters(self.algorithm, env_id), **kwargs}


class MushroomNetwork(torch.nn.Module):
    """The package's MLP as a MushroomRL approximator network: an actor (``tanh`` output for TD3) or, with
    ``critic``, Q(s, a) on the concatenated state and action, of shape (batch,)."""
    def __init__(self, input_shape, output_shape, n_features, tanh=False, critic=False, **kwargs):
        super().__init__()
        self.mlp, self.tanh, self.critic = mlp(input_shape[-1], output_shape[0], n_features), tanh, critic

    def forward(self, state, action=None):
        if self.critic:
            return self.mlp(torch.cat([state.float(), action.float()], dim=1)).squeeze(-1)
        return torch.tanh(self.mlp(state.float())) if self.tanh else self.mlp(state.float())


def mushroom_agent(algorithm: str, mdp, env_id: str, common: Dict[str, Any], device: str = 'cpu'
                   ) -> Tuple[Any, Dict[str, Any]]:
    """MushroomRL's SAC (mu and sigma MLPs 256-256) or TD3 (actor MLP 128-128, tanh, TD3_RS's noise) with twin
    critics MLP 256-256 (as the package's vanilla agents) and the RS agent's hyperparameters; it sees the policy's
    observation (Core preprocessor)."""
    hp = default_hyperparameters(f'{algorithm}_RS', env_id)
    obs_dim, action_dim = int(np.sum(mdp.policy_obs_mask)), mdp.info.action_space.shape[0]
    cuda = device.startswith('cuda')   # MushroomRL's approximators take use_cuda (its default CUDA device)
    actor = dict(network=MushroomNetwork, n_features=(256, 256) if algorithm == 'SAC' else (128, 128),
                 tanh=algorithm == 'TD3', input_shape=(obs_dim,), output_shape=(action_dim,), use_cuda=cuda)
    critic = dict(network=MushroomNetwork, n_features=(256, 256), critic=True, loss=F.mse_loss, use_cuda=cuda,
                  optimizer={'class': torch.optim.Adam, 'params': {'lr': hp['lr_critic']}},
                  input_shape=(obs_dim + action_dim,), output_shape=(1,))
    shared = dict(actor_optimizer={'class': torch.optim.Adam, 'params': {'lr': hp['lr_actor']}}, critic_params=critic,
                  batch_size=hp['batch_size'], tau=hp['tau'], initial_replay_size=common['initial_replay_size'],
                  max_replay_size=hp['max_replay_size'])
    if algorithm == 'SAC':
        agent = SAC(mdp.info, actor, dict(actor), **shared, warmup_transitions=common['warmup_transitions'],
                    lr_alpha=hp['lr_alpha'], log_std_min=hp['log_std_min'], log_std_max=hp['log_std_max'])
    else:
        low, high = mdp.info.action_space.low, mdp.info.action_space.high
        noise = dict(sigma=np.diag((hp['std'] * (high - low) / 2.) ** 2), low=low, high=high)
        agent = TD3(mdp.info, ClippedGaussianPolicy, noise, actor, **shared, policy_delay=hp['policy_delay'],
                    noise_std=hp['target_noise'], noise_clip=hp['target_noise_clip'])
    agent.add_preprocessor(partial(masked_observation, mask=mdp.policy_obs_mask))
    return agent, hp


def _family(p: str) -> Dict[str, Variant]:
    """RS, BPTT-5/32, WINDOW-5/32, VANILLA, ORACLE of one family; RS and VANILLA are compared with MushroomRL's."""
    mushroom = (p,) if p != 'PPO' else ()
    return {f'{p}_RS': Variant(f'{p}_RS', baselines=mushroom),
            **{f'{p}_BPTT{n}': Variant(f'{p}_BPTT', dict(truncation_length=n), (f'{p}_RS',)) for n in (5, 32)},
            **{f'{p}_WINDOW{n}': Variant(f'{p}_WINDOW', dict(window_length=n)) for n in (5, 32)},
            f'{p}_VANILLA': Variant(f'{p}_VANILLA', baselines=mushroom), f'{p}_ORACLE': Variant(f'{p}_ORACLE')}


def _imitation(p: str) -> Dict[str, Variant]:
    """RS, BPTT-5 and VANILLA of an imitation family (GAIL on PPO, LS-IQ on SAC), the paper's imitation variants."""
    return {f'{p}_RS': Variant(f'{p}_RS'), f'{p}_BPTT5': Variant(f'{p}_BPTT', dict(truncation_length=5), (f'{p}_RS',)),
            f'{p}_VANILLA': Variant(f'{p}_VANILLA')}


def timing_expert_data(algorithm: str, mdp, n_steps: int = 1000):
    """Expert data for timing only: uniformly random episodes of the task (full states, actions), in the form of the
    algorithm's agent (``expert_data_for``); their content does not change the cost of an update."""
    low, high = mdp.info.action_space.low, mdp.info.action_space.high
    rows, state, length = [], mdp.reset(), 0
    for t in range(n_steps):
        action = np.random.uniform(low, high)
        next_state, _, absorbing, _ = mdp.step(action)
        length += 1
        end = absorbing or length == mdp.info.horizon or t == n_steps - 1
        rows.append((state, action, next_state, absorbing, end, length == 1))
        state, length = (mdp.reset(), 0) if end else (next_state, length)
    states, actions, next_states, absorbing, last, starts = (np.array(column) for column in zip(*rows))
    return expert_data_for(algorithm, ExpertData(states, next_states, episode_starts=starts, last=last, actions=actions,
                                                 absorbing=absorbing))


#: label -> variant, in table order; a new algorithm of the package registry is one line
VARIANTS = {**_family('SAC'), 'SAC': Variant('SAC'), **_family('TD3'), 'TD3': Variant('TD3'), **_family('PPO'),
            **_imitation('GAIL'), **_imitation('LSIQ')}


class Run:
    """One (env, variant) pair: the timed agent and environment, their Core, the timed samples and the checks."""
    def __init__(self, env_id: str, label: str, seed: int, common: Dict[str, Any], steps: int, device: str = 'cpu'):
        self.env_id, self.label, self.variant, self.key = env_id, label, VARIANTS[label], f'{label} [{env_id}]'
        mdp = make_env(env_id)
        mdp.seed(seed)
        self.cuda = device.startswith('cuda')
        agent, self.hyperparameters = self.variant.build(mdp, env_id, common, device)
        self.agent, self.rollout, on = TimedAgent(agent), None, self.variant.on_policy
        keep_rollout = [partial(setattr, self, 'rollout')] if on else None     # PPO: the last fit's data, for checks
        self.core = Core(self.agent, TimedEnvironment(mdp), callbacks_fit=keep_rollout)
        self.block_steps, self.scale = (int(self.hyperparameters['n_steps_per_fit']), 1e6) if on else (steps, 1e3)
        self.samples, self.cpu_samples, self.breakdown = [], [], []

    def learn(self, n_steps: int, timed: bool = False) -> Optional[Dict[str, float]]:
        kwargs = dict(n_steps=n_steps, n_steps_per_fit=n_steps if self.variant.on_policy else 1, quiet=True)
        return timed_learn(self.core, **kwargs) if timed else self.core.learn(**kwargs)

    def timed_block(self) -> float:
        gc.collect()
        if self.cuda:
            torch.cuda.synchronize()
        seconds, unit = self.learn(self.block_steps, timed=True), self.scale / self.block_steps
        self.samples.append(unit * seconds['wall'])
        self.cpu_samples.append(unit * seconds['cpu'])
        self.breakdown.append({k: unit * seconds[k] for k in PARTS})
        return self.samples[-1]

    def count_flops(self) -> None:
        """FLOPs per environment step of one more untimed block (``FlopCounterMode``: matrix products, the GRU's
        included): one step and one update (off-policy), or a rollout and its fit per step (PPO, GAIL)."""
        steps = self.block_steps if self.variant.on_policy else 1
        with FlopCounterMode(display=False) as counter:
            self.learn(steps)
        self.flops_per_step = counter.get_total_flops() / steps

    def memory(self) -> Optional[StatefulReplayMemory]:
        """The replay memory (off-policy) or the last PPO rollout in one (stored internal states: zeros)."""
        if not self.variant.on_policy or self.rollout is None:
            return None if self.variant.on_policy else self.agent.replay_memory
        state, action, reward, next_state, absorbing, last = parse_dataset(self.rollout)
        first = np.concatenate([[True], last[:-1]])         # a learn call starts an episode
        z = self.agent.policy.stored_policy_state(np.zeros((len(reward), *self.agent.policy.policy_state_shape)))
        memory = StatefulReplayMemory(len(reward), len(reward))
        memory.add(TransitionBatch(state=state, action=action, reward=reward, next_state=next_state,
                                   absorbing=absorbing, last=last, first=first,
                                   prev_action=np.where(first[:, None], 0., np.roll(action, 1, axis=0)),
                                   policy_state=z, next_policy_state=z))
        return memory

    def check_windows(self, n_samples: int = 1024, n_gradient_windows: int = 16) -> None:
        """
        ``windows``: the share of full-length windows among those updates sample (PPO: those of the last rollout).
        ``bptt_gradient`` (BPTT): on full windows, the gradient of the action at a window's last step w.r.t. each of
        the window's observations must be non-zero at every step, the first one included.

        """
        memory, self.windows, self.bptt_gradient = self.memory() if self.variant.window else None, None, None
        if memory is None:
            return
        policy = self.agent.policy
        length = policy.replay_window_length            # the variant's window_length / truncation_length
        idx = np.arange(memory.size) if self.variant.on_policy else memory.sample_indices(n_samples)
        full = memory.transition_windows(idx, length).lengths == length
        self.windows = dict(window=length, full_fraction=float(np.mean(full)))
        if not self.variant.bptt:
            return
        idx = idx[full][:n_gradient_windows]
        batch = to_torch(memory.get(idx)._replace(window=memory.transition_windows(idx, length)))
        window_state = batch.window.state.requires_grad_(True)
        action = policy.evaluate_batch(batch, current=True, next=False).current.action
        grad = torch.autograd.grad(action.sum(), window_state)[0][..., policy.policy_obs_mask].abs().sum(-1)
        reached = (grad[:, :length] > 0).sum(1)
        self.bptt_gradient = dict(window=length, n_full_windows=len(idx), passed=bool(len(idx) and torch.all(
            reached == length)), min_steps_with_gradient=int(reached.min()) if len(idx) else 0)


def machine_info() -> Dict[str, Any]:
    """The CPU, torch, the load and the measured code (commit and the tracked files changed since)."""
    cpu = [line.split(':')[1].strip() for line in Path('/proc/cpuinfo').read_text().splitlines() if 'model name' in line]
    gpu = torch.cuda.get_device_name() if torch.cuda.is_available() else None
    return dict(cpu=(cpu or ['unknown'])[0], cpu_count=os.cpu_count(), gpu=gpu, torch=torch.__version__,
                torch_threads=torch.get_num_threads(), loadavg_start=os.getloadavg()[0], **git_revision(str(ROOT)))


def summarise(runs: Dict[Tuple[str, str], Run], envs: Sequence[str], on_policy: bool) -> Dict[str, Any]:
    """Per env: per variant the samples, medians, breakdown and checks; ratios to vanilla and baselines."""
    out = dict()
    for env_id in envs:
        variants = {label: dict(
            family=run.variant.family, block_steps=run.block_steps, samples=run.samples, cpu_samples=run.cpu_samples,
            baselines=[f'{run.variant.family.upper()}_VANILLA', *run.variant.baselines],
            median=float(np.median(run.samples)), cpu_median=float(np.median(run.cpu_samples)),
            iqr=np.percentile(run.samples, [25, 75]).tolist(), windows=run.windows, bptt_gradient=run.bptt_gradient,
            breakdown_median={k: float(np.median([b[k] for b in run.breakdown])) for k in PARTS},
            flops_per_step=run.flops_per_step,
            gflops_per_s=run.flops_per_step * run.scale / float(np.median(run.samples)) / 1e9)
            for label in VARIANTS if (run := runs.get((env_id, label))) and run.variant.on_policy == on_policy}
        ratios = {f'{label}/{base}': dict(ratio_of_medians=v['median'] / variants[base]['median'],
                                          cpu_ratio_of_medians=v['cpu_median'] / variants[base]['cpu_median'],
                                          flop_ratio=v['flops_per_step'] / variants[base]['flops_per_step'])
                  for label, v in variants.items() for base in v['baselines'] if base in variants and base != label}
        out[env_id] = dict(variants=variants, ratios=ratios)
    return out


def ratio_lines(per_env: Dict[str, Any], families: Sequence[str]) -> List[str]:
    """``ratio <variant>/<vanilla> [<env>]: <x>`` per family (PPO last), then the family's other comparisons."""
    return [f"ratio {name} [{env_id}]: {r['ratio_of_medians']:.2f}"
            for family in sorted(families, key=lambda f: f in ON_POLICY) for to_vanilla in (True, False)
            for env_id, data in per_env.items() for name, r in data['ratios'].items()
            if data['variants'][name.split('/')[0]]['family'] == family
            and name.endswith(f'/{family.upper()}_VANILLA') == to_vanilla]


def _split(values: Optional[Sequence[str]]) -> List[str]:
    return list(dict.fromkeys(x.strip() for v in values or () for x in v.split(',') if x.strip()))


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], epilog='Variants: ' + ', '.join(VARIANTS))
    count = partial(p.add_argument, type=int, metavar='N')
    p.add_argument('--quick', action='store_true', help=f'presets {QUICK} instead of {FULL}; training_time_quick.*')
    p.add_argument('--envs', '--env', nargs='+', metavar='ID', help=f"default {' '.join(DEFAULT_ENVS)}")
    p.add_argument('--families', nargs='+', metavar='F', help=f"families to time: {','.join(FAMILIES)} (default "
                   f"{','.join(DEFAULT_FAMILIES)}, or all with --variants)")
    p.add_argument('--variants', nargs='+', metavar='LABEL', help='labels to time (default: all of --families)')
    count('--steps', help='off-policy training steps per timed block')
    count('--reps', help='timed off-policy blocks per variant and env')
    count('--warmup-updates', help='untimed off-policy updates after the replay warm-up')
    count('--replay-warmup', default=REPLAY_WARMUP, help='initial_replay_size = warmup_transitions (>= any window)')
    count('--ppo-fits', help='timed PPO fits per variant and env')
    count('--ppo-steps', help="environment steps per PPO fit (default: the agent's n_steps_per_fit)")
    count('--ppo-epochs', help="PPO epochs per fit (default: the agent's n_epochs); not rescaled")
    count('--threads', default=1, help='torch threads (default 1: the cost of each variant on one core)')
    count('--seed', default=0)
    p.add_argument('--device', default='cpu', help="the agents' device: cpu (default), cuda or cuda:N")
    p.add_argument('--out-dir', type=Path, default=ROOT / 'benchmarks' / 'results')
    args = p.parse_args(argv)
    for key, value in (QUICK if args.quick else FULL).items():
        setattr(args, key, value if getattr(args, key) is None else getattr(args, key))
    requested = _split(args.variants)
    args.envs = _split(args.envs) or list(DEFAULT_ENVS)
    args.families = _split(args.families) or list(FAMILIES if requested else DEFAULT_FAMILIES)
    args.variants = [v for v in requested or VARIANTS if v in VARIANTS and VARIANTS[v].family in args.families]
    longest = max((VARIANTS[v].window for v in args.variants if not VARIANTS[v].on_policy), default=0)
    counts = (args.steps, args.reps, args.threads, args.ppo_fits, args.replay_warmup, args.ppo_steps or 1,
              args.ppo_epochs or 1, args.warmup_updates + 1)
    for wrong, message in ((min(counts) < 1, '--warmup-updates must be >= 0, the other counts >= 1'),
                           (set(args.families) - set(FAMILIES), f"--families: choose from {', '.join(FAMILIES)}"),
                           (set(requested) - set(VARIANTS), f"--variants: choose from {', '.join(VARIANTS)}"),
                           (not args.variants, '--variants and --families select no variant in common'),
                           (args.replay_warmup < longest, f'--replay-warmup is shorter than a window ({longest})')):
        if wrong:
            p.error(message)
    return args


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, Any]:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)     # fixed (default 1): timings compare the variants' work, not parallelism
    seed_everything(args.seed)
    common = dict(initial_replay_size=args.replay_warmup, warmup_transitions=args.replay_warmup,
                  n_steps_per_fit=args.ppo_steps, n_epochs=args.ppo_epochs)
    warmup_steps, stem = args.replay_warmup + args.warmup_updates + 1, 'training_time' + '_quick' * args.quick
    machine, t_start, runs = machine_info(), time.perf_counter(), dict()
    print(f'[training_time] envs {args.envs}, variants {args.variants}; off-policy {args.reps} reps x {args.steps} '
          f'steps after {warmup_steps} warm-up steps; PPO {args.ppo_fits} fit(s); torch threads {args.threads}')
    for env_id in args.envs:
        for label in args.variants:
            t0 = time.perf_counter()
            run = runs[(env_id, label)] = Run(env_id, label, args.seed + len(runs), common, args.steps, args.device)
            run.learn(min(PPO_WARMUP_STEPS, run.block_steps) if run.variant.on_policy else warmup_steps)
            print(f'  warm-up {run.key}: {time.perf_counter() - t0:.1f} s', flush=True)
    rounds = interleaved_schedule({key: args.ppo_fits if run.variant.on_policy else args.reps
                                   for key, run in runs.items()})
    for r, keys in enumerate(rounds):
        for key in keys:
            unit = 's / 1M steps' if runs[key].variant.on_policy else 's / 1000 steps'
            print(f'  round {r + 1}/{len(rounds)} {runs[key].key}: {runs[key].timed_block():.2f} {unit}', flush=True)
    for run in runs.values():
        run.check_windows()
        run.count_flops()       # after the timed blocks: counting slows the code it counts

    off, on = (summarise(runs, args.envs, on_policy) for on_policy in (False, True))
    merged = {e: {part: {**off[e][part], **on[e][part]} for part in ('variants', 'ratios')} for e in args.envs}
    ratio_env, (num, den) = RATIO_ENV if RATIO_ENV in args.envs else args.envs[0], RATIO
    medians = {label: v['median'] for label, v in merged[ratio_env]['variants'].items()}
    final = medians[num] / medians[den] if num in medians and den in medians else None
    lines = ratio_lines(merged, args.families) + [f'ratio {num}/{den}: ' + ('n/a' if final is None else f'{final:.2f}')]
    ppo = next((r.hyperparameters for r in runs.values() if r.variant.on_policy), {})   # what PPO was built with
    result = dict(
        benchmark='training_time', date=datetime.now(timezone.utc).isoformat(timespec='seconds'),
        command=f'main({list(argv)})' if argv is not None else ' '.join([sys.executable, *sys.argv]),
        config=dict(vars(args), out_dir=str(args.out_dir), warmup_steps=warmup_steps, ppo_steps=ppo.get(
            'n_steps_per_fit'), ppo_epochs=ppo.get('n_epochs'), ppo_batch_size=ppo.get('batch_size'),
            schedule=[[f'{e}|{v}' for e, v in keys] for keys in rounds]),
        machine=dict(machine, loadavg_end=os.getloadavg()[0]), claims=claims(merged), ratio_lines=lines[:-1],
        off_policy=dict(unit='seconds per 1000 training steps (1 env step + 1 update each)', envs=off),
        on_policy=dict(unit='seconds per 1M environment steps (n_steps_per_fit steps and one fit)', envs=on),
        final_ratio=dict(name=f'{num}/{den}', env=ratio_env, value=final), wall_time_s=time.perf_counter() - t_start)
    text = markdown(result)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / f'{stem}.json').write_text(json.dumps(result, indent=2))
    (args.out_dir / f'{stem}.md').write_text(text + '\n')
    print(f"\n{text}\n\nwrote {args.out_dir / stem}.json and .md ({result['wall_time_s']:.0f} s)")
    print('\n'.join(lines), flush=True)
    return result


if __name__ == '__main__':
    main()
