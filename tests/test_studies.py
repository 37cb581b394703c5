"""The committed studies (docs/results/<study>/) regenerate from their one data file with the command their README
gives: the same figures byte for byte and the same tables."""
import filecmp
import os
import re
import shlex
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STUDIES = os.path.join(ROOT, 'docs', 'results')
REPORT_STUDIES = sorted(name for name in os.listdir(STUDIES)
                        if os.path.exists(os.path.join(STUDIES, name, 'returns.csv'))
                        and os.path.exists(os.path.join(STUDIES, name, 'report.md')))


def _readme(study):
    with open(os.path.join(STUDIES, study, 'README.md')) as f:
        return f.read()


def _same_files(committed, regenerated, names):
    different = [name for name in names if not filecmp.cmp(os.path.join(committed, name),
                                                           os.path.join(regenerated, name), shallow=False)]
    assert not different, f'{committed}: {different} do not regenerate identically'


def test_every_study_has_a_readme_with_its_parts():
    for study in sorted(os.listdir(STUDIES)):
        readme = _readme(study)
        for heading in ('## Question', '## Regenerate', '## What it shows', '## What it does not show'):
            assert heading in readme, f'docs/results/{study}/README.md lacks {heading!r}'


@pytest.mark.parametrize('study', REPORT_STUDIES)
def test_a_report_study_regenerates_from_its_table(study, tmp_path):
    command = re.search(r'^s2pg-report --from_table (\S+) --compact --out (\S+)$', _readme(study), re.M)
    assert command, f'docs/results/{study}/README.md gives no s2pg-report --from_table ... --compact command'
    table, out = command.groups()
    assert os.path.samefile(os.path.join(ROOT, table), os.path.join(STUDIES, study, 'returns.csv'))
    assert os.path.samefile(os.path.join(ROOT, out), os.path.join(STUDIES, study))
    from launchers.report import cli
    assert cli.main(['--from_table', os.path.join(ROOT, table), '--compact', '--out', str(tmp_path)]) == 0
    committed = os.path.join(STUDIES, study)
    figures = sorted(name for name in os.listdir(committed) if name.endswith('.png'))
    assert figures == sorted(name for name in os.listdir(tmp_path) if name.endswith('.png'))
    _same_files(committed, str(tmp_path), figures + ['returns.csv'])


def test_the_short_memory_study_regenerates_from_its_table(tmp_path):
    readme = ' '.join(_readme('short_memory').split())
    command = re.search(r'`(\.venv/bin/python benchmarks/probes/short_memory_report\.py '
                        r'docs/results/short_memory/returns\.csv --out docs/results/short_memory)`', readme)
    assert command, 'docs/results/short_memory/README.md gives no regeneration command'
    argv = shlex.split(command.group(1))
    argv[0], argv[-1] = sys.executable, str(tmp_path)
    subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
    _same_files(os.path.join(STUDIES, 'short_memory'), str(tmp_path), ['curves.png', 'table.md'])
