"""``LongSelect`` writes the same HTML as Django's own ``Select``, only faster."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from startpakket.widgets import LongSelect, NamedChoices, QuickTextarea, QuickTextInput

CHOICES = [("a", "Apeldoorn & Co"), ("b", "<Breda>"), ("c", "Castricum"), ("c", "Castricum 2")]


def _forms(**field):
    class Plain(forms.Form):
        place = forms.ChoiceField(choices=[("", "Alle plaatsen"), *CHOICES], **field)

    class Long(forms.Form):
        place = forms.ChoiceField(choices=[("", "Alle plaatsen"), *CHOICES], widget=LongSelect,
                                  **field)

    return Plain, Long


@pytest.mark.parametrize("data", [{}, {"place": "b"}, {"place": "c"}, {"place": "nope"}, None])
@pytest.mark.parametrize("required", [True, False])
def test_the_html_is_djangos(data, required):
    plain, long = _forms(required=required)
    plain_form, long_form = plain(data), long(data)
    if data is not None:
        plain_form.is_valid()
        long_form.is_valid()
    assert str(long_form["place"]) == str(plain_form["place"])


def test_attributes_and_a_model_choice_field_too(db):
    from startpakket.models import Organisation
    from tests.factories import OrganisationFactory

    chosen = OrganisationFactory(name="Wijkteam <Noord>")
    OrganisationFactory(name="Consultatiebureau Zuid")
    fields = {"queryset": Organisation.objects.order_by("name"), "to_field_name": "code",
              "empty_label": "Alle organisaties", "required": False}
    plain = forms.ModelChoiceField(**fields).widget
    long = forms.ModelChoiceField(widget=LongSelect, **fields).widget
    for value in (None, chosen.code):
        attrs = {"id": "id_organisation", "aria-invalid": "true", "disabled": True,
                 "hidden": False}
        assert (long.render("organisation", value, attrs)
                == plain.render("organisation", value, attrs))


def test_named_choices_write_the_same_options_in_one_query(db, django_assert_num_queries):
    from startpakket.models import Organisation
    from tests.factories import OrganisationFactory

    chosen = OrganisationFactory(name="Wijkteam <Noord> & Zn")
    OrganisationFactory(name="Consultatiebureau Zuid")
    fields = {"queryset": Organisation.objects.order_by("name"), "to_field_name": "code",
              "empty_label": "Alle organisaties", "required": False, "widget": LongSelect}

    class Named(forms.ModelChoiceField):
        iterator = NamedChoices

    plain, named = forms.ModelChoiceField(**fields), Named(**fields)
    for value in (None, chosen.code):
        expected = plain.widget.render("organisation", value)
        with django_assert_num_queries(1):
            assert named.widget.render("organisation", value) == expected
    assert named.clean(chosen.code) == chosen


def test_named_choices_are_kept_until_an_organisation_changes(
        db, django_capture_on_commit_callbacks):
    """Read once, then kept until an organisation is made, renamed or deleted, also one saved
    as a warehouse: the select shows each change at once."""
    from logistics.models import Warehouse
    from startpakket.models import Organisation
    from tests.factories import OrganisationFactory

    class Named(forms.ModelChoiceField):
        iterator = NamedChoices

    def options() -> list[str]:
        field = Named(queryset=Organisation.objects.order_by("name"), to_field_name="code",
                      empty_label=None)
        with CaptureQueriesContext(connection) as queries:
            names = [label for _code, label in field.choices]
        read.append(any("startpakket_organisation" in q["sql"] for q in queries))
        return names

    def committed(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    read = []
    first = committed(lambda: OrganisationFactory(name="Consultatiebureau Zuid"))
    assert options() == ["Consultatiebureau Zuid"]
    assert options() == ["Consultatiebureau Zuid"]
    assert read == [True, False]

    committed(lambda: OrganisationFactory(name="Aanloop West"))
    assert options() == ["Aanloop West", "Consultatiebureau Zuid"]
    first.name = "Wijkteam Noord"
    committed(first.save)
    assert options() == ["Aanloop West", "Wijkteam Noord"]
    warehouse = Warehouse.objects.get(pk=committed(
        lambda: OrganisationFactory(name="Magazijn", kind="warehouse")).pk)
    assert options() == ["Aanloop West", "Magazijn", "Wijkteam Noord"]
    warehouse.name = "Magazijn Oost"
    committed(warehouse.save)
    assert options() == ["Aanloop West", "Magazijn Oost", "Wijkteam Noord"]
    committed(first.delete)
    assert options() == ["Aanloop West", "Magazijn Oost"]


@pytest.mark.parametrize("data", [None, {}, {"reason": ""},
                                  {"reason": 'Wat is "netto" <inkomen> & zo?'},
                                  {"reason": "x" * 1001}])
@pytest.mark.parametrize("plain_widget, quick_widget", [
    (forms.TextInput, QuickTextInput),
    (forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
     QuickTextarea(attrs={"rows": 3, "maxlength": 1000})),
])
def test_the_quick_inputs_write_djangos_html(data, plain_widget, quick_widget):
    def form(widget):
        class Reason(forms.Form):
            reason = forms.CharField(max_length=1000, widget=widget, initial="vooraf",
                                     help_text="Kort graag.")
        made = Reason(data, auto_id="id_R123_ask_%s")
        if data is not None:
            made.is_valid()
        return made

    plain, quick = form(plain_widget), form(quick_widget)
    assert str(quick["reason"]) == str(plain["reason"])
    assert str(quick["reason"]) != ""
