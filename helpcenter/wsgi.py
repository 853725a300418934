"""WSGI entry point for production servers: `gunicorn 'helpcenter.wsgi:app'`.

Importing it migrates the database and builds the index when missing or stale
(under file locks, so several workers starting together do it once).
"""
import sys

from . import create_app, settings
from .instance import NotWritable, check_writable
from .publishing import prepare

_values = settings.resolve_paths(settings.load())
try:
    check_writable(_values["INSTANCE_DIR"], _values["DATABASE_URL"])
except NotWritable as exc:
    sys.exit(str(exc))  # one sentence in the server's log instead of a traceback
app = create_app()
prepare(app.config)
