#!/usr/bin/env bash
# Installs Helix and Neovim (0.11 or newer) from Debian sid into a private
# folder, without touching the system's apt sources, apt cache or dpkg database.
#
#   scripts/install-editors-sid.sh [FOLDER]      (default /opt/pysec-editors-sid)
#
# Debian bookworm has no Helix and only Neovim 0.7. Sid's `hx` and `neovim`
# binaries need sid's glibc, newer than bookworm's; they run on bookworm when
# started through sid's own dynamic loader with sid's libraries first:
#
#   FOLDER/root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 \
#       --library-path FOLDER/root/usr/lib/x86_64-linux-gnu BINARY ...
#
# The packages (hx, neovim, neovim-runtime and what they depend on, in sid:
# libc6, libgcc-s1, libluajit-5.1-2, libtree-sitter0.*, libunibilium4,
# libutf8proc3, libuv1t64, lua-lpeg, lua-luv, ...) are fetched by apt through
# a separate configuration (its own source list with only the sid line, its
# own lists and cache folders), as scripts/install-bandit-sid.sh does, then
# unpacked with `dpkg -x` into FOLDER/root: nothing is installed into the
# system. Two wrappers, FOLDER/bin/hx and FOLDER/bin/nvim, start the editors
# that way (Helix with HELIX_RUNTIME, Neovim with VIM/VIMRUNTIME pointing at
# the unpacked runtime files). Sid moves on: this installs what sid has now
# and prints the versions.
#
# Idempotent: does nothing when FOLDER's wrappers already start Helix ≥ 25.07
# and Neovim ≥ 0.11.
set -euo pipefail

