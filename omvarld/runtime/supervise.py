"""Keep a child process running: restart it when it dies, with a growing pause, and say so.

``omvarld serve --with-worker`` watches its background worker with this (#18): after ``kill -9``
the worker is back within seconds, and the log tells when and why it was restarted.
"""

from __future__ import annotations

import logging
import subprocess
import time

log = logging.getLogger("omvarld.supervise")


class Supervised:
    """One child command. Call ``check()`` now and then; it restarts the child when it is due."""

    def __init__(self, name: str, argv: list[str], *, min_delay: float = 1.0, max_delay: float = 60.0,
                 stable_after: float = 60.0, clock=time.monotonic, spawn=subprocess.Popen):
        self.name, self.argv = name, argv
        self.min_delay, self.max_delay, self.stable_after = min_delay, max_delay, stable_after
        self.clock, self.spawn = clock, spawn
        self.process = None
        self.started_at = 0.0
        self.delay = 0.0
        self.restart_at: float | None = None
        self.restarts = 0

    def start(self) -> None:
        self.process = self.spawn(self.argv)
        self.started_at = self.clock()
        self.restart_at = None

    def check(self) -> None:
        """Notice a death and plan the restart; restart when its pause is over."""
        now = self.clock()
        if self.process is not None and self.restart_at is None:
            code = self.process.poll()
            if code is None:
                if now - self.started_at >= self.stable_after:
                    self.delay = 0.0  # it ran long enough: the next failure restarts at once-ish
                return
            ran = now - self.started_at
            self.delay = self.min_delay if ran >= self.stable_after or not self.delay else min(self.delay * 2, self.max_delay)
            self.restart_at = now + self.delay
            log.error("%s (pid %s) exited with code %s after %.0f s; restarting in %.0f s",
                      self.name, self.process.pid, code, ran, self.delay)
        if self.restart_at is not None and now >= self.restart_at:
            self.restarts += 1
            self.start()
            log.warning("%s restarted (pid %s, restart %d)", self.name, self.process.pid, self.restarts)

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
