"""Sign in, sign out, sign up and reset a forgotten password."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import web_sessions
from portal.auth.forms import ForgotPasswordForm, ResetPasswordForm, SignInForm, SignOutForm
from portal.extensions import db, limiter
from portal.forms import keeps_input_on_csrf_failure
from portal.security import is_safe_next
from portal.services import ServiceError, accounts, notifications
from portal.templating import home_endpoint_for, translate_message

bp = Blueprint("auth", __name__)


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _posted_email() -> str:
    return accounts.normalise_email(request.form.get("email", "")) or "-"


def _after_sign_in_url() -> str:
    target = request.args.get("next")
    if is_safe_next(target):
        return target  # type: ignore[return-value]
    return url_for(home_endpoint_for(current_user))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@limiter.limit(_sign_in_limit, methods=["POST"], key_func=_posted_email)
@keeps_input_on_csrf_failure
def sign_in():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for(home_endpoint_for(current_user)))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None and user.email_confirmed_at is None:
            send_confirmation(user)
            db.session.commit()
            form.email.errors.append(
                _("Confirm your email address first: we have sent you a new email with a link to open")
            )
        elif user is not None and (user.has_two_factor or must_use_two_factor(user)):
            # The password was right; the session starts only after the second factor.
            next_url = request.args.get("next")
            web_sessions.begin_second_step(user, next_url=next_url if is_safe_next(next_url) else None)
            db.session.commit()
            return redirect(url_for("auth.two_factor_code" if user.has_two_factor else "auth.set_up_two_factor"))
        elif user is not None:
            web_sessions.sign_in(user)
            db.session.commit()
            return redirect(_after_sign_in_url())
        else:
            db.session.rollback()
            form.email.errors.append(_("Enter a correct email address and password"))
    return render_template("auth/sign_in.html", form=form, expired=request.args.get("expired") == "1")


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    form = SignOutForm()
    half_signed_in = web_sessions.pending_sign_in() is not None
    if form.validate_on_submit() and (current_user.is_authenticated or half_signed_in):
        web_sessions.sign_out()
        db.session.commit()
        flash(_("You have signed out."), "success")
    return redirect(url_for("public.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@keeps_input_on_csrf_failure
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        hours = int(current_app.config["PASSWORD_RESET_HOURS"])
        result = accounts.request_password_reset(form.email.data, valid_for=timedelta(hours=hours))
        if result is not None:
            user, token = result
            notifications.queue_email(
                user,
                "password_reset",
                subject=_("Reset your password"),
                link=url_for("auth.reset_password", token=token, _external=True),
                hours=hours,
            )
        db.session.commit()
        # The same answer whether or not the address has an account.
        return render_template("auth/reset_sent.html", email=form.email.data, hours=hours)
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@keeps_input_on_csrf_failure
def reset_password(token: str):
    if accounts.find_reset_token(token) is None:
        return render_template("auth/reset_expired.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except ServiceError as error:
            db.session.rollback()
            form.password.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(_("Your password has been changed. Sign in with your new password."), "success")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/reset_password.html", form=form)


# The other auth pages attach their routes to ``bp``.
from portal.auth import session_routes, sign_up_routes, two_factor_routes  # noqa: E402, F401
from portal.auth.sign_up_routes import send_confirmation  # noqa: E402
from portal.auth.two_factor_routes import must_use_two_factor  # noqa: E402