dest="${1:-/opt/pysec-editors-sid}"
case "$dest" in
  /*) ;;
  *) dest="$(pwd)/$dest" ;;
esac
arch_dir=usr/lib/x86_64-linux-gnu

say() { printf '[install-editors-sid] %s\n' "$*"; }
fail() {
  say "error: $*" >&2
  exit 1
}

# "helix 25.07.1" -> 25.07.1; "NVIM v0.12.4" -> 0.12.4; nothing when it does not start.
hx_version() { "$1/bin/hx" --version 2>/dev/null | head -n1 | grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -n1; }
nvim_version() { "$1/bin/nvim" --version 2>/dev/null | head -n1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n1; }

# Whether version $1 is at least $2 (both dotted numbers).
at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

good() {
  local h n
  h="$(hx_version "$1" || true)"
  n="$(nvim_version "$1" || true)"
  [ -n "$h" ] && [ -n "$n" ] && at_least "$h" 25.07 && at_least "$n" 0.11
}

if [ "$(uname -m)" != x86_64 ]; then
  fail "only x86_64 is supported (this machine is $(uname -m))"
fi
for tool in apt-get apt-cache dpkg; do
  command -v "$tool" >/dev/null || fail "$tool is missing: this script needs a Debian system"
done

if good "$dest"; then
  say "Helix $(hx_version "$dest") and Neovim $(nvim_version "$dest") are already installed in $dest: nothing to do"
  exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/pysec-editors-sid.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/sourceparts" "$work/debs"
printf 'deb http://deb.debian.org/debian sid main\n' > "$work/sources.list"
# No dpkg status: every dependency counts as missing, so the whole closure is listed.
: > "$work/status"

# Every option that would otherwise read or write the system's apt state points
# into $work: the system's sources, package lists, caches and dpkg database are left as they are.
apt_opts=(
  -o "Dir::Etc::SourceList=$work/sources.list"
  -o "Dir::Etc::SourceParts=$work/sourceparts"
  -o "Dir::State::Lists=$work/lists"
  -o "Dir::State::status=$work/status"
  -o "Dir::Cache=$work/cache"
  -o "Dir::Cache::Archives=$work/cache/archives"
  -o "Dir::Cache::pkgcache=$work/cache/pkgcache.bin"
  -o "Dir::Cache::srcpkgcache=$work/cache/srcpkgcache.bin"
  -o "APT::Architecture=amd64"
  -o "APT::Architectures=amd64"
  -o "Acquire::Languages=none"
  -o "APT::Get::List-Cleanup=0"
  -o "Debug::NoLocking=1"
  -o "APT::Sandbox::User=root"
)

say "fetching Debian sid's package list (private apt configuration in $work)"
apt-get "${apt_opts[@]}" -q update || fail "could not fetch sid's package list from deb.debian.org (is the network or the archive unreachable?)"
# apt-get update succeeds with a warning when a source is unreachable: check the list is there.
ls "$work"/lists/*_sid_main_binary-amd64_Packages* >/dev/null 2>&1 ||
  fail "no package list came from deb.debian.org for sid (is the network or the archive unreachable?)"

# hx, neovim, neovim-runtime and everything they need to run (Depends and
# Pre-Depends, recursively; the first of alternatives; no virtual packages).
say "resolving hx, neovim and their dependencies in sid"
mapfile -t pkgs < <(
  apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances --important hx neovim neovim-runtime |
    grep -E '^[a-z0-9]' | sort -u
)
[ "${#pkgs[@]}" -ge 3 ] || fail "sid's package list has no hx/neovim (got: ${pkgs[*]:-nothing})"
say "packages: ${pkgs[*]}"

say "downloading them from sid"
(cd "$work/debs" && apt-get "${apt_opts[@]}" -q download "${pkgs[@]}") ||
  fail "could not download the packages from deb.debian.org (is the network or the archive unreachable?)"

say "unpacking into $dest"
rm -rf "$dest.new"
mkdir -p "$dest.new/root" "$dest.new/bin"
for deb in "$work"/debs/*.deb; do
  dpkg -x "$deb" "$dest.new/root"
done

root="$dest/root"
[ -e "$dest.new/root/$arch_dir/ld-linux-x86-64.so.2" ] || fail "sid's libc6 holds no $arch_dir/ld-linux-x86-64.so.2"
[ -x "$dest.new/root/usr/lib/hx/hx" ] || fail "sid's hx package holds no usr/lib/hx/hx"
[ -x "$dest.new/root/usr/bin/nvim" ] || fail "sid's neovim package holds no usr/bin/nvim"

# The wrappers name the final folder (the .new one is renamed below).
cat > "$dest.new/bin/hx" <<EOF
#!/bin/sh
# Helix from Debian sid, through sid's loader (written by scripts/install-editors-sid.sh).
HELIX_RUNTIME='$root/usr/lib/hx/runtime'
export HELIX_RUNTIME
exec '$root/$arch_dir/ld-linux-x86-64.so.2' --library-path '$root/$arch_dir' --argv0 hx '$root/usr/lib/hx/hx' "\$@"
EOF
cat > "$dest.new/bin/nvim" <<EOF
#!/bin/sh
# Neovim from Debian sid, through sid's loader (written by scripts/install-editors-sid.sh).
# Its own runtime files, whatever another Neovim's environment says.
VIM='$root/usr/share/nvim'
VIMRUNTIME='$root/usr/share/nvim/runtime'
export VIM VIMRUNTIME
exec '$root/$arch_dir/ld-linux-x86-64.so.2' --library-path '$root/$arch_dir' --argv0 nvim '$root/usr/bin/nvim' "\$@"
EOF
chmod 755 "$dest.new/bin/hx" "$dest.new/bin/nvim"

rm -rf "$dest"
mv "$dest.new" "$dest"

if good "$dest"; then
  say "Helix $(hx_version "$dest") runs: $dest/bin/hx"
  say "Neovim $(nvim_version "$dest") runs: $dest/bin/nvim"
else
  say "error: the unpacked editors do not start as Helix >= 25.07 and Neovim >= 0.11; their output:" >&2
  "$dest/bin/hx" --version >&2 || true
  "$dest/bin/nvim" --version >&2 || true
  exit 1
fi
