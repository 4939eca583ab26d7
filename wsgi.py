"""Production entry point: ``gunicorn wsgi:app`` (reads SECRET_KEY, DATABASE_URL… from the environment)."""

from ecoprod import create_app

app = create_app()
