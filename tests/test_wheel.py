"""The package as a library: its wheel's requirements (ranges, not pins), and the wheel installed into a fresh
virtual environment (no ``-e``, this repository not on the path) running the README's example, loading an agent
saved here, and its console scripts, all from a temporary folder. See ``tests/fresh_venv.py``."""
import ast
import inspect
import json
import os
import re
import subprocess
import sys
import zipfile
from importlib import metadata

import numpy as np
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import mushroom_s2pg
from environments import PROJECT_ENV_IDS, make_env
from fresh_venv import ROOT, build_wheel, make_fresh_venv, wheel_metadata
from mushroom_s2pg.algorithms import available_algorithms, make_agent
from mushroom_s2pg.utils import seed_everything

# The only exact pins the library may declare, and why.
JUSTIFIED_PINS = {'mujoco': 'loco-mujoco 0.4.1 requires exactly mujoco 2.3.7'}
OWN_PACKAGES = {'mushroom_s2pg', 'environments', 'launchers'}


def deterministic_actions(agent, observations):
    """The mean actions of one episode over ``observations`` (run here and, as source, in the fresh environment)."""
    agent.episode_start()
    with agent.deterministic():
        return [agent.draw_action(observation).tolist() for observation in observations]


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    return build_wheel(str(tmp_path_factory.mktemp('wheel')))


@pytest.fixture(scope='module')
def fresh(wheel, tmp_path_factory):
    return make_fresh_venv(str(tmp_path_factory.mktemp('venv') / 'venv'), wheel)


def _requirements(wheel, extra=None):
    """The wheel's ``Requires-Dist`` entries, of the core (``extra`` None) or of one extra."""
    requirements = [Requirement(text) for text in wheel_metadata(wheel)['Requires-Dist']]
    return [r for r in requirements
            if (r.marker is None if extra is None else r.marker is not None and r.marker.evaluate({'extra': extra}))]


# ------------------------------------------------------------------ metadata
def test_wheel_requires_ranges_not_pins(wheel):
    core = {canonicalize_name(r.name): r for r in _requirements(wheel)}
    assert {'torch', 'numpy', 'scipy', 'pandas', 'mushroom-rl', 'gymnasium', 'loco-mujoco'} <= set(core)
    for name, requirement in core.items():
        operators = {spec.operator for spec in requirement.specifier}
        assert operators & {'>=', '=='}, f'{requirement}: no lower bound'
        if operators & {'==', '==='}:
            assert name in JUSTIFIED_PINS, f'{requirement}: an exact pin in the library metadata'
    for name in ('pytest',):
        assert name not in core and name in {canonicalize_name(r.name) for r in _requirements(wheel, 'test')}
    # the environment of the issue keeps its numpy 1.26.4 and scipy 1.13.1
    assert core['numpy'].specifier.contains('1.26.4') and core['scipy'].specifier.contains('1.13.1')
    assert wheel_metadata(wheel)['Version'] == [mushroom_s2pg.__version__]


def test_reproducible_environment_lies_within_the_ranges(wheel):
    requirements = _requirements(wheel) + _requirements(wheel, 'test') + _requirements(wheel, 'bench')
    ranges = {canonicalize_name(r.name): r.specifier for r in requirements}
    with open(os.path.join(ROOT, 'requirements.txt')) as f:
        listed = {canonicalize_name(Requirement(line).name) for line in map(str.strip, f) if line and line[0] != '#'}
    assert listed == set(ranges), 'requirements.txt and setup.py list different packages'
    with open(os.path.join(ROOT, 'constraints.txt')) as f:
        pins = [Requirement(line) for line in map(str.strip, f) if line and line[0] != '#']
    for pin in pins:
        exact = [spec.version for spec in pin.specifier if spec.operator == '==']
        if canonicalize_name(pin.name) in ranges and exact:
            assert ranges[canonicalize_name(pin.name)].contains(exact[0]), f'constraints.txt {pin} out of range'
    assert {'torch', 'numpy', 'mushroom-rl', 'loco-mujoco'} <= {canonicalize_name(p.name) for p in pins}
    for name, specifier in ranges.items():  # what the tests run on
        assert specifier.contains(metadata.version(name), prereleases=True), f'installed {name} out of range'


