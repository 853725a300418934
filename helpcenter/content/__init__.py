"""Content: the files editors write, read into a validated model."""
