#!/bin/sh
# `npm run image:debian`: a Debian bookworm root (debootstrap --variant=minbase, bash,
# coreutils, apt) as the page's second image, build/web/images/debian.tar
# (open the page with ?image=debian). Needs root and Debian's debootstrap.
set -eu
cd "$(dirname "$0")/.."
out=build/web/images/debian.tar
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
if [ "$(id -u)" != 0 ]; then echo "image:debian needs root (debootstrap): sudo npm run image:debian" >&2; exit 1; fi
command -v debootstrap >/dev/null || { echo "image:debian needs debootstrap: apt-get install debootstrap" >&2; exit 1; }
tmp=$(mktemp -d /tmp/xos-debian-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
debootstrap --variant=minbase bookworm "$tmp/root" "$mirror"
rm -rf "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/lib/apt/lists/"*
mkdir -p build/web/images
tar --numeric-owner -C "$tmp/root" -cf "$out.partial" .
mv "$out.partial" "$out"
echo "made $out ($(du -h "$out" | cut -f1)); open the page with ?image=debian"
