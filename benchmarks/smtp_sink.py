"""The benchmark's SMTP server: answers every command at once (250, or 354 to DATA), offers PIPELINING, and keeps
only each message's Message-ID, so that the benchmark can check that every mail arrived once.

Not aiosmtpd: aiosmtpd spends about 2.6 ms of CPU per mail (its command machinery, plus the parse of every message by
the tests' recording handler), as much as the worker under test, on the same two cores. This server is what the issue
asks for, "a local server that answers 250 at once", and costs a few hundredths of a millisecond per mail.
"""

import asyncio
import re
import threading

from tests.smtp_server import free_port

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
END_OF_DATA = b"\r\n.\r\n"
GREETING = b"220 sink ESMTP\r\n"
EHLO_REPLY = b"250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 52428800\r\n"


class _Session(asyncio.Protocol):
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink
        self.buffer = b""
        self.in_data = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(GREETING)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        replies = []
        closing = False
        while True:
            if self.in_data:
                # The body follows the 354; it ends with a line holding a single dot (CRLF "." CRLF).
                if self.buffer.startswith(b".\r\n"):
                    end = 0
                elif (found := self.buffer.find(END_OF_DATA)) >= 0:
                    end = found + 2
                else:
                    break
                self.sink.received(self.buffer[:end])
                self.buffer = self.buffer[end + 3 :]
                self.in_data = False
                replies.append(b"250 OK\r\n")
                continue
            line_end = self.buffer.find(b"\r\n")
            if line_end < 0:
                break
            verb = self.buffer[:4].upper()
            self.buffer = self.buffer[line_end + 2 :]
            if verb in (b"EHLO", b"HELO"):
                replies.append(EHLO_REPLY)
            elif verb == b"DATA":
                replies.append(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                self.in_data = True
            elif verb == b"QUIT":
                replies.append(b"221 Bye\r\n")
                closing = True
                break
            else:  # MAIL, RCPT, RSET, NOOP
                replies.append(b"250 OK\r\n")
        if replies and self.transport is not None:
            self.transport.write(b"".join(replies))
        if closing and self.transport is not None:
            self.transport.close()


class SmtpSink:
    """Run in a thread of its own: `with SmtpSink() as smtp:` … `smtp.port`, `smtp.count`, `smtp.message_ids`."""

    def __init__(self):
        self.port = free_port()
        self.message_ids: list[bytes] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None

    def received(self, message: bytes) -> None:
        found = MESSAGE_ID.search(message)
        self.message_ids.append(found.group(1) if found else b"")  # list.append is atomic under the GIL

    @property
    def count(self) -> int:
        return len(self.message_ids)

    def __enter__(self) -> "SmtpSink":
        self._thread.start()
        start = self._loop.create_server(lambda: _Session(self), "127.0.0.1", self.port)
        self._server = asyncio.run_coroutine_threadsafe(start, self._loop).result()
        return self

    def __exit__(self, *exc_info) -> None:
        if self._server is not None:
            self._server.close()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
