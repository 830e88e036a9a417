from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "NEW_DAYS": settings.NEW_DAYS}
