"""ASGI entry points.

`application`: Socket.IO at /socket.io/ with Django behind it on the same port (`make run`).
`socketio_application`: Socket.IO alone, for production's ASGI workers (REST runs in WSGI workers).
"""

import os

import socketio
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from trackbase.core.bodies import BodyLimitASGI

# Chunked bodies read (and capped) before Django, which would see them as empty (trackbase/core/bodies.py).
django_application = BodyLimitASGI(get_asgi_application())

from trackbase.realtime.server import sio  # noqa: E402  (needs the app registry ready)

application = socketio.ASGIApp(sio, other_asgi_app=django_application)
socketio_application = socketio.ASGIApp(sio)
