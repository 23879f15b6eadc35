"""Printing and saving release certificates from the release page.

The certificates are read and checked on the worker (``printable``); a
PDF is painted there too. Paper goes through the print dialog on the GUI
thread. Outcomes come back as one message signal, so the page decides how
to show them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.i18n import _
from desktop.services.release_desk import PrintableCertificate, ReleaseDesk
from desktop.ui.certificate_print import print_certificates, write_certificate_pdf
from desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


def write_pdf(desk: ReleaseDesk, numbers: Sequence[str], path: Path) -> int:
    """Write the valid certificates of ``numbers``; how many were written."""
    items = desk.printable(numbers)
    if items:
        write_certificate_pdf(items, path)
    return len(items)


class CertificateOutput(QObject):
    """Prints certificates or saves them as a PDF, off the GUI thread.

    Signals:
        said(str, bool): a message for the operator, and whether it is an
            error.
        pdf_written(str): the path of the PDF just written.
    """

    said = Signal(str, bool)
    pdf_written = Signal(str)

    def __init__(
        self,
        desk: ReleaseDesk,
        runner: TaskRunner,
        on_error: Callable[[BaseException], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._desk = desk
        self._runner = runner
        self._on_error = on_error
        self._window = parent

    def print_numbers(self, numbers: Sequence[str]) -> None:
        """Ask for a printer and print the students' valid certificates."""
        if not numbers:
            self.said.emit(_("请先选择要打印证明的学生"), True)
            return
        self._runner.submit(
            self._desk.printable,
            list(numbers),
            on_result=self._on_printable_loaded,
            on_error=self._on_error,
        )

    def _on_printable_loaded(self, items: list[PrintableCertificate]) -> None:
        if not items:
            self.said.emit(_("所选学生没有有效的电子证明"), True)
            return
        if print_certificates(items, self._window):
            self.said.emit(_("已送打印：{n} 份证明").format(n=len(items)), False)

    def ask_pdf(self, numbers: Sequence[str]) -> None:
        """Ask where to save, then write the PDF."""
        if not numbers:
            self.said.emit(_("请先选择要保存证明的学生"), True)
            return
        path, _filter = QFileDialog.getSaveFileName(
            self._window,
            _("保存电子证明 PDF"),
            _("解除观察电子证明") + ".pdf",
            "PDF (*.pdf)",
        )
        if path:
            self.save_pdf(numbers, Path(path))

    def save_pdf(self, numbers: Sequence[str], path: Path) -> None:
        """Write the valid certificates of ``numbers`` to ``path`` (worker)."""
        self._runner.submit(
            write_pdf,
            self._desk,
            list(numbers),
            path,
            on_result=partial(self._on_pdf_written, path),
            on_error=self._on_error,
        )

    def _on_pdf_written(self, path: Path, count: int) -> None:
        if not count:
            self.said.emit(_("所选学生没有有效的电子证明"), True)
            return
        log.info("certificate PDF saved: %d", count)
        self.said.emit(_("已保存 {n} 份证明：{path}").format(n=count, path=path), False)
        self.pdf_written.emit(str(path))
