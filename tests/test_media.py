"""Under MEDIA_ROOT only the blank forms are public; a dossier's file is reachable only through its checked view."""

import importlib

import pytest
from django.urls import clear_url_caches

import config.urls


@pytest.fixture
def debug_urls(settings, tmp_path):
    """The URL map as the demo builds it (DEBUG on: Django serves media), over a media folder of our own."""
    settings.DEBUG, settings.MEDIA_ROOT = True, tmp_path
    importlib.reload(config.urls)
    clear_url_caches()
    yield tmp_path
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_blank_forms_are_served_and_dossier_files_are_not(client, db, debug_urls):
    for folder in ("catalog/forms", "dossiers/0b4d"):
        (debug_urls / folder).mkdir(parents=True)
        (debug_urls / folder / "f.pdf").write_bytes(b"%PDF-1.4\n")
    assert client.get("/media/catalog/forms/f.pdf").status_code == 200
    assert client.get("/media/dossiers/0b4d/f.pdf").status_code == 404
