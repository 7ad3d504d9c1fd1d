from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy

from trackbase.core.renderers import dumps


def test_it_writes_decimals_as_exact_strings():
    assert dumps({"fare": Decimal("12.50")}) == b'{"fare":"12.50"}'


def test_it_writes_lazy_text_and_iterables():
    assert (
        dumps({"title": gettext_lazy("Not Found"), "ids": (n for n in (1, 2))}) == b'{"title":"Not Found","ids":[1,2]}'
    )


def test_it_refuses_an_object_it_cannot_represent():
    with pytest.raises(TypeError):
        dumps({"user": object()})
