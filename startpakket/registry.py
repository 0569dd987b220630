"""What the apps add to the project's own commands and home page (STYLE: "Each app registers
itself").

``startpakket`` never imports an app. Instead each app, in its ``AppConfig.ready()``, hands over
what it adds:

* ``add_install_step(app_label, step)``: its part of ``manage.py install_defaults``, run after
  the role groups. ``step(*, verbosity, stdout)`` loads what is missing and keeps what exists
  (a coordinator's own changes survive an upgrade); ``stdout`` is the command's output.
* ``add_demo_step(app_label, step)``: its part of ``manage.py load_demo``, run after the demo
  organisations and users (``startpakket.demo``). ``step(users)`` gets those users, one per
  role, and adds what is missing (a re-run adds nothing).
* ``add_demo_summary(app_label, summary)``: ``summary()`` returns a few lines about the app's
  demo data (how many of what), which ``load_demo`` prints.
* ``add_home_panels(app_label, panels)``: what the app shows on the home page
  (``startpakket.views.home``), above what every role can do. ``panels(request)`` returns the
  ``Panel``s for the user who asks (none for a role it has nothing for): each names the
  app's template and the context it needs, and costs the same queries however much data there
  is.
* ``add_settings_form(app_label, make_form)``: what a person sets for herself on her settings
  page (``startpakket.preferences``). ``make_form(user, data)`` returns a form (with a
  ``prefix`` and a ``save()``) for what this user may set, or ``None``.

The audit options are handed over the same way, to ``startpakket.audit.track``; pages of the
admin to ``startpakket.admin.add_organisation_inline``.

One step (or panel function) per app: registering again replaces it. Steps run, and panels
show, in the order of ``INSTALLED_APPS`` (an app may rely on the apps listed before it),
whatever the order they were registered in.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.apps import apps


@dataclass(frozen=True)
class Panel:
    """One block of the home page: ``{% include template %}`` with ``data`` as its context."""

    template: str
    data: dict = field(default_factory=dict)


InstallStep = Callable[..., None]
DemoStep = Callable[[Sequence], None]
HomePanels = Callable[..., Sequence[Panel]]

_install_steps: dict[str, InstallStep] = {}
_demo_steps: dict[str, DemoStep] = {}
_home_panels: dict[str, HomePanels] = {}
_settings_forms: dict[str, Callable] = {}
_demo_summaries: dict[str, Callable[[], Sequence[str]]] = {}


def add_install_step(app_label: str, step: InstallStep) -> None:
    _install_steps[app_label] = step


def add_demo_step(app_label: str, step: DemoStep) -> None:
    _demo_steps[app_label] = step


def add_home_panels(app_label: str, panels: HomePanels) -> None:
    _home_panels[app_label] = panels


def home_panels(request) -> list[Panel]:
    return [panel for panels in _in_app_order(_home_panels) for panel in panels(request)]


def add_demo_summary(app_label: str, summary: Callable[[], Sequence[str]]) -> None:
    _demo_summaries[app_label] = summary


def demo_summary() -> list[str]:
    return [line for summary in _in_app_order(_demo_summaries) for line in summary()]


def add_settings_form(app_label: str, make_form: Callable) -> None:
    _settings_forms[app_label] = make_form


def settings_forms(user, data=None) -> list:
    made = (make(user, data) for make in _in_app_order(_settings_forms))
    return [form for form in made if form is not None]


def install_steps() -> list[InstallStep]:
    return _in_app_order(_install_steps)


def demo_steps() -> list[DemoStep]:
    return _in_app_order(_demo_steps)


def _in_app_order(steps: dict[str, Callable]) -> list[Callable]:
    return [steps[config.label] for config in apps.get_app_configs() if config.label in steps]
