import orjson
import pytest
from rest_framework.exceptions import ParseError

from trackbase.core import jsondocs
from trackbase.core.parsers import MAX_JSON_DEPTH, ORJSONParser
from trackbase.core.renderers import dumps


def nested(depth: int) -> list:
    document: list = []
    for _ in range(depth - 1):
        document = [document]
    return document


def test_the_parser_limit_is_below_what_the_encoder_can_write():
    # orjson's encoder refuses 255 levels; anything the parser lets in must render again.
    assert jsondocs.depth(nested(MAX_JSON_DEPTH)) == MAX_JSON_DEPTH
    dumps(nested(MAX_JSON_DEPTH))
    with pytest.raises(orjson.JSONEncodeError):
        dumps(nested(300))


def test_the_parser_takes_a_body_at_its_limit_and_refuses_one_deeper():
    class Stream:
        def __init__(self, raw):
            self.raw = raw

        def read(self, size=-1):
            return self.raw

    assert ORJSONParser().parse(Stream(orjson.dumps(nested(MAX_JSON_DEPTH)))) == nested(MAX_JSON_DEPTH)
    with pytest.raises(ParseError):
        ORJSONParser().parse(Stream(orjson.dumps(nested(MAX_JSON_DEPTH + 1))))


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, 0), ("x", 0), ({}, 1), ([], 1), ({"a": [1, {"b": {}}]}, 4), ([[[]], []], 3)],
)
def test_it_measures_depth(value, expected):
    assert jsondocs.depth(value) == expected


def test_it_says_whether_a_stored_document_can_be_shown():
    assert jsondocs.within_limits({"a": "b"}, max_depth=2, max_bytes=100)
    assert not jsondocs.within_limits({"a": {"b": {}}}, max_depth=2, max_bytes=100)
    assert not jsondocs.within_limits({"a": "b" * 200}, max_depth=2, max_bytes=100)
    assert not jsondocs.within_limits(nested(300), max_depth=500, max_bytes=10**9)
