"""The phone app under its Content-Security-Policy, and a log-out that revokes the token."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, Server
from tests.e2e.test_phone_app import collect, login

pytestmark = pytest.mark.e2e

# Every CSP violation of the page (and of its service worker's fetches) lands in this list.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture
def page(browser: Any) -> Any:
    ctx = browser.new_context(**PHONE)
    ctx.add_init_script(RECORD_VIOLATIONS)
    page = ctx.new_page()
    yield page
    ctx.close()


def test_the_app_runs_its_screens_without_a_policy_violation(page: Any, server: Server) -> None:
    login(page, server, "demo-collector")
    code = collect(page, "12.5")
    page.goto(f"{server.url}/app/lot/{code}")
    expect(page.get_by_test_id("lot-code")).to_be_visible()
    page.goto(f"{server.url}/l/{code}")  # logged in: the page's inline script sends us on
    page.wait_for_url(f"**/app/lot/{code}")
    page.goto(f"{server.url}/app/collect")
    page.get_by_test_id("new-code").click()
    page.get_by_test_id("grade").select_option("AL-TALC")
    page.get_by_test_id("mass").fill("3")
    page.get_by_test_id("save").click()
    label = page.get_by_test_id("label-img")  # the label picture, a blob: URL
    expect(label).to_be_visible()
    page.wait_for_function("document.querySelector('[data-testid=label-img]').complete")
    assert label.evaluate("img => img.naturalWidth") == 720
    assert page.evaluate("window.__csp") == []


def test_log_out_revokes_the_token_on_the_server(page: Any, server: Server) -> None:
    login(page, server, "demo-collector")
    session = json.loads(page.evaluate("localStorage.getItem('scraptrace.session')"))
    me = f"{server.url}/api/v1/me"
    auth = {"Authorization": f"Bearer {session['token']}"}
    assert httpx.get(me, headers=auth).status_code == 200
    with page.expect_request(lambda r: r.method == "DELETE"
                             and r.url.endswith("/api/v1/auth/token")):
        page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login-submit")).to_be_visible()
    assert page.evaluate("localStorage.getItem('scraptrace.session')") is None
    r = httpx.get(me, headers=auth)
    assert (r.status_code, r.json()["code"]) == (401, "invalid-token")
    assert page.evaluate("window.__csp") == []
