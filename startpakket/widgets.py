"""Form widgets of the project's own, and the choices of a select of thousands of options."""

import functools
import html

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from startpakket.kept import KeptValues


def _escaped(value) -> str:
    """``conditional_escape`` without its lazy-string wrapper, which cost more than the
    escaping itself at thousands of options."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _attributes(attrs: dict) -> str:
    """Django's ``attrs.html``: `` name="value"``, a bare name for True, nothing for False."""
    return format_html_join("", "{}", (
        (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
        for name, value in attrs.items() if value is not False))


class LongSelect(forms.Select):
    """A ``<select>`` of hundreds or thousands of options (every referring organisation, at a
    national foundation), written in Python: Django builds a context and renders a template
    for each option, which at 4,000 organisations took most of the referral list's time. The
    HTML is that of Django's ``select.html``; flat choices only (no option groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        options, selected_one = [], False
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            # As ``ChoiceWidget.optgroups``: a single select marks its first match only.
            selected = option_value in chosen and (self.allow_multiple_selected
                                                   or not selected_one)
            selected_one |= selected
            if not selected and type(label) is str:
                options.append(_option(option_value, label))
            else:
                options.append(_option_html(option_value, label, selected))
        return format_html("<select name=\"{}\"{}>{}\n</select>", name, _attributes(attrs),
                           mark_safe("".join(options)))  # noqa: S308 - each part escaped above


def _option_html(value: str, label, selected: bool) -> str:
    # Escaped as the template would; plain strings, not format_html per option.
    return (f"\n  <option value=\"{_escaped(value)}\"{' selected' if selected else ''}>"
            f"{_escaped(label)}</option>\n")


@functools.lru_cache(maxsize=16_384)
def _option(value: str, label: str) -> str:
    """An option not chosen with a plain text label, written once per process: the same
    4,000 organisations on every page of a coordinator's referral list (their select 9–11 →
    3–5 ms on PostgreSQL, in process)."""
    return _option_html(value, label, False)


class NamedChoices(ModelChoiceIterator):
    """A ``ModelChoiceField``'s options read as plain values, its ``to_field_name`` (or the
    key) and the model's ``name`` as the label, instead of a model instance each: a select of
    4,000 organisations took 60 ms to build as instances and 8 ms as values. Set it as the
    field's ``iterator``, for a model whose ``__str__`` is its name.

    The options are kept in each process until a row of the model is saved or deleted, so
    the model must be named in ``options_from``: reading them was 10 of the referral list's
    105 ms for a coordinator (PostgreSQL, 4,000 organisations), which change now and then."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        options = self.queryset.values_list(self.field.to_field_name or "pk", "name")
        yield from _options.kept(str(options.query), lambda: tuple(options))


# ``NamedChoices``' options, with a stamp of their own (``startpakket.kept``): a new
# organisation does not drop the norm tables' kept values (``reference_data``).
_options = KeptValues("named-choices")
options_from = _options.rebuilt_on_change
options_changed = _options.changed


class QuickTextInput(forms.TextInput):
    """Django's ``TextInput`` written in Python instead of through the form renderer's
    templates: for forms shown once per row (the approval queue's question and rejection of
    every referral, 50 fields a page), where rendering them took a quarter of the page. The HTML
    is that of ``input.html``."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html('<input type="{}" name="{}"{}{}>', widget["type"], name, shown,
                           _attributes(widget["attrs"]))


class QuickTextarea(forms.Textarea):
    """Django's ``Textarea`` written in Python, as ``QuickTextInput``; the HTML is that of
    ``textarea.html``."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html('<textarea name="{}"{}>\n{}</textarea>', name,
                           _attributes(widget["attrs"]), widget["value"] or "")
