"""``python -m xinyong``: the command line, as the ``xinyong`` script runs it."""

from xinyong.entrypoints.cli import app

app(prog_name="xinyong")
