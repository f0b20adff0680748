"""A TCP forwarder on 127.0.0.1 that adds a network's latency in front of a local server (the benchmark's moto).

Every byte is delivered `one_way_seconds` after it arrived, in each direction, so a request and its answer cost one
round trip of 2 x one_way_seconds more than on the loopback, however many bytes they carry: a delay line, not a
pause per read, so a large body streams at the loopback's speed once its first byte has crossed. Connections are
independent (a thread per direction reads, another delivers on time), so concurrent requests wait concurrently, as
they do on a real network. Connecting to the forwarder itself costs no delay.
"""
import contextlib
import queue
import socket
import threading
import time

READ_SIZE = 64 * 1024
LISTEN_BACKLOG = 64


class LatencyProxy:
    """Forward 127.0.0.1:<port> to target_port, delaying each direction by one_way_seconds."""

    def __init__(self, target_port, one_way_seconds):
        self.target_port = target_port
        self.delay = one_way_seconds
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=LISTEN_BACKLOG)
        self.port = self.listener.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.stopped = threading.Event()
        self.accepter = threading.Thread(target=self._accept, name="latency-accept", daemon=True)
        self.accepter.start()

    def _accept(self):
        while not self.stopped.is_set():
            try:
                client, _address = self.listener.accept()
            except OSError:  # the listener was closed: stop
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            for source, target in ((client, upstream), (upstream, client)):
                _DelayLine(source, target, self.delay).start()

    def stop(self):
        """Stop accepting. Closing a listening socket does not wake a thread blocked in accept() on Linux; shutting
        it down does."""
        self.stopped.set()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.accepter.join(timeout=5)


class _DelayLine:
    """One direction of one connection: bytes read from `source` are written to `target` `delay` seconds later;
    the end of the stream travels the same way (then `target` is shut down for writing)."""

    END = b""

    def __init__(self, source, target, delay):
        self.source = source
        self.target = target
        self.delay = delay
        self.pending = queue.SimpleQueue()

    def start(self):
        threading.Thread(target=self._read, name="latency-read", daemon=True).start()
        threading.Thread(target=self._deliver, name="latency-deliver", daemon=True).start()

    def _read(self):
        while True:
            try:
                data = self.source.recv(READ_SIZE)
            except OSError:
                data = self.END
            self.pending.put((time.monotonic() + self.delay, data))
            if not data:
                return

    def _deliver(self):
        while True:
            due, data = self.pending.get()
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if not data:
                break
            try:
                self.target.sendall(data)
            except OSError:
                break
        try:
            self.target.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        self._close_when_both_ends_done()

    def _close_when_both_ends_done(self):
        """Each socket serves two lines (one reads it, one writes it); it is closed by the second line to end."""
        for sock in (self.source, self.target):
            with _CLOSE_LOCK:
                count = _ENDED.get(sock, 0) + 1
                if count < 2:
                    _ENDED[sock] = count
                    continue
                _ENDED.pop(sock, None)
            sock.close()


_CLOSE_LOCK = threading.Lock()
_ENDED = {}
