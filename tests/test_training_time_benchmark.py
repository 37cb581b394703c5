"""Smoke test of benchmarks/training_time.py on a microscopic configuration (output files and line formats)."""
import contextlib
import importlib.util
import io
import json
import os
import re
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RATIO_LINE = re.compile(r'^ratio (\S+)/(\S+)(?: \[([^\]]+)\])?: (\d+\.\d+|n/a)$')
FLOAT = re.compile(r'^\d+\.\d+$')


def _load_benchmark():
    spec = importlib.util.spec_from_file_location('training_time_benchmark',
                                                  os.path.join(ROOT, 'benchmarks', 'training_time.py'))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module         # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def benchmark():
    return _load_benchmark()


def test_microscopic_run_writes_outputs_and_parseable_ratio_lines(benchmark, tmp_path):
    env_id = 'HalfCheetahPOMDP-v5'
    argv = ['--envs', env_id, '--variants', 'SAC_RS,SAC,SAC_VANILLA,SAC_BPTT5', 'PPO_VANILLA', 'PPO_BPTT5',
            '--steps', '3', '--reps', '2', '--warmup-updates', '1', '--replay-warmup', '40',
            '--ppo-steps', '40', '--ppo-epochs', '1', '--ppo-fits', '1', '--out-dir', str(tmp_path)]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = benchmark.main(argv)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]

    # files
    data = json.loads((tmp_path / 'training_time.json').read_text())
    table = (tmp_path / 'training_time.md').read_text()
    assert data['config']['envs'] == [env_id] and data['config']['threads'] == 1
    off = data['off_policy']['envs'][env_id]
    on = data['on_policy']['envs'][env_id]
    assert set(off['variants']) == {'SAC_RS', 'SAC', 'SAC_VANILLA', 'SAC_BPTT5'}
    assert set(on['variants']) == {'PPO_VANILLA', 'PPO_BPTT5'}
    for v in list(off['variants'].values()) + list(on['variants'].values()):
        assert len(v['samples']) == len(v['cpu_samples']) >= 1 and v['median'] > 0
    assert {'SAC_RS/SAC_VANILLA', 'SAC_BPTT5/SAC_VANILLA', 'SAC_RS/SAC', 'SAC_BPTT5/SAC_RS'} <= set(off['ratios'])
    assert 'PPO_BPTT5/PPO_VANILLA' in on['ratios']
    # the BPTT check ran on full windows and found a gradient at every step (values of timings not checked)
    assert off['variants']['SAC_BPTT5']['bptt_gradient']['passed']
    assert on['variants']['PPO_BPTT5']['bptt_gradient']['passed']
    assert off['variants']['SAC_BPTT5']['windows']['full_fraction'] > 0
    for header in ('## SAC', '## PPO', '| SAC_RS |', '| PPO_BPTT5 |', 'x SAC_VANILLA', 'x PPO_VANILLA', '## Targets',
                   'MFLOP/step', 'x FLOP', 'GFLOP/s'):
        assert header in table
    # FLOPs per step beside the times: the RS critic sees z and z' and the GRU actor is larger than the MLP one
    for v in list(off['variants'].values()) + list(on['variants'].values()):
        assert v['flops_per_step'] > 0 and v['gflops_per_s'] > 0
    assert off['ratios']['SAC_RS/SAC_VANILLA']['flop_ratio'] > 1.2
    assert result['ratio_lines'] == data['ratio_lines']

    # printed ratio lines: `ratio <variant>/<vanilla> [<env>]: <float>`, PPO after SAC, final SAC_RS/SAC
    ratio_lines = [line for line in lines if line.startswith('ratio ')]
    for line in ratio_lines:
        assert RATIO_LINE.match(line), line
    assert ratio_lines == lines[-len(ratio_lines):], 'the ratio lines close the output'
    for label in ('SAC_RS', 'SAC_BPTT5'):
        assert any(re.match(rf'^ratio {label}/SAC_VANILLA \[{env_id}\]: \d+\.\d+$', line) for line in ratio_lines)
    ppo = [i for i, line in enumerate(ratio_lines) if line.startswith('ratio PPO_BPTT5/PPO_VANILLA ')]
    sac = [i for i, line in enumerate(ratio_lines[:-1]) if line.startswith('ratio SAC_')]
    assert ppo and max(sac) < ppo[0] < len(ratio_lines) - 1
    match = RATIO_LINE.match(lines[-1])
    assert match and match.group(1, 2) == ('SAC_RS', 'SAC') and match.group(3) is None
    assert FLOAT.match(match.group(4))


