from datetime import date

from trackbase.travel import services

SEGMENTS = "/api/travel-segments/"


def segment(user, dep: str, arr: str, on: date | str, arrive: date | str | None = None, **fields):
    on = date.fromisoformat(on) if isinstance(on, str) else on
    arrive = date.fromisoformat(arrive) if isinstance(arrive, str) else (arrive or on)
    return services.segment_create(
        user=user, departure_country=dep, arrival_country=arr, departure_date=on, arrival_date=arrive, **fields
    )


def body(dep="US", arr="DE", on="2031-01-10", arrive=None, **fields) -> dict:
    return {
        "departure_country": dep,
        "arrival_country": arr,
        "departure_date": on,
        "arrival_date": arrive or on,
    } | fields
