"""Bare-framework ceilings: what DRF itself costs on this stack, with nothing of ours in the view.

Every real endpoint is reported as a ratio to one of these, measured in the same run, so the number
says how much our code adds on top of the framework rather than how fast the machine happened to be.
"""

from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

BARE_BODY = {"ok": True}


class BareView(APIView):
    """DRF with no authentication, permission or throttle work: the anonymous ceiling."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    def get(self, request):
        return Response(BARE_BODY)


class BareAuthView(APIView):
    """The default JWT authentication + IsAuthenticated and nothing else: the authenticated ceiling."""

    permission_classes = [IsAuthenticated]
    throttle_classes = []

    def get(self, request):
        return Response(BARE_BODY)
