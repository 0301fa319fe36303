"""One publish, seen by every running server (issue #10, item 4).

deploy/compose.yaml runs several dashboard processes on one published folder and a staff
server that publishes into it. Here the servers are plain processes reading through
`mirador.queries` (as the pages do), kept running across the publish: each must show the
new load on its next query, without a restart.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from devtools.browser import REPO_ROOT

# A stand-in for one dashboard server: answers each line on stdin with the newest load id.
SERVER = """
import sys
from mirador import queries
for _ in sys.stdin:
    print(int(queries.load_log().get_column("load_id").max()), flush=True)
"""


class Reader:
    def __init__(self, db: Path):
        self.process = subprocess.Popen([sys.executable, "-c", SERVER], cwd=REPO_ROOT, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        env={**os.environ, "MIRADOR_DB": str(db)})

    def newest_load(self) -> int:
        self.process.stdin.write("?\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def test_a_publish_reaches_every_running_reader(bundled_db, tmp_path):
    published = tmp_path / "published" / "mirador.duckdb"
    published.parent.mkdir()
    shutil.copy(bundled_db, published)
    readers = [Reader(published) for _ in range(3)]
    try:
        before = {reader.newest_load() for reader in readers}
        assert len(before) == 1
        subprocess.run([sys.executable, "-m", "etl", "--db", str(published), "--quiet"],
                       cwd=REPO_ROOT, check=True, timeout=300)
        after = [reader.newest_load() for reader in readers]
        assert after == [before.pop() + 1] * len(readers)
        assert all(reader.process.poll() is None for reader in readers)  # the same processes
    finally:
        for reader in readers:
            reader.stop()
