"""ВСОКО core: pure domain code (parsing, indicators, checks, exports).

Imports no UI or DB layer.
"""
