"""An S3-compatible store for the tests: moto's server on 127.0.0.1, no AWS, no network.

django-storages, boto3 and moto are in the lock; where they are not installed yet the
S3 tests skip, except in CI, where nothing may skip for want of a tool.
"""

from __future__ import annotations

import importlib
import uuid
from types import ModuleType

import pytest

from tests.conftest import in_ci


def require(module: str) -> ModuleType:
    if in_ci():
        return importlib.import_module(module)
    return pytest.importorskip(module)


@pytest.fixture(scope="session")
def s3_endpoint():
    """The URL of one moto server for the whole session (each test has its own bucket)."""
    require("storages.backends.s3")
    server_module = require("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


S3_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "EFFICACY_S3_REGION": "us-east-1",
}


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch):
    """The default storage is a fresh bucket of the S3-compatible store, configured the way
    an operator does (environment variables read by efficacy.config.envstorage)."""
    import boto3

    from efficacy.config import envstorage

    bucket = f"efficacy-{uuid.uuid4().hex[:12]}"
    environment = {
        **S3_ENVIRONMENT,
        "EFFICACY_S3_BUCKET": bucket,
        "EFFICACY_S3_ENDPOINT_URL": s3_endpoint,
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {**settings.STORAGES, "default": envstorage()}
    # Nothing may land in the local folder while the store is S3.
    settings.MEDIA_ROOT = "/nonexistent-media-root"

    def keys() -> list[str]:
        listed = client.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    client.keys = keys
    client.bucket = bucket
    return client
