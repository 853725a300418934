"""The `helpcenter` command: check, index, serve, and the tools around them."""
from __future__ import annotations

import json
import subprocess
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


def _fail(problems, summary: str) -> None:
    """Print every content problem (stdout), the summary (stderr), exit 1."""
    for p in problems:
        click.echo(str(p))
    click.echo(summary, err=True)
    sys.exit(1)


def _writable(cfg: dict) -> None:
    """Exit 1 with one sentence when the instance folder cannot be written."""
    from .instance import NotWritable, check_writable

    try:
        check_writable(cfg["HELPCENTER_INSTANCE_DIR"], cfg["HELPCENTER_DATABASE_URL"])
    except NotWritable as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


def _cannot_write(cfg: dict, exc: OSError) -> None:
    """A file the check could not foresee (the secret key, a lock) turned out unwritable."""
    from .instance import sentence

    click.echo(sentence(cfg["HELPCENTER_INSTANCE_DIR"], exc), err=True)
    sys.exit(1)


content_option = click.option("--content", "content", type=click.Path(file_okay=False),
                              help="Content folder (default: HELPCENTER_CONTENT_DIR or ./content).")
fold_option = click.option("--fold", type=click.Choice(["A", "B"]),
                           help="Only fold A (the file's 1st, 3rd, 5th … query) or fold B (2nd, 4th …): "
                                "fit on one, report the other.")


@click.group(epilog=settings.help_table(), context_settings={"max_content_width": 100})
def main() -> None:
    """Helpcenter: self-service help center and FAQ chatbot."""
    try:
        settings.load()
    except settings.SettingsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)


@main.command()
@content_option
@click.option("--cues", "cues_file", type=click.Path(dir_okay=False),
              help="Also check a file printed by `helpcenter cues` against the content.")
def check(content: str | None, cues_file: str | None) -> None:
    """Validate all content and report every problem (exit 1 on any)."""
    from .content.loader import load_content

    cfg = _config(content)
    loaded, problems = load_content(cfg["HELPCENTER_CONTENT_DIR"])
    if cues_file:
        problems = problems + _check_cues(cues_file, loaded)
    if problems:
        _fail(problems, f"{len(problems)} problem(s) found.")
    from datetime import datetime

    from .content import schedule
    from .content.model import JST

    for w in schedule.warnings(loaded, datetime.now(JST)):
        click.echo(f"warning: {w}", err=True)
    click.echo(f"OK: {len(loaded.faqs)} FAQ entries, {len(loaded.categories)} categories, "
               f"{len(loaded.wizards)} wizards, {len(loaded.synonyms)} synonym groups.")


def _check_cues(path: str, loaded) -> list:
    from .content.model import Problem
    from .editorial import cues

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(path, "", f"cannot read file: {exc}")]
    numbers = set(loaded.faqs) if loaded else set()
    return cues.validate(text, path, numbers)


@main.command("cues")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3660),
              help="The last N days (Japan time).")
def cues_command(days: int) -> None:
    """Print content cues as YAML: zero-result and no-click searches and chat
    fallbacks, grouped by their words, each with a proposed alias, synonym group
    or new entry (check the file with `helpcenter check --cues FILE`)."""
    from .analytics import reports
    from .editorial import cues, stored
    from .search.store import IndexStore, NoIndex

    cfg = _config()
    engine = _reporting_engine(cfg)
    store = IndexStore(cfg["HELPCENTER_INSTANCE_DIR"])
    try:
        gen = store.current()
    except NoIndex:
        click.echo("No index: run `helpcenter index` first.", err=True)
        engine.dispose()
        sys.exit(1)
    try:
        period = reports.Period.ending_now(days)
        found = cues.cues(cues.collect(engine, period), stored.knowledge(gen))
        click.echo(cues.to_yaml(found, period, dict(gen.faq_titles)), nl=False)
    finally:
        store.close()
        engine.dispose()


@main.command()
@content_option
@click.option("--procs", type=int, default=None, help="Analysis processes (default: one per core, up to 4, for 400+ entries).")
def index(content: str | None, procs: int | None) -> None:
    """Check the content and publish a new index (the live one stays on failure)."""
    from .publishing import ContentInvalid, publish

    cfg = _config(content)
    _writable(cfg)
    try:
        result = publish(cfg["HELPCENTER_CONTENT_DIR"], cfg["HELPCENTER_INSTANCE_DIR"], procs=procs)
    except ContentInvalid as exc:
        _fail(exc.problems, f"{len(exc.problems)} problem(s) found; the index being served is unchanged.")
    except PermissionError as exc:
        _cannot_write(cfg, exc)
    click.echo(f"Published {result.faqs} FAQ entries to {result.path} "
               f"({result.analysed} analysed, {result.faqs - result.analysed} taken unchanged from the live index)")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn worker processes.")
