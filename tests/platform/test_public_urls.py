"""services.urls.public_url: PUBLIC_BASE_URL when set, else the request's own address (SPEC §10)."""
from services.urls import public_url


def test_public_base_url_with_port_and_prefix_is_used_outside_a_request(app):
    app.config["PUBLIC_BASE_URL"] = "https://rephome.example.gov.cn:8443/rephome/"
    with app.app_context():
        assert public_url("qr.page", code="AB12CD34") == \
            "https://rephome.example.gov.cn:8443/rephome/r/AB12CD34"


def test_without_setting_the_request_address_is_used(app):
    app.config["PUBLIC_BASE_URL"] = ""
    with app.test_request_context("/", base_url="http://intranet.local:8080"):
        assert public_url("qr.page", code="X") == "http://intranet.local:8080/r/X"


def test_outside_a_request_without_setting_falls_back_to_localhost(app):
    app.config["PUBLIC_BASE_URL"] = ""
    with app.app_context():
        assert public_url("qr.page", code="X") == "http://localhost/r/X"
