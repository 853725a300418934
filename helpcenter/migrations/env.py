"""Alembic environment: runs on the connection handed over by helpcenter.db.upgrade."""
from alembic import context

from helpcenter.db import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `helpcenter db upgrade`")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
