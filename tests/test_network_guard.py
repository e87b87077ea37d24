import socket

import pytest

from tests.conftest import NetworkBlocked


def test_tcp_connections_fail_inside_the_suite():
    with pytest.raises(NetworkBlocked), socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.connect(("127.0.0.1", 9))


def test_name_lookups_fail_inside_the_suite():
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("example.org", 443)
