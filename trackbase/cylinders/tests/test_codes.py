"""QR payloads, serial numbers and place keys: pure rules, no database."""

import pytest

from trackbase.cylinders import codes


def test_a_qr_payload_is_the_prefix_and_26_crockford_characters():
    payload = codes.new_qr_payload()
    assert payload.startswith("CYL1-") and len(payload) == 5 + 26
    assert codes.is_qr_payload(payload)
    assert set(payload[5:]) <= set(codes.CROCKFORD)


def test_qr_payloads_do_not_repeat():
    assert len({codes.new_qr_payload() for _ in range(10_000)}) == 10_000


def test_qr_payloads_are_upper_case_so_no_collation_can_merge_two():
    payload = codes.new_qr_payload()
    assert payload == payload.upper()


@pytest.mark.parametrize("value", ["", "CYL1-", "cyl1-" + "A" * 26, "CYL1-" + "I" * 26, "CYL1-" + "A" * 27, "X" * 31])
def test_it_rejects_what_is_not_a_payload(value):
    assert not codes.is_qr_payload(value)


def test_a_scanned_code_is_stripped_and_upper_cased():
    payload = codes.new_qr_payload()
    assert codes.qr_key(f"  {payload.lower()}\n") == payload


def test_a_generated_serial_number_is_readable():
    serial = codes.new_serial_number()
    assert serial.startswith("CYL-") and len(serial) == 12
    assert codes.serial_key(" cyl-001 ") == "CYL-001"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (" ACME  Gas Ltd. ", "acme gas ltd"),
        ("Acme Gas, Ltd", "ACME GAS LTD"),
        ("Station\tNorth", "station north"),
    ],
)
def test_places_typed_differently_group_together(a, b):
    assert codes.place_key(a) == codes.place_key(b)


def test_different_places_stay_apart():
    assert codes.place_key("Acme North") != codes.place_key("Acme South")
