"""WSGI entry point for production servers: `gunicorn 'helpcenter.wsgi:app'`.

Importing it migrates the database and builds the index when missing or stale
(under file locks, so several workers starting together do it once).
"""
from . import create_app
from .publishing import prepare

app = create_app()
prepare(app.config)
