"""CSRF is on for every form; a failed token keeps what was typed and says so plainly."""

from __future__ import annotations

from tests.helpers import csrf_token_from, page_title, visible_text


def test_a_post_without_a_token_is_refused(client, make_user):
    user = make_user()
    response = client.post("/sign-in", data={"email": user.email, "password": "correct horse battery staple"})
    assert response.status_code == 200
    assert "This page was open for a long time" in visible_text(response.data)
    assert client.get("/applicant/").status_code == 302  # not signed in


def test_an_expired_token_keeps_everything_typed(client, monkeypatch):
    page = client.get("/sign-up")
    token = csrf_token_from(page.data)
    import itsdangerous.timed

    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() + 9 * 3600)
    response = client.post(
        "/sign-up",
        data={
            "csrf_token": token,
            "full_name": "Nadia Begum",
            "email": "nadia@example.org",
            "password": "tea and biscuits at four",
        },
    )
    html = response.data.decode()
    assert response.status_code == 200
    assert page_title(html).startswith("Error: ")
    assert "This page was open for a long time, so we could not save your answers" in visible_text(html)
    assert 'value="Nadia Begum"' in html
    assert 'value="nadia@example.org"' in html
    # Nothing was created; the new token on the page lets the person simply submit again (hours later).
    again = client.post(
        "/sign-up",
        data={
            "csrf_token": csrf_token_from(html),
            "full_name": "Nadia Begum",
            "email": "nadia@example.org",
            "password": "tea and biscuits at four",
        },
    )
    assert again.status_code == 302


def test_a_post_to_a_plain_action_without_a_token_gets_a_clear_error_page(client, make_user, sign_in):
    sign_in(make_user())
    response = client.post("/sign-out")
    assert response.status_code == 400
    assert page_title(response.data).startswith("Error: Sorry, there is a problem with your request")
    assert client.get("/applicant/").status_code == 200  # still signed in: nothing happened


def test_a_csrf_failure_on_a_prefixed_form_points_the_summary_at_its_first_field(app):
    """Pages with a form per row (hand assignment) prefix each form's fields; the summary link of a
    failed token must still lead to a field the person can reach, not the hidden token."""
    from wtforms import StringField

    from portal.forms import PortalForm

    class RowForm(PortalForm):
        member = StringField("Panel member")

    with app.test_request_context("/", method="POST", data={"eoi7-csrf_token": "stale", "eoi7-member": "4"}):
        form = RowForm(prefix="eoi7-")
        assert not form.validate()
        assert form.error_list == [{"text": form.csrf_token.errors[0], "href": "#eoi7-member"}]


def test_wtforms_own_messages_follow_the_language_of_each_request(app):  # noqa: ANN001
    """WTForms' catalogue is read once per language (portal/forms.py), and each request still
    gets its own language's messages."""
    from flask_babel import force_locale
    from wtforms import StringField
    from wtforms.validators import InputRequired

    from portal.forms import PortalForm

    class Named(PortalForm):
        class Meta:
            csrf = False

        name = StringField("Name", validators=[InputRequired()])

    def message() -> str:
        form = Named(formdata=None)
        form.validate()
        return str(form.name.errors[0])

    with app.test_request_context("/", method="POST"):
        assert message() == "This field is required."
        with force_locale("pl"):
            assert message() == "To pole jest wymagane."
        assert message() == "This field is required."
