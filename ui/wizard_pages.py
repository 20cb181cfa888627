"""The camera wizard's pages (ui/camera_wizard.py holds the wizard): find the cameras and pick
one, log in, test it, save it at a place; and the words and pictures they show.

Every device call goes through the wizard's `CameraTools` on a worker of the device pool; scan
results travel back to the GUI thread as queued signals while the scan goes on.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QMargins,
    QObject,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from console.camera_facts import (
    CameraError,
    CameraTimedOut,
    CameraUnreachable,
    DeviceFacts,
    DiscoveredDevice,
    DiscoverySource,
    HostileResponse,
    NotOnvif,
    SnapshotFailed,
    Still,
    StreamFailed,
    StreamProfile,
    WrongLogin,
    snapshot_format,
)
from console.camera_login import CameraLogin, ForeignHost
from console.cameras import Camera
from console.domain import Permission, Place
from console.errors import KnownError
from console.policy import can
from console.ports import NetworkInterface
from console.text import display_text, fold
from ui.i18n import error_text
from ui.tasks import Pool
from ui.theme import set_state

if TYPE_CHECKING:
    from ui.camera_wizard import CameraWizard

#: How long a WS-Discovery search listens for answers (the Probe is re-sent within it).
MULTICAST_WINDOW_S = 3.0
#: What the begin_view entry of the test still says it was for.
TEST_PURPOSE = "onboarding test"
#: The ports a range scan asks at unless told otherwise (ONVIF's usual two).
DEFAULT_PORTS = "80, 8080"
#: Each of the two test pictures is shown this large (16:9; a 4:3 picture gets bars).
PICTURE_SIZE = QSize(400, 225)


# -- words --------------------------------------------------------------------------------------


#: What happened, in a few words, by kind of camera error (translated where shown).
_HEADLINES: tuple[tuple[type[CameraError], object], ...] = (
    (CameraUnreachable, QT_TRANSLATE_NOOP("CameraWizard", "The camera cannot be reached.")),
    (CameraTimedOut, QT_TRANSLATE_NOOP("CameraWizard", "The camera did not answer in time.")),
    (WrongLogin, QT_TRANSLATE_NOOP("CameraWizard", "Wrong user name or password.")),
    (
        NotOnvif,
        QT_TRANSLATE_NOOP("CameraWizard", "This is not an ONVIF camera (or not its ONVIF port)."),
    ),
    (
        HostileResponse,
        QT_TRANSLATE_NOOP("CameraWizard", "The camera's answer was refused for safety."),
    ),
    (StreamFailed, QT_TRANSLATE_NOOP("CameraWizard", "The video stream cannot be opened.")),
    (SnapshotFailed, QT_TRANSLATE_NOOP("CameraWizard", "The camera gave no snapshot.")),
)
_SOURCES = {
    DiscoverySource.MULTICAST: QT_TRANSLATE_NOOP("CameraWizard", "search"),
    DiscoverySource.RANGE: QT_TRANSLATE_NOOP("CameraWizard", "range scan"),
    DiscoverySource.MANUAL: QT_TRANSLATE_NOOP("CameraWizard", "entered"),
}


def _translate(text: object) -> str:
    """A text marked with QT_TRANSLATE_NOOP("CameraWizard", …), translated."""
    return QCoreApplication.translate("CameraWizard", str(text))


def plain_words(err: KnownError) -> str:
    """A camera error as the technician reads it: what happened in a few words, then the detail
    (which names the camera)."""
    detail = error_text(err)
    for kind, headline in _HEADLINES:
        if isinstance(err, kind):
            return f"{_translate(headline)} {detail}"
    return detail


def _source_text(source: DiscoverySource) -> str:
    return _translate(_SOURCES[source])


def _stream_text(profile: StreamProfile | None) -> str:
    if profile is None:
        return QCoreApplication.translate("CameraWizard", "none")
    return f"{profile.width}×{profile.height} {profile.encoding}"


def _yes_no(value: bool) -> str:
    return (
        QCoreApplication.translate("CameraWizard", "yes")
        if value
        else QCoreApplication.translate("CameraWizard", "no")
    )


def _offset_text(offset: float | None) -> str:
    if offset is None:
        return QCoreApplication.translate("CameraWizard", "unknown")
    return QCoreApplication.translate("CameraWizard", "%1 s").replace("%1", f"{offset:+.1f}")


def parse_ports(text: str) -> list[int] | None:
    """ "80, 8080" → [80, 8080]; None if any part is not a port number."""
    ports: list[int] = []
    for part in text.replace(";", ",").replace(" ", ",").split(","):
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 65535:
            return None
        if int(part) not in ports:
            ports.append(int(part))
    return ports or None


def split_host_port(text: str, port: int) -> tuple[str, int]:
    """A host typed as "host:port" (an IPv4 address or a name) gives its own port."""
    host = text.strip()
    name, colon, number = host.rpartition(":")
    if colon and name and ":" not in name and number.isdigit():
        return name, int(number)
    return host, port


def _message_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def _show_message(label: QLabel, text: str, state: str = "bad") -> None:
    label.setText(text)
    set_state(label, state)
    label.setVisible(bool(text))


# -- pictures (made on a worker: QImage, unlike QPixmap, may be made off the GUI thread) ---------


def snapshot_image(data: bytes) -> QImage:
    """A camera's snapshot, a JPEG or a PNG (told by its magic bytes, as the adapter checks)."""
    image = QImage()
    kind = snapshot_format(data)
    if kind is not None:
        image.loadFromData(data, kind)
    return image


