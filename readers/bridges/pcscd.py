"""A pcscd of our own, for tests, benchmarks and live recordings: vpcd on a free port, its own
reader configuration directory, its own socket, started in the foreground and stopped by PID.

pcsc-lite 1.9 fixes the daemon's socket at ``/run/pcscd/pcscd.comm`` (only the client library
honours ``PCSCLITE_CSOCK_NAME``), so a second pcscd beside the system's one runs in a private mount
namespace where a directory of ours is mounted on ``/run/pcscd``. Clients reach it by setting
``PCSCLITE_CSOCK_NAME`` before their first PC/SC call. Where no namespace can be made and no other
pcscd runs, it runs plainly on the default socket. ``launch_plan()`` says which, or why neither.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
USB_DRIVERS = Path("/usr/lib/pcsc/drivers")  # pcscd's usbdropdir (Debian)
DEFAULT_SOCKET = Path("/run/pcscd/pcscd.comm")
SOCKET_ENV = "PCSCLITE_CSOCK_NAME"
READER_NAME = "Virtual PCD"

# Ways to get a private /run/pcscd, tried in order: root, an unprivileged user namespace, sudo.
_NAMESPACES = (
    ["unshare", "--mount", "--propagation", "private"],
    ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"],
    ["sudo", "-n", "unshare", "--mount", "--propagation", "private"],
)


class PcscdUnavailable(Exception):
    """No pcscd of our own can run on this machine (the reason says why)."""


@dataclass(frozen=True)
class LaunchPlan:
    """How to start the private pcscd: the daemon, a namespace command (empty: none), its socket."""

    daemon: str
    prefix: tuple[str, ...]
    socket: Path


def find_pcscd() -> str | None:
    """pcscd's path (it lives in /usr/sbin, which a normal user's PATH often lacks)."""
    return shutil.which("pcscd") or shutil.which("pcscd", path="/usr/sbin:/sbin")


def launch_plan(workdir: Path) -> LaunchPlan:
    """How a pcscd of our own can run here; raises PcscdUnavailable with the reason."""
    pcscd = find_pcscd()
    if pcscd is None:
        raise PcscdUnavailable("pcscd is not installed (./.ci/setup installs it)")
    if not VPCD_DRIVER.exists():
        raise PcscdUnavailable("the vpcd driver is not installed (Debian package vsmartcard-vpcd)")
    for prefix in _NAMESPACES:
        if shutil.which(prefix[0]) and _runs([*prefix, "true"]):
            return LaunchPlan(pcscd, tuple(prefix), workdir / "run" / "pcscd.comm")
    if DEFAULT_SOCKET.exists():
        raise PcscdUnavailable("another pcscd is running and this machine allows no private one")
    if os.geteuid() != 0:
        raise PcscdUnavailable("pcscd needs root or a user namespace to run here")
    return LaunchPlan(pcscd, (), DEFAULT_SOCKET)


def _runs(command: list[str]) -> bool:
    try:
        return subprocess.run(command, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def free_port_pair() -> int:
    """A TCP port p with p+1 also free (vpcd listens on two: one per slot)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port < 65535 and _port_free(port) and _port_free(port + 1):
            return port
    raise PcscdUnavailable("no two free TCP ports in a row for vpcd")


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


class PrivatePcscd:
    """A pcscd with one vpcd reader (``Virtual PCD 00 00``) listening on ``vpcd_port``."""

    def __init__(self, workdir: Path | None = None, plan: LaunchPlan | None = None) -> None:
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="jpki-pcscd-"))
        self.plan = plan or launch_plan(self.workdir)
        self.vpcd_port = free_port_pair()
        self.config_dir = self.workdir / "reader.conf.d"
        self.log_path = self.workdir / "pcscd.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def socket_path(self) -> Path:
        return self.plan.socket

    @property
    def client_env(self) -> dict[str, str]:
        """What a PC/SC client process needs in its environment to reach this pcscd."""
        return {SOCKET_ENV: str(self.socket_path)}

    def _write_config(self) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        driver = VPCD_DRIVER
        if self.plan.prefix:
            # Our copy of the driver, so that the USB drivers can be hidden (see _command).
            driver = self.workdir / VPCD_DRIVER.name
            shutil.copyfile(VPCD_DRIVER, driver)
        (self.config_dir / "vpcd").write_text(
            f'FRIENDLYNAME "{READER_NAME}"\n'
            f"DEVICENAME   /dev/null:0x{self.vpcd_port:04X}\n"
            f"LIBPATH      {driver}\n"
            f"CHANNELID    0x{self.vpcd_port:04X}\n"
        )

    def _command(self) -> list[str]:
        daemon = f"exec {self.plan.daemon} --foreground --error -c {self.config_dir}"
        if not self.plan.prefix:
            return ["sh", "-c", daemon]
        # In the namespace: our directory on /run/pcscd (on a tmpfs /run where /run/pcscd does not
        # exist, so nothing is created on the host), and no USB drivers, so this pcscd never takes
        # a real reader from the machine's own pcscd.
        script = (
            "set -e; "
            "[ -d /run/pcscd ] || { mount -t tmpfs none /run; mkdir /run/pcscd; }; "
            f"mount --bind {self.socket_path.parent} /run/pcscd; "
            f"[ ! -d {USB_DRIVERS} ] || mount -t tmpfs none {USB_DRIVERS}; "
            f"{daemon}"
        )
        return [*self.plan.prefix, "sh", "-c", script]

    def start(self, timeout: float = 10.0) -> None:
        """Start pcscd and wait until it accepts clients."""
        if self.process is not None:
            return
        self._write_config()
        self.socket_path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(self._command(), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not self._accepting():
            if self.process.poll() is not None:
                self.process = None
                tail = self.log_path.read_text(errors="replace")[-600:]
                raise PcscdUnavailable(f"pcscd exited at start: {tail.strip() or 'no output'}")
            if time.monotonic() > deadline:
                self.stop()
                raise PcscdUnavailable(f"pcscd did not open its socket within {timeout:.0f} s")
            time.sleep(0.05)
        self._wait_vpcd_listening(deadline)

    def _accepting(self) -> bool:
        if not self.socket_path.exists():
            return False
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.connect(str(self.socket_path))
            except OSError:
                return False
        return True

    def _wait_vpcd_listening(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if not _port_free(self.vpcd_port):
                return
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop pcscd by its PID (SIGTERM, then SIGKILL if it lingers)."""
        process, self.process = self.process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def __enter__(self) -> PrivatePcscd:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
