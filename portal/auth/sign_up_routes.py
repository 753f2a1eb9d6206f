"""Creating an account, confirmed by an e-mailed link.

Sign-up answers the same way whether or not the address already has an account: the same
"check your email" page. A new address gets a link that confirms it and signs the person in; an
address with an account gets an e-mail saying someone tried to create one, with the way to sign
in or reset the password. Nobody learns from the page who has an account.
"""

from __future__ import annotations

import hashlib

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from portal import web_sessions
from portal.auth.forms import SignUpForm
from portal.auth.routes import _sign_in_limit, bp
from portal.extensions import db, limiter
from portal.forms import keeps_input_on_csrf_failure
from portal.models import User
from portal.security import is_safe_next
from portal.services import accounts, notifications
from portal.templating import translate_message

CONFIRM_HOURS = 24
SENT_KEY = "signed_up_email"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="confirm-email")


def _password_mark(user: User) -> str:
    """Changes whenever the password does, so a link only confirms the password chosen with it."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def send_confirmation(user: User, next_url: str | None = None) -> None:
    token = _serializer().dumps({"id": user.id, "pw": _password_mark(user), "next": next_url})
    notifications.queue_email(
        user,
        "confirm_email",
        subject=_("Confirm your email address"),
        link=url_for("auth.confirm_email", token=token, _external=True),
        hours=CONFIRM_HOURS,
    )


@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@keeps_input_on_csrf_failure
def sign_up():
    form = SignUpForm()
    if form.validate_on_submit():
        next_url = request.args.get("next")
        next_url = next_url if is_safe_next(next_url) else None
        try:
            user, needs_confirming = accounts.register_applicant(
                form.email.data, form.full_name.data, form.password.data
            )
        except accounts.PasswordRejected as error:
            db.session.rollback()
            form.password.errors.append(translate_message(error.message))
        else:
            if needs_confirming:
                send_confirmation(user, next_url)
            elif user.is_enabled:
                notifications.queue_email(
                    user,
                    "account_exists",
                    subject=_("Someone tried to create an account with your email address"),
                    sign_in_link=url_for("auth.sign_in", _external=True),
                    reset_link=url_for("auth.forgot_password", _external=True),
                )
            db.session.commit()
            session[SENT_KEY] = accounts.normalise_email(form.email.data)
            return redirect(url_for("auth.sign_up_sent"))
    return render_template("auth/sign_up.html", form=form)


@bp.route("/sign-up/check-your-email")
def sign_up_sent():
    email = session.get(SENT_KEY)
    if not email:
        return redirect(url_for("auth.sign_up"))
    return render_template("auth/sign_up_sent.html", email=email, hours=CONFIRM_HOURS)


@bp.route("/sign-up/confirm/<token>")
def confirm_email(token: str):
    try:
        data = _serializer().loads(token, max_age=CONFIRM_HOURS * 3600)
    except BadSignature:
        data = None
    user = db.session.get(User, data["id"]) if isinstance(data, dict) and "id" in data else None
    if user is None or not user.is_enabled or data.get("pw") != _password_mark(user):
        return render_template("auth/confirm_expired.html"), 404
    if user.email_confirmed_at is not None:
        flash(_("Your email address is already confirmed. Sign in to carry on."), "info")
        return redirect(url_for("auth.sign_in"))
    accounts.confirm_email(user)
    notifications.queue_email(user, "welcome", subject=_("Your account is ready"))
    from portal.auth.two_factor_routes import must_use_two_factor

    next_url = data.get("next") if is_safe_next(data.get("next")) else None
    if must_use_two_factor(user):
        web_sessions.begin_second_step(user, next_url=next_url)
        db.session.commit()
        return redirect(url_for("auth.set_up_two_factor"))
    web_sessions.sign_in(user)
    db.session.commit()
    flash(_("Your account has been created."), "success")
    return redirect(next_url or url_for("applicants.home"))