def still_image(still: Still) -> QImage:
    image = QImage(
        still.rgb, still.width, still.height, 3 * still.width, QImage.Format.Format_RGB888
    )
    # A copy owns its pixels; the view above borrows the bytes object.
    return image.copy()


@dataclass(frozen=True, slots=True)
class _Picture:
    image: QImage | None = None
    error: KnownError | None = None
    #: The camera sent something that does not decode as a picture.
    undecodable: bool = False
    #: The camera offers nothing to take this picture from.
    missing: bool = False


@dataclass(frozen=True, slots=True)
class _Pictures:
    snapshot: _Picture
    keyframe: _Picture


# -- the pages ----------------------------------------------------------------------------------


class _ScanBridge(QObject):
    """Carries what a scanning worker reports to the GUI thread (queued: the bridge lives there)."""

    #: a DiscoveredDevice, the moment it answered
    found = Signal(object)
    #: (addresses done, addresses in all) of a range scan
    progress = Signal(int, int)


class ScanPage(QWizardPage):
    """Find cameras and pick one. Results of every search stay listed, de-duplicated."""

    def __init__(self, wizard: CameraWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Find cameras"))
        self.setSubTitle(
            self.tr(
                "Search the network, scan a range of addresses where the search does not reach, "
                "or enter a camera's address. Then pick the camera to add."
            )
        )
        self._devices: list[DiscoveredDevice] = []
        self._keys: set[str] = set()
        self._cancel: threading.Event | None = None
        #: Every search's bridge, kept while the page lives: a worker may still emit on one
        #: after its search was cancelled, and must never find it deleted. Only the search going
        #: on (`_bridge`) is heard; its signals reach the page's own slots, which Qt disconnects
        #: when the page is deleted.
        self._bridges: list[_ScanBridge] = []
        self._bridge: _ScanBridge | None = None
        self._generation = 0

        self.method = QButtonGroup(self)
        self.multicast = QRadioButton(self.tr("Search the &network (WS-Discovery)"))
        self.multicast.setObjectName("multicast")
        self.interface = QComboBox()
        self.interface.setObjectName("interface")
        self.interface.addItem(self.tr("All interfaces"), None)
        self.range_button = QRadioButton(self.tr("Scan an address &range"))
        self.range_button.setObjectName("range_method")
        self.range = QLineEdit()
        self.range.setObjectName("range")
        self.range.setPlaceholderText(self.tr("192.168.1.10-192.168.1.60 or 192.168.1.0/24"))
        self.ports = QLineEdit(DEFAULT_PORTS)
        self.ports.setObjectName("ports")
        self.ports.setMaximumWidth(120)
        self.ports.setToolTip(self.tr("The ports to ask for ONVIF at, separated by commas"))
        self.manual = QRadioButton(self.tr("Enter an &address"))
        self.manual.setObjectName("manual_method")
        self.host = QLineEdit()
        self.host.setObjectName("host")
        self.host.setPlaceholderText(self.tr("host name or IP address"))
        self.port = QSpinBox()
        self.port.setObjectName("port")
        self.port.setRange(1, 65535)
        self.port.setValue(80)
        for index, button in enumerate((self.multicast, self.range_button, self.manual)):
            self.method.addButton(button, index)
        self.multicast.setChecked(True)
        # Typing into a method's fields chooses that method.
        self.interface.activated.connect(lambda _: self.multicast.setChecked(True))
        self.range.textEdited.connect(lambda _: self.range_button.setChecked(True))
        self.ports.textEdited.connect(lambda _: self.range_button.setChecked(True))
        self.host.textEdited.connect(lambda _: self.manual.setChecked(True))
        self.port.valueChanged.connect(lambda _: self.manual.setChecked(True))
        for field in (self.range, self.ports, self.host, self.port):
            field.installEventFilter(self)

        self.search = QPushButton(self.tr("&Search"))
        self.search.setObjectName("search")
        self.search.clicked.connect(self.start_search)
        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.stop = QPushButton(self.tr("Cancel search"))
        self.stop.setObjectName("stop")
        self.stop.clicked.connect(self.cancel_search)
        self.stop.hide()
        self.status = _message_label("status")

        self.results = QTreeWidget()
        self.results.setObjectName("results")
        self.results.setHeaderLabels(
            [self.tr("Name"), self.tr("Address"), self.tr("Model"), self.tr("Found by"), ""]
        )
        self.results.setRootIsDecorated(False)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setUniformRowHeights(True)
        header = self.results.header()
        header.setStretchLastSection(True)
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.results.itemSelectionChanged.connect(self.completeChanged)
        self.results.itemDoubleClicked.connect(self._on_results_item_double_clicked)

        grid = QGridLayout()
        grid.addWidget(self.multicast, 0, 0)
        grid.addWidget(self.interface, 0, 1, 1, 3)
        grid.addWidget(self.range_button, 1, 0)
        grid.addWidget(self.range, 1, 1)
        ports_label = QLabel(self.tr("&Ports"))
        ports_label.setBuddy(self.ports)
        grid.addWidget(ports_label, 1, 2)
        grid.addWidget(self.ports, 1, 3)
        grid.addWidget(self.manual, 2, 0)
        grid.addWidget(self.host, 2, 1)
        port_label = QLabel(self.tr("P&ort"))
        port_label.setBuddy(self.port)
        grid.addWidget(port_label, 2, 2)
        grid.addWidget(self.port, 2, 3)
        grid.setColumnStretch(1, 1)
        searching = QHBoxLayout()
        searching.addWidget(self.search)
        searching.addWidget(self.progress, 1)
        searching.addWidget(self.stop)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addLayout(searching)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)

    # -- QWizardPage ---------------------------------------------------------------------------

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self._mark_known()
        self.completeChanged.emit()

    def cleanupPage(self) -> None:  # noqa: N802 - Qt override
        # Results stay when the wizard starts over for another camera.
        pass

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.picked() is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter in a field searches (rather than pressing the wizard's default button).
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.start_search()
            return True
        return super().eventFilter(watched, event)

    # -- interfaces ----------------------------------------------------------------------------

    def load_interfaces(self) -> None:
        self._wizard.run(
            self._wizard.tools.interfaces,
            self._show_interfaces,
            self._show_error,
            pool=Pool.DEVICES,
        )

    def _show_interfaces(self, found: Sequence[NetworkInterface]) -> None:
        for interface in found:
            label = f"{interface.name} – {interface.address}/{interface.prefix}"
            self.interface.addItem(label, interface)
        own = next((i for i in found if not ipaddress.IPv4Address(i.address).is_loopback), None)
        if own is not None:
            network = ipaddress.IPv4Interface(f"{own.address}/{own.prefix}").network
            self.range.setPlaceholderText(
                self.tr("for example %1 or 192.168.1.10-60").replace("%1", str(network))
            )

    # -- searching -----------------------------------------------------------------------------

    @property
    def searching(self) -> bool:
        return self._cancel is not None

    def start_search(self) -> None:
        if self.searching:
            return
        tools = self._wizard.tools
        op: Callable[[], list[DiscoveredDevice]]
        bridge = _ScanBridge()
        cancel = threading.Event()
        if self.manual.isChecked():
            host, port = split_host_port(self.host.text(), self.port.value())

            def entered() -> list[DiscoveredDevice]:
                return [tools.manual_device(host, port)]

            op = entered
        elif self.range_button.isChecked():
            text = self.range.text().strip()
            ports = parse_ports(self.ports.text())
            if not text or ports is None:
                field = self.range if not text else self.ports
                self._show_error_text(
                    self.tr("Enter the addresses to scan, such as 192.168.1.10-60.")
                    if not text
                    else self.tr("The ports must be numbers from 1 to 65535, such as 80, 8080.")
                )
                field.setFocus()
                return

            def scan() -> list[DiscoveredDevice]:
                return tools.scan_range(
                    tools.parse_range(text),
                    ports=ports,
                    on_found=bridge.found.emit,
                    on_progress=bridge.progress.emit,
                    cancel=cancel,
                )

            op = scan
        else:
            interface = self.interface.currentData()

            def probe() -> list[DiscoveredDevice]:
                return tools.probe_multicast(
                    interface,
                    window=MULTICAST_WINDOW_S,
                    on_found=bridge.found.emit,
                    cancel=cancel,
                )

            op = probe
        self._generation += 1
        generation = self._generation
        bridge.found.connect(self._on_bridge_found)
        bridge.progress.connect(self._on_bridge_progress)
        self._bridges.append(bridge)
        self._bridge = bridge
        self._cancel = cancel
        self._set_searching(True, determinate=self.range_button.isChecked())
        self._wizard.run(
            op,
            lambda found: self._on_search_done(found, generation),
            lambda err: self._on_search_failed(err, generation),
            pool=Pool.DEVICES,
        )

    def cancel_search(self) -> None:
        """Stop the search at once; what was found so far stays listed."""
        if self._cancel is None:
            return
        self._cancel.set()
        self._generation += 1
        self._bridge = None
        self._set_searching(False)
        _show_message(self.status, self.tr("Search cancelled."), "warning")

    def _set_searching(self, on: bool, *, determinate: bool = False) -> None:
        if not on:
            self._cancel = None
        self.search.setEnabled(not on)
        self.progress.setVisible(on)
        self.stop.setVisible(on)
        # A search over a time window or a single address shows activity, a range its progress.
        self.progress.setRange(0, 0 if not determinate else 1)
        self.progress.setValue(0)
        if on:
            _show_message(self.status, self.tr("Searching …"), "busy")
            self.stop.setFocus()
        else:
            self.search.setFocus()

    def _on_bridge_progress(self, done: int, total: int) -> None:
        if self._bridge is None or self.sender() is not self._bridge:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _on_bridge_found(self, device: DiscoveredDevice) -> None:
        if self._bridge is not None and self.sender() is self._bridge:
            self.add_device(device)

    def _on_search_done(self, found: list[DiscoveredDevice], generation: int) -> None:
        if generation != self._generation:
            return
        self._bridge = None
        # Anything the worker found but whose signal has not come yet (none, normally).
        for device in found:
            self.add_device(device)
        self._set_searching(False)
        if len(found) == 1 and found[0].source is DiscoverySource.MANUAL:
            known = self._wizard.known.get((found[0].address, found[0].port))
            if known is not None:
                text = self.tr("This camera has been added already as “%1”.").replace("%1", known)
                _show_message(self.status, text, "warning")
                return
            _show_message(self.status, "", "")
            self._select(found[0])
            return
        text = (
            self.tr("No cameras answered.")
            if not found
            else self.tr("Cameras found: %1.").replace("%1", str(len(found)))
        )
        _show_message(self.status, text, "ok" if found else "warning")
        if self.picked() is None and self._selectable():
            self.results.setCurrentItem(self._selectable()[0])
        self.results.setFocus()

    def _on_search_failed(self, err: KnownError, generation: int) -> None:
        if generation != self._generation:
            return
        self._bridge = None
        self._set_searching(False)
        self._show_error(err)

    def _show_error(self, err: KnownError) -> None:
        self._show_error_text(error_text(err))

    def _show_error_text(self, text: str) -> None:
        _show_message(self.status, text, "bad")

    # -- the list ------------------------------------------------------------------------------

    @property
    def devices(self) -> list[DiscoveredDevice]:
        return list(self._devices)

    def add_device(self, device: DiscoveredDevice) -> None:
        """List a device once: by its endpoint (or first XAddr), and by its address and port."""
        where = f"{device.address}:{device.port}"
        if device.key in self._keys or where in self._keys:
            return
        self._keys.update({device.key, where})
        self._devices.append(device)
        item = QTreeWidgetItem(
            [
                display_text(device.name) or "—",
                where,
                display_text(device.hardware),
                _source_text(device.source),
                "",
            ]
        )
        item.setData(0, Qt.ItemDataRole.UserRole, len(self._devices) - 1)
        self.results.addTopLevelItem(item)
        self._mark(item, device)

    def _items(self) -> list[QTreeWidgetItem]:
        items = (self.results.topLevelItem(r) for r in range(self.results.topLevelItemCount()))
        return [item for item in items if item is not None]

    def _mark_known(self) -> None:
        for item in self._items():
            self._mark(item, self._device_of(item))
        self.completeChanged.emit()

    def _mark(self, item: QTreeWidgetItem, device: DiscoveredDevice) -> None:
        """Grey out a camera that has been added already, naming it."""
        name = self._wizard.known.get((device.address, device.port))
        if name is None:
            # Listed at the address it answered from; what it reported is shown, not used.
            reported = self.tr("reports %1").replace("%1", display_text(", ".join(device.xaddrs)))
            item.setText(4, reported if device.address_mismatch else "")
            item.setDisabled(False)
            return
        item.setText(4, self.tr("added already as “%1”").replace("%1", display_text(name)))
        item.setDisabled(True)
        item.setSelected(False)

    def _device_of(self, item: QTreeWidgetItem) -> DiscoveredDevice:
        return self._devices[int(item.data(0, Qt.ItemDataRole.UserRole))]

    def _selectable(self) -> list[QTreeWidgetItem]:
        return [item for item in self._items() if not item.isDisabled()]

    def _select(self, device: DiscoveredDevice) -> None:
        for item in self._selectable():
            listed = self._device_of(item)
            if (listed.address, listed.port) == (device.address, device.port):
                self.results.setCurrentItem(item)
                self.results.setFocus()

    def select_address(self, address: str) -> bool:
        """Pick the listed camera at `address` (for tests and the keyboard-less)."""
        for item in self._selectable():
            if self._device_of(item).address == address:
                self.results.setCurrentItem(item)
                return True
        return False

    def picked(self) -> DiscoveredDevice | None:
        items = [i for i in self.results.selectedItems() if not i.isDisabled()]
        return self._device_of(items[0]) if items else None

    def _on_results_item_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        if not item.isDisabled():
            self._wizard.next()


class CredentialsPage(QWizardPage):
    """The camera's login. It travels to the worker that connects and, on saving, to the keyring;
    nowhere else."""

    def __init__(self, wizard: CameraWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Log in to the camera"))
        self.setSubTitle(
            self.tr(
                "The camera's own user name and password (an ONVIF user with administrator "
                "rights). Utkik keeps them only in the operating system's keyring."
            )
        )
        self.device = QLabel()
        self.device.setObjectName("device")
        self.device.setWordWrap(True)
        self.user = QLineEdit()
        self.user.setObjectName("user")
        self.user.textChanged.connect(self.completeChanged)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = _message_label("error")
        form = QFormLayout()
        form.addRow(self.tr("Camera"), self.device)
        form.addRow(self.tr("&User name"), self.user)
        form.addRow(self.tr("Pass&word"), self.password)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        device = self._wizard.device
        if device is not None:
            where = f"{device.address}:{device.port}"
            name = display_text(device.name)
            self.device.setText(f"{name} ({where})" if name else where)
        _show_message(self.error, "")
        (self.password if self.user.text() else self.user).setFocus()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return bool(self.user.text().strip())

    def show_error(self, text: str) -> None:
        """A refused login, shown here when the test page comes back to this one."""
        _show_message(self.error, text)
        self.password.selectAll()
        self.password.setFocus()

    def login(self) -> tuple[str, str]:
        return self.user.text().strip(), self.password.text()


class _Step(QWidget):
    """One line of the test: what is done, its state, and what went wrong (in plain words)."""

    def __init__(self, name: str, title: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.title = QLabel(title)
        self.state = QLabel()
        self.state.setObjectName("state")
        self.state.setMinimumWidth(90)
        self.message = _message_label("message")
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.state, 0, 0)
        layout.addWidget(self.title, 0, 1)
        layout.addWidget(self.message, 1, 1)
        layout.setColumnStretch(1, 1)
        self.set("", "")

    def set(self, state: str, text: str, message: str = "") -> None:
        self.state.setText(text)
        set_state(self.state, state)
        _show_message(self.message, message, "bad" if state == "bad" else "warning")

    @property
    def state_name(self) -> str:
        return str(self.state.property("state") or "")


class TestPage(QWizardPage):
    """Onboarding, then the snapshot and one keyframe (a logged look at live video), and the
    facts. Going on needs a camera that answered and logged us in; the pictures' failures are
    shown, and the camera can be added all the same (the health check keeps watching it)."""

    __test__ = False  # not a pytest class, whatever its name

    def __init__(self, wizard: CameraWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self._generation = 0
        self._busy = False
        #: The main stream did not open (or sent no picture) with the login.
        self._stream_failed = False
        self.setTitle(self.tr("Test the camera"))
        self.setSubTitle(
            self.tr(
                "Utkik asks the camera what it is and what it offers, then takes its snapshot and "
                "one picture of its live video. Looking at the live picture is logged."
            )
        )
        self.steps = {
            "connect": _Step("step_connect", self.tr("Connect and log in")),
            "facts": _Step("step_facts", self.tr("What the camera offers")),
            "snapshot": _Step("step_snapshot", self.tr("Snapshot")),
            "video": _Step("step_video", self.tr("Live picture (one keyframe)")),
        }
        self.retest = QPushButton(self.tr("Test &again"))
        self.retest.setObjectName("retest")
        self.retest.clicked.connect(self.start)
        self.retest.hide()
        steps = QVBoxLayout()
        for step in self.steps.values():
            steps.addWidget(step)
        steps.addWidget(self.retest, 0, Qt.AlignmentFlag.AlignLeft)
        steps.addStretch()

        self.snapshot = self._picture("snapshot")
        self.keyframe = self._picture("keyframe")
        pictures = QGridLayout()
        pictures.addWidget(QLabel(self.tr("Snapshot (from the camera)")), 0, 0)
        pictures.addWidget(QLabel(self.tr("Live picture (decoded keyframe)")), 0, 1)
        pictures.addWidget(self.snapshot, 1, 0)
        pictures.addWidget(self.keyframe, 1, 1)
        pictures.setColumnStretch(2, 1)

        self.facts = QWidget()
        self.facts.setObjectName("facts")
        self.fact_labels: dict[str, QLabel] = {}
        form = QFormLayout(self.facts)
        form.setContentsMargins(0, 0, 0, 0)
        for key, title in (
            ("manufacturer", self.tr("Manufacturer")),
            ("model", self.tr("Model")),
            ("firmware", self.tr("Firmware")),
            ("main", self.tr("Main stream")),
            ("sub", self.tr("Sub stream")),
            ("ptz", self.tr("PTZ")),
            ("events", self.tr("Events")),
            ("relays", self.tr("Relay outputs")),
            ("clock", self.tr("Clock offset")),
            ("transport", self.tr("Transport")),
        ):
            label = QLabel()
            label.setObjectName(f"fact_{key}")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fact_labels[key] = label
            form.addRow(title, label)
        self.insecure = QLabel(self.tr("Insecure transport"))
        self.insecure.setObjectName("insecure_badge")
        self.insecure.setToolTip(
            self.tr(
                "The camera is reached over plain HTTP: its answers, and the video, cross the "
                "network unencrypted."
            )
        )
        self.insecure.setStyleSheet(
            "background: #9a6700; color: #ffffff; border-radius: 3px; padding: 1px 6px;"
        )
        self.insecure.hide()
        self.warnings = _message_label("warnings")
        self.problems = _message_label("problems")
        self.facts.hide()

        side = QVBoxLayout()
        side.addWidget(self.facts)
        side.addWidget(self.insecure, 0, Qt.AlignmentFlag.AlignLeft)
        side.addStretch()
        top = QHBoxLayout()
        top.addLayout(steps, 1)
        top.addLayout(side, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.warnings)
        layout.addWidget(self.problems)
        layout.addLayout(pictures)
        layout.addStretch()

    def _picture(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setFixedSize(PICTURE_SIZE.grownBy(QMargins(2, 2, 2, 2)))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        label.setFrameShape(QFrame.Shape.StyledPanel)
        label.setStyleSheet("background: #000000; color: #8a9099;")
        return label

    # -- QWizardPage ---------------------------------------------------------------------------

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.start()

    def cleanupPage(self) -> None:  # noqa: N802 - Qt override
        # Back, or the wizard closing: what is still running is no longer wanted.
        self._generation += 1
        self._busy = False
        self._wizard.facts = None

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        # Saved only once the main stream opened with the login: a camera may accept any ONVIF
        # login (or remember a good one per client for minutes) and refuse the stream's.
        return not self._busy and self._wizard.facts is not None and not self._stream_failed

    @property
    def busy(self) -> bool:
        return self._busy

    # -- the test ------------------------------------------------------------------------------

    def start(self) -> None:
        device = self._wizard.device
        if device is None:
            return
        self._generation += 1
        generation = self._generation
        self._busy = True
        self._stream_failed = False
        self._wizard.facts = None
        self.completeChanged.emit()
        self.retest.hide()
        self.facts.hide()
        self.insecure.hide()
        _show_message(self.warnings, "")
        _show_message(self.problems, "")
        for picture in (self.snapshot, self.keyframe):
            picture.clear()
            picture.setText("")
        busy = self.tr("testing …")
        self.steps["connect"].set("busy", busy)
        for key in ("facts", "snapshot", "video"):
            self.steps[key].set("", "")
        host, port = device.address, device.port
        user, password = self._wizard.credentials.login()
        onboard = self._wizard.tools.onboard
        self._wizard.run(
            lambda: onboard(host, port, user, password),
            lambda facts: self._on_onboarded(facts, generation),
            lambda err: self._on_onboarding_failed(err, generation),
            pool=Pool.DEVICES,
        )

    def _on_onboarding_failed(self, err: KnownError, generation: int) -> None:
        if generation != self._generation:
            return
        self._busy = False
        if isinstance(err, CameraError) and err.step == "login":
            # A refused login is the login page's business: back there, with the reason.
            self._wizard.back()
            self._wizard.credentials.show_error(plain_words(err))
            return
        self.steps["connect"].set("bad", self.tr("failed"), plain_words(err))
        self.retest.show()
        self.retest.setFocus()
        self.completeChanged.emit()

    def _on_onboarded(self, facts: DeviceFacts, generation: int) -> None:
        if generation != self._generation:
            return
        self._wizard.facts = facts
        self.steps["connect"].set("ok", self.tr("OK"))
        self._show_facts(facts)
        self._take_pictures(facts, generation)

    def _show_facts(self, facts: DeviceFacts) -> None:
        caps = facts.capabilities
        texts = {
            "manufacturer": display_text(facts.manufacturer)
            or QCoreApplication.translate("CameraWizard", "unknown"),
            "model": display_text(facts.model)
            or QCoreApplication.translate("CameraWizard", "unknown"),
            "firmware": display_text(facts.firmware)
            or QCoreApplication.translate("CameraWizard", "unknown"),
            "main": _stream_text(facts.main),
            "sub": _stream_text(facts.sub),
            "ptz": _yes_no(caps.ptz),
            "events": _yes_no(caps.events),
            "relays": str(caps.relay_outputs),
            "clock": _offset_text(facts.clock_offset_s),
            "transport": self.tr("HTTPS") if facts.secure else self.tr("plain HTTP"),
        }
        for key, text in texts.items():
            self.fact_labels[key].setText(text)
        set_state(self.fact_labels["clock"], "warning" if facts.clock_warning else "")
        set_state(self.fact_labels["transport"], "" if facts.secure else "warning")
        self.facts.show()
        self.insecure.setVisible(not facts.secure)
        warnings = []
        if facts.clock_warning:
            warnings.append(
                self.tr(
                    "The camera's clock is %1 off, more than 2 s: set its time (NTP). Evidence "
                    "timestamps and logins depend on it."
                ).replace("%1", _offset_text(facts.clock_offset_s))
            )
        if facts.foreign_host:
            warnings.append(
                self.tr(
                    "The camera names another host (%1) for its video or snapshot. That address "
                    "was not contacted; check the camera's network settings."
                ).replace("%1", facts.foreign_host)
            )
        if not facts.secure:
            warnings.append(
                self.tr("The camera is reached over plain HTTP: its traffic is not encrypted.")
            )
        _show_message(self.warnings, "\n".join(warnings), "warning")
        if facts.problems:
            problems = [QCoreApplication.translate("core", p) for p in facts.problems]
            _show_message(
                self.problems,
                self.tr("Problems:") + "\n" + "\n".join(f"• {p}" for p in problems),
                "warning",
            )
        if facts.clock_warning:
            self.steps["facts"].set(
                "warning", self.tr("clock off"), self.tr("The clock is too far off.")
            )
        elif facts.problems:
            self.steps["facts"].set("warning", self.tr("incomplete"))
        else:
            self.steps["facts"].set("ok", self.tr("OK"))

    def _take_pictures(self, facts: DeviceFacts, generation: int) -> None:
        device = self._wizard.device
        assert device is not None
        busy = self.tr("testing …")
        self.steps["snapshot"].set("busy", busy)
        self.steps["video"].set("busy", busy)
        # Bound to the camera's host: its login goes to no other host the camera names.
        login = CameraLogin.for_facts(facts, *self._wizard.credentials.login())
        cameras, tools, actor = self._wizard.cameras, self._wizard.tools, self._wizard.actor
        target = f"{device.address}:{device.port}"
        stream = facts.main or facts.sub

        def look() -> _Pictures:
            # The snapshot and the keyframe are live pictures: the look is logged before it
            # happens (no entry, no picture) and closed with what was taken, whatever happens.
            session = cameras.begin_view(actor, target, None, TEST_PURPOSE)
            taken = 0
            try:
                snapshot = _Picture(missing=True)
                if facts.snapshot_uri:
                    try:
                        image = snapshot_image(tools.fetch_snapshot(facts.snapshot_uri, login))
                    except CameraError as err:
                        snapshot = _Picture(error=err)
                    else:
                        snapshot = _Picture(image=image, undecodable=image.isNull())
                keyframe = _Picture(missing=True)
                if stream is not None and stream.uri:
                    try:
                        image = still_image(tools.grab_keyframe(stream.uri, login))
                    except CameraError as err:
                        keyframe = _Picture(error=err)
                    else:
                        keyframe = _Picture(image=image)
                taken = sum(1 for p in (snapshot, keyframe) if p.image is not None)
                return _Pictures(snapshot, keyframe)
            finally:
                cameras.end_view(session, taken)

        self._wizard.run(
            look,
            lambda pictures: self._on_pictures(pictures, generation),
            lambda err: self._on_pictures_refused(err, generation),
            pool=Pool.DEVICES,
        )

    def _on_pictures(self, pictures: _Pictures, generation: int) -> None:
        if generation != self._generation:
            return
        error = pictures.keyframe.error
        if isinstance(error, CameraError) and error.step == "login":
            # The stream refused the login the ONVIF service took: the login page's business.
            self._busy = False
            self._wizard.back()
            self._wizard.credentials.show_error(plain_words(error))
            return
        self._show_picture("snapshot", self.snapshot, pictures.snapshot)
        self._show_picture("video", self.keyframe, pictures.keyframe)
        # A stream on another host is not opened at all (and is warned about); any other
        # failure of the main stream keeps the camera from being saved.
        self._stream_failed = pictures.keyframe.image is None and not isinstance(error, ForeignHost)
        self._finish()

    def _on_pictures_refused(self, err: KnownError, generation: int) -> None:
        """The look could not be logged (or is not allowed): no picture at all."""
        if generation != self._generation:
            return
        text = error_text(err)
        for key, label in (("snapshot", self.snapshot), ("video", self.keyframe)):
            self.steps[key].set("bad", self.tr("not shown"), text)
            label.setText(self.tr("No picture."))
        # Without the look, the main stream was not opened with the login: nothing to save yet.
        self._stream_failed = True
        self._finish()

    def _show_picture(self, step: str, label: QLabel, picture: _Picture) -> None:
        if picture.image is not None and not picture.undecodable:
            pixmap = QPixmap.fromImage(picture.image).scaled(
                PICTURE_SIZE,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            label.setPixmap(pixmap)
            size = f"{picture.image.width()}×{picture.image.height()}"
            self.steps[step].set("ok", self.tr("OK"), "")
            label.setToolTip(size)
            return
        if picture.missing:
            message = (
                self.tr("The camera gives no snapshot address.")
                if step == "snapshot"
                else self.tr("The camera gives no stream address.")
            )
            self.steps[step].set("warning", self.tr("none"), message)
        elif picture.undecodable:
            self.steps[step].set(
                "bad", self.tr("failed"), self.tr("What the camera sent is not a picture.")
            )
        else:
            assert picture.error is not None
            self.steps[step].set("bad", self.tr("failed"), plain_words(picture.error))
        label.setText(self.tr("No picture."))

    def _finish(self) -> None:
        self._busy = False
        self.retest.show()
        self.completeChanged.emit()
        self._wizard.focus_next()


class PlacePage(QWizardPage):
    """Where the camera is and what it is called; saving adds it (and its login to the keyring)."""

    def __init__(self, wizard: CameraWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self._saving = False
        self._another = False
        self.saved: Camera | None = None
        #: The name field holds what the wizard suggested (it follows the place), not a typed one.
        self._suggested = ""
        self.setTitle(self.tr("Place and name"))
        self.setSubTitle(self.tr("Where the camera is, and the name operators will know it by."))
        self.camera = QLabel()
        self.camera.setObjectName("camera")
        self.camera.setWordWrap(True)
        self.place = QComboBox()
        self.place.setObjectName("place")
        self.place.currentIndexChanged.connect(self._on_place_current_index_changed)
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.name.textChanged.connect(self.completeChanged)
        self.error = _message_label("error")
        form = QFormLayout()
        form.addRow(self.tr("Camera"), self.camera)
        form.addRow(self.tr("&Place"), self.place)
        form.addRow(self.tr("&Name"), self.name)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch()
        self.setCommitPage(False)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.saved = None
        self._saving = False
        _show_message(self.error, "")
        areas = {a.id: a.name for a in self._wizard.areas}
        allowed = [
            p
            for p in self._wizard.places
            if can(self._wizard.actor, Permission.MANAGE_CAMERAS, p.area_id)
        ]
        self.place.blockSignals(True)
        self.place.clear()
        for place in allowed:
            self.place.addItem(f"{place.name} ({areas.get(place.area_id, '')})", place)
        self.place.blockSignals(False)
        if not allowed:
            _show_message(self.error, self.tr("There is no place you may add cameras to."))
        facts, device = self._wizard.facts, self._wizard.device
        if facts is not None:
            model = display_text(" ".join(p for p in (facts.manufacturer, facts.model) if p))
            where = f"{facts.host}:{facts.port}"
            self.camera.setText(f"{model} ({where})" if model else where)
        scope = (device.name if device else "") or (facts.name if facts else "")
        location = device.location if device else ""
        wanted = {fold(scope), fold(location)} - {""}
        index = next((i for i, p in enumerate(allowed) if fold(p.name) in wanted), 0)
        self.place.setCurrentIndex(index)
        self._suggested = ""
        self.name.clear()
        self._suggest_name(scope)
        self.name.setFocus()
        self.name.selectAll()

    def cleanupPage(self) -> None:  # noqa: N802 - Qt override
        self._saving = False

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return (
            not self._saving and self.chosen_place() is not None and bool(self.name.text().strip())
        )

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        # Finish closes the wizard only once the camera is saved; saving runs on a worker.
        if self.saved is not None:
            return True
        self.save(another=False)
        return False

    def chosen_place(self) -> Place | None:
        place = self.place.currentData()
        return place if isinstance(place, Place) else None

    def _on_place_current_index_changed(self, _index: int) -> None:
        if self.name.text() == self._suggested:
            self._suggest_name("")

    def _suggest_name(self, scope: str) -> None:
        """The camera's own name (its name scope) or the place's, made unique among cameras."""
        place = self.chosen_place()
        # The suggestion is a name the technician keeps: no controls from the device in it.
        base = " ".join(display_text(scope).replace("\ufffd", " ").split()) or (
            place.name if place else ""
        )
        taken = {fold(n) for n in self._wizard.known.values()}
        name, number = base, 2
        while fold(name) in taken:
            name = f"{base} {number}"
            number += 1
        self._suggested = name
        self.name.setText(name)

    @property
    def saving(self) -> bool:
        return self._saving

    def save(self, *, another: bool) -> None:
        place, facts = self.chosen_place(), self._wizard.facts
        if self._saving or place is None or facts is None:
            return
        self._saving = True
        self._another = another
        self.completeChanged.emit()
        self._wizard.set_saving(True)
        _show_message(self.error, self.tr("Saving …"), "busy")
        name = self.name.text().strip()
        user, password = self._wizard.credentials.login()
        cameras, actor = self._wizard.cameras, self._wizard.actor
        # Delivered even if the wizard was cancelled meanwhile: the camera is added all the same,
        # and the console must show it.
        self._wizard.run(
            lambda: cameras.add(actor, facts, place, name, user, password),
            self._on_saved,
            self._on_save_failed,
            when_closed=True,
        )

    def _on_saved(self, camera: Camera) -> None:
        self._saving = False
        self.saved = camera
        self._wizard.set_saving(False)
        self._wizard.saved(camera, another=self._another)

    def _on_save_failed(self, err: KnownError) -> None:
        self._saving = False
        self._wizard.set_saving(False)
        if self._wizard.closed:
            return
        _show_message(self.error, error_text(err))
        self.completeChanged.emit()
