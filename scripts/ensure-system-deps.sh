#!/usr/bin/env bash
# Makes sure the system tools the tests need are present, from Debian's packages:
#   xmllint (ONVIF schema kit), curl (an independent HTTP Digest client), unshare and ip
#   (WS-Discovery runs only inside a private network namespace), openssl (test certificates),
#   ffmpeg/ffprobe (picture probes, simulated cameras), GStreamer's RTSP server driven through
#   python3-gi (a third-party RTSP server for the probes), chromium (dashboard tests),
#   redis-server (durability tests start their own, with AOF).
# Installs what is missing when running as root; otherwise says exactly what and how.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }
gst_rtsp() {
  [ -x /usr/bin/python3 ] && /usr/bin/python3 -c \
    "import gi; gi.require_version('Gst','1.0'); gi.require_version('GstRtspServer','1.0'); from gi.repository import Gst, GstRtspServer; Gst.init(None); assert Gst.ElementFactory.find('x264enc')" \
    >/dev/null 2>&1
}

missing=()
have xmllint || missing+=(libxml2-utils)
have curl || missing+=(curl)
have unshare || missing+=(util-linux)
have ip || missing+=(iproute2)
have openssl || missing+=(openssl)
have ffmpeg && have ffprobe || missing+=(ffmpeg)
have redis-server || missing+=(redis-server)
have chromium || missing+=(chromium)
gst_rtsp || missing+=(python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp gstreamer1.0-plugins-base
  gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && have apt-get; then
  echo "Installing from Debian's packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

echo "Missing system packages: ${missing[*]}" >&2
echo "Install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
exit 1
