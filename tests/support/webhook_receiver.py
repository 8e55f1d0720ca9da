"""A webhook receiver for the tests: a real HTTP server on loopback that answers each
POST with the next of its scripted statuses (the last one for good) and keeps what it
got, headers and body as sent."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    answers: list[int]
    got: list[Received] = field(default_factory=list)
    url: str = ""


@contextmanager
def receiving(*answers: int) -> Iterator[Receiver]:
    kept = Receiver(list(answers) or [204])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # the name http.server calls
            body = self.rfile.read(int(self.headers["content-length"]))
            kept.got.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
            status = kept.answers.pop(0) if len(kept.answers) > 1 else kept.answers[0]
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    kept.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield kept
    finally:
        server.shutdown()
        server.server_close()
