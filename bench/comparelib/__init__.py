"""The sections of bench/compare; see its docstring."""
