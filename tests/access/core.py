"""Project-level URLs: home, login and the password pages."""

from . import EVERYONE, Rule, expect

RULES = [
    Rule("home", EVERYONE),
    # Logged-in users are sent on from the login page to their home page.
    Rule("login", expect(200, 302, 302, 302, 302)),
    Rule("logout", expect(405, 405, 405, 405, 405)),
    Rule("logout", expect(302, 302, 302, 302, 302), method="post"),
    Rule("password_change", EVERYONE),
    Rule("password_change_done", EVERYONE),
    Rule("password_reset", expect(200, 200, 200, 200, 200)),
    Rule("password_reset_done", expect(200, 200, 200, 200, 200)),
    Rule(
        "password_reset_confirm",
        expect(200, 200, 200, 200, 200),
        kwargs=lambda w: {"uidb64": "MQ", "token": "bad-token"},
    ),
    Rule("password_reset_complete", expect(200, 200, 200, 200, 200)),
]
