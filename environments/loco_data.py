"""Where the installed loco-mujoco 0.4.1 keeps its datasets, whether they are there, and how to get them.

loco-mujoco reads the motion-capture ("real") datasets of a task from
``<loco_mujoco>/datasets/humanoids/real/<file>.npz`` and, when that file is missing, falls back (with a
warning) to ``<loco_mujoco>/datasets/humanoids/real/mini_datasets/<file>.npz``; the "perfect" datasets
live under ``<loco_mujoco>/datasets/humanoids/perfect/``. The full datasets are downloaded from the internet
by ``loco-mujoco-download``; the mini datasets (1 s of motion per trajectory, for tests and smoke runs)
are shipped offline in ``../shared/data/loco_mujoco_mini`` and installed by ``make data``, which runs::

    python -m environments.loco_data install [--source DIR]

Nothing here imports loco-mujoco itself (its import is slow and talks to the display): the package folder
is found through ``importlib``.

"""
import argparse
import filecmp
import glob
import importlib.util
import os
import shutil
import sys
from typing import Dict, List, Optional, Tuple

from mushroom_s2pg.expert_data import ExpertDataError

__all__ = ['MissingDatasetError', 'DOWNLOAD_COMMAND', 'DEFAULT_MINI_SOURCE', 'REAL_DATASET_FILES',
           'PERFECT_DATASET_FILES', 'loco_mujoco_dir', 'real_dataset_dir', 'mini_dataset_dir',
           'installed_real_dataset', 'perfect_dataset_path', 'missing_data_message', 'install_mini_datasets',
           'main']

#: loco-mujoco's command that downloads its full datasets (real and perfect), on a machine with internet.
DOWNLOAD_COMMAND = 'loco-mujoco-download'

#: The offline mini datasets, relative to the repository root, where ``make data`` runs (it copies their
#: ``real/*.npz``); elsewhere, pass the folder with ``--source``.
DEFAULT_MINI_SOURCE = os.path.join('..', 'shared', 'data', 'loco_mujoco_mini')

#: The motion-capture file each (robot, task) reads, as loco-mujoco 0.4.1 names it (the four-ages humanoid
#: uses the ``_all`` file: its four scalings in equal blocks of trajectories).
REAL_DATASET_FILES: Dict[Tuple[str, str], str] = {
    ('Atlas', 'carry'): '02-constspeed_ATLAS.npz',
    ('Atlas', 'walk'): '02-constspeed_ATLAS.npz',
    ('HumanoidTorque4Ages', 'walk'): '02-constspeed_reduced_humanoid_POMDP_all.npz',
    ('HumanoidTorque4Ages', 'run'): '05-run_reduced_humanoid_POMDP_all.npz',
}

#: The perfect (expert rollout) file each (robot, task) reads, relative to the loco-mujoco package.
PERFECT_DATASET_FILES: Dict[Tuple[str, str], str] = {
    ('Atlas', 'carry'): 'datasets/humanoids/perfect/atlas_carry/Atlas_carry_stochastic_dataset.npz',
    ('HumanoidTorque4Ages', 'walk'): 'datasets/humanoids/perfect/humanoid4ages_torque_walk/'
                                     'HumanoidTorque4Ages_walk_stochastic_dataset_all.npz',
    ('HumanoidTorque4Ages', 'run'): 'datasets/humanoids/perfect/humanoid4ages_torque_run/'
                                    'HumanoidTorque4Ages_run_stochastic_dataset_all.npz',
}


class MissingDatasetError(ExpertDataError, FileNotFoundError):
    """A dataset a task needs is not installed: the one error of expert data (``ExpertDataError``), and a
    ``FileNotFoundError``; the message names the file and says how to get it."""


def loco_mujoco_dir() -> str:
    """
    Returns:
        The folder of the installed ``loco_mujoco`` package (found without importing it).

    Raises:
        ModuleNotFoundError: if loco-mujoco is not installed.

    """
    spec = importlib.util.find_spec('loco_mujoco')
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError('loco-mujoco is not installed in this Python environment '
                                  '(pip install loco-mujoco==0.4.1, or make venv).')
    return os.path.abspath(list(spec.submodule_search_locations)[0])


def real_dataset_dir() -> str:
    """The folder of loco-mujoco's full motion-capture datasets."""
    return os.path.join(loco_mujoco_dir(), 'datasets', 'humanoids', 'real')


def mini_dataset_dir() -> str:
    """The folder where loco-mujoco looks for the mini datasets when a full one is missing."""
    return os.path.join(real_dataset_dir(), 'mini_datasets')


def installed_real_dataset(robot: str, task: str, mini_only: bool = False) -> Tuple[Optional[str], str]:
    """
    The motion-capture file loco-mujoco will read for a task, if installed.

    Args:
        robot (str): e.g. ``'Atlas'``;
        task (str): e.g. ``'carry'``;
        mini_only (bool, False): look only for the mini dataset (loco-mujoco's ``debug=True``).

    Returns:
        ``(path, kind)``: the full dataset (kind ``'full'``) when present, else the mini one (``'mini'``),
        else ``(None, 'missing')``.

    """
    name = REAL_DATASET_FILES[(robot, task)]
    full = os.path.join(real_dataset_dir(), name)
    if not mini_only and os.path.isfile(full):
        return full, 'full'
    mini = os.path.join(mini_dataset_dir(), name)
    if os.path.isfile(mini):
        return mini, 'mini'
    return None, 'missing'


