"""GET /api/countries/: every ISO 3166-1 country, one plain array, with an ETag (clients load it once)."""

import hashlib

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from trackbase.core.renderers import dumps
from trackbase.core.schema import problems
from trackbase.travel import selectors
from trackbase.travel.api.serializers import CountryOutput


def etag_of(body) -> str:
    return '"' + hashlib.sha256(dumps(body)).hexdigest()[:32] + '"'


def if_none_match(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    return header.strip() == "*" or etag in {tag.strip().removeprefix("W/") for tag in header.split(",")}


class CountryListApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["travel"],
        responses={200: CountryOutput(many=True), 304: None, **problems(429)},
        summary="Every country, with its Schengen membership today (UTC); ETag/If-None-Match",
    )
    def get(self, request):
        today = timezone.now().date()
        membership = selectors.schengen_membership()
        rows = [
            {"name": c.name, "iso_code": c.iso_code, "is_schengen": membership.is_member(c.iso_code, today)}
            for c in selectors.country_list()
        ]
        body = CountryOutput(rows, many=True).data
        etag = etag_of(body)
        if if_none_match(request, etag):
            return Response(status=304, headers={"ETag": etag})
        return Response(body, headers={"ETag": etag, "Cache-Control": "public, max-age=3600"})
