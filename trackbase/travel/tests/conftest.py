import pytest

from trackbase.travel import reference_data


@pytest.fixture(autouse=True)
def _frozen(frozen_clock):
    """Before the persona fixtures issue their tokens. Today is NOW (2031-03-14)."""
    return frozen_clock


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Every database test starts with the countries, Schengen membership and visa rules loaded."""
    names = request.fixturenames
    if request.node.get_closest_marker("django_db") or "db" in names or "transactional_db" in names:
        if "transactional_db" not in names:
            request.getfixturevalue("db")
        reference_data.load()
