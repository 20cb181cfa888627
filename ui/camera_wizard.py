"""Adding cameras: the technicians' discovery wizard (its pages are in ui/wizard_pages.py).

The wizard walks a technician through five steps on four pages: find the cameras (a WS-Discovery
search out of one interface, a scan of an address range, or a host and port typed in; results
listed as they arrive), pick one, log in, test it (onboarding, then the camera's snapshot and one
decoded keyframe of its main stream, side by side with what the camera told about itself), and
save it at a place under a name.

Nothing here talks to a device itself: the adapters come in a `CameraTools` from ui/wiring/
(the composition root) with the functions of devices/discovery.py and devices/onvif_client.py.
Every one of them blocks, so each runs on a TaskRunner worker; scan results travel back to the GUI
thread as queued signals while the scan goes on. An error is shown at the step where it happened:
a refused login on the login page, anything else on the step of the test page that failed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget, QWizard

from console.camera_facts import DeviceFacts, DiscoveredDevice
from console.cameras import Camera, CameraService
from console.domain import Actor, Area, Place
from console.errors import KnownError
from console.ports import CameraTools
from ui.tasks import Pool, TaskRunner
from ui.wizard_pages import CredentialsPage, PlacePage, ScanPage, TestPage

T = TypeVar("T")


class CameraWizard(QWizard):
    """Find, test and add cameras. Non-modal; one camera per run, or several with "Save and add
    another" (the search results and the login stay for the next one)."""

    #: a console.cameras.Camera just added
    camera_added = Signal(object)

    PAGE_SCAN, PAGE_LOGIN, PAGE_TEST, PAGE_PLACE = range(4)

    def __init__(
        self,
        cameras: CameraService,
        tools: CameraTools,
        actor: Actor,
        areas: Sequence[Area],
        places: Sequence[Place],
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("camera_wizard")
        self.setWindowTitle(self.tr("Add cameras"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Save"))
        self.setButtonText(QWizard.WizardButton.CustomButton1, self.tr("Save and add &another"))
        self.button(QWizard.WizardButton.CustomButton1).setObjectName("save_another")
        self.button(QWizard.WizardButton.FinishButton).setObjectName("save")
        self.button(QWizard.WizardButton.NextButton).setObjectName("next")
        self.button(QWizard.WizardButton.BackButton).setObjectName("back")
        self.button(QWizard.WizardButton.CancelButton).setObjectName("cancel")
        self.resize(980, 680)
        self.cameras = cameras
        self.tools = tools
        self.actor = actor
        self.areas = list(areas)
        self.places = list(places)
        self._runner = runner
        self._in_flight = 0
        self._closed = False
        self._dispose_when_idle = False
        #: (host, port) of cameras already added → their names
        self.known: dict[tuple[str, int], str] = {}
        self.facts: DeviceFacts | None = None
        self.scan = ScanPage(self)
        self.credentials = CredentialsPage(self)
        self.test = TestPage(self)
        self.place = PlacePage(self)
        for page_id, page in enumerate((self.scan, self.credentials, self.test, self.place)):
            self.setPage(page_id, page)
        self.customButtonClicked.connect(self._on_self_custom_button_clicked)
        self.currentIdChanged.connect(self._on_self_current_id_changed)
        self.finished.connect(self._on_self_finished)
        self._on_self_current_id_changed(self.PAGE_SCAN)
        self.scan.load_interfaces()
        self.load_known()

    # -- shared state --------------------------------------------------------------------------

    @property
    def device(self) -> DiscoveredDevice | None:
        return self.scan.picked()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def load_known(self) -> None:
        self.run(
            lambda: self.cameras.list(self.actor), self._on_known_loaded, self.scan._show_error
        )

    def _on_known_loaded(self, cameras: list[Camera]) -> None:
        self.known = {(c.host, c.port): c.name for c in cameras}
        self.scan.initializePage()

    def run(
        self,
        op: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[KnownError], None],
        *,
        when_closed: bool = False,
        pool: Pool = Pool.STORAGE,
    ) -> None:
        """Run `op` on a worker of `pool` (Pool.DEVICES for what waits on a camera); its result
        reaches the wizard only while it is open (unless `when_closed`), and never once Qt has
        deleted it (the job is bound to the wizard)."""
        self._in_flight += 1

        def deliver(callback: Callable[[Any], None]) -> Callable[[Any], None]:
            def call(value: Any) -> None:
                self._in_flight -= 1
                if not self._closed or when_closed:
                    callback(value)
                if self._dispose_when_idle and self._in_flight == 0:
                    self.deleteLater()

            return call

        self._runner.run(op, deliver(on_success), deliver(on_failure), receiver=self, pool=pool)

    def dispose(self) -> None:
        """Delete the wizard once the work it started has reported back."""
        self._closed = True
        if self._in_flight == 0:
            self.deleteLater()
        else:
            self._dispose_when_idle = True

    # -- pages ---------------------------------------------------------------------------------

    def _on_self_current_id_changed(self, page_id: int) -> None:
        self.button(QWizard.WizardButton.CustomButton1).setVisible(page_id == self.PAGE_PLACE)

    def _on_self_custom_button_clicked(self, which: int) -> None:
        if (
            which == QWizard.WizardButton.CustomButton1.value
            and self.currentId() == self.PAGE_PLACE
        ):
            self.place.save(another=True)

    def set_saving(self, on: bool) -> None:
        self.button(QWizard.WizardButton.CustomButton1).setEnabled(not on)

    def focus_next(self) -> None:
        button = self.button(QWizard.WizardButton.NextButton)
        if button.isEnabled() and button.isVisible():
            button.setFocus()

    def saved(self, camera: Camera, *, another: bool) -> None:
        self.known[(camera.host, camera.port)] = camera.name
        self.camera_added.emit(camera)
        if self._closed or self.currentId() != self.PAGE_PLACE:
            # Cancelled, or gone back while saving: the camera is added all the same (and now
            # marked so), but the wizard stays where the person took it.
            return
        if another:
            # Back to the list, with the camera just added marked; the login stays.
            self.restart()
            self.scan.results.setFocus()
        else:
            self.accept()

    def _on_self_finished(self, _result: int) -> None:
        self._closed = True
        self.scan.cancel_search()
        # The camera's password is not kept in a closed window.
        self.credentials.password.clear()
