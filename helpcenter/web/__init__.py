"""The web layer: thin Flask views over the pure core."""
