"""``python -m shopfront`` runs the command line."""

from shopfront.cli.main import app

app()
