from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext as _

from startpakket import registry
from startpakket.api.problems import problem_body


@login_required
def home(request):
    """Each role's start page: what waits for you (the apps' panels, ``registry``), who you are
    and what you can do next."""
    return render(request, "home.html", {
        "role": request.user.role,
        "panels": registry.home_panels(request),
    })


def favicon(request):
    """Browsers ask for /favicon.ico where nothing names an icon (a PDF, the API's JSON). Not a
    permanent redirect: the file's name changes with its content."""
    return redirect(static("startpakket/favicon.ico"))


def _wants_problem_json(request) -> bool:
    return request.path.startswith("/api/")


def _problem_or_page(request, status: int, template: str, detail: str):
    if _wants_problem_json(request):
        return JsonResponse(
            problem_body(status, detail=detail),
            status=status,
            content_type="application/problem+json",
        )
    return render(request, template, {"detail": detail}, status=status)


def page_not_found(request, exception=None):
    return _problem_or_page(request, 404, "404.html", _("Not found."))


def permission_denied(request, exception=None):
    return _problem_or_page(
        request, 403, "403.html", _("You do not have permission to perform this action.")
    )


def bad_request(request, exception=None):
    return _problem_or_page(request, 400, "400.html", _("The request could not be understood."))


def server_error(request):
    # Never any detail of what went wrong: internals stay in the server log.
    if _wants_problem_json(request):
        return _problem_or_page(
            request, 500, "500.html", _("Something went wrong on our side. Please try again later.")
        )
    # A plain template without request context: whatever broke may break a context processor too.
    return HttpResponseServerError(loader.get_template("500.html").render())
