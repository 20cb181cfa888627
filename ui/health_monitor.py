"""The periodic health check's Qt side (console/health.py schedules and checks)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from console.cameras import CameraService
from console.clock import Clock
from console.domain import Actor
from console.errors import KnownError
from console.health import HEALTH_INTERVAL_S, CheckedHealth, HealthService
from console.health import HealthMonitor as CoreHealthMonitor
from console.ports import CameraTools
from ui.i18n import error_text
from ui.tasks import Pool, TaskRunner
from ui.timers import QtTimers


class HealthMonitor(QObject):
    """The Qt side of the periodic health check (console/health.py schedules and checks): the
    schedule's results as signals on the GUI thread, its timer a QTimer."""

    #: a CheckedHealth, just recorded
    checked = Signal(object)
    #: (camera id, why it could not be checked, in the operator's language)
    failed = Signal(int, str)

    def __init__(
        self,
        cameras: CameraService,
        tools: CameraTools,
        actor: Actor,
        clock: Clock,
        runner: TaskRunner,
        *,
        interval_s: float = HEALTH_INTERVAL_S,
        streaming: Callable[[int], bool] = lambda camera_id: False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._monitor = CoreHealthMonitor(
            HealthService(cameras, tools.check_health, clock),
            actor,
            # Bound to this bridge: once it is deleted, no result is delivered.
            runner.bound(receiver=self, pool=Pool.DEVICES),
            QtTimers(),
            list_cameras=lambda: [c.id for c in cameras.list(actor)],
            on_checked=self._on_monitor_checked,
            on_failed=self._on_monitor_failed,
            interval_s=interval_s,
            streaming=streaming,
        )
        self.destroyed.connect(self._monitor.dispose)

    @property
    def idle(self) -> bool:
        return self._monitor.idle

    def start(self) -> None:
        # The first round through this object's check_all, like every round the window asks for.
        self._monitor.start(first_round=False)
        self.check_all()

    def stop(self) -> None:
        self._monitor.stop()

    def check_all(self) -> None:
        self._monitor.check_all()

    def check_now(self, camera_id: int) -> None:
        self._monitor.check_now(camera_id)

    def _on_monitor_checked(self, result: CheckedHealth) -> None:
        self.checked.emit(result)

    def _on_monitor_failed(self, camera_id: int, err: KnownError) -> None:
        self.failed.emit(camera_id, error_text(err))
