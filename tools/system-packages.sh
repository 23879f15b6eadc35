#!/usr/bin/env bash
# Install the Debian packages that pip cannot bring: the zbar library behind
# pyzbar, the xcb libraries Qt's window plugin loads, a CJK font and Xvfb.
# As root the missing ones are installed; otherwise the exact command is
# printed and the script fails, so `make` stops with the reason on screen.
set -euo pipefail

packages=(
    libzbar0
    libgl1 libegl1 libglib2.0-0 libfontconfig1 libdbus-1-3
    libxkbcommon0 libxkbcommon-x11-0
    libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
    libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0
    libxcb-xkb1 libxcb-xfixes0
    fonts-wqy-microhei
    xvfb xauth
)

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-packages: not a Debian-like system; install the equivalents of:" >&2
    echo "  ${packages[*]}" >&2
    exit 0
fi

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

command_line="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
    echo "system-packages: missing Debian packages; as root run:" >&2
    echo "  apt-get update && $command_line" >&2
    exit 1
fi

echo "system-packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends ${missing[*]}
