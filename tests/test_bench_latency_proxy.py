"""The benchmark's latency proxy: bytes arrive intact, one round trip later, and connections wait side by side."""
import socket
import socketserver
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.latency_proxy import LatencyProxy

ONE_WAY = 0.05


class _Echo(socketserver.BaseRequestHandler):
    """Answers every line with the same line, until the client stops sending."""

    def handle(self):
        with self.request.makefile("rb") as lines:
            for line in lines:
                self.request.sendall(line)


@pytest.fixture
def echo_port():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(echo_port):
    latency = LatencyProxy(echo_port, ONE_WAY)
    yield latency
    latency.stop()


def exchange(port, payload):
    """Seconds for one line to go through the proxy and come back, and what came back."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        start = time.monotonic()
        connection.sendall(payload + b"\n")
        received = b""
        while not received.endswith(b"\n"):
            chunk = connection.recv(65536)
            assert chunk, "the proxy closed the connection early"
            received += chunk
        return time.monotonic() - start, received[:-1]


def test_a_round_trip_costs_twice_the_one_way_delay_and_keeps_the_bytes(proxy):
    payload = bytes(range(1, 256)).replace(b"\n", b"") * 4000  # about 1 MB, many reads on the way
    seconds, echoed = exchange(proxy.port, payload)
    assert echoed == payload
    assert 2 * ONE_WAY <= seconds < 2 * ONE_WAY + 1.0  # a delay line: the megabyte costs no pause per read


def test_concurrent_connections_wait_side_by_side(proxy):
    with ThreadPoolExecutor(max_workers=8) as pool:
        start = time.monotonic()
        results = list(pool.map(lambda number: exchange(proxy.port, b"line %d" % number), range(8)))
        elapsed = time.monotonic() - start
    assert [echoed for _seconds, echoed in results] == [b"line %d" % number for number in range(8)]
    assert elapsed < 4 * 2 * ONE_WAY  # eight round trips one after another would take 8 x 0.1 s


def test_the_end_of_a_stream_crosses_too(proxy):
    with socket.create_connection(("127.0.0.1", proxy.port)) as connection:
        connection.sendall(b"last\n")
        connection.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := connection.recv(1024):
            received += chunk
    assert received == b"last\n"  # the echo server saw the end, answered, and its close came back
