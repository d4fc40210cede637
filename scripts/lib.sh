# Shared by scripts/run, scripts/test and .ci/run: install what is missing, configure, build.
# Sourced, not run.

REDSIM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Everything redsim builds with, as Debian packages (no downloads at build time).
REDSIM_PACKAGES=(cmake make g++ libfmt-dev libcli11-dev nlohmann-json3-dev doctest-dev
                 librapidcheck-dev)

# Installs the Debian packages in "$@" that are not installed yet.
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "redsim: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q "${missing[@]}" >/dev/null ||
    { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q "${missing[@]}" >/dev/null; }
}

# build DIR BUILD_TYPE [cmake options...]: configure and build everything into DIR.
build() {
  local dir=$1 type=$2
  shift 2
  local werror=OFF
  [ "${CI:-}" = "true" ] && werror=ON  # warnings are errors in CI
  cmake -S "$REDSIM_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DREDSIM_WERROR="$werror" "$@" \
    >/dev/null
  cmake --build "$dir" -j"$(nproc)"
}
