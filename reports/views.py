from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils.http import content_disposition_header

from .registry import REPORTS
from .renderers import render_report

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@login_required
def download(request, identifier, fmt):
    """Any registered report as .xlsx or .pdf; parameters come from the query string."""
    report_class = REPORTS.get(identifier)
    if report_class is None or fmt not in CONTENT_TYPES:
        raise Http404("Нет такого отчёта.")
    if not report_class.allowed(request.user):
        raise PermissionDenied("Этот отчёт недоступен для вашей роли.")
    params = {key: request.GET.get(key) for key in report_class.parameters}
    try:
        report = report_class(user=request.user, **params)
    except ValidationError as error:
        return HttpResponseBadRequest(error.messages[0], content_type="text/plain; charset=utf-8")
    return file_response(render_report(report, fmt), report.filename(fmt))


def file_response(content: bytes, filename: str) -> HttpResponse:
    """A download; a Cyrillic file name is encoded by Django (RFC 6266 filename*)."""
    extension = filename.rsplit(".", 1)[-1]
    response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    return response
