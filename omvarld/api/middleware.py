"""Every answer under /api/ is in the API's envelope, whatever went wrong and wherever.

Endpoints answer their own errors (``errors.py``); this catches the rest: unknown paths, methods
an endpoint does not take, unparseable bodies, bodies or addresses that are too long, and
unexpected exceptions, which would otherwise get the site's HTML pages or the library's own shape.
"""

import json
import logging

from django.conf import settings

from omvarld.api.errors import error_response

log = logging.getLogger(__name__)

PREFIX = "/api/"
MAX_URL = 2048  # longer request lines are refused (the web server refuses from about 4 KB)
CODES = {
    400: ("bad_request", "The request could not be read (malformed body or headers)."),
    401: ("unauthorised", "A valid API token is needed (Authorization: Bearer <token>)."),
    403: ("forbidden", "This token may not do that."),
    404: ("not_found", "There is nothing at this address in the API; see /api/v1/openapi.json."),
    405: ("method_not_allowed", "This address does not take this method."),
    413: ("too_large", "The request body is too large."),
    414: ("uri_too_long", f"The address is too long (at most {MAX_URL} characters)."),
    429: ("too_many_requests", "Too many requests; slow down and try again later."),
    500: ("server_error", "Something went wrong on our side. It has been logged."),
}


def _envelope(status: int, detail: str | None = None):
    code, message = CODES.get(status, ("error" if status < 500 else "server_error", "The request failed."))
    response = error_response(code, detail or message, status=status)
    return response


def _is_envelope(response) -> bool:
    if "json" not in response.get("Content-Type", ""):
        return False
    try:
        body = json.loads(response.content)
    except (ValueError, TypeError):
        return False
    return isinstance(body, dict) and body.get("ok") is False and "error" in body


def _detail(response) -> str | None:
    """The library's own ``{"detail": "..."}`` message, when it is a plain sentence."""
    if "json" not in response.get("Content-Type", ""):
        return None
    try:
        detail = json.loads(response.content).get("detail")
    except (ValueError, TypeError, AttributeError):
        return None
    return detail if isinstance(detail, str) and len(detail) < 300 else None


class ApiEnvelopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        if len(request.get_full_path()) > MAX_URL:
            return _envelope(414)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _envelope(400)
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return _envelope(413)
        response = self.get_response(request)
        if response.status_code >= 400 and not getattr(response, "streaming", False) and not _is_envelope(response):
            allow = response.get("Allow")
            replaced = _envelope(response.status_code, _detail(response) if response.status_code == 400 else None)
            if allow:
                replaced["Allow"] = allow
            return replaced
        return response

    def process_exception(self, request, exception):
        if request.path.startswith(PREFIX):
            log.exception("API error on %s", request.path, exc_info=exception)
            return _envelope(500)
        return None