@click.option("--threads", default=4, show_default=True, type=int, help="threads per worker (gthread).")
@click.option("--access-log", is_flag=True, help="Log every request to standard output.")
@click.option("--dev", is_flag=True, help="Flask's development server with reloading instead of gunicorn.")
def serve(host: str, port: int, workers: int, threads: int, access_log: bool, dev: bool) -> None:
    """Migrate the database, build the index if missing or stale, then serve."""
    from . import create_app
    from .publishing import ContentInvalid, prepare

    cfg = _config()
    _writable(cfg)
    try:
        app = create_app()
        result = prepare(app.config)
    except ContentInvalid as exc:
        _fail(exc.problems, "The content has problems and there is no earlier index to serve.")
    except PermissionError as exc:
        _cannot_write(cfg, exc)
    click.echo(("Built" if result.rebuilt else "Using") + f" index {result.path}")
    if dev:
        app.run(host=host, port=port, debug=True)
        return
    from .gunicorn_app import run

    run(app, host, port, workers, threads, access_log)


@main.command()
@content_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5001, show_default=True, type=int)
def preview(content: str | None, host: str, port: int) -> None:
    """Serve the working copy with drafts and a 「プレビュー」 banner, rebuilding on every change."""
    import signal
    import tempfile

    from .web import preview as preview_web

    cfg = _config(content)
    # Stopped by SIGTERM (a service manager, `kill`), Python would exit without
    # unwinding and leave the temporary instance (index, database) in /tmp.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with tempfile.TemporaryDirectory(prefix="helpcenter-preview-", ignore_cleanup_errors=True) as instance:
        app = preview_web.make_app(cfg["HELPCENTER_CONTENT_DIR"], instance)
        prev = preview_web.previewer_of(app)
        for p in prev.state.problems:
            click.echo(str(p), err=True)
        click.echo(f"Preview of {cfg['HELPCENTER_CONTENT_DIR']} ({prev.state.faqs} entries, {prev.state.drafts} "
                   f"drafts) at http://{host}:{port}/ — rebuilt when a file changes; Ctrl+C to stop.", err=True)
        prev.start()
        try:
            app.run(host=host, port=port, threaded=True, use_reloader=False)
        finally:
            prev.stop()
            app.extensions["helpcenter.index"].close()
            app.extensions["helpcenter.db"].dispose()


@main.group()
def vectors() -> None:
    """Word vectors for search (optional): the table inside PyPI's ja-ginza wheel."""


@vectors.command("fetch")
def vectors_fetch() -> None:
    """Download ja-ginza from PyPI (59 MB, no dependencies installed) and
    extract its word vectors (17 MB) into HELPCENTER_VECTORS_DIR; the next
    `index` or `serve` builds an index that uses them."""
    from .search import vectors as V

    target = V.default_dir()
    try:
        V.fetch(target)
    except (OSError, subprocess.CalledProcessError, ValueError, StopIteration) as exc:
        raise click.ClickException(f"could not fetch the word vectors into {target}: {exc}") from None
    click.echo(f"Word vectors in {target} ({V.PACKAGE}); run `helpcenter index` to use them.")


@vectors.command("info")
def vectors_info() -> None:
    """Say where the word vectors are looked for and whether they are there."""
    from .search import vectors as V

    target = V.default_dir()
    wv = V.WordVectors.load(target)
    if wv is None:
        click.echo(f"No word vectors in {target}: search is lexical (run `helpcenter vectors fetch`).")
    else:
        click.echo(f"{len(wv.keys):,} words → {wv.table.shape[0]:,} vectors of {wv.dim} in {target}")


@main.group()
def db() -> None:
    """Database migrations and maintenance."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Run the migrations up to the newest revision."""
    from . import db as dbmod

    cfg = _config()
    _writable(cfg)
    engine = dbmod.make_engine(cfg["HELPCENTER_DATABASE_URL"])
    dbmod.upgrade(engine, cfg["HELPCENTER_INSTANCE_DIR"])
    click.echo(f"Database at revision {dbmod.current_revision(engine)}")


