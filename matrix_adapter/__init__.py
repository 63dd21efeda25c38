"""groundwork on Matrix: the same services, driven over the Matrix client-server API (matrix-nio).

The Matrix counterpart of cogs/: it parses what members send (`!gw ...` messages in direct rooms),
calls the services and renders their results as Matrix messages. No discord import here
(tests/unit/test_layers.py).
"""

from matrix_adapter.client import MatrixBot

__all__ = ["MatrixBot"]
