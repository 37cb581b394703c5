"""Stochastic Stateful Policy Gradient (S2PG) for MushroomRL: internal-state core, policies, networks, algorithms.

The version below is the package's one source of its version (``setup.py`` reads it; ``CHANGELOG.md`` lists
what each version holds). Importing the package imports none of its subpackages; it silences the display warning
of MuJoCo's viewer bindings, which every import of MushroomRL's environments prints on a machine without a display.

"""
import warnings

__version__ = '0.1.0'

# MuJoCo's viewer bindings (imported by MushroomRL's environments) warn on import on machines without a display;
# nothing in the package renders unless asked to.
warnings.filterwarnings('ignore', message='.*DISPLAY environment variable.*')

__all__ = ['__version__']