@main.group()
def editors() -> None:
    """Editors' accounts for the dashboard /admin/ (name and password)."""


def _accounts_engine():
    from . import db as dbmod

    cfg = _config()
    engine = dbmod.make_engine(cfg["HELPCENTER_DATABASE_URL"])
    dbmod.upgrade(engine, cfg["HELPCENTER_INSTANCE_DIR"])
    return engine


def _new_password(ctx, param, value):  # noqa: ANN001
    from .accounts.editors import AccountError, check_password

    try:
        return check_password(value)
    except AccountError as exc:
        raise click.BadParameter(str(exc)) from None


_password_option = click.option("--password", prompt="パスワード", hide_input=True, confirmation_prompt="もう一度",
                                callback=_new_password,
                                help="The password (prompted for, hidden, when not given; at least 10 characters).")


@editors.command("add")
@click.argument("name")
@_password_option
def editors_add(name: str, password: str) -> None:
    """Create the account NAME (asks for its password; stored as a scrypt hash)."""
    from .accounts import editors as accounts

    engine = _accounts_engine()
    try:
        created = accounts.add(engine, name, password)
    except accounts.AccountError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(f"編集者 {created} を登録しました。/admin/login から名前とパスワードでログインできます。")


@editors.command("passwd")
@click.argument("name")
@_password_option
def editors_passwd(name: str, password: str) -> None:
    """Set a new password for NAME."""
    from .accounts import editors as accounts

    engine = _accounts_engine()
    try:
        changed = accounts.set_password(engine, name, password)
    finally:
        engine.dispose()
    if not changed:
        click.echo(f"編集者 {name} は登録されていません。", err=True)
        sys.exit(1)
    click.echo(f"編集者 {accounts.normalize_name(name)} のパスワードを変更しました。")


@editors.command("remove")
@click.argument("name")
def editors_remove(name: str) -> None:
    """Delete the account NAME (its open sessions end at once)."""
    from .accounts import editors as accounts

    engine = _accounts_engine()
    try:
        removed = accounts.remove(engine, name)
    finally:
        engine.dispose()
    if not removed:
        click.echo(f"編集者 {name} は登録されていません。", err=True)
        sys.exit(1)
    click.echo(f"編集者 {accounts.normalize_name(name)} を削除しました。")


@editors.command("list")
def editors_list() -> None:
    """The registered editors' names."""
    from .accounts import editors as accounts

    engine = _accounts_engine()
    try:
        for name in accounts.names(engine):
            click.echo(name)
    finally:
        engine.dispose()


def _older_than(ctx, param, value):  # noqa: ANN001
    from .analytics.retention import parse_age

    try:
        return parse_age(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@db.command("purge")
@click.option("--older-than", "older_than", callback=_older_than, metavar="Nd",
              default=lambda: f"{settings.load()['RETENTION_DAYS']}d", show_default="HELPCENTER_RETENTION_DAYS",
              help="Delete events from before the last N days (e.g. 180d).")
def db_purge(older_than: int) -> None:
    """Delete old events (views, searches, clicks, wizard steps, chat, feedback)."""
    from . import db as dbmod
    from .analytics import retention
    from datetime import datetime, timedelta

    from .content.model import JST

    cfg = _config()
    _writable(cfg)
    engine = dbmod.make_engine(cfg["HELPCENTER_DATABASE_URL"])
    dbmod.upgrade(engine, cfg["HELPCENTER_INSTANCE_DIR"])
    today = datetime.now(JST).date()
    deleted = retention.purge(engine, older_than, today)
    for table, n in deleted.items():
        click.echo(f"{table}: {n} row(s) deleted")
    click.echo(f"Kept events from {today - timedelta(days=older_than):%Y-%m-%d} on (Japan time).")


@main.command()
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3660),
              help="Report on the last N days (Japan time).")
@click.option("--rows", default=20, show_default=True, type=click.IntRange(1, 10000),
              help="Rows shown per table.")
