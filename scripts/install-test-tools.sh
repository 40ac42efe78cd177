#!/usr/bin/env bash
# The Debian tools the test suite needs (shared by `npm test` and `.ci/run`): installs the missing
# ones when run as root with apt, otherwise stops at once with one line naming them. Then makes sure
# PostgreSQL answers on 127.0.0.1:5432 (trust auth), starting a local cluster when it is down.
# KENPO_TEST_DBS=sqlite skips PostgreSQL.
set -euo pipefail

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# The statement PDF's Japanese font, and the independent tools the export tests check files with.
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need_apt+=(fonts-noto-cjk)
command -v xmllint >/dev/null 2>&1 || need_apt+=(libxml2-utils)
command -v xmlsec1 >/dev/null 2>&1 || need_apt+=(xmlsec1)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || need_apt+=(zbar-tools)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
wants_postgres=true
[[ ",${KENPO_TEST_DBS:-sqlite,postgres}," == *,postgres,* ]] || wants_postgres=false
if $wants_postgres && ! command -v pg_ctlcluster >/dev/null 2>&1 && ! command -v pg_isready >/dev/null 2>&1; then
  need_apt+=(postgresql)
fi

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "The tests need these Debian packages: ${need_apt[*]} (install them: sudo apt-get install ${need_apt[*]}; or run as root)" >&2
    exit 1
  fi
  echo "installing from Debian: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
  if [[ " ${need_apt[*]} " == *" postgresql "* ]]; then
    # A fresh cluster: let local TCP connections in without a password, as on the development machines.
    for hba in /etc/postgresql/*/main/pg_hba.conf; do
      sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
    done
    for version in $(ls /etc/postgresql); do
      pg_ctlcluster --skip-systemctl-redirect "$version" main reload 2>/dev/null || true
    done
  fi
fi

$wants_postgres || exit 0
# PostgreSQL must answer on 127.0.0.1:5432 (trust auth); start the local cluster when it is down.
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  if [ "$(id -u)" = 0 ] && [ -d /etc/postgresql ]; then
    echo "starting PostgreSQL"
    for version in $(ls /etc/postgresql); do
      pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    done
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    echo "PostgreSQL does not answer on 127.0.0.1:5432 (start it, or run KENPO_TEST_DBS=sqlite npm test)" >&2
    exit 1
  fi
fi
