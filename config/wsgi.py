import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from trackbase.core.bodies import BodyLimitWSGI

# Chunked bodies read (and capped) before Django, which would see them as empty (trackbase/core/bodies.py).
application = BodyLimitWSGI(get_wsgi_application())
