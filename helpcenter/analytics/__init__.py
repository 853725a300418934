"""Analytics: recording what members do and the reports editors read.

* `events`: the cheap recording functions the views call (search, clicks,
  wizards, chat, feedback); never raise on a duplicate.
* `reports`: the aggregations behind the dashboard, the CSV exports and
  `helpcenter report`.
* `charts`: server-rendered SVG charts.
* `retention`: `helpcenter db purge`.

Pure core: plain functions taking a SQLAlchemy Engine, no Flask.
"""
