"""Speed of the imitation tasks: environment steps per second through the project's adapter
(``environments.make_env``, a ``LocoTaskEnv``) vs the raw loco-mujoco environment (``LocoEnv.make``), side by side.

For every task both environments run the same blocks of ``--steps`` steps (reset at the start of a block and
after every fall, resets included in the time) with the same pre-drawn actions and the same seed, so they
simulate identical trajectories (checked). Blocks of the adapter and of the raw environment alternate in
rotating rounds (``--reps``) so that machine noise spreads evenly; the medians are reported with the
overhead ``raw / adapter - 1`` (target: at most 5 %).

Usage: ``.venv/bin/python benchmarks/loco_speed.py [--steps 2000] [--reps 5] [--tasks Atlas.carry ...]``.
Prints a table and writes ``loco_speed.json`` and ``loco_speed.md`` to ``--out-dir`` (``benchmarks/results``).
"""
import argparse
import json
import os
import platform
import sys
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np

from environments import make_env
from environments.loco_tasks import LOCO_TASKS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TASKS = ('Atlas.carry', 'HumanoidTorque4Ages.walk.all', 'HumanoidTorque4Ages.run.all')
TARGET_OVERHEAD = 0.05


def _raw(env_id: str) -> Any:
    from loco_mujoco import LocoEnv
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message='Datasets not found, falling back')
        return LocoEnv.make(LOCO_TASKS[env_id].real_id)


def _block(env: Any, actions: np.ndarray, seed: int) -> Dict[str, float]:
    """Reset and step through ``actions`` (resetting after a fall); seconds, resets and a checksum."""
    np.random.seed(seed)  # loco-mujoco draws the model and the initial state from NumPy's global generator
    start = time.perf_counter()
    env.reset()
    resets, checksum = 1, 0.
    for action in actions:
        obs, _, absorbing, _ = env.step(action)
        if absorbing:
            checksum += float(obs[0])
            env.reset()
            resets += 1
    seconds = time.perf_counter() - start
    return dict(seconds=seconds, resets=resets, checksum=checksum + float(obs[0]))


def measure(tasks=DEFAULT_TASKS, steps: int = 2000, reps: int = 5, seed: int = 0) -> List[Dict[str, Any]]:
    """
    Returns:
        One row per task: median steps/s of the adapter and of raw loco-mujoco, the overhead, the rounds.

    """
    rows = []
    for env_id in tasks:
        envs = {'adapter': make_env(env_id), 'raw': _raw(env_id)}
        n_actions = envs['raw'].info.action_space.shape[0]
        actions = np.random.default_rng(seed).normal(0., 0.1, size=(steps, n_actions))
        _block(envs['adapter'], actions[:100], seed)  # warm-up, untimed
        _block(envs['raw'], actions[:100], seed)
        rates: Dict[str, List[float]] = {'adapter': [], 'raw': []}
        for rep in range(reps):
            order = ('adapter', 'raw') if rep % 2 == 0 else ('raw', 'adapter')
            results = {name: _block(envs[name], actions, seed + rep) for name in order}
            if results['adapter']['checksum'] != results['raw']['checksum'] or \
                    results['adapter']['resets'] != results['raw']['resets']:
                raise RuntimeError(f'{env_id}: the adapter and raw loco-mujoco simulated different trajectories.')
            for name in order:
                rates[name].append(steps / results[name]['seconds'])
        adapter, raw = float(np.median(rates['adapter'])), float(np.median(rates['raw']))
        rows.append(dict(task=env_id, steps=steps, reps=reps, resets_per_block=results['raw']['resets'],
                         adapter_steps_per_s=adapter, raw_steps_per_s=raw, overhead=raw / adapter - 1.,
                         adapter_rounds=rates['adapter'], raw_rounds=rates['raw']))
        for env in envs.values():
            env.stop()
    return rows


def markdown(rows: List[Dict[str, Any]]) -> str:
    lines = ['| task | adapter (steps/s) | raw loco-mujoco (steps/s) | overhead | resets per block |',
             '|---|---:|---:|---:|---:|']
    for row in rows:
        lines.append(f'| `{row["task"]}` | {row["adapter_steps_per_s"]:.0f} | {row["raw_steps_per_s"]:.0f} | '
                     f'{100 * row["overhead"]:+.1f} % | {row["resets_per_block"]} |')
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> List[Dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--tasks', nargs='+', default=list(DEFAULT_TASKS), choices=sorted(
        env_id for env_id, spec in LOCO_TASKS.items() if not spec.perfect))
    parser.add_argument('--steps', type=int, default=2000, help='steps per timed block (default: %(default)s)')
    parser.add_argument('--reps', type=int, default=5, help='timed blocks per environment (default: %(default)s)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out-dir', default=str(ROOT / 'benchmarks' / 'results'))
    args = parser.parse_args(argv)

    rows = measure(args.tasks, args.steps, args.reps, args.seed)
    table = markdown(rows)
    print(table)
    for row in rows:
        verdict = 'ok' if row['overhead'] <= TARGET_OVERHEAD else 'ABOVE the 5 % target'
        print(f'overhead {row["task"]}: {100 * row["overhead"]:+.1f} % ({verdict})')
    os.makedirs(args.out_dir, exist_ok=True)
    meta = dict(date=datetime.now(timezone.utc).isoformat(timespec='seconds'), python=platform.python_version(),
                machine=platform.machine(), cpus=os.cpu_count(), command=' '.join(sys.argv))
    with open(os.path.join(args.out_dir, 'loco_speed.json'), 'w') as f:
        json.dump(dict(meta=meta, rows=rows), f, indent=2)
    with open(os.path.join(args.out_dir, 'loco_speed.md'), 'w') as f:
        f.write(f'# Imitation tasks: adapter vs raw loco-mujoco ({meta["date"]})\n\n{table}\n')
    return rows


if __name__ == '__main__':
    main()
