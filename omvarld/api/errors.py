"""The API's one error shape: HTTP 4xx with ``{"ok": false, "error": {code, message, parameter}}``."""

from django.http import JsonResponse


class ApiError(Exception):
    def __init__(self, code: str, message: str, *, parameter: str | None = None, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.parameter, self.status = code, message, parameter, status


def error_response(code: str, message: str, *, parameter: str | None = None, status: int = 400) -> JsonResponse:
    body = {"ok": False, "error": {"code": code, "message": message, "parameter": parameter}}
    return JsonResponse(body, status=status)


def bad_parameter(parameter: str, message: str) -> ApiError:
    return ApiError("bad_parameter", message, parameter=parameter)
