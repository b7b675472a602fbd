"""A bad network on 127.0.0.1: a TCP proxy that delays, drops and cuts (this kernel has no netem).

    with LossyProxy(upstream_port, delay_s=0.3, drop_rate=0.05) as proxy:
        ...  # clients connect to proxy.port
        proxy.outage(5)  # every open connection cut, new ones refused (reset) for 5 s

- delay: each chunk read in either direction is written onward `delay_s` later (order kept), so a
  request and its answer each pay it: a round trip costs 2 × delay_s plus the server's time;
- drop: each request (a chunk from the client) is, with probability `drop_rate`, followed by a cut
  of its connection (closed abruptly, RST) after a random number of bytes of the answer — the
  request may have reached the server whole and been applied while its answer is lost, which is
  the case the outbox's retries must survive (per request, not per connection: browsers keep
  connections alive);
- outage: for its length every open connection is cut and new ones are accepted and closed at
  once; the figures (connections, dropped, refused) are kept in `stats`.
Seeded (`seed`): the same drops in the same order for the same traffic."""

import asyncio
import random
import socket
import threading
import time


class LossyProxy:
    def __init__(self, upstream_port: int, delay_s: float = 0.3, drop_rate: float = 0.0, seed: int = 18):
        self.upstream_port, self.delay_s, self.drop_rate = upstream_port, delay_s, drop_rate
        self.rng = random.Random(seed)
        self.down_until = 0.0
        self.stats = {"connections": 0, "dropped": 0, "refused": 0, "cut_by_outage": 0}
        self._writers: set = set()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lossy-proxy", daemon=True)
        self.port = 0

    # --- control, from any thread ---------------------------------------------------------------

    def __enter__(self):
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the lossy proxy did not start")
        return self

    def __exit__(self, *exc):
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def outage(self, seconds: float) -> None:
        """Cut every open connection now and refuse new ones for `seconds`."""
        self.down_until = time.monotonic() + seconds
        self._loop.call_soon_threadsafe(self._cut_all)

    def set(self, delay_s: float | None = None, drop_rate: float | None = None) -> None:
        if delay_s is not None:
            self.delay_s = delay_s
        if drop_rate is not None:
            self.drop_rate = drop_rate

    @property
    def down(self) -> bool:
        return time.monotonic() < self.down_until

    # --- the loop ----------------------------------------------------------------------------

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._accept, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()
            self._cut_all()
            pending = asyncio.all_tasks(self._loop)
            for task in pending:
                task.cancel()
            self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.close()

    def _cut_all(self) -> None:
        for writer in list(self._writers):
            self.stats["cut_by_outage"] += 1
            _abort(writer)

    async def _accept(self, reader, writer) -> None:
        self.stats["connections"] += 1
        if self.down:
            self.stats["refused"] += 1
            _abort(writer)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            _abort(writer)
            return
        cut = {"after": None}  # bytes of the answer still let through before the cut
        self._writers.update((writer, up_writer))
        try:
            await asyncio.gather(self._pipe(reader, up_writer, cut, up=True), self._pipe(up_reader, writer, cut))
        except (ConnectionError, OSError, asyncio.CancelledError):
            pass
        finally:
            for w in (writer, up_writer):
                self._writers.discard(w)
                _abort(w)

    async def _pipe(self, reader, writer, cut: dict, up: bool = False) -> None:
        """Each chunk is written `delay_s` after it arrived (a latency, not a throttle: chunks in
        flight overlap), until EOF, a drop or an outage."""
        queue: asyncio.Queue = asyncio.Queue()

        async def read() -> None:
            while True:
                chunk = await reader.read(65536)
                await queue.put((time.monotonic() + self.delay_s, chunk))
                if not chunk:
                    return

        reading = asyncio.ensure_future(read())
        try:
            while True:
                due, chunk = await queue.get()
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                if self.down:
                    raise ConnectionError("outage")
                if not chunk:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                if up and cut["after"] is None and self.rng.random() < self.drop_rate:
                    cut["after"] = self.rng.randrange(0, 4096)
                if not up and cut["after"] is not None:
                    if len(chunk) >= cut["after"]:
                        writer.write(chunk[: cut["after"]])
                        self.stats["dropped"] += 1
                        raise ConnectionError("dropped")
                    cut["after"] -= len(chunk)
                writer.write(chunk)
                await writer.drain()
        finally:
            reading.cancel()


def _abort(writer) -> None:
    try:
        sock = writer.get_extra_info("socket")
        if sock is not None:  # RST, not FIN: the client sees a broken connection, as on a real cut
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        writer.transport.abort()
    except (OSError, RuntimeError):
        pass
