"""Where files live: the local folder by default, an S3-compatible store when configured,
and half an S3 configuration stops the start naming what is missing."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import efficacy.settings
from efficacy.config import envstorage

S3_NAMES = (
    "EFFICACY_S3_BUCKET",
    "EFFICACY_S3_ENDPOINT_URL",
    "EFFICACY_S3_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
)


@pytest.fixture
def environment(monkeypatch):
    for name in S3_NAMES:
        monkeypatch.delenv(name, raising=False)

    def set_(**env: str) -> None:
        for name, value in env.items():
            monkeypatch.setenv(name, value)

    return set_


def test_without_s3_settings_files_live_in_the_local_folder(environment):
    environment(AWS_ACCESS_KEY_ID="for-something-else", AWS_SECRET_ACCESS_KEY="x")
    assert envstorage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_with_its_keys_is_an_s3_store_with_private_objects(environment):
    environment(
        EFFICACY_S3_BUCKET="efficacy-files",
        EFFICACY_S3_ENDPOINT_URL="https://s3.example.org",
        EFFICACY_S3_REGION="ca-central-1",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
    )
    storage = envstorage()
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"] == {
        **storage["OPTIONS"],
        "bucket_name": "efficacy-files",
        "endpoint_url": "https://s3.example.org",
        "region_name": "ca-central-1",
        "access_key": "key",
        "secret_key": "secret",
        "default_acl": None,
    }


def test_amazon_s3_needs_no_endpoint_nor_region(environment):
    environment(EFFICACY_S3_BUCKET="b", AWS_ACCESS_KEY_ID="k", AWS_SECRET_ACCESS_KEY="s")
    options = envstorage()["OPTIONS"]
    assert (options["endpoint_url"], options["region_name"]) == (None, None)


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        (
            {"EFFICACY_S3_ENDPOINT_URL": "https://s3.example.org"},
            "EFFICACY_S3_BUCKET, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY are",
        ),
        ({"EFFICACY_S3_BUCKET": "b", "AWS_ACCESS_KEY_ID": "k"}, "AWS_SECRET_ACCESS_KEY is"),
        ({"EFFICACY_S3_BUCKET": "b", "AWS_SECRET_ACCESS_KEY": "s"}, "AWS_ACCESS_KEY_ID is"),
    ],
)
def test_half_an_s3_configuration_names_what_is_missing(environment, given, missing):
    environment(**given)
    with pytest.raises(ImproperlyConfigured) as refused:
        envstorage()
    message = str(refused.value)
    assert f"but {missing} not set" in message
    assert "MEDIA_ROOT" in message  # the other way out: unset it, keep the local folder


def test_an_endpoint_that_is_not_a_url_is_refused(environment):
    environment(
        EFFICACY_S3_BUCKET="b",
        EFFICACY_S3_ENDPOINT_URL="s3.example.org",
        AWS_ACCESS_KEY_ID="k",
        AWS_SECRET_ACCESS_KEY="s",
    )
    with pytest.raises(ImproperlyConfigured, match=r"EFFICACY_S3_ENDPOINT_URL='s3\.example\.org'"):
        envstorage()


def test_the_start_stops_on_half_an_s3_configuration(environment, monkeypatch, tmp_path):
    monkeypatch.setenv("EFFICACY_DATA_DIR", str(tmp_path))
    environment(EFFICACY_S3_BUCKET="b")
    with pytest.raises(ImproperlyConfigured, match="AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY"):
        runpy.run_path(str(Path(efficacy.settings.__file__)))
