"""One answer to "which language": the user's choice, a forced block, else Vietnamese."""

from __future__ import annotations

from flask import session
from flask_babel import force_locale, refresh

from caseapp.i18n import get_locale, localized


def test_vietnamese_by_default_and_the_users_choice(app) -> None:
    with app.test_request_context():
        assert get_locale() == "vi"
        assert localized("Y tế", "Health care") == "Y tế"
    with app.test_request_context():
        session["lang"] = "en"
        refresh()  # the tests share one app context, where Flask-Babel keeps its choice
        assert get_locale() == "en"
        assert localized("Y tế", "Health care") == "Health care"


def test_a_forced_language_wins(app) -> None:
    # PDFs and imports force the default language whatever the user chose.
    with app.test_request_context():
        session["lang"] = "en"
        refresh()
        with force_locale("vi"):
            assert get_locale() == "vi"
            assert localized("Y tế", "Health care") == "Y tế"


def test_outside_a_request_the_default(app) -> None:
    assert get_locale() == "vi"
    assert localized("Y tế", "Health care") == "Y tế"


def test_unknown_language_in_the_session_falls_back(app) -> None:
    with app.test_request_context():
        session["lang"] = "fr"
        refresh()
        assert get_locale() == "vi"
