"""qmark never opens a network connection: every outbound attempt fails the test."""

import socket

import pytest

from qmark.cli import main, sample_path


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network call attempted: {args!r}")

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert not attempts, attempts


def test_assess_and_outputs_make_no_network_calls(no_network, tmp_path):
    code = main(
        [
            "assess",
            str(sample_path()),
            "--with",
            str(sample_path("child_m_terms_of_reference.md")),
            "--json",
            str(tmp_path / "a.json"),
            "--html",
            str(tmp_path / "a.html"),
        ]
    )
    assert code == 0


def test_the_guard_itself_works(no_network):
    with pytest.raises(AssertionError):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
    no_network.clear()
