"""Shared test settings: hypothesis without deadlines (numba compiles on first call)."""

from hypothesis import settings

settings.register_profile("qanneal", deadline=None, max_examples=50)
settings.load_profile("qanneal")
