"""Network faults for tests: a port nobody listens on, a server that never answers."""

import socket
import threading


def closed_port():
    """A local TCP port with nothing listening: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HangingServer:
    """Accepts TCP connections and never sends a byte: the worst a service can do.

    ``accepted`` counts the connections it took, so a test can tell whether a
    request reached it at all.
    """

    def __init__(self):
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(50)
        self.port = self._listener.getsockname()[1]
        self.accepted = 0
        self._held = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:  # closed
                return
            self.accepted += 1
            self._held.append(conn)

    def url(self, scheme="redis", path="/0"):
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def close(self):
        self._listener.close()
        for conn in self._held:
            conn.close()
