"""Daily digests for 10,000 confirmed subscribers after a day of updates, sent to a local SMTP sink.

Builds a throwaway SQLite database (or uses DATABASE_URL), seeds 200 entities, 12 themes, 80
items changed during the day and 10,000 subscribers with one to three subscriptions each (entity,
theme, main category or everything), then times one `send-digests --rhythm daily` pass: planning
plus building and sending every mail over four SMTP connections to a minimal sink in its own
process.
Last line: JSON with digest_total_s, mails_per_s, peak_rss_mb.
"""

import datetime as dt
import json
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", 10_000))
ITEMS = 80


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SinkProtocol:
    """A minimal SMTP server that accepts and discards mail, reading DATA in bulk.

    aiosmtpd parses line by line and would cost the machine more CPU than the sender measured.
    """

    def __init__(self):
        import asyncio

        self.proto = type("P", (asyncio.Protocol,), {
            "connection_made": lambda p, t: (setattr(p, "t", t), setattr(p, "buf", b""), setattr(p, "data", False), t.write(b"220 sink ESMTP\r\n")),
            "data_received": SinkProtocol.received,
        })

    @staticmethod
    def received(p, chunk: bytes) -> None:
        p.buf += chunk
        while True:
            if p.data:
                end = p.buf.find(b"\r\n.\r\n")
                if end < 0:
                    return
                p.buf, p.data = p.buf[end + 5 :], False
                p.t.write(b"250 OK queued\r\n")
                continue
            line, sep, rest = p.buf.partition(b"\r\n")
            if not sep:
                return
            p.buf = rest
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                p.t.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                p.data = True
                p.buf = b"\r\n" + p.buf  # so a message with no body still ends at CRLF.CRLF
                p.t.write(b"354 go ahead\r\n")
            elif verb == b"QUIT":
                p.t.write(b"221 bye\r\n")
                p.t.close()
                return
            else:
                p.t.write(b"250 OK\r\n")


def run_sink(port: int) -> None:
    import asyncio

    async def serve():
        server = await asyncio.get_running_loop().create_server(SinkProtocol().proto, "127.0.0.1", port)
        await server.serve_forever()

    asyncio.run(serve())


def start_sink(port: int) -> subprocess.Popen:
    sink = subprocess.Popen([sys.executable, __file__, "--sink", str(port)])
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return sink
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the SMTP sink did not start")


def seed(rng: random.Random) -> None:
    from django.utils import timezone

    from omvarld.core.models import Entity, Item, MainCategory, Placement, Theme
    from omvarld.subscriptions.models import Subscriber, Subscription

    now = timezone.now()
    cats = MainCategory.objects.bulk_create([MainCategory(slug=f"cat-{i}", name_sv=f"Kategori {i}", name_en=f"Category {i}", order=i) for i in range(5)])
    themes = Theme.objects.bulk_create([Theme(slug=f"theme-{i}", label_sv=f"Tema {i}", label_en=f"Theme {i}") for i in range(12)])
    entities = Entity.objects.bulk_create([
        Entity(slug=f"entity-{i}", name_sv=f"Stad {i}", name_en=f"City {i}", main_category=cats[i % 5]) for i in range(200)
    ])
    day_ago = now - dt.timedelta(hours=20)
    items = Item.objects.bulk_create([
        Item(
            title=f"Rapport {i}: klimatneutrala städer och energi", type=rng.choice(["report", "link", "news_notice", "event"]),
            url=f"https://example.org/{i}", source_name="Källa", summary="En sammanfattning av posten. " * 4,
            status="published", published_at=day_ago + dt.timedelta(minutes=12 * i),
            created_at=day_ago - dt.timedelta(days=rng.choice([0, 0, 10])), updated_at=day_ago + dt.timedelta(minutes=12 * i),
        )
        for i in range(ITEMS)
    ])
    Placement.objects.bulk_create([Placement(item=it, entity=e) for it in items for e in rng.sample(entities, 2)])
    Item.themes.through.objects.bulk_create([Item.themes.through(item_id=it.pk, theme_id=t.pk) for it in items for t in rng.sample(themes, 2)])
    confirmed = now - dt.timedelta(days=3)
    subscribers = Subscriber.objects.bulk_create([
        Subscriber(email=f"reader{i}@domain{i % 500}.example", language=rng.choice(["sv", "en"]), status="confirmed", confirmed_at=confirmed, consent_at=confirmed)
        for i in range(SUBSCRIBERS)
    ], batch_size=2000)
    subs = []
    for s in subscribers:
        chosen = set()
        for _ in range(rng.randint(1, 3)):
            kind = rng.choices(["entity", "theme", "category", "everything"], weights=[5, 3, 2, 1])[0]
            obj = {"entity": rng.choice(entities), "theme": rng.choice(themes), "category": rng.choice(cats), "everything": None}[kind]
            key = f"{kind}:{obj.pk}" if obj else kind
            if key in chosen:
                continue
            chosen.add(key)
            subs.append(Subscription(subscriber=s, kind=kind, target_key=key, rhythm="daily", confirmed_at=confirmed,
                                     next_digest_at=now - dt.timedelta(minutes=1), **({kind: obj} if obj else {})))
    Subscription.objects.bulk_create(subs, batch_size=2000)


def main() -> None:
    tmp = tempfile.TemporaryDirectory()
    port = free_port()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}")
    os.environ.setdefault("SUBSCRIPTIONS_SEND_THREADS", "4")
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "omvarld.settings", "OMVARLD_DATA_DIR": tmp.name, "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port), "SITE_URL": "https://omvarld.example", "LOG_LEVEL": "WARNING",
    })
    import django

    django.setup()
    from django.core.management import call_command

    from omvarld.subscriptions import actions
    from omvarld.subscriptions.models import Delivery

    sink = start_sink(port)
    try:
        call_command("migrate", "--no-input", verbosity=0)
        t0 = time.perf_counter()
        seed(random.Random(42))
        print(f"seeded {SUBSCRIBERS} subscribers, {ITEMS} items in {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        planned = actions.plan_digests(rhythm="daily")
        t_plan = time.perf_counter() - t0
        report = actions.send_pending()
        total = time.perf_counter() - t0
    finally:
        sink.terminate()
        sink.wait()
    sent = Delivery.objects.filter(status="sent").count()
    assert sent == report.sent == planned, (sent, report, planned)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"planned {planned} digests in {t_plan:.1f} s; built and sent {report.sent} mails (failed {report.failed}, skipped {report.skipped})")
    print(f"total {total:.1f} s, {report.sent / total:.0f} mails/s, peak RSS {peak:.0f} MB")
    print(json.dumps({"digest_total_s": round(total, 2), "plan_s": round(t_plan, 2), "mails": report.sent, "mails_per_s": round(report.sent / total, 1), "peak_rss_mb": round(peak, 1)}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--sink"]:
        run_sink(int(sys.argv[2]))
    else:
        main()
