#!/usr/bin/env bash
# Install the system packages Hasila needs: a Java 17+ runtime and Maven for the local Kafka
# broker, and a C compiler and the Python headers (of $PYTHON, default python3) for the mypyc
# build of the extraction hot path (scripts/build_compiled.py), via apt, and only those that
# are missing. Idempotent: on a machine that already has them it
# changes nothing and does not touch the network. Safe for CI: runs as root without a TTY
# (DEBIAN_FRONTEND=noninteractive), uses sudo only when not root and sudo exists.
#
#   scripts/install_system_deps.sh          # install what is missing
#   scripts/install_system_deps.sh --check  # only report; exit 1 if something is missing
#
# Used by CI and the Makefile; streams/broker.py tells users to run it when java/mvn is absent.
set -euo pipefail

MIN_JAVA=17
check_only=0
case "${1:-}" in
  --check) check_only=1 ;;
  "") ;;
  -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

log() { printf '[install_system_deps] %s\n' "$*"; }

java_major() {
  # Prints the major version of the java on PATH (or JAVA_HOME), nothing if there is none.
  local java=""
  if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
    java="${JAVA_HOME}/bin/java"
  elif command -v java >/dev/null 2>&1; then
    java="$(command -v java)"
  fi
  [[ -n "$java" ]] || return 0
  "$java" -version 2>&1 | sed -nE '1s/.*version "(1\.)?([0-9]+).*/\2/p'
}

missing=()
major="$(java_major || true)"
if [[ -z "$major" ]]; then
  log "java: not found"
  missing+=(java)
elif (( major < MIN_JAVA )); then
  log "java: version $major found, $MIN_JAVA+ wanted"
  missing+=(java)
else
  log "java: $major ok"
fi
if command -v mvn >/dev/null 2>&1; then
  log "maven: ok ($(command -v mvn))"
else
  log "maven: not found"
  missing+=(maven)
fi

if command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1; then
  log "c compiler: ok"
else
  log "c compiler: not found"
  missing+=(gcc)
fi

# mypyc also needs the headers of the Python the virtualenv is made from (Debian: python3-dev)
py_include="$(${PYTHON:-python3} -c 'import sysconfig; print(sysconfig.get_paths()["include"])' 2>/dev/null || true)"
if [[ -n "$py_include" && -f "$py_include/Python.h" ]]; then
  log "python headers: ok"
else
  log "python headers: not found (${py_include:-no python3})"
  missing+=(python-headers)
fi

if (( ${#missing[@]} == 0 )); then
  log "nothing to install"
  exit 0
fi
if (( check_only )); then
  log "missing: ${missing[*]}"
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  log "no apt-get on this system: install a Java $MIN_JAVA+ JRE and Maven with your package manager" >&2
  exit 1
fi
SUDO=()
if (( EUID != 0 )); then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    log "not root and no sudo: run as root to install ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive

apt_has() { apt-cache show "$1" >/dev/null 2>&1; }

log "apt-get update"
"${SUDO[@]}" apt-get update -qq

packages=()
if [[ " ${missing[*]} " == *" java "* ]]; then
  # default-jre-headless is 17 on Debian 12 / Ubuntu 22.04 and newer on later releases;
  # prefer an explicit 17 where the default would be older.
  if apt_has openjdk-17-jre-headless; then
    packages+=(openjdk-17-jre-headless)
  elif apt_has default-jre-headless; then
    packages+=(default-jre-headless)
  else
    log "no Java runtime package found in apt" >&2
    exit 1
  fi
fi
if [[ " ${missing[*]} " == *" maven "* ]]; then
  packages+=(maven)
fi
if [[ " ${missing[*]} " == *" gcc "* ]]; then
  packages+=(gcc libc6-dev)
fi
if [[ " ${missing[*]} " == *" python-headers "* ]]; then
  packages+=(python3-dev)
fi

log "apt-get install ${packages[*]}"
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends --no-upgrade "${packages[@]}"

major="$(java_major || true)"
if [[ -z "$major" ]] || (( major < MIN_JAVA )); then
  log "java on PATH is still '${major:-none}' after install; set JAVA_HOME or use update-alternatives" >&2
  exit 1
fi
command -v mvn >/dev/null 2>&1 || { log "mvn still missing after install" >&2; exit 1; }
log "done: java $major, $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g')"
