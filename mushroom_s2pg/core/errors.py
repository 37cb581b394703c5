"""Exceptions raised by the package."""

__all__ = ['NonFiniteLossError']


class NonFiniteLossError(FloatingPointError):
    """Raised when a loss becomes NaN or infinite; training must stop and keep the last checkpoint."""
