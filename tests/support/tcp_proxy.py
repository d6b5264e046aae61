"""A tiny TCP proxy in threads (127.0.0.1, a free port) that a test can cut and restore.

It stands between the app and a real server (PostgreSQL) so that a test can make the server
unreachable — refused new connections, broken open ones — or hung (`hang()`: connections are
accepted and kept open but nothing is forwarded either way, as a stopped server or a black-holing
middlebox would do) without ever stopping the server.
"""
import contextlib
import socket
import threading


class TcpProxy:
    """proxy = TcpProxy(target_host, target_port); proxy.port; proxy.cut(); proxy.restore(); proxy.close()."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = 0
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener = None
        self.hung = False
        self.restore()

    def hang(self) -> None:
        """Keep accepting and keep open connections open, but forward nothing, either way."""
        self.hung = True

    def restore(self) -> None:
        """Forward again; listen again (on the same port once it is known) after a cut."""
        self.hung = False
        if self._listener is not None:
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Refuse new connections and break every open one, as a dead server or network would."""
        listener, self._listener = self._listener, None
        if listener is not None:
            _close(listener)
        with self._lock:
            open_sockets, self._sockets = list(self._sockets), set()
        for sock in open_sockets:
            _close(sock)

    def close(self) -> None:
        self.cut()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # the listener was closed: cut
                return
            if self.hung:  # accept, never forward (nor answer)
                with self._lock:
                    self._sockets.add(client)
                threading.Thread(target=self._pump, args=(client, None), daemon=True).start()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    _close(client)
                    _close(upstream)
                    continue
                self._sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source, sink) -> None:
        try:
            while data := source.recv(65536):
                if sink is not None and not self.hung:
                    sink.sendall(data)
        except OSError:
            pass
        finally:
            _close(source)
            if sink is not None:
                _close(sink)
            with self._lock:
                self._sockets.discard(source)
                self._sockets.discard(sink)


def _close(sock) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
