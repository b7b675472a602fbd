"""A PushSender's asyncio event loop, in a thread of its own, and its pooled aiohttp sessions."""

import asyncio
import threading

import aiohttp


class LoopThread:
    """A sender's event loop in a thread of its own (started on first use) and its sessions."""

    def __init__(self):
        self.sessions: dict[str, tuple[aiohttp.ClientSession, str | None]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def run(self, coroutine):
        """Run a coroutine on the loop and wait for its result."""
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._loop.run_forever, name="push-loop", daemon=True)
                self._thread.start()
            loop = self._loop
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result()

    def close(self) -> None:
        with self._lock:
            loop, thread, self._loop, self._thread = self._loop, self._thread, None, None
        if loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._close_sessions(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()

    async def _close_sessions(self) -> None:
        sessions, self.sessions = list(self.sessions.values()), {}
        for session, _ in sessions:
            await session.close()
