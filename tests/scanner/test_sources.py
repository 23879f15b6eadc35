"""open_source: folders, single images, videos and the errors."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from desktop.scanner.sources import SourceError, natural_key, open_source


def read_all(spec: str | int) -> list[np.ndarray]:
    with open_source(spec) as source:
        frames = []
        while (frame := source.read()) is not None:
            frames.append(frame)
        return frames


def test_folder_yields_images_in_natural_order(code_folder: Path) -> None:
    names = sorted((path for path in code_folder.iterdir()), key=natural_key)

    frames = read_all(str(code_folder))

    assert [path.name for path in names][:3] == ["img5.png", "img10.png", "img15.png"]
    assert len(frames) == 5
    assert frames[0].shape == (480, 640, 3)


def test_single_image_is_one_frame(code_folder: Path) -> None:
    frames = read_all(str(code_folder / "img5.png"))

    assert len(frames) == 1


def test_video_file_is_read_to_the_end(tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (320, 240))
    for level in range(7):
        writer.write(np.full((240, 320, 3), level * 30, np.uint8))
    writer.release()

    with open_source(str(path)) as source:
        assert not source.is_live
        count = 0
        while source.read() is not None:
            count += 1

    assert count == 7


def test_missing_camera_index_is_camera_unavailable() -> None:
    with pytest.raises(SourceError) as caught:
        open_source(97)

    assert caught.value.kind == "camera_unavailable"
    assert "camera index 97" in str(caught.value)


def test_camera_index_as_text() -> None:
    with pytest.raises(SourceError) as caught:
        open_source("97")

    assert caught.value.kind == "camera_unavailable"


def test_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("no images here")

    with pytest.raises(SourceError) as caught:
        open_source(str(tmp_path))

    assert caught.value.kind == "empty"
    assert str(tmp_path) in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        open_source(str(tmp_path / "gone.mp4"))

    assert caught.value.kind == "not_found"


def test_unreadable_image(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg")

    with open_source(str(broken)) as source, pytest.raises(SourceError) as caught:
        source.read()

    assert caught.value.kind == "unreadable"


def test_folder_skips_unreadable_and_vanished_files(tmp_path: Path) -> None:
    frame = np.full((48, 64, 3), 200, np.uint8)
    cv2.imwrite(str(tmp_path / "1.png"), frame)
    (tmp_path / "2.jpg").write_bytes(b"")  # zero bytes
    (tmp_path / "3.jpg").write_bytes(b"\x00garbage" * 50)
    cv2.imwrite(str(tmp_path / "4.png"), frame)
    cv2.imwrite(str(tmp_path / "5.png"), frame)

    with open_source(str(tmp_path)) as source:
        first = source.read()
        (tmp_path / "4.png").unlink()  # removed while playing
        rest = []
        while (image := source.read()) is not None:
            rest.append(image)

    assert first is not None and len(rest) == 1
    assert [p.name for p in source.skipped] == ["2.jpg", "3.jpg", "4.png"]
