"""Background jobs of the news desk (Django's tasks API)."""

from django.contrib.auth import get_user_model
from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from omvarld.newsdesk import tips
from omvarld.runtime import jobs


@task()
def check_tip_task(job_id: int) -> str:
    """Fetch a tip's page and put it in the inbox; the job records the outcome for its sender."""
    job = jobs.load(job_id)
    if job is None:
        return "done already"
    user = get_user_model().objects.filter(pk=job.user_id).first()
    with override(job.params.get("language") or None):
        try:
            if user is None:
                raise tips.TipRefused(_("Sign in to send a tip."))
            tips.submit_tip(user=user, url=job.params["url"], note=job.params.get("note", ""))
        except tips.TipRefused as refused:
            jobs.finish(job, ok=False, message=refused.message, url=reverse("newsdesk:tip-new"))
            return "refused"
        jobs.finish(job, ok=True, message=_("Thank you! Your tip is in the editors' inbox."), url=job.params.get("next") or reverse("newsdesk:stream"))
    return "done"