def report(days: int, rows: int) -> None:
    """Print the editors' key reports: overview, searches, feedback, wizards, chat."""
    from .analytics import reports
    from .search.store import IndexStore, NoIndex

    cfg = _config()
    engine = _reporting_engine(cfg)
    store = IndexStore(cfg["HELPCENTER_INSTANCE_DIR"])
    try:
        gen = store.current()
        labels = reports.Labels.from_generation(gen)
    except NoIndex:
        gen, labels = None, reports.Labels()  # numbers without titles until `helpcenter index` has run
    period = reports.Period.ending_now(days)
    names = ("overview", "queries", "zero_results", "no_clicks", "least_helpful", "wizard_summary",
             "chat_replies", "chat_fallbacks", "contact")
    try:
        for i, name in enumerate(names):
            if i:
                click.echo()
            click.echo(reports.to_text(reports.build(name, engine, period, labels), max_rows=rows))
        if gen is not None:
            click.echo()
            click.echo(_review_summary(gen, cfg["HELPCENTER_REVIEW_DAYS"]))
    finally:
        store.close()
        engine.dispose()


def _reporting_engine(cfg: dict):
    """The database to report on (read-only where the instance folder cannot be
    written: a report never needs to write); exits 1 when there is none."""
    from . import db as dbmod
    from .instance import is_writable

    url = cfg["HELPCENTER_DATABASE_URL"]
    click.echo(f"Database: {_shown_url(url)}", err=True)
    writable = is_writable(cfg["HELPCENTER_INSTANCE_DIR"], url)
    engine = dbmod.make_engine(url, read_only=not writable) if dbmod.exists(url) else None
    if engine is None or dbmod.current_revision(engine) is None:
        if engine is not None:
            engine.dispose()
        click.echo("No help center database there (nothing has been recorded yet): run this command in the "
                   "folder where `helpcenter serve` runs, or set HELPCENTER_INSTANCE_DIR or "
                   "HELPCENTER_DATABASE_URL.", err=True)
        sys.exit(1)
    if dbmod.current_revision(engine) != dbmod.head_revision():
        if not writable:
            engine.dispose()
            click.echo("The database needs `helpcenter db upgrade` (by a user who may write the instance folder "
                       f"{cfg['HELPCENTER_INSTANCE_DIR']}) before it can be reported on.", err=True)
            sys.exit(1)
        dbmod.upgrade(engine, cfg["HELPCENTER_INSTANCE_DIR"])
    return engine


