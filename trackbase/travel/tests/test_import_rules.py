"""The import's pure parts: formats, airports, local dates across time zones, layovers."""

from datetime import date, timedelta

import pytest

from trackbase.travel.imports import airports, formats, journeys


def flight(row: dict, kind=formats.GENERIC, number=2):
    parsed = formats.parse_row(kind, number, row)
    return journeys.to_flight(parsed) if isinstance(parsed, formats.RawFlight) else parsed


def test_iata_and_icao_codes_give_the_country_and_zone():
    assert airports.lookup("fra") == airports.lookup("EDDF")
    assert (airports.lookup("NRT").country, airports.lookup("NRT").tz) == ("JP", "Asia/Tokyo")
    assert airports.lookup("ZZZ") is None
    assert airports.lookup("not a code") is None


def test_an_unknown_airport_is_a_row_error_never_a_guess():
    error = flight({"date": "2031-01-01", "from": "QQQ", "to": "FRA"})
    assert isinstance(error, formats.RowError) and "QQQ" in error.message


def test_a_flight_landing_before_it_took_off_by_the_clock_lands_the_next_day():
    landed = flight(
        {"date": "2031-01-01", "from": "JFK", "to": "FRA", "departure_time": "18:00", "arrival_time": "07:30"}
    )
    assert landed.arrival_date == date(2031, 1, 2)


def test_the_duration_is_read_in_the_arrival_airports_zone():
    # Tokyo 2031-01-01 17:00 (08:00 UTC) + 10 h 30 = 18:30 UTC = 10:30 in Los Angeles, the same day.
    row = {
        "date": "2031-01-01",
        "flight number": "JL 62",
        "from": "Tokyo / Narita (NRT/RJAA)",
        "to": "Los Angeles (LAX/KLAX)",
        "dep time": "17:00:00",
        "arr time": "10:30:00",
        "duration": "10:30:00",
    }
    landed = flight(row, kind=formats.FLIGHTRADAR24)
    assert (landed.arrival_date, landed.flight_number) == (date(2031, 1, 1), "JL62")
    assert landed.landed_at - landed.departed_at == timedelta(hours=10, minutes=30)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"date": "01/02/2031", "from": "JFK", "to": "FRA"}, "Bad date"),
        ({"date": "2031-01-01", "from": "", "to": "FRA"}, "Missing departure"),
        ({"date": "2031-01-01", "from": "JFK", "to": "FRA", "departure_time": "25:00"}, "Bad time"),
        ({"date": "2031-01-02", "from": "JFK", "to": "FRA", "arrival_date": "2031-01-01"}, "before"),
    ],
)
def test_malformed_rows_say_what_is_wrong(row, message):
    error = flight(row)
    assert isinstance(error, formats.RowError) and message in error.message


def test_a_connection_within_the_layover_window_is_transit_and_a_later_one_is_not():
    def leg(day, origin, destination, dep, arr):
        return flight({"date": day, "from": origin, "to": destination, "departure_time": dep, "arrival_time": arr})

    inbound = leg("2031-01-01", "JFK", "FRA", "18:00", "07:30")  # lands 2 January
    onward = leg("2031-01-03", "FRA", "LHR", "06:00", "06:45")  # 22.5 h later
    late = leg("2031-01-10", "LHR", "CDG", "08:00", "10:15")
    marked = journeys.mark_layovers([late, onward, inbound])
    assert [(f.destination.iata, f.transit) for f in marked] == [("FRA", True), ("LHR", False), ("CDG", False)]
    assert not journeys.mark_layovers([inbound, onward], layover=timedelta(hours=12))[0].transit


def test_the_formats_are_told_apart_by_their_header():
    assert formats.detect(["Date", "From", "To"]) == formats.GENERIC
    assert formats.detect(["Date", "Flight number", "From", "To", "Dep time", "Arr time"]) == formats.FLIGHTRADAR24
    with pytest.raises(formats.NotCsv):
        formats.detect(["name", "age"])
    assert formats.decode("Zürich".encode("latin-1")) == "Zürich"
    assert formats.decode("\ufeffdate".encode()) == "date"


def test_the_duplicate_key_is_the_hash_of_the_same_text_as_in_earlier_releases():
    # Stored keys of earlier imports must keep matching: the text hashed never changes.
    import hashlib

    timed = flight(
        {"date": "2031-01-10", "from": "JFK", "to": "FRA", "departure_time": "18:05", "flight_number": "lh 401"}
    )
    untimed = flight({"date": "2031-01-10", "from": "JFK", "to": "FRA"})
    for found, text in ((timed, "2031-01-10|KJFK|EDDF|18:05|LH401"), (untimed, "2031-01-10|KJFK|EDDF||")):
        assert found.import_key == hashlib.sha256(text.encode()).hexdigest()[:40]
