"""Editors' workflow: review dates, change history, content cues, drafts and preview.

Pure functions and dataclasses (no Flask); what is read from a published index
generation goes through `stored`, the one place that knows how it is stored.
"""
