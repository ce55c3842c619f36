"""The same-origin rule: which URLs a crawl may fetch."""

from __future__ import annotations

import pytest
from twisted.internet.error import DNSLookupError

from crawler.fetch_policy import FetchPolicy, PublicOnlyResolver, is_private_address
from crawler.profiles import profile_from_dict, zero_config_profile


def policy(**extra: object) -> FetchPolicy:
    return FetchPolicy.for_profile(profile_from_dict(
        {"name": "x", "start_urls": ["https://news.example/"], **extra}))


@pytest.mark.parametrize(("url", "reason"), [
    ("https://news.example/2021/a.html", None),
    ("http://news.example/2021/a.html", None),  # http and https on default ports: one site
    ("https://www.news.example/a", None),  # a subdomain of the site
    ("https://news.example:8443/a", "other_port"),  # another service on the host
    ("ftp://news.example/a", "not_http"),
    ("file:///etc/passwd", "not_http"),
    ("https://other.example/a", "offsite"),
    ("https://news.example.evil.com/a", "offsite"),
])
def test_refusals(url: str, reason: str | None) -> None:
    assert policy().refusal(url) == reason


def test_a_port_the_profile_names_is_the_site() -> None:
    p = FetchPolicy.for_profile(profile_from_dict({"name": "x", "start_urls": ["http://127.0.0.1:8765/"]}))
    assert p.refusal("http://127.0.0.1:8765/a.html") is None
    assert p.refusal("http://127.0.0.1:9999/a.html") == "other_port"


def test_zero_config_refuses_private_addresses_it_was_not_given() -> None:
    p = FetchPolicy.for_profile(zero_config_profile("https://news.example/"))
    assert p.block_private
    named = FetchPolicy.for_profile(zero_config_profile("http://10.0.0.5/"))
    assert named.refusal("http://10.0.0.5/a.html") is None  # the operator asked for it


def test_private_addresses() -> None:
    for host in ("127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "[::1]", "localhost"):
        assert is_private_address(host), host
    for host in ("93.184.216.34", "news.example"):
        assert not is_private_address(host), host


def test_the_resolver_refuses_a_name_that_resolves_to_a_private_address() -> None:
    with pytest.raises(DNSLookupError):
        PublicOnlyResolver._refuse_private("10.0.0.7", "intranet.news.example")
    assert PublicOnlyResolver._refuse_private("93.184.216.34", "news.example") == "93.184.216.34"
