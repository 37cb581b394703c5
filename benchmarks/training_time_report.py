"""The Markdown report and the targets of ``training_time.py`` (the same folder): tables from its result dict."""
from typing import Any, Dict, List, Sequence

FAMILIES = ('sac', 'td3', 'ppo', 'gail', 'lsiq')     # gail, lsiq: imitation (on-policy GAIL on PPO, LS-IQ on SAC)
ON_POLICY = ('ppo', 'gail')
RS_TARGET, BPTT_CLAIM = 1.3, 3.     # targets: RS at most 1.3x vanilla; the paper: BPTT-32 at least 3x RS
PARTS = ('fit', 'draw_action', 'env_step', 'env_reset', 'other')     # timed_learn's breakdown


def claims(per_env: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The targets per family and env: RS <= 1.3x vanilla, and the paper's BPTT-32 >= 3x RS (gradient checked)."""
    out = []
    for env_id, data in per_env.items():
        for p in ('SAC', 'TD3', 'PPO'):
            for label, base, sign, target in ((f'{p}_RS', f'{p}_VANILLA', '<=', RS_TARGET),
                                              (f'{p}_BPTT32', f'{p}_RS', '>=', BPTT_CLAIM)):
                if f'{label}/{base}' in data['ratios']:
                    ratio = data['ratios'][f'{label}/{base}']
                    wall, cpu = ratio['ratio_of_medians'], ratio['cpu_ratio_of_medians']
                    holds = (lambda x: x <= target) if sign == '<=' else (lambda x: x >= target)
                    grad = (data['variants'][label]['bptt_gradient'] or {}).get('passed') if sign == '>=' else ''
                    out.append(dict(env=env_id, claim=f'{label} {sign} {target:g}x {base}', wall=wall, cpu=cpu,
                                    holds=holds(wall), holds_cpu=holds(cpu), gradient_through_all_32_steps=grad))
    return out


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> List[str]:
    return ['| ' + ' | '.join(cells) + ' |' for cells in (head, ['---'] * len(head), *rows)] + ['']


def markdown(result: Dict[str, Any]) -> str:
    """Per family the summary table (envs side by side) and where the time goes; then the targets."""
    config, m, envs = result['config'], result['machine'], result['config']['envs']
    short = {e: e.replace('POMDP-v5', '') for e in envs}
    lines = [f"# Training time ({'quick' if config['quick'] else 'full'} run)", '',
             f"torch {m['torch']}, {m['torch_threads']} torch thread(s), {m['cpu']} ({m['cpu_count']} cores), load "
             f"average {m['loadavg_start']:.1f} -> {m['loadavg_end']:.1f}, {result['wall_time_s'] / 60:.1f} min. "
             f"Command: `{result['command']}`. Code: commit {m.get('git_commit')}"
             + (f", modified: {', '.join(m['git_modified'])}" if m.get('git_modified') else '') + '.', '']
    for family in FAMILIES:
        per_env = result['on_policy' if family in ON_POLICY else 'off_policy']['envs']
        vanilla = f'{family.upper()}_VANILLA'
        labels = list(dict.fromkeys(label for e in envs for label, v in per_env[e]['variants'].items()
                                    if v['family'] == family))
        if not labels:
            continue
        if family in ON_POLICY:
            unit, num = 's/1M', '{:.0f}'.format
            what = (f"seconds per 1M environment steps, from fits of the agent's n_steps_per_fit steps (PPO: "
                    f"{config['ppo_steps']}, {config['ppo_epochs']} epochs, minibatch {config['ppo_batch_size']}), "
                    f"rollout included, median of {config['ppo_fits']}")
        else:
            unit, num = 's/1000', '{:.2f}'.format
            what = (f"seconds per 1000 training steps (1 env step + 1 update each), median of {config['reps']} "
                    f"interleaved blocks of {config['steps']} steps")
        head, rows, details = ['variant'], [[label] for label in labels], []
        for e in envs:
            head += [f'{short[e]} wall {unit}', f'x {vanilla}', f'{short[e]} CPU {unit}', 'x (CPU)', 'MFLOP/step',
                     'x FLOP', 'GFLOP/s']
            for label, row in zip(labels, rows):
                v, r = per_env[e]['variants'].get(label), per_env[e]['ratios'].get(f'{label}/{vanilla}')
                keys = ('ratio_of_medians', 'cpu_ratio_of_medians', 'flop_ratio')
                x = ['1.00'] * 3 if label == vanilla else [f'{r[k]:.2f}' for k in keys] if r else ['-'] * 3
                row += ([num(v['median']), x[0], num(v['cpu_median']), x[1], f"{v['flops_per_step'] / 1e6:.1f}", x[2],
                         f"{v['gflops_per_s']:.1f}"] if v else ['-'] * 7)
                if v:
                    w, g = v['windows'], v['bptt_gradient']
                    windows = '-' if not w else f"{100 * w['full_fraction']:.0f}% full" + (
                        '' if g is None else ', grad to step 1: ' + ('yes' if g['passed'] else 'NO'))
                    details.append([label, short[e], '-'.join(map(num, v['iqr'])),
                                    *(num(v['breakdown_median'][k]) for k in PARTS), windows])
        lines += [f'## {family.upper()}: {what}', '', *_table(head, rows),
                  f'Where the wall time goes ({unit}, medians; Core: the rest of `Core.learn`):', '',
                  *_table(['variant', 'env', 'wall IQR', 'fit', 'draw_action', 'env step', 'env reset', 'Core',
                           'windows'], details)]
    grad = {True: '; gradient reaches all 32 steps: yes', False: '; gradient reaches all 32 steps: NO',
            None: '; gradient reaches all 32 steps: not checked', '': ''}
    yes = {True: 'yes', False: 'no'}
    targets = [[short[c['env']], c['claim'], f"{c['wall']:.2f}", f"{c['cpu']:.2f}",
                f"{yes[c['holds']]} / {yes[c['holds_cpu']]}{grad[c['gradient_through_all_32_steps']]}"]
               for c in result['claims']]
    if targets:
        lines += ['## Targets', '', *_table(['env', 'claim', 'measured (wall)', 'measured (CPU)', 'holds (wall / CPU)'],
                                            targets)]
    return '\n'.join(lines + [
        'wall: `time.perf_counter`; CPU: `time.process_time` of the process (less sensitive to other processes on a '
        'shared machine). MFLOP/step: floating-point operations per environment step '
        '(`torch.utils.flop_counter.FlopCounterMode` over one untimed block after the timing: matrix products and '
        'the recurrent cells, the update and the action included; off-policy one step and one update, PPO/GAIL a '
        'rollout and its fit divided by its steps); x FLOP: their ratio to the vanilla agent; GFLOP/s: MFLOP/step '
        'over the wall time per step, the rate the variant achieves on this machine. Factors are ratios of medians. '
        'windows: share of the windows sampled for updates that are '
        "full length; grad to step 1: the action at a full window's last step has a non-zero gradient w.r.t. every "
        'observation of the window, the first one included.'])
