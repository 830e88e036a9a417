"""The page of a queued check, and the health endpoint for load balancers."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from omvarld.runtime import heartbeat, jobs


@require_safe
@never_cache
def switch_language(request, code):
    """The language switcher on every page is a plain link, not a form, so a page without forms
    sets no cookie for an anonymous reader; this sets only the language cookie, when clicked."""
    from django.http import HttpResponseRedirect
    from django.utils.http import url_has_allowed_host_and_scheme

    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE or settings.SESSION_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
    )
    return response


@require_safe
@never_cache
def job_detail(request, pk):
    """"Checking…" until a worker has done it, then the outcome; htmx asks again every 2 s."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    job = jobs.for_user(request.user, pk)
    if job is None:
        raise Http404
    template = "runtime/_job_state.html" if request.headers.get("HX-Request") else "runtime/job_detail.html"
    return render(request, template, {"job": job})


@require_safe
@never_cache
def health(request):
    """200 when the database answers, a worker beats and the queue moves; otherwise 503.

    Figures only, nothing private: load balancers and monitors call it without signing in.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001  any failure is the answer here
        checks["database"] = "error"
        return JsonResponse({"status": "error", "checks": checks}, status=503)
    figures = heartbeat.status()
    checks["worker"] = "ok" if figures["workers"] else "stale"
    checks["queue"] = "ok" if figures["queue_age"] <= settings.HEALTH_MAX_QUEUE_AGE else "slow"
    ok = all(v == "ok" for v in checks.values())
    return JsonResponse({
        "status": "ok" if ok else "degraded",
        "checks": checks,
        "workers": figures["workers"],
        "heartbeat_age_seconds": round(figures["heartbeat_age"], 1) if figures["heartbeat_age"] is not None else None,
        "queue_age_seconds": round(figures["queue_age"], 1),
        "queue_length": figures["queue_length"],
    }, status=200 if ok else 503)
