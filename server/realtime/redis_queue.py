"""Socket.IO's Redis message queue (scaled mode), resilient to Redis going away.

python-socketio's RedisManager listens on the channel in a thread that, when Redis is gone,
retries after 1, 2, 4 … up to 60 s: after a 30 s outage this process could stay deaf to every
other process's emits for up to half a minute more, and whatever was published before it
subscribed again is lost (pub/sub keeps nothing). Here the listener retries every
LISTEN_RETRY_SECONDS, and once subscribed again it pokes every client connected to this process
(`sync:poke`, emitted locally): they pull, so a change or an alert whose poke was lost meanwhile
reaches them all the same (PROTOCOL.md §8: a poke only says "pull now"). Publishing while Redis is
gone is logged and dropped by python-socketio (two tries), never raised into a request."""

import time

import socketio

from server.core.pokes import SYNC

LISTEN_RETRY_SECONDS = 1.0


class ResilientRedisManager(socketio.RedisManager):
    def _redis_listen_with_retries(self):  # pragma: no cover  (runs in the listener thread)
        subscribed, lost = False, False
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    self.pubsub.subscribe(self.channel)
                    subscribed = True
                    if lost:
                        self._get_logger().warning("Redis is back: listening again; every client here pulls")
                        self.emit(SYNC, {"buckets": []}, namespace="/", ignore_queue=True)
                        lost = False
                yield from self.pubsub.listen()
            except Exception as exc:  # noqa: BLE001  any failure of Redis: listen again soon
                self._get_logger().error(
                    f"Cannot receive from redis... retrying in {LISTEN_RETRY_SECONDS} secs",
                    extra={"redis_exception": str(exc)},
                )
                subscribed, lost = False, True
                time.sleep(LISTEN_RETRY_SECONDS)
