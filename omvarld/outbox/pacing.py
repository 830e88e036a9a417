"""Per-domain pacing of outgoing mail, per process."""

import collections
import threading
import time


class DomainPacer:
    """At most ``per_minute`` mails to one recipient domain in any sliding minute (per process)."""

    def __init__(self, per_minute: int, clock=time.monotonic, sleep=time.sleep):
        self.per_minute = max(1, per_minute)
        self.clock, self.sleep = clock, sleep
        self.sent: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self.lock = threading.Lock()

    def wait(self, domain: str) -> None:
        with self.lock:
            self._wait(domain)

    def _wait(self, domain: str) -> None:
        stamps = self.sent[domain]
        now = self.clock()
        while stamps and now - stamps[0] >= 60:
            stamps.popleft()
        if len(stamps) >= self.per_minute:
            self.sleep(60 - (now - stamps[0]))
            stamps.popleft()
            now = self.clock()
        stamps.append(now)
