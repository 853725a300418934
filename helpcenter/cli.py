"""The `helpcenter` command: check, index, serve, and the tools around them."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import settings


def _config(content: str | None = None, instance: str | None = None) -> dict:
    values = settings.resolve_paths(settings.load())
    if content:
        values["CONTENT_DIR"] = str(Path(content).resolve())
    if instance:
        values = settings.resolve_paths({**values, "INSTANCE_DIR": instance, "DATABASE_URL": ""})
    return {"HELPCENTER_" + k: v for k, v in values.items()}


content_option = click.option("--content", "content", type=click.Path(file_okay=False),
                              help="Content folder (default: HELPCENTER_CONTENT_DIR or ./content).")


@click.group(epilog=settings.help_table(), context_settings={"max_content_width": 100})
def main() -> None:
    """Helpcenter: self-service help center and FAQ chatbot."""


@main.command()
@content_option
def check(content: str | None) -> None:
    """Validate all content and report every problem (exit 1 on any)."""
    from .content.loader import load_content

    cfg = _config(content)
    loaded, problems = load_content(cfg["HELPCENTER_CONTENT_DIR"])
    for p in problems:
        click.echo(str(p), err=False)
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo(f"OK: {len(loaded.faqs)} FAQ entries, {len(loaded.categories)} categories, "
               f"{len(loaded.wizards)} wizards, {len(loaded.synonyms)} synonym groups.")


@main.command()
@content_option
@click.option("--procs", default=1, show_default=True, help="Writer processes.")
def index(content: str | None, procs: int) -> None:
    """Check the content and publish a new index (the live one stays on failure)."""
    from .publishing import ContentInvalid, publish

    cfg = _config(content)
    try:
        result = publish(cfg["HELPCENTER_CONTENT_DIR"], cfg["HELPCENTER_INSTANCE_DIR"], procs=procs)
    except ContentInvalid as exc:
        for p in exc.problems:
            click.echo(str(p))
        click.echo(f"{len(exc.problems)} problem(s) found; the index being served is unchanged.", err=True)
        sys.exit(1)
    click.echo(f"Published {result.faqs} FAQ entries to {result.path}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn worker processes.")
@click.option("--dev", is_flag=True, help="Flask's development server with reloading instead of gunicorn.")
def serve(host: str, port: int, workers: int, dev: bool) -> None:
    """Migrate the database, build the index if missing or stale, then serve."""
    from . import create_app
    from .publishing import ContentInvalid, prepare

    app = create_app()
    try:
        result = prepare(app.config)
    except ContentInvalid as exc:
        for p in exc.problems:
            click.echo(str(p))
        click.echo("The content has problems and there is no earlier index to serve.", err=True)
        sys.exit(1)
    click.echo(("Built" if result.rebuilt else "Using") + f" index {result.path}")
    if dev:
        app.run(host=host, port=port, debug=True)
        return
    from .gunicorn_app import run

    run(app, host, port, workers)


@main.group()
def db() -> None:
    """Database migrations and maintenance."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Run the migrations up to the newest revision."""
    from . import db as dbmod

    cfg = _config()
    engine = dbmod.make_engine(cfg["HELPCENTER_DATABASE_URL"])
    dbmod.upgrade(engine, cfg["HELPCENTER_INSTANCE_DIR"])
    click.echo(f"Database at revision {dbmod.current_revision(engine)}")


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


if __name__ == "__main__":  # pragma: no cover
    main()
