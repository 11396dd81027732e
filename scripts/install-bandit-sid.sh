#!/usr/bin/env bash
# Installs bandit 1.9.x from Debian sid into a private folder, without touching
# the system's apt sources, apt cache or dpkg database.
#
#   scripts/install-bandit-sid.sh [FOLDER]      (default /opt/pysec-bandit-sid)
#
# Debian bookworm ships bandit 1.6.2; sid's python3-bandit (1.9.x) is pure
# Python and runs on bookworm's /usr/bin/python3 once python3-stevedore,
# python3-yaml and python3-rich are installed (.ci/run installs them). Run it as
#
#   PYTHONPATH=FOLDER/usr/lib/python3/dist-packages /usr/bin/python3 -m bandit
#
# The .deb is fetched by apt through a separate configuration (its own source
# list with only the sid line, its own lists and cache folders), then unpacked
# with `dpkg -x`: nothing is installed into the system. Idempotent: does
# nothing when FOLDER already holds a working bandit 1.9.x.
set -euo pipefail

dest="${1:-/opt/pysec-bandit-sid}"
python=/usr/bin/python3
site="$dest/usr/lib/python3/dist-packages"

say() { printf '[install-bandit-sid] %s\n' "$*"; }

bandit_version() {
  # Prints bandit's version ("1.9.4") from FOLDER, or nothing. Its first line
  # reads "__main__.py 1.9.4" under `python3 -m bandit`, "bandit 1.9.4" otherwise.
  PYTHONPATH="$site" "$python" -m bandit --version 2>/dev/null | head -n1 | grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -n1
}

if [ ! -x "$python" ]; then
  say "error: $python is missing (apt-get install python3 python3-stevedore python3-yaml python3-rich)" >&2
  exit 1
fi

have="$(bandit_version || true)"
case "$have" in
  1.9.*)
    say "bandit $have is already installed in $dest: nothing to do"
    exit 0
    ;;
esac

work="$(mktemp -d "${TMPDIR:-/tmp}/pysec-bandit-sid.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/sourceparts" "$work/debs"
printf 'deb http://deb.debian.org/debian sid main\n' > "$work/sources.list"

# Every option that would otherwise read or write the system's apt state points
# into $work: the system's sources, package lists and caches are left as they are.
apt_opts=(
  -o "Dir::Etc::SourceList=$work/sources.list"
  -o "Dir::Etc::SourceParts=$work/sourceparts"
  -o "Dir::State::Lists=$work/lists"
  -o "Dir::Cache=$work/cache"
  -o "Dir::Cache::Archives=$work/cache/archives"
  -o "Dir::Cache::pkgcache=$work/cache/pkgcache.bin"
  -o "Dir::Cache::srcpkgcache=$work/cache/srcpkgcache.bin"
  -o "Acquire::Languages=none"
  -o "APT::Get::List-Cleanup=0"
  -o "Debug::NoLocking=1"
  -o "APT::Sandbox::User=root"
)

say "fetching Debian sid's package list (private apt configuration in $work)"
apt-get "${apt_opts[@]}" -q update

say "downloading python3-bandit from sid"
(cd "$work/debs" && apt-get "${apt_opts[@]}" -q download python3-bandit)
deb="$(ls "$work"/debs/python3-bandit_*.deb | head -n1)"
say "got $(basename "$deb")"

say "unpacking into $dest"
rm -rf "$dest.new"
mkdir -p "$dest.new"
dpkg -x "$deb" "$dest.new"
rm -rf "$dest"
mv "$dest.new" "$dest"

have="$(bandit_version || true)"
case "$have" in
  1.9.*)
    say "bandit $have runs: PYTHONPATH=$site $python -m bandit"
    ;;
  *)
    say "error: bandit from $deb does not run as 1.9.x (got '${have:-nothing}'); its output:" >&2
    PYTHONPATH="$site" "$python" -m bandit --version >&2 || true
    exit 1
    ;;
esac
