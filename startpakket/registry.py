"""What the apps add to the project's own commands (STYLE: "Each app registers itself").

``startpakket`` never imports an app. Instead each app, in its ``AppConfig.ready()``, hands over
what it adds:

* ``add_install_step(app_label, step)``: its part of ``manage.py install_defaults``, run after
  the role groups. ``step(*, verbosity, stdout)`` loads what is missing and keeps what exists
  (a coordinator's own changes survive an upgrade); ``stdout`` is the command's output.
* ``add_demo_step(app_label, step)``: its part of ``manage.py load_demo``, run after the demo
  organisations and users (``startpakket.demo``). ``step(users)`` gets those users, one per
  role, and adds what is missing (a re-run adds nothing).

The audit options are handed over the same way, to ``startpakket.audit.track``; pages of the
admin to ``startpakket.admin.add_organisation_inline``.

One step per app: registering again replaces it. Steps run in the order of ``INSTALLED_APPS``
(an app may rely on the apps listed before it), whatever the order they were registered in.
"""

from collections.abc import Callable, Sequence

from django.apps import apps

InstallStep = Callable[..., None]
DemoStep = Callable[[Sequence], None]

_install_steps: dict[str, InstallStep] = {}
_demo_steps: dict[str, DemoStep] = {}


def add_install_step(app_label: str, step: InstallStep) -> None:
    _install_steps[app_label] = step


def add_demo_step(app_label: str, step: DemoStep) -> None:
    _demo_steps[app_label] = step


def install_steps() -> list[InstallStep]:
    return _in_app_order(_install_steps)


def demo_steps() -> list[DemoStep]:
    return _in_app_order(_demo_steps)


def _in_app_order(steps: dict[str, Callable]) -> list[Callable]:
    return [steps[config.label] for config in apps.get_app_configs() if config.label in steps]
