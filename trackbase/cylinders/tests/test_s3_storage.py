"""QR images and label sheets on S3 (django-storages, configured as S3_BUCKET configures it) against a local
S3-compatible server: moto in server mode, speaking the S3 HTTP API on a local port. Nothing of the storage
backend is mocked; boto3 signs real requests to that port."""

import socket

import boto3
import pytest
from moto.server import ThreadedMotoServer

pytestmark = pytest.mark.django_db

BUCKET = "trackbase-test"
KEYS = {"access_key": "testing", "secret_key": "testing"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=BUCKET)
    # What config/settings.py builds from S3_BUCKET, S3_ENDPOINT_URL, S3_REGION and the keys.
    settings.STORAGES = settings.STORAGES | {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                **KEYS,
                "location": "media",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
    }
    yield client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_a_qr_image_is_stored_in_the_bucket_and_read_back(bucket, worker_client, add_cylinders):
    [cylinder] = add_cylinders()
    first = worker_client.get(f"/api/cylinders/{cylinder.pk}/qr.png")
    assert first.status_code == 200 and first.content.startswith(b"\x89PNG")
    assert keys(bucket) == [f"media/cylinders/qr/{cylinder.qr_code}.png"]
    stored = bucket.get_object(Bucket=BUCKET, Key=f"media/cylinders/qr/{cylinder.qr_code}.png")["Body"].read()
    assert stored == first.content
    assert worker_client.get(f"/api/cylinders/{cylinder.pk}/qr.png").content == first.content
    assert len(keys(bucket)) == 1  # the second answer came from the bucket, not a second upload


def test_a_label_sheet_is_stored_in_the_bucket(bucket, admin_client, add_cylinders):
    cylinders = add_cylinders(2)
    response = admin_client.post("/api/cylinders/labels", {"ids": [c.pk for c in cylinders]}, format="json")
    assert response.status_code == 200
    key = f"media/{response['X-Stored-As']}"
    assert keys(bucket) == [key]
    assert bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() == response.content


def test_the_environment_switches_default_storage_to_s3():
    import json
    import os
    import subprocess
    import sys

    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['default']))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "S3_BUCKET": "depot-files",
        "S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "S3_REGION": "eu-central-1",
        "S3_PREFIX": "media",
    }
    output = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    storage = json.loads(output.stdout.strip().splitlines()[-1])
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"], options["location"]) == (
        "depot-files",
        "http://127.0.0.1:9000",
        "eu-central-1",
        "media",
    )
    assert options["default_acl"] is None and options["querystring_auth"] is True


def test_a_report_export_is_written_to_the_bucket(
    bucket, admin_client, add_cylinders, django_capture_on_commit_callbacks
):
    add_cylinders(2)
    with django_capture_on_commit_callbacks(execute=True):
        queued = admin_client.post("/api/admin/exports", {"report": "inventory"}, format="json").json()
    done = admin_client.get(f"/api/admin/exports/{queued['id']}").json()
    assert done["status"] == "DONE" and keys(bucket) == [f"media/{done['file']}"]
    downloaded = b"".join(admin_client.get(f"/api/admin/exports/{queued['id']}/file").streaming_content)
    assert downloaded == bucket.get_object(Bucket=BUCKET, Key=f"media/{done['file']}")["Body"].read()
    assert downloaded.startswith(b"section,key,status,value")