def perfect_dataset_path(robot: str, task: str) -> str:
    """The absolute path of loco-mujoco's perfect dataset of a task (which may not be installed)."""
    return os.path.join(loco_mujoco_dir(), PERFECT_DATASET_FILES[(robot, task)])


def missing_data_message(what: str, perfect: bool = False) -> str:
    """
    The one message for a missing dataset.

    Args:
        what (str): the task and file that are missing, e.g. ``"Atlas.carry needs 02-constspeed_ATLAS.npz"``;
        perfect (bool, False): whether a perfect-format dataset is missing.

    Returns:
        The message: what is missing and how to get it.

    """
    lines = [f'{what}, which is not installed.']
    if perfect:
        lines.append('  - Pass a perfect-format .npz (keys states, actions, last, absorbing) with dataset_path=..., '
                     'e.g. one written by `python -m launchers.tools.make_expert_data`;')
        lines.append(f'  - or, on a machine with internet: `{DOWNLOAD_COMMAND}-perfect` (loco-mujoco\'s download).')
    else:
        lines.append(f'  - Offline mini datasets (tests, smoke runs): `make data` in a checkout of this repository, or '
                     f'`python -m environments.loco_data install --source DIR` (copies DIR/real/*.npz, e.g. from '
                     f'{DEFAULT_MINI_SOURCE}, into {mini_dataset_dir()});')
        lines.append(f'  - full datasets, on a machine with internet: `{DOWNLOAD_COMMAND}` (loco-mujoco\'s download).')
    return '\n'.join(lines)


def install_mini_datasets(source: str = DEFAULT_MINI_SOURCE, target: Optional[str] = None) -> Dict[str, List[str]]:
    """
    Copy the mini datasets (``<source>/real/*.npz``) where loco-mujoco looks for them. Idempotent: a file
    already there with the same content is left alone.

    Args:
        source (str): the mini-data folder (with ``real/``);
        target (str, None): the destination (None: :func:`mini_dataset_dir`).

    Returns:
        ``{'copied': [...], 'unchanged': [...]}``: the file names.

    Raises:
        MissingDatasetError: if ``<source>/real`` holds no ``.npz`` file.

    """
    files = sorted(glob.glob(os.path.join(source, 'real', '*.npz')))
    if not files:
        raise MissingDatasetError(f'No mini datasets in {os.path.join(source, "real")}.')
    target = mini_dataset_dir() if target is None else target
    os.makedirs(target, exist_ok=True)
    done: Dict[str, List[str]] = {'copied': [], 'unchanged': []}
    for path in files:
        name = os.path.basename(path)
        destination = os.path.join(target, name)
        if os.path.isfile(destination) and filecmp.cmp(path, destination, shallow=False):
            done['unchanged'].append(name)
            continue
        tmp = destination + '.tmp'
        shutil.copyfile(path, tmp)
        os.replace(tmp, destination)
        done['copied'].append(name)
    return done


def main(argv: Optional[List[str]] = None) -> int:
    """
    ``python -m environments.loco_data install [--source DIR]``: install the mini datasets if the folder
    exists, else say how to download the full datasets (exit status 0 either way);
    ``python -m environments.loco_data where``: print the dataset folders and what is installed.

    """
    parser = argparse.ArgumentParser(prog='python -m environments.loco_data', description=__doc__.split('\n\n')[0])
    parser.add_argument('command', choices=('install', 'where'))
    parser.add_argument('--source', default=DEFAULT_MINI_SOURCE,
                        help=f'the mini-data folder, with real/*.npz (default: {DEFAULT_MINI_SOURCE}, relative to '
                             'the current folder: the repository root for make data)')
    args = parser.parse_args(argv)

    if args.command == 'where':
        print(f'loco-mujoco:            {loco_mujoco_dir()}')
        print(f'full real datasets:     {real_dataset_dir()}')
        print(f'mini datasets:          {mini_dataset_dir()}')
        for (robot, task) in REAL_DATASET_FILES:
            path, kind = installed_real_dataset(robot, task)
            print(f'  {robot}.{task}: {kind}{"" if path is None else " (" + path + ")"}')
        return 0

    if not os.path.isdir(os.path.join(args.source, 'real')):
        print(f'make data: {args.source} not found, no mini datasets installed. On a machine with internet, '
              f'download loco-mujoco\'s full datasets with `{DOWNLOAD_COMMAND}` (from this virtual environment: '
              f'.venv/bin/{DOWNLOAD_COMMAND}).')
        return 0
    done = install_mini_datasets(args.source)
    print(f'make data: loco-mujoco mini datasets in {mini_dataset_dir()}: {len(done["copied"])} copied, '
          f'{len(done["unchanged"])} already there.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
