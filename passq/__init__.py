"""passq: print the passport backlog in the order that keeps the most travel dates."""

__version__ = "0.1.0"
