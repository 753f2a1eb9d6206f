"""Sign-in, sign-up and password forms: they check shape; the accounts service checks the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from portal.forms import PortalForm
from portal.widgets import GovPasswordInput, GovSubmitInput, GovTextInput


class SignInForm(PortalForm):
    email = EmailField(
        _l("Email address"),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter your email address"))],
    )
    password = PasswordField(
        _l("Password"),
        widget=GovPasswordInput(),
        validators=[InputRequired(_l("Enter your password"))],
    )
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


class SignUpForm(PortalForm):
    full_name = StringField(
        _l("Your full name"),
        widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter your full name")),
            Length(max=200, message=_l("Your name must be 200 characters or fewer")),
        ],
    )
    email = EmailField(
        _l("Email address"),
        description=_l("We will only use this to send you messages about your applications."),
        widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter your email address")),
            Email(
                _l("Enter an email address in the correct format, like name@example.com"), check_deliverability=False
            ),
            Length(max=254),
        ],
    )
    password = PasswordField(
        _l("Create a password"),
        description=_l(
            "At least 8 characters. A few random words together make a strong password that is easy to remember."
        ),
        widget=GovPasswordInput(),
        validators=[InputRequired(_l("Create a password"))],
    )
    submit = SubmitField(_l("Create account"), widget=GovSubmitInput())


class ForgotPasswordForm(PortalForm):
    email = EmailField(
        _l("Email address"),
        widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter your email address")),
            Email(
                _l("Enter an email address in the correct format, like name@example.com"), check_deliverability=False
            ),
        ],
    )
    submit = SubmitField(_l("Send me a link"), widget=GovSubmitInput())


class ResetPasswordForm(PortalForm):
    password = PasswordField(
        _l("New password"),
        description=_l(
            "At least 8 characters. A few random words together make a strong password that is easy to remember."
        ),
        widget=GovPasswordInput(),
        validators=[InputRequired(_l("Enter a new password"))],
    )
    confirm = PasswordField(
        _l("Type the new password again"),
        widget=GovPasswordInput(),
        validators=[
            InputRequired(_l("Type the new password again")),
            EqualTo("password", _l("The passwords do not match")),
        ],
    )
    submit = SubmitField(_l("Change password"), widget=GovSubmitInput())


class SignOutForm(PortalForm):
    submit = SubmitField(_l("Sign out"), widget=GovSubmitInput())


class TwoFactorCodeForm(PortalForm):
    code = StringField(
        _l("Code"),
        description=_l("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter the code from your authenticator app")), Length(max=40)],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class SetUpTwoFactorForm(PortalForm):
    code = StringField(
        _l("Code from your app"),
        description=_l("Your app shows a new 6-digit code every 30 seconds."),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter the 6-digit code your app shows")), Length(max=40)],
    )
    submit = SubmitField(_l("Turn on two-factor sign-in"), widget=GovSubmitInput())


class TurnOffTwoFactorForm(PortalForm):
    code = StringField(
        _l("Code from your app"),
        description=_l("To check it is you: the 6-digit code your app shows now, or one of your recovery codes."),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter the code from your authenticator app")), Length(max=40)],
    )
    submit = SubmitField(_l("Turn off two-factor sign-in"), widget=GovSubmitInput())
