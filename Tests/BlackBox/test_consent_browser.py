"""The consent flow in real headless Chromium: sign in, approve, reach the redirect URI with a code,
then revoke from /account/connections."""
import shutil
import tempfile
from urllib.parse import parse_qs, urlparse

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from helpers.oauth import create_user_with_password, REDIRECT, client_for, discovery
from helpers.partners import Partner
from helpers.events import unique
from authlib.common.security import generate_token


@pytest.fixture
def chromium():
    driver_path = shutil.which("chromedriver")
    if driver_path is None:
        pytest.fail("chromedriver is missing: scripts/test.sh installs Debian's chromium-driver")
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--ignore-certificate-errors",
                     f"--user-data-dir={tempfile.mkdtemp(prefix='chromium-')}"):
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium")
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def test_consent_and_revoke_in_chromium(server, admin, chromium, tmp_path):
    metadata = discovery(server)
    partner = Partner(server, admin, "Acme Rewards", [])
    user = unique("user")
    password = create_user_with_password(admin, user, None)
    client = partner.client()
    verifier = generate_token(48)
    url, state = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier)

    chromium.get(url)
    wait = WebDriverWait(chromium, 60)
    wait.until(expected_conditions.presence_of_element_located((By.ID, "username"))).send_keys(user)
    chromium.find_element(By.ID, "password").send_keys(password)
    chromium.find_element(By.ID, "sign-in").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "approve")))
    assert "Acme Rewards" in chromium.find_element(By.ID, "partner").text
    assert "past and future achievements" in chromium.page_source
    chromium.save_screenshot(str(tmp_path / "consent.png"))
    chromium.find_element(By.ID, "approve").click()
    # The redirect URI is not served here: Chromium lands on an error page whose URL is what matters.
    wait.until(lambda driver: driver.current_url.startswith(REDIRECT))
    query = parse_qs(urlparse(chromium.current_url).query)
    assert query["state"] == [state] and query["iss"] == [metadata["issuer"]] and query["code"]
    token = client.fetch_token(metadata["token_endpoint"], authorization_response=chromium.current_url, code_verifier=verifier)
    assert partner.feed(token["access_token"]).status_code == 200

    chromium.get(f"{server.base_url}/account/connections")
    wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "li.grant")))
    assert "Acme Rewards" in chromium.find_element(By.CSS_SELECTOR, "li.grant").text
    chromium.find_element(By.CSS_SELECTOR, "li.grant button.revoke").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "none")))
    assert partner.feed(token["access_token"]).status_code == 401
