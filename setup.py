from pathlib import Path

from setuptools import find_packages, setup

here = Path(__file__).parent
requirements = [
    line.split('#')[0].strip()
    for line in (here / 'requirements.txt').read_text().splitlines()
    if line.split('#')[0].strip() and not line.startswith('pytest')
]

setup(
    name='mushroom-s2pg',
    version='0.1.0',
    description='Stochastic Stateful Policy Gradient (S2PG, ICLR 2024) for MushroomRL',
    long_description=(here / 'README.md').read_text() if (here / 'README.md').exists() else '',
    long_description_content_type='text/markdown',
    license='MIT',
    packages=find_packages(include=['mushroom_s2pg', 'mushroom_s2pg.*', 'environments', 'environments.*',
                                    'launchers', 'launchers.*']),
    python_requires='>=3.10',
    # torch is deliberately not listed: it must be the CPU build torch==2.13.0 installed beforehand
    # (see Makefile); letting a resolver choose torch pulls several GB of CUDA wheels.
    install_requires=requirements,
    extras_require={'test': ['pytest']},
)
