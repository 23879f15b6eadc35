#!/usr/bin/env bash
# Open the console on the demo database (created on first run). Without a
# display the window is opened on a virtual one (Xvfb), so the command still
# proves that the console starts; set DISPLAY to see it.
set -euo pipefail
venv=${1:-.venv}
console="$venv/bin/campus-console"
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
    echo "run-console: no display found; opening the console on a virtual" \
         "screen (xvfb-run). Set DISPLAY to see the window." >&2
    exec xvfb-run -a -s "-screen 0 1920x1080x24" "$console" gui --demo
fi
exec "$console" gui --demo