def test_argument_selection(benchmark):
    args = benchmark.parse_args(['--quick', '--families', 'td3,ppo', '--envs', 'AntPOMDP-v5,HalfCheetahPOMDP-v5'])
    assert args.envs == ['AntPOMDP-v5', 'HalfCheetahPOMDP-v5']
    assert args.variants == [label for label, v in benchmark.VARIANTS.items() if v.family in ('td3', 'ppo')]
    for prefix in ('TD3', 'PPO'):
        for suffix in ('RS', 'BPTT5', 'BPTT32', 'WINDOW5', 'WINDOW32', 'VANILLA', 'ORACLE'):
            assert f'{prefix}_{suffix}' in args.variants
    assert args.threads == 1 and args.steps == benchmark.QUICK['steps']
    assert benchmark.VARIANTS['SAC_BPTT32'].window == 32 and benchmark.VARIANTS['SAC_BPTT32'].bptt
    with pytest.raises(SystemExit), contextlib.redirect_stderr(io.StringIO()):
        benchmark.parse_args(['--variants', 'SAC_RS', '--families', 'ppo'])
    with pytest.raises(SystemExit), contextlib.redirect_stderr(io.StringIO()):
        benchmark.parse_args(['--variants', 'SAC_BPTT32', '--replay-warmup', '16'])


def test_schedule_interleaves_and_spreads_rare_blocks(benchmark):
    rounds = benchmark.interleaved_schedule({'a': 4, 'b': 4, 'ppo': 1})
    assert len(rounds) == 4 and sum(r.count('ppo') for r in rounds) == 1
    assert all(sorted(r) in (['a', 'b'], ['a', 'b', 'ppo']) for r in rounds)
    assert 'ppo' not in rounds[0]
    assert {r[0] for r in rounds} != {'a'}, 'the order must rotate'


def test_imitation_families_are_timed_with_factors_vs_their_vanilla(benchmark, tmp_path):
    argv = ['--envs', 'HalfCheetahPOMDP-v5', '--variants', 'GAIL_RS,GAIL_VANILLA,LSIQ_RS,LSIQ_VANILLA', '--steps', '3',
            '--reps', '1', '--warmup-updates', '1', '--replay-warmup', '40', '--ppo-steps', '40', '--ppo-epochs', '1',
            '--ppo-fits', '1', '--out-dir', str(tmp_path)]
    with contextlib.redirect_stdout(io.StringIO()):
        result = benchmark.main(argv)
    assert set(result['on_policy']['envs']['HalfCheetahPOMDP-v5']['variants']) == {'GAIL_RS', 'GAIL_VANILLA'}
    assert set(result['off_policy']['envs']['HalfCheetahPOMDP-v5']['variants']) == {'LSIQ_RS', 'LSIQ_VANILLA'}
    names = [line.split()[1] for line in result['ratio_lines']]
    assert 'LSIQ_RS/LSIQ_VANILLA' in names and 'GAIL_RS/GAIL_VANILLA' in names
    assert names.index('LSIQ_RS/LSIQ_VANILLA') < names.index('GAIL_RS/GAIL_VANILLA'), 'on-policy families last'
    table = (tmp_path / 'training_time.md').read_text()
    assert '## GAIL' in table and '## LSIQ' in table
