"""Shopfront: a personalized homepage for every shopper, learned from what shoppers do.

The package follows the pipeline of the design: ``ingest`` → ``store`` → ``prep`` →
``profiles`` and ``models`` → ``homepage`` → ``api``/``web``/``cli``, with ``feedback``
closing the loop.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
