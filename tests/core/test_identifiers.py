"""The one spelling of an e-mail address (``normalise_email``) and the sign-in throttle's key."""

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecoprod.accounts.forms import LoginForm, SignupForm
from ecoprod.accounts.views import sign_in as views
from ecoprod.identifiers import normalise_email

INVISIBLE = st.sampled_from(
    ["\x00", "\x01", "\r", "\n", "\t", "\x7f", "\u200b", "\u200e", "\ufeff", "\u2028"]
)
ADDRESS = st.from_regex(r"[a-z][a-z0-9._-]{0,20}@[a-z][a-z0-9-]{0,15}\.(fr|com|example)", fullmatch=True)


@st.composite
def respelled(draw):
    address = draw(ADDRESS)
    chars = list(address)
    for _ in range(draw(st.integers(0, 4))):
        chars.insert(draw(st.integers(0, len(chars))), draw(INVISIBLE))
    text = "".join(ch.upper() if draw(st.booleans()) else ch for ch in chars)
    if draw(st.booleans()):
        text += "."
    if draw(st.booleans()):
        text = " " * draw(st.integers(1, 3)) + text + " "
    if draw(st.booleans()):
        text = unicodedata.normalize("NFKD", text)
    return address, text


@given(respelled())
def test_every_spelling_normalises_to_the_address(case):
    address, text = case
    assert normalise_email(text) == address


@given(st.text(max_size=60))
def test_normalising_is_idempotent(text):
    once = normalise_email(text)
    assert normalise_email(once) == once


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=60), respelled().map(lambda case: case[1])))
def test_the_throttle_key_is_what_the_forms_look_up(app, text):
    """Whatever is posted, the sign-in counter is keyed on the address the form looks up."""
    for form_class in (LoginForm, SignupForm):
        with app.test_request_context("/login", method="POST", data={"email": text}):
            form = form_class(meta={"csrf": False})
            assert views._account_key() == "account:" + (form.email.data or "")
