import orjson
from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from trackbase.core.errors import RequestTooLarge


class ORJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        # DRF streams the body past Django's DATA_UPLOAD_MAX_MEMORY_SIZE check, so the limit is applied here.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge()
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
