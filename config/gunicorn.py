"""gunicorn's settings, read by docker-compose.yml's web service and by the load benchmark
(``gunicorn -c config/gunicorn.py config.wsgi``; options given on the command line win).

Workers. Sync workers serve one request at a time, and the portal's requests are mostly Python
(its database answers in a few milliseconds), so one worker per core plus one: a request need not
wait behind a slow one (a login hashing its password, a page recomputing after a write), and the
workers do not take the cores from each other. gunicorn's general rule, two per core plus one, was
worse on the 2-core benchmark machine: five workers hashing passwords (Argon2 runs its own threads)
and rendering at once made both the logins and the pages slower (benchmarks/load, README).
WEB_CONCURRENCY sets another number (gunicorn reads it itself when no config sets ``workers``, so
this file reads it too).

Garbage collection. Python's full collection walks every object a process holds. In a worker
that is mostly Django, the apps and their compiled templates, which live as long as the process:
about 200,000 objects, 80–90 ms a walk on this machine, once every forty-odd requests, which
was most of the slow tail under load. Each worker therefore moves what it holds into the
collector's permanent generation (``gc.freeze``, meant for pre-fork servers) twice: once the
application and every view module are imported, and once more after its first
``FREEZE_AFTER_REQUESTS`` requests, when the templates and lookup caches the pages use have been
built. Garbage is collected first each time, so nothing collectable is frozen; a full collection
then walks only what requests created since.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() + 1)
timeout = 120
accesslog = "-"

FREEZE_AFTER_REQUESTS = 200


def _freeze() -> None:
    gc.collect()
    gc.freeze()


def post_worker_init(worker) -> None:
    """The application is loaded in this worker: import every view module, then freeze."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module it names
    _freeze()
    worker.requests_served = 0


def post_request(worker, req, environ, resp) -> None:
    """After the response is written: freeze once more when the worker's pages are warm."""
    worker.requests_served = getattr(worker, "requests_served", 0) + 1
    if worker.requests_served == FREEZE_AFTER_REQUESTS:
        _freeze()
