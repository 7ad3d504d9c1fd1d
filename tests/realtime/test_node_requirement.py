"""`make test` on a machine without Node: the Node client tests are skipped with the reason, except on CI."""

import shutil

import pytest

from tests.realtime import clients


@pytest.fixture
def no_node(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)


def test_it_skips_the_node_client_tests_when_node_is_absent(no_node):
    with pytest.raises(pytest.skip.Exception, match=r"Node client tests skipped: .*install Node\.js"):
        clients.node_client_ready(required=False)


def test_it_fails_without_node_when_the_tests_are_required(no_node):
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        clients.node_client_ready(required=True)


def test_it_fails_when_installing_the_client_fails(monkeypatch):
    def install_fails():
        raise clients.NodeInstallFailed("`npm ci` failed")

    monkeypatch.setattr(clients, "ensure_node_client", install_fails)
    with pytest.raises(pytest.fail.Exception, match="npm ci"):
        clients.node_client_ready(required=False)
