"""The second step of signing in (a code from an app, or a recovery code), setting it up, and turning it off.

Routes on the ``auth`` blueprint. Someone whose password was accepted is only "half signed in"
(``web_sessions.pending_user``, a few minutes in the signed cookie): no session exists until the
second factor is given. Someone whose role requires two-factor sign-in and who has not set it up is
sent to set it up before anything else, whether half or fully signed in.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import web_sessions
from portal.auth.forms import SetUpTwoFactorForm, TurnOffTwoFactorForm, TwoFactorCodeForm
from portal.auth.routes import bp
from portal.domain.two_factor import is_required
from portal.extensions import db, limiter
from portal.forms import keeps_input_on_csrf_failure
from portal.security import is_safe_next
from portal.services import two_factor
from portal.templating import home_endpoint_for, translate_message

SETUP_SECRET_KEY = "two_factor_setup_secret"  # noqa: S105 - a session key name, not a secret
# What someone who must set up two-factor sign-in may still reach before they have.
ALLOWED_BEFORE_SETUP = {
    "auth.set_up_two_factor",
    "auth.sign_out",
    "auth.session_status",
    "auth.keep_alive",
    "public.set_language",
    "static",
}


def must_use_two_factor(user) -> bool:  # noqa: ANN001
    return is_required(user.roles, current_app.config["TWO_FACTOR_REQUIRED"])


def _limit() -> str:
    return current_app.config["TWO_FACTOR_RATE_LIMIT"]


def _who_is_trying() -> str:
    """Rate-limit key: the account whose code is being tried (half or fully signed in)."""
    state = web_sessions.pending_sign_in()
    if state:
        return f"user:{state['user_id']}"
    return f"user:{current_user.get_id()}" if current_user.is_authenticated else "-"


def _landing(next_url: str | None, user) -> str:  # noqa: ANN001
    return next_url if is_safe_next(next_url) else url_for(home_endpoint_for(user))


@bp.before_app_request
def _set_up_before_anything_else():  # noqa: ANN202
    if request.endpoint in ALLOWED_BEFORE_SETUP or not current_user.is_authenticated:
        return None
    if not current_user.has_two_factor and must_use_two_factor(current_user):
        return redirect(url_for("auth.set_up_two_factor"))
    return None


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
@limiter.limit(_limit, methods=["POST"], key_func=_who_is_trying)
@keeps_input_on_csrf_failure
def two_factor_code():
    user = web_sessions.pending_user()
    if user is None or not user.has_two_factor:
        flash(_("Sign in again: the page for your code was open for more than a few minutes."), "info")
        return redirect(url_for("auth.sign_in"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        used = two_factor.check_code(user, form.code.data)
        if used is not None:
            next_url = web_sessions.pending_sign_in()["next"]
            web_sessions.sign_in(user)
            left = two_factor.recovery_codes_left(user) if used == "recovery" else None
            db.session.commit()
            if left is not None:
                flash(
                    _(
                        "You used a recovery code. You have %(left)d left. An administrator can reset "
                        "two-factor sign-in if you have lost your phone.",
                        left=left,
                    ),
                    "info",
                )
            return redirect(_landing(next_url, user))
        db.session.rollback()
        form.code.errors.append(_("The code is not right. Enter the code your app shows now, or a recovery code"))
    return render_template("auth/two_factor.html", form=form)


@bp.route("/two-factor/set-up", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
@limiter.limit(_limit, methods=["POST"], key_func=_who_is_trying)
@keeps_input_on_csrf_failure
def set_up_two_factor():
    half_signed_in = not current_user.is_authenticated
    user = web_sessions.pending_user() if half_signed_in else current_user._get_current_object()
    if user is None:
        return redirect(url_for("auth.sign_in"))
    if user.has_two_factor:  # a password alone never replaces a set-up app
        return redirect(url_for("auth.two_factor_code" if half_signed_in else "auth.account_two_factor"))
    secret = session.get(SETUP_SECRET_KEY) or two_factor.new_secret()
    session[SETUP_SECRET_KEY] = secret
    form = SetUpTwoFactorForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enrol(user, secret, form.code.data, by=user)
        except two_factor.WrongCode as error:
            db.session.rollback()
            form.code.errors.append(translate_message(error.message))
        else:
            next_url = (web_sessions.pending_sign_in() or {}).get("next") if half_signed_in else None
            if half_signed_in:
                web_sessions.sign_in(user)  # the session starts now, with a new cookie
            session.pop(SETUP_SECRET_KEY, None)
            db.session.commit()
            # Shown once, in this response only: they are kept as hashes.
            return render_template("auth/recovery_codes.html", codes=codes, next_url=_landing(next_url, user))
    uri = two_factor.setup_uri(user, secret, issuer=current_app.config["SERVICE_NAME"])
    return render_template(
        "auth/two_factor_set_up.html",
        form=form,
        qr_code=two_factor.qr_code_data_uri(uri),
        secret=two_factor.format_secret(secret),
        required=must_use_two_factor(user),
    )


@bp.route("/account/two-factor")
@login_required
def account_two_factor():
    return render_template(
        "auth/account_two_factor.html",
        form=TurnOffTwoFactorForm(),
        required=must_use_two_factor(current_user),
        codes_left=two_factor.recovery_codes_left(current_user) if current_user.has_two_factor else 0,
    )


@bp.route("/account/two-factor/turn-off", methods=["POST"])
@login_required
@limiter.limit(_limit)
@limiter.limit(_limit, key_func=_who_is_trying)
def turn_off_two_factor():
    if must_use_two_factor(current_user) or not current_user.has_two_factor:
        flash(_("Two-factor sign-in cannot be turned off for your account."), "info")
        return redirect(url_for("auth.account_two_factor"))
    form = TurnOffTwoFactorForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if two_factor.check_code(user, form.code.data) is not None:
            two_factor.turn_off(user, by=user)
            db.session.commit()
            flash(_("Two-factor sign-in is off. You will sign in with your password only."), "success")
            return redirect(url_for("auth.account_two_factor"))
        db.session.rollback()
        form.code.errors.append(_("The code is not right. Enter the code your app shows now, or a recovery code"))
    codes_left = two_factor.recovery_codes_left(current_user)
    return render_template("auth/account_two_factor.html", form=form, required=False, codes_left=codes_left)
