"""`make run`: migrate both databases, load reference data, start the task worker, serve HTTP and Socket.IO."""

import signal
import socket
import sys
import threading

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.migrations.loader import MigrationLoader
from django.utils.module_loading import import_string

from config.env import env_int, env_str
from trackbase.core.management.task_worker import TaskWorkerThread

DATABASES_TO_MIGRATE = ("default", "analytics")
# Seconds uvicorn waits for open connections (long polls, websockets) before closing them on shutdown.
GRACEFUL_SHUTDOWN_SECONDS = 5
WORKER_STOP_SECONDS = 10.0
RQ_WORKER_HINT = "manage.py rqworker --job-class django_tasks_rq.backend.Job --with-scheduler default"


class Command(BaseCommand):
    help = "Migrate, load reference data, start the task worker and serve HTTP and Socket.IO on one port."

    def add_arguments(self, parser):
        parser.add_argument("--host", help="Interface to bind (default: $HOST or 127.0.0.1).")
        parser.add_argument("--port", type=int, help="Port to bind, 0 for any free one (default: $PORT or 8000).")
        parser.add_argument("--no-migrate", action="store_true", help="Skip migrations and reference data.")
        parser.add_argument("--no-worker", action="store_true", help="Do not start the in-process task worker.")

    def handle(self, *args, **options):
        host = options["host"] or env_str("HOST", "127.0.0.1")
        port = options["port"] if options["port"] is not None else env_int("PORT", 8000)
        # Bind before anything slow, so a taken port fails in a second with a message that says so.
        sock = _bind(host, port)
        self.verbosity = options["verbosity"]
        try:
            if not options["no_migrate"]:
                self._prepare_databases()
        except KeyboardInterrupt:
            self.stderr.write("Interrupted.")
            sys.exit(130)
        # Connections opened here belong to the main thread; request handling opens its own.
        connections.close_all()
        app = asgi_application()
        worker = None if options["no_worker"] else self._start_worker()
        self._serve(sock, app, worker)
        self.stdout.write("Stopped.")

    def _prepare_databases(self) -> None:
        quiet = max(self.verbosity - 1, 0)
        for alias in DATABASES_TO_MIGRATE:
            self.stdout.write(f"Migrating the {alias} database...", ending="")
            self.stdout.flush()
            if alias == DEFAULT_DB_ALIAS:
                call_command("migrate", database=alias, interactive=False, verbosity=quiet)
            else:
                # Only the apps routed to this store. A full `migrate --database` would also replay every other
                # app's migrations as no-ops, and django-tasks-db's 0019 introspects its table without asking
                # the router: on MySQL/MariaDB that fails because the table does not exist there.
                for label in labels_routed_to(alias):
                    call_command("migrate", label, database=alias, interactive=False, verbosity=quiet)
            self.stdout.write(" done")
        call_command("load_reference_data", verbosity=self.verbosity)

    def _start_worker(self) -> TaskWorkerThread | None:
        backend = settings.TASK_BACKEND
        if backend == "rq":
            self.stdout.write(f"Tasks go to RQ: run workers separately ({RQ_WORKER_HINT}).")
            return None
        if backend != "database":
            self.stdout.write(f"Tasks run in the request ({backend} backend); no worker needed.")
            return None
        worker = TaskWorkerThread()
        worker.start()
        self.stdout.write("Task worker started.")
        return worker

    def _serve(self, sock: socket.socket, app, worker: TaskWorkerThread | None) -> None:
        config = uvicorn.Config(
            app=app,
            lifespan="off",
            workers=1,
            access_log=False,  # the request log (analytics) records every request; no second log line
            log_config=None,  # keep Django's JSON logging for uvicorn's own messages
            log_level="warning",
            server_header=False,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        )
        server = uvicorn.Server(config)
        stopping, forced = False, threading.Event()

        def on_signal(signum, frame):
            # uvicorn handles signals while it runs; this covers the moments before and after, and a second
            # signal while the worker is finishing its task stops waiting for it.
            server.should_exit = True
            if stopping:
                forced.set()

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        self._print_banner(sock)
        try:
            if not server.should_exit:
                server.run(sockets=[sock])
            self.stdout.write("Shutting down...")
        finally:
            stopping = True
            sock.close()
            if worker is not None and not worker.stop(timeout=WORKER_STOP_SECONDS, abort=forced):
                self.stderr.write("Stopped without waiting for the task worker's running task.")
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _print_banner(self, sock: socket.socket) -> None:
        host, port = sock.getsockname()[:2]
        if sock.family == socket.AF_INET6:
            host = f"[{host}]"
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"Serving {url}  (API docs: {url}api/docs/)"))
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        self.stdout.write("Press Ctrl-C to stop.")
        self.stdout.flush()


def asgi_application():
    """The one ASGI entry point (settings.ASGI_APPLICATION): Socket.IO with Django behind it, one port."""
    return import_string(settings.ASGI_APPLICATION)


def labels_routed_to(alias: str) -> list[str]:
    """Labels of the apps with migrations that the database routers allow on `alias`."""
    migrated = MigrationLoader(None, ignore_no_migrations=True).migrated_apps
    return sorted(label for label in migrated if router.allow_migrate(alias, label))


def _bind(host: str, port: int) -> socket.socket:
    if not 0 <= port <= 65535:
        raise CommandError(f"Port {port} is out of range (0-65535).")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise CommandError(f"Cannot resolve host {host!r}: {exc}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise CommandError(f"Cannot listen on {host}:{port} ({exc.strerror}); set PORT or --port.") from None
    return sock
