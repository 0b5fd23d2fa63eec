"""Helpers of the dairy demo plant generator (``examples/dairy/generate.py``)."""
