"""The run command's pieces that can be checked without starting it (the black-box tests start it for real)."""

import socket
import types

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from trackbase.core.management.commands import load_reference_data
from trackbase.core.management.commands.serve import labels_routed_to


def test_it_refuses_a_port_that_is_taken():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"Cannot listen on 127.0.0.1:{port}"):
            call_command("serve", host="127.0.0.1", port=port)


def test_it_refuses_a_port_out_of_range():
    with pytest.raises(CommandError, match="out of range"):
        call_command("serve", port=70000)


def test_the_analytics_store_migrates_only_the_apps_routed_to_it():
    assert labels_routed_to("analytics") == ["analytics"]


@pytest.mark.django_db
def test_it_loads_every_apps_reference_data_and_can_run_again(monkeypatch, capsys):
    calls = []
    modules = [(label, types.SimpleNamespace(load=lambda label=label: calls.append(label))) for label in ("a", "b")]
    monkeypatch.setattr(load_reference_data, "reference_data_modules", lambda: modules)

    call_command("load_reference_data")
    call_command("load_reference_data")

    assert calls == ["a", "b", "a", "b"]
    assert "Reference data loaded: a, b." in capsys.readouterr().out


@pytest.mark.django_db
def test_it_says_so_when_no_app_ships_reference_data(monkeypatch, capsys):
    monkeypatch.setattr(load_reference_data, "reference_data_modules", lambda: [])
    call_command("load_reference_data")
    assert "Reference data loaded: none." in capsys.readouterr().out
