import orjson
from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from trackbase.core import jsondocs
from trackbase.core.errors import RequestTooLarge

MAX_JSON_DEPTH = jsondocs.MAX_REQUEST_DEPTH
TOO_DEEP = f"JSON parse error - the body nests deeper than {MAX_JSON_DEPTH} levels."


class ORJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        # DRF streams the body past Django's DATA_UPLOAD_MAX_MEMORY_SIZE check, so the limit is applied here.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge()
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        # orjson parses 1,024 levels but writes only 254: what gets in must be writable again (jsondocs).
        if jsondocs.depth(data) > MAX_JSON_DEPTH:
            raise ParseError(TOO_DEEP)
        return data
