"""The library's metadata: what the code imports, with the ranges it is known to work with.

Exact, verified versions are not here but in ``constraints.txt`` (the reproducible environment of ``make venv``);
a project that installs this package into its own environment keeps its numpy, scipy and torch when they are in
range. Ranges: lower bounds from the tested set or the oldest release with a feature the code uses; upper bounds
and exact pins only where a newer release is known to break.
"""
import re
from pathlib import Path

from setuptools import find_packages, setup

here = Path(__file__).parent
version = re.search(r"^__version__ = '([^']+)'", (here / 'mushroom_s2pg' / '__init__.py').read_text(), re.M).group(1)

install_requires = [
    # 2.4: first release with the fused CPU Adam of the learners; verified: 2.13.0 (CPU). Install the CPU
    # build first on machines without a GPU (README): pip would otherwise pick a CUDA build of several GB.
    'torch>=2.4',
    'numpy>=1.24,<2',               # < 2: mujoco 2.3.7 (loco-mujoco 0.4.1) is built against numpy 1
    'scipy>=1.10',
    'pandas>=2.0',
    'matplotlib>=3.7',
    'tqdm>=4.60',
    # 1.10.2 pins torch==2.5.1 and its CUDA wheels; 1.11 is not tested.
    'mushroom-rl>=1.10.1,!=1.10.2,<1.11',
    'gymnasium[mujoco]>=1.0',       # the v5 MuJoCo tasks
    'mujoco==2.3.7',                # exactly what loco-mujoco 0.4.1 requires
    'loco-mujoco>=0.4.1,<1',        # 1.0 is a rewrite (other API and dataset layout)
    'experiment-launcher>=3.3',
    # the report's aggregates (IQM, stratified bootstrap, performance profiles, probability of improvement);
    # (1.2.0 tested; it needs arch, statsmodels and seaborn)
    'rliable>=1.2',
]

extras_require = {
    'test': ['pytest>=7'],          # 7: the pythonpath option of pytest.ini
    'bench': [],                    # the benchmarks need only the core requirements
    # the documentation site (make docs): mkdocs.yml, docs/; verified: mkdocs 1.6.1, mkdocs-material 9.8.2,
    # mkdocstrings 1.0.8 with mkdocstrings-python 2.0.11
    'docs': ['mkdocs>=1.6,<2', 'mkdocs-material>=9.5,<10', 'mkdocstrings[python]>=1.0'],
}

console_scripts = [
    's2pg-experiment = launchers.run.experiment:main',
    's2pg-report = launchers.report.cli:main',
    's2pg-make-expert-data = launchers.tools.make_expert_data:cli',
    's2pg-launch-memory = launchers.grids.memory:main',
    's2pg-launch-pomdp = launchers.grids.pomdp:main',
    's2pg-launch-pomdp-privileged = launchers.grids.pomdp_privileged:main',
    's2pg-launch-cpg = launchers.grids.cpg:main',
    's2pg-launch-imitation = launchers.grids.imitation:main',
    's2pg-reproduce-small = launchers.grids.reproduce_small:main',
    's2pg-goal-following = launchers.tools.goal_following:main',
]

setup(
    name='mushroom-s2pg',
    version=version,
    description='Stochastic Stateful Policy Gradient (S2PG, ICLR 2024) for MushroomRL',
    long_description=(here / 'README.md').read_text() if (here / 'README.md').exists() else '',
    long_description_content_type='text/markdown',
    license='MIT',
    packages=find_packages(include=['mushroom_s2pg', 'mushroom_s2pg.*', 'environments', 'environments.*',
                                    'launchers', 'launchers.*']),
    python_requires='>=3.10',
    install_requires=install_requires,
    extras_require=extras_require,
    entry_points={'console_scripts': console_scripts},
)
