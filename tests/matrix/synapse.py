"""A real Synapse homeserver for tests: matrix-synapse from PyPI, SQLite, 127.0.0.1 only.

`Synapse.start(directory)` writes a self-contained config (no federation listener, no key
servers, registration only by shared secret, rate limits raised, fast password hashing), starts
`python -m synapse.app.homeserver` and waits for the client API to answer; `stop()` ends it.
Accounts are made with the shared-secret admin API (`register`). Facts behind each setting:
shared/research/matrix-synapse.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SERVER_NAME = "localhost"
START_TIMEOUT = 60.0
# Every rate limiter Synapse 1.163 has (synapse/config/ratelimiting.py), raised out of reach
# ("per_second: 0" does not mean unlimited in config).
UNLIMITED = {"per_second": 100_000, "burst_count": 1_000_000}
RATE_LIMITS: dict[str, Any] = {
    "rc_message": UNLIMITED,
    "rc_registration": UNLIMITED,
    "rc_login": {"address": UNLIMITED, "account": UNLIMITED, "failed_attempts": UNLIMITED},
    "rc_joins": {"local": UNLIMITED, "remote": UNLIMITED},
    "rc_joins_per_room": UNLIMITED,
    "rc_invites": {"per_room": UNLIMITED, "per_user": UNLIMITED, "per_issuer": UNLIMITED},
    "rc_room_creation": UNLIMITED,
    "rc_admin_redaction": UNLIMITED,
    "rc_3pid_validation": UNLIMITED,
    "rc_media_create": UNLIMITED,
    "rc_key_requests": UNLIMITED,
    "rc_presence": {"per_user": UNLIMITED},
    "rc_reports": UNLIMITED,
    "rc_user_directory": UNLIMITED,
    "rc_delayed_event_mgmt": UNLIMITED,
}


@dataclass(frozen=True, slots=True)
class Account:
    user_id: str
    password: str
    access_token: str
    device_id: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _config(directory: Path, port: int, shared_secret: str) -> dict[str, Any]:
    return {
        "server_name": SERVER_NAME,
        "pid_file": str(directory / "homeserver.pid"),
        "listeners": [
            {
                "port": port,
                "bind_addresses": ["127.0.0.1"],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        "database": {"name": "sqlite3", "args": {"database": str(directory / "homeserver.db")}},
        "log_config": str(directory / "log.yaml"),
        "media_store_path": str(directory / "media"),
        "signing_key_path": str(directory / "signing.key"),
        "registration_shared_secret": shared_secret,
        "macaroon_secret_key": secrets.token_hex(16),
        "form_secret": secrets.token_hex(16),
        "report_stats": False,
        "enable_registration": False,
        "enable_metrics": False,
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "federation_domain_whitelist": [],
        "presence": {"enabled": False},
        "url_preview_enabled": False,
        "bcrypt_rounds": 4,  # about 15x faster registration and login than the default 12
        **RATE_LIMITS,
    }


def _log_config(log_file: Path) -> dict[str, Any]:
    return {
        "version": 1,
        "formatters": {"plain": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
        "handlers": {
            "file": {"class": "logging.FileHandler", "filename": str(log_file), "formatter": "plain"}
        },
        "root": {"level": "WARNING", "handlers": ["file"]},
        "disable_existing_loggers": False,
    }


def _signing_key(path: Path) -> None:
    """What `--generate-keys` writes, without starting a second Python for it."""
    from signedjson.key import generate_signing_key, write_signing_keys

    with path.open("w") as handle:
        write_signing_keys(handle, [generate_signing_key("a_test")])


class Synapse:
    """One running homeserver; `url` is its client API."""

    def __init__(self, directory: Path, process: subprocess.Popen[bytes], port: int, secret: str) -> None:
        self.directory = directory
        self.process = process
        self.url = f"http://127.0.0.1:{port}"
        self._secret = secret
        self.started_in: float = 0.0

    @classmethod
    def start(cls, directory: Path) -> Synapse:
        began = time.monotonic()
        port, secret = _free_port(), secrets.token_hex(16)
        config = directory / "homeserver.yaml"
        # JSON is YAML: no YAML writer needed.
        config.write_text(json.dumps(_config(directory, port, secret), indent=1))
        (directory / "log.yaml").write_text(json.dumps(_log_config(directory / "homeserver.log")))
        _signing_key(directory / "signing.key")
        with (directory / "stdout.log").open("wb") as output:  # the child keeps its own handle
            process = subprocess.Popen(
                [sys.executable, "-m", "synapse.app.homeserver", "--config-path", str(config)],
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=directory,
            )
        server = cls(directory, process, port, secret)
        try:
            server._wait_until_up(began)
        except BaseException:
            server.stop()
            raise
        server.started_in = time.monotonic() - began
        return server

    def _wait_until_up(self, began: float) -> None:
        while time.monotonic() - began < START_TIMEOUT:
            if self.process.poll() is not None:
                raise RuntimeError(f"Synapse exited at start ({self.process.returncode}):\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_matrix/client/versions", timeout=1) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        raise RuntimeError(f"Synapse did not answer within {START_TIMEOUT:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        text = ""
        for name in ("stdout.log", "homeserver.log"):
            path = self.directory / name
            if path.exists():
                text += "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) + "\n"
        return text

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def _request(
        self, method: str, path: str, body: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(  # noqa: S310 - our own http://127.0.0.1 server
            f"{self.url}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers=headers,
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            result: dict[str, Any] = json.load(answer)
            return result

    def register(self, localpart: str, *, admin: bool = False) -> Account:
        """A new account (shared-secret registration), already logged in on one device."""
        password = secrets.token_hex(8)
        nonce = self._request("GET", "/_synapse/admin/v1/register")["nonce"]
        message = b"\0".join(
            [nonce.encode(), localpart.encode(), password.encode(), b"admin" if admin else b"notadmin"]
        )
        mac = hmac.new(self._secret.encode(), message, hashlib.sha1).hexdigest()
        made = self._request(
            "POST",
            "/_synapse/admin/v1/register",
            {"nonce": nonce, "username": localpart, "password": password, "admin": admin, "mac": mac},
        )
        return Account(
            user_id=made["user_id"],
            password=password,
            access_token=made["access_token"],
            device_id=made["device_id"],
        )

    def limit_messages(self, user_id: str, *, per_second: float, burst: int) -> None:
        """Give one account Synapse's message rate limit back (admin API; the config raised it for
        everyone), so its sends meet 429 M_LIMIT_EXCEEDED with retry_after_ms."""
        admin = self.register(f"admin{secrets.token_hex(4)}", admin=True)
        self._request(
            "POST",
            f"/_synapse/admin/v1/users/{urllib.parse.quote(user_id)}/override_ratelimit",
            {"messages_per_second": per_second, "burst_count": burst},
            token=admin.access_token,
        )