def _imports(source):
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name.split('.')[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.split('.')[0]


def test_wheel_requires_what_its_code_imports(wheel):
    with zipfile.ZipFile(wheel) as archive:
        modules = {module for name in archive.namelist() if name.endswith('.py')
                   for module in _imports(archive.read(name).decode())}
    third_party = modules - set(sys.stdlib_module_names) - OWN_PACKAGES
    providers = metadata.packages_distributions()
    required = {canonicalize_name(r.name) for r in _requirements(wheel)}
    missing = {module for module in third_party
               if not {canonicalize_name(d) for d in providers.get(module, [module])} & required}
    assert not missing, f'imported but not required: {sorted(missing)}'


def test_provenance_names_the_version_and_only_this_package_s_checkout(tmp_path, monkeypatch):
    from mushroom_s2pg.utils import package_provenance, provenance
    assert package_provenance()['package_version'] == mushroom_s2pg.__version__
    other = tmp_path / 'project'  # e.g. a user's repository with a virtual environment inside it
    subprocess.run(['git', 'init', '-q', str(other)], check=True)
    (other / 'venv' / 'site-packages').mkdir(parents=True)
    monkeypatch.setattr(provenance, '_PACKAGE_ROOT', str(other / 'venv' / 'site-packages'))
    assert package_provenance() == dict(package_version=mushroom_s2pg.__version__)
    if os.path.exists(os.path.join(ROOT, '.git')):  # a root given explicitly: any folder of a checkout
        assert len(provenance.git_revision(os.path.join(ROOT, 'tests'))['git_commit']) == 40


# ------------------------------------------------------------------ the installed wheel
def _readme_example(n_steps=300, n_episodes=1):
    """The README's "Usage in Python" example with a smaller budget."""
    with open(os.path.join(ROOT, 'README.md')) as f:
        section = f.read().split('## Usage in Python', 1)[1]
    code = re.search(r'```python\n(.*?)```', section, re.S).group(1)
    for old, new in (('n_steps=20000', f'n_steps={n_steps}'), ('n_episodes=5', f'n_episodes={n_episodes}')):
        assert code.count(old) == 1, f'the README example no longer has {old}: update this test'
        code = code.replace(old, new)
    return code


USER_SCRIPT = inspect.getsource(deterministic_actions) + '''
import json, os, runpy, sys
from mushroom_rl.core import Agent
import environments, launchers, mushroom_s2pg

site_packages, agent_path = sys.argv[1:3]
for module in (mushroom_s2pg, environments, launchers):
    assert module.__file__.startswith(site_packages), module.__file__
runpy.run_path('readme_example.py')
assert os.path.isfile('sac_rs.zip')
agent = Agent.load(agent_path)
assert sys.modules[type(agent).__module__].__file__.startswith(site_packages)
observations = json.loads(sys.argv[3])
print(json.dumps(dict(version=mushroom_s2pg.__version__, actions=deterministic_actions(agent, observations))))
'''


def test_installed_wheel_runs_the_readme_example_and_loads_a_repository_agent(fresh, tmp_path):
    seed_everything(0)
    mdp = make_env('PointMassMemory-v0')
    agent = make_agent('SAC_RS', mdp.info, mdp.policy_obs_mask, env_id='PointMassMemory-v0')
    agent.save(str(tmp_path / 'repo_agent.zip'))
    observations = np.linspace(-1, 1, 3 * mdp.info.observation_space.shape[0]).reshape(3, -1).tolist()
    expected = deterministic_actions(agent, np.asarray(observations))

    user = tmp_path / 'user'
    user.mkdir()
    (user / 'readme_example.py').write_text(_readme_example())
    (user / 'user_script.py').write_text(USER_SCRIPT)
    result = fresh.run(['python', 'user_script.py', fresh.site_packages, str(tmp_path / 'repo_agent.zip'),
                        json.dumps(observations)], cwd=str(user))
    output = json.loads(result.stdout.strip().splitlines()[-1])
    assert output['version'] == mushroom_s2pg.__version__
    np.testing.assert_allclose(output['actions'], expected, rtol=1e-6, atol=1e-7)


ENTRY_POINTS_SCRIPT = '''
import contextlib, importlib.util, io, json, os, sys
from importlib import metadata

site_packages = sys.argv[1]
distribution = metadata.distribution('mushroom-s2pg')  # the first on sys.path: the fresh environment's
assert os.path.realpath(str(distribution.locate_file(''))) == os.path.realpath(site_packages)
helps = {}
for entry_point in distribution.entry_points:
    if importlib.util.find_spec(entry_point.module) is None:
        helps[entry_point.name] = None
        continue
    text = io.StringIO()
    with contextlib.redirect_stdout(text), contextlib.suppress(SystemExit):
        entry_point.load()(['--help'])
    helps[entry_point.name] = text.getvalue()
from launchers.run import experiment
from launchers.grids import memory as launch_memory
assert launch_memory.main(['--local', '--dry_run', '--base_dir', 'grid']) == 0
experiment.main(['--env_id', 'PointMassMemory-v0', '--algorithm', 'SAC_RS', '--n_epochs', '1',
                 '--n_steps_per_epoch', '100', '--n_eval_episodes', '1', '--horizon', '50', '--results_dir', 'run',
                 '--hyperparameters', '{"initial_replay_size": 40, "warmup_transitions": 60, "batch_size": 16}',
                 '--quiet'])
print(json.dumps(dict(requires=distribution.requires, help=helps)))
'''


def _entry_points(wheel):
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith('.dist-info/entry_points.txt'))
        lines = archive.read(name).decode().splitlines()
    return dict(tuple(part.strip() for part in line.split('=')) for line in lines if '=' in line)