def _shown_url(url: str) -> str:
    """The database URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as the setting's name only
        return "HELPCENTER_DATABASE_URL (not a valid URL)"


def _review_summary(gen, days: int) -> str:
    from datetime import datetime, timezone

    from .editorial import review, stored

    due = review.due(stored.entries(gen), datetime.now(timezone.utc), days)
    return (f"■ 確認が必要なFAQ: {len(due)}件（{days}日以上、確認も更新もされていないもの。"
            "一覧は管理画面の「確認が必要なFAQ」）")


@main.command("wizard-map")
@click.argument("wizard_id")
@content_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the SVG to this file (default: standard output).")
def wizard_map(wizard_id: str, content: str | None, output: str | None) -> None:
    """Draw wizard WIZARD_ID as an SVG diagram (the same as /wizard/ID/map); needs Graphviz."""
    from .content.loader import load_content
    from .wizard import diagram

    cfg = _config(content)
    loaded, problems = load_content(cfg["HELPCENTER_CONTENT_DIR"])
    if loaded is None:
        for p in problems:
            click.echo(str(p), err=True)
        click.echo(f"{len(problems)} problem(s) found; fix them first (helpcenter check).", err=True)
        sys.exit(1)
    wizard = loaded.wizards.get(wizard_id)
    if wizard is None:
        known = ", ".join(loaded.wizards) or "(none)"
        click.echo(f"No wizard {wizard_id!r}. Wizards: {known}", err=True)
        sys.exit(2)
    try:
        svg = diagram.wizard_svg(wizard)
    except diagram.DiagramUnavailable as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    if output:
        Path(output).write_bytes(svg)
        click.echo(f"Wrote {output}", err=True)
    else:
        click.get_binary_stream("stdout").write(svg)


def _ranking(raw: str | None):
    """Ranking parameters, defaults overridden by a JSON object (for tuning)."""
    from .search.ranking import DEFAULT

    if not raw:
        return DEFAULT
    try:
        return DEFAULT.with_(**json.loads(raw))
    except (ValueError, TypeError) as exc:
        raise click.BadParameter(f"not ranking parameters: {exc}", param_hint="--ranking") from None


ranking_option = click.option("--ranking", "ranking_json", hidden=True,
                              help="JSON object overriding ranking parameters (tuning).")


@main.command("search")
@click.argument("query")
@content_option
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option("--limit", default=10, show_default=True, help="Results to print.")
@ranking_option
def search_command(query: str, content: str | None, as_json: bool, limit: int, ranking_json: str | None) -> None:
    """Search the index and print the top results (builds a temporary index
    when the published one is missing or not from this content)."""
    from .search import service
    from .search.workbench import ContentProblems, open_generation

    cfg = _config(content)
    ranking = _ranking(ranking_json)
    try:
        with open_generation(cfg["HELPCENTER_CONTENT_DIR"], None if content else cfg["HELPCENTER_INSTANCE_DIR"]) as gen:
            result = service.search(gen, query, per_page=max(1, limit), ranking=ranking)
            parsed, ranked, suggestion = result.parsed, result, result.suggestion
            rows = [{"number": h.number, "score": round(h.score, 3), "title": h.title} for h in result.hits]
    except ContentProblems as exc:
        _fail(exc.problems, f"{len(exc.problems)} problem(s) found.")
    if as_json:
        click.echo(_dump({"query": query, "normalized": parsed.normalized, "total": ranked.total,
                          "suggestion": suggestion, "results": rows}))
        return
    click.echo(f"{ranked.total} result(s) for {parsed.normalized!r}"
               + (f"  (もしかして: {suggestion})" if suggestion else ""))
    for i, r in enumerate(rows, 1):
        click.echo(f"{i:3d}. [{r['number']}] {r['score']:8.3f}  {r['title']}")


@main.command("eval")
@click.argument("queries", type=click.Path(exists=True, dir_okay=False))
@content_option
@fold_option
@click.option("--json", "as_json", is_flag=True,
              help="Print only {recall@1, recall@3, recall@10, mrr@10, ndcg@10} as JSON.")
@ranking_option
def eval_command(queries: str, content: str | None, fold: str | None, as_json: bool, ranking_json: str | None) -> None:
    """Measure search quality on judged queries (JSON lines:
    {"query": "...", "relevant": {"3816": 2, "3818": 1}, "kind": "..."}).

    \b
    recall@k  fraction of queries with a grade-2 entry in the top k
    mrr@10    mean of 1/rank of the first grade-2 entry (0 if not in the top 10)
    ndcg@10   gain 2^grade-1, discount log2(rank+1), ideal = judged grades sorted
    """
    from .search import evaluation, service
    from .search.workbench import ContentProblems, open_generation

    cfg = _config(content)
    ranking = _ranking(ranking_json)
    try:
        judged = evaluation.fold(evaluation.load_queries(queries), fold)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="QUERIES") from None
    try:
        with open_generation(cfg["HELPCENTER_CONTENT_DIR"], None if content else cfg["HELPCENTER_INSTANCE_DIR"],
                             lenient=True) as gen:
            _warn_left_out(gen)
            numbers = {}
            engine = gen.engine

            def rank(q: str) -> list[int]:
                out = [n for n, _ in engine.rank(engine.parse(service.clean(q)), ranking=ranking, limit=10)]
                numbers[q] = out
                return out

            report = evaluation.evaluate(judged, rank)
    except ContentProblems as exc:
        _fail(exc.problems, f"{len(exc.problems)} problem(s) found.")
    if as_json:
        click.echo(json.dumps({k: round(v, 4) for k, v in report.overall.items()}))
        return
    _print_report(queries, judged, report, numbers)


def _warn_left_out(gen) -> None:
    """Evaluating another collection: say (on stderr) which entries were left out."""
    warnings = getattr(gen, "warnings", None)
    if warnings:
        for p in warnings[:20]:
            click.echo(f"warning: {p}", err=True)
        click.echo(f"warning: {len(warnings)} content problem(s); evaluating the entries that could be read.", err=True)


def _print_report(name, judged, report, numbers) -> None:
    from .search.evaluation import METRICS

    judged_n = [j for j in judged if j.relevant]
    click.echo(f"{name}: {len(judged)} queries")
    click.echo(f"{'':12s} {'n':>4s} " + " ".join(f"{m:>9s}" for m in METRICS))
    if judged_n:
        click.echo(f"{'all':12s} {len(judged):4d} " + " ".join(f"{report.overall[m]:9.3f}" for m in METRICS))
        if len(report.by_kind) > 1:
            for kind, figures in report.by_kind.items():
                click.echo(f"{kind[:12]:12s} {report.counts[kind]:4d} " + " ".join(f"{figures[m]:9.3f}" for m in METRICS))
    unjudged = [j for j in judged if not j.relevant]
    if unjudged:
        answered = sum(1 for j in unjudged if numbers.get(j.query))
        click.echo(f"{len(unjudged)} queries without relevant entries (off-topic): "
                   f"{answered} got results, {len(unjudged) - answered} got none")
    missed = [(j, r) for j, r in report.missed if j.relevant]
    if missed:
        click.echo("\nMissed (no grade-2 entry in the top 10):")
        for j, ranked in missed:
            want = ",".join(str(n) for n, g in j.relevant.items() if g == j.target_grade)
            click.echo(f"  {j.query}  want {want}  got {','.join(map(str, ranked[:5])) or '-'}")
    if report.wrong_first:
        click.echo("\nWrong first (a grade-2 entry in the top 10, but not first):")
        for j, ranked in report.wrong_first:
            want = [n for n, g in j.relevant.items() if g == j.target_grade]
            pos = min(ranked.index(n) + 1 for n in want if n in ranked)
            click.echo(f"  {j.query}  want {','.join(map(str, want))} (rank {pos})  got {','.join(map(str, ranked[:5]))}")


@main.command("chat-eval")
@click.argument("queries", type=click.Path(exists=True, dir_okay=False))
@click.option("--off-topic", "off_topic", type=click.Path(exists=True, dir_okay=False),
              help="JSON lines of messages the bot should not answer ({\"query\": ...}).")
@content_option
@fold_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@ranking_option
def chat_eval_command(queries: str, off_topic: str | None, content: str | None, fold: str | None,
                      as_json: bool, ranking_json: str | None) -> None:
    """Measure the chatbot's first reply on judged queries (same format as `eval`).

    \b
    offered          share of queries whose first reply links a grade-2 entry
    answer accuracy  share of 'answer' replies that answer with a grade-2 entry
    types            the mix of reply types
    off-topic        share of off-topic messages answered with the fallback
    """
    from .chat import evaluation as chat_evaluation
    from .chat.retrieval import IndexKnowledge
    from .search import evaluation
    from .search.workbench import ContentProblems, open_generation

    cfg = _config(content)
    ranking = _ranking(ranking_json)
    try:
        judged = evaluation.fold(evaluation.load_queries(queries), fold)
        negatives = chat_evaluation.load_messages(off_topic) if off_topic else []
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    try:
        with open_generation(cfg["HELPCENTER_CONTENT_DIR"], None if content else cfg["HELPCENTER_INSTANCE_DIR"],
                             lenient=True) as gen:
            _warn_left_out(gen)
            report = chat_evaluation.evaluate(IndexKnowledge(gen, ranking), judged, negatives)
    except ContentProblems as exc:
        _fail(exc.problems, f"{len(exc.problems)} problem(s) found.")
    figures = report.figures()
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False))
        return
    click.echo(f"{queries}: {figures['queries']} queries")
    click.echo(f"  grade-2 FAQ offered in the first reply: {report.offered}/{report.queries} "
               f"({figures['offered_rate']:.1%})")
    click.echo(f"  answer replies with a grade-2 FAQ:      {report.answer_correct}/{report.answers} "
               f"({figures['answer_accuracy']:.1%})")
    click.echo("  reply types: " + ", ".join(f"{t} {n} ({figures['type_rates'][t]:.1%})"
                                            for t, n in figures["types"].items()))
    if off_topic:
        click.echo(f"{off_topic}: {report.off_topic} messages")
        click.echo(f"  fallback: {report.off_topic_fallback}/{report.off_topic} "
                   f"({figures['off_topic_fallback_rate']:.1%})")
        for message, kind, faqs in report.leaked:
            click.echo(f"  not a fallback: {message}  → {kind} {','.join(map(str, faqs))}")
    if report.missed:
        click.echo("\nNo grade-2 entry offered:")
        for query, kind, offered, wanted in report.missed:
            click.echo(f"  {query}  want {','.join(map(str, wanted))}  got {kind} {','.join(map(str, offered)) or '-'}")


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


if __name__ == "__main__":  # pragma: no cover
    main()
