"""The "plain DRF" reference for the fixed cost per request: trackbase's settings with Django's project-template
middleware, Django's default logging and DRF's own renderer, exception handler, throttles and SimpleJWT
authentication (PyJWT, a user query per request). Same URLconf, views and database, so what differs is what
trackbase adds (or saves):

    DJANGO_SETTINGS_MODULE=bench.plain_drf_settings .venv/bin/python -m bench.instructions \
        --scenarios bare-auth,unauth-401
"""

from config.settings import *  # noqa: F403
from config.settings import REST_FRAMEWORK, SIMPLE_JWT

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
LOGGING = {"version": 1, "disable_existing_loggers": False}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "rest_framework.views.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
}
SIMPLE_JWT = {key: value for key, value in SIMPLE_JWT.items() if key != "AUTH_TOKEN_CLASSES"}  # PyJWT's decode
