"""``python -m pipeline`` is the ``protokoll`` command."""

from .cli import main

main(prog_name="protokoll")
