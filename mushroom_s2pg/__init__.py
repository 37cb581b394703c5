"""Stochastic Stateful Policy Gradient (S2PG) for MushroomRL: internal-state core, policies, networks, algorithms.

The version below is the package's one source of its version (``setup.py`` reads it; ``CHANGELOG.md`` lists
what each version holds). Importing the package imports none of its subpackages.

"""
__version__ = '0.1.0'

__all__ = ['__version__']
