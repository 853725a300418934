"""Search: analysis, the Whoosh index, and queries over it."""
