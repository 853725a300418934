"""What survives a crash (kill -9): every write the app acknowledged (its
transaction committed) is in the database afterwards, on SQLite and on
PostgreSQL; a publish killed halfway leaves the live index whole and serving."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import func, select
from support import CONTENT

from helpcenter import db, manifest
from helpcenter.publishing import publish
from helpcenter.search import indexer
from helpcenter.search.store import IndexStore

WRITER = """
import sys
from datetime import date
from helpcenter import db
from helpcenter.analytics import events
engine = db.make_engine(sys.argv[1])
n = 0
while True:
    events.record_feedback(engine, visitor=f"v{n}", target_type="faq", target="3816", helpful=True,
                           reason=None, comment=None)
    print(n, flush=True)  # acknowledged: the transaction has committed
    n += 1
"""


def test_acknowledged_writes_survive_kill_9(db_engine, db_url):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, db_url], stdout=subprocess.PIPE, text=True)
    acknowledged = []
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline or len(acknowledged) < 20:
        acknowledged.append(int(proc.stdout.readline()))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with db_engine.connect() as conn:
        stored = set(conn.execute(select(db.feedback.c.visitor)).scalars())
    assert {f"v{n}" for n in acknowledged} <= stored
    assert len(acknowledged) >= 20


def test_a_publish_killed_halfway_leaves_the_live_index_serving(tmp_path, small_content):
    inst = tmp_path / "inst"
    live = publish(str(small_content), str(inst)).path
    for delay in (0.3, 0.8, 1.5):
        proc = subprocess.Popen([sys.executable, "-m", "helpcenter.cli", "index", "--content", str(CONTENT)],
                                env=dict(os.environ, HELPCENTER_INSTANCE_DIR=str(inst)),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        current = indexer.current_generation(inst)
        assert current in (live, *inst.joinpath("index").glob("gen-*"))
        assert manifest.verify(current) == []  # whole: either the old generation or a complete new one
        store = IndexStore(inst, 0)
        try:
            assert store.current().faq_titles
        finally:
            store.close()
        live = current
