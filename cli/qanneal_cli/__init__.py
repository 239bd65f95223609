"""The ``qanneal`` command line: one module per command under ``commands/``."""
