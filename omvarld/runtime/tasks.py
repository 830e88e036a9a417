"""Background jobs of the runtime app."""

from django.db.models import F, Value
from django.db.models.functions import Concat
from django.tasks import task

from omvarld.runtime.models import Job


@task()
def probe_task(job_id: int) -> int:
    """Mark one run of a probe job: each run appends one character, so a count of them shows a
    task run twice or never (``benchmarks/workers_bench.py`` queues thousands of these)."""
    return Job.objects.filter(pk=job_id).update(message=Concat(F("message"), Value("x")))
