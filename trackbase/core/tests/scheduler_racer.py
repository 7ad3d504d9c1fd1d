"""One scheduler process of the race in test_scheduler_concurrency: boots Django, signals it is ready, waits for
the go file, then runs one scheduler pass for the tick given on the command line and prints what it enqueued.

    python -m trackbase.core.tests.scheduler_racer <barrier dir> <index> <now as ISO 8601>
"""

import json
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path


def main() -> None:
    barrier, index, now = Path(sys.argv[1]), sys.argv[2], datetime.fromisoformat(sys.argv[3])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    from trackbase.core.scheduler import PeriodicJob, run_pending

    job = PeriodicJob(name="race", task="trackbase.core.tests.tasks.tick_probe", every=timedelta(hours=1))
    connection.ensure_connection()  # connect before the start line, so the race is the claim, not the handshake
    (barrier / f"ready-{index}").touch()
    deadline = time.monotonic() + 120
    while not (barrier / "go").exists():
        if time.monotonic() > deadline:
            sys.exit("no go signal")
        time.sleep(0.001)
    outcome = run_pending(jobs=[job], now=now)
    print(json.dumps({"enqueued": outcome.enqueued, "failed": outcome.failed}))


if __name__ == "__main__":
    main()
