"""One module per ``qanneal`` command."""
