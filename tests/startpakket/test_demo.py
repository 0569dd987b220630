import io

import pytest
from django.core.management import CommandError, call_command

from startpakket.demo import DEMO_PASSWORD
from startpakket.models import Organisation, User

pytestmark = pytest.mark.django_db


def test_load_demo_refuses_outside_demo_mode(settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="DEMO=1"):
        call_command("load_demo")


def test_load_demo_makes_the_three_users_and_is_safe_to_run_twice(settings):
    settings.DEMO = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    Organisation.objects.filter(code="jgz-demo").update(name="JGZ Demo (renamed by a user)")
    call_command("load_demo", stdout=io.StringIO())

    assert "verpleegkundige" in out.getvalue() and DEMO_PASSWORD in out.getvalue()
    assert User.objects.count() == 3
    expected = {
        "verpleegkundige": ("referrer", "jgz-demo"),
        "magazijn": ("warehouse", "magazijn-demo"),
        "coordinator": ("coordinator", "stichting-demo"),
    }
    for username, (role, code) in expected.items():
        user = User.objects.get(username=username)
        assert (user.role, user.organisation.code) == (role, code)
        assert user.check_password(DEMO_PASSWORD)
    assert Organisation.objects.get(code="jgz-demo").name == "JGZ Demo (renamed by a user)"