def test_entry_points_cover_the_command_lines(wheel):
    entry_points = _entry_points(wheel)
    modules = {target.split(':')[0] for target in entry_points.values()}
    grids_dir = os.path.join(ROOT, 'launchers', 'grids')
    grids = set()
    for name in sorted(name for name in os.listdir(grids_dir) if name.endswith('.py')):
        with open(os.path.join(grids_dir, name)) as f:
            if '\nmain = make_main(SPEC)' in f.read():   # a grid module, with its console script
                grids.add(f'launchers.grids.{name[:-3]}')
    assert len(grids) == 5
    assert grids | {'launchers.run.experiment', 'launchers.tools.make_expert_data', 'launchers.report.cli'} <= modules
    from launchers import CONSOLE_SCRIPTS
    assert {name: target.split(':')[0] for name, target in entry_points.items()} == {
        script: module + ('.cli' if module == 'launchers.report' else '') for module, script in CONSOLE_SCRIPTS.items()}
    assert all(name.startswith('s2pg-') for name in entry_points)


def test_installed_console_scripts_run_from_any_folder(fresh, wheel, tmp_path):
    result = fresh.run(['s2pg-experiment', '--help'], cwd=str(tmp_path))
    assert result.stdout.startswith('usage: s2pg-experiment')
    for name in list(available_algorithms()) + list(PROJECT_ENV_IDS):
        assert name in result.stdout

    (tmp_path / 'entry_points.py').write_text(ENTRY_POINTS_SCRIPT)
    result = fresh.run(['python', 'entry_points.py', fresh.site_packages], cwd=str(tmp_path))
    output = json.loads(result.stdout.strip().splitlines()[-1])
    assert output['requires'] == wheel_metadata(wheel)['Requires-Dist']  # what pip show reads
    for name, target in _entry_points(wheel).items():
        module = target.split(':')[0]
        present = os.path.isfile(os.path.join(ROOT, *module.split('.')) + '.py')
        assert (output['help'][name] is not None) == present, name
        if present:
            assert output['help'][name].startswith('usage: '), name
    with open(tmp_path / 'run' / '0' / 'args.json') as f:
        provenance = json.load(f)
    assert provenance['package_version'] == mushroom_s2pg.__version__
    assert 'git_commit' not in provenance  # an installed package is no checkout
    assert (tmp_path / 'run' / '0' / 'progress.csv').is_file()
