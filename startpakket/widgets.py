"""Form widgets of the project's own."""

from django import forms
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe


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
            # Escaped as the template would; plain strings, not format_html per option.
            options.append(f"\n  <option value=\"{conditional_escape(option_value)}\""
                           f"{' selected' if selected else ''}>{conditional_escape(label)}"
                           "</option>\n")
        return format_html("<select name=\"{}\"{}>{}\n</select>", name, _attributes(attrs),
                           mark_safe("".join(options)))  # noqa: S308 - each part escaped above
