"""Single-use, expiring tokens for invitation links.

The same construction as Django's password-reset tokens (an HMAC over the
user's id, password hash, last login and email, with a timestamp), so a token
stops working the moment the password is set or the person signs in: it is
single use by construction. Its own salt keeps reset tokens and invitation
tokens from standing in for one another, and its own lifetime
(``INVITATION_VALID_DAYS``) replaces the reset timeout.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "members.tokens.InvitationTokenGenerator"

    def check_token(self, user, token):
        if not (user and token and user.is_active):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        age = self._num_seconds(self._now()) - timestamp
        return 0 <= age <= settings.INVITATION_VALID_DAYS * 24 * 60 * 60


invitation_tokens = InvitationTokenGenerator()
