# Sourced (not run) by .ci/run, scripts/test.sh and scripts/demo.sh: installs what a fresh Debian/Ubuntu
# machine lacks (Java 17, Maven, and with "postgres" the PostgreSQL server binaries the warehouse tests
# start their own server with), through apt-get (as root, or with sudo), then selects Java 17.
# usage: source scripts/prereqs.sh [postgres]
need_apt=()
command -v java >/dev/null 2>&1 && java -version 2>&1 | grep '"17\.' >/dev/null || need_apt+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
if [[ "${1:-}" == postgres ]]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
fi
# a Java 17 installed next to a newer default one is enough: it is selected below
if [[ "${need_apt[0]:-}" == openjdk-17-jdk-headless ]] && ls -d /usr/lib/jvm/java-17-openjdk-* >/dev/null 2>&1; then
  need_apt=("${need_apt[@]:1}")
fi
if ((${#need_apt[@]})); then
  if ! command -v apt-get >/dev/null 2>&1; then
    printf 'error: this machine lacks %s, and has no apt-get to install them with\n' "${need_apt[*]}" >&2
    exit 1
  elif ((EUID == 0)); then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    printf 'error: this machine lacks %s; install them (apt-get install %s) and run again\n' \
      "${need_apt[*]}" "${need_apt[*]}" >&2
    exit 1
  fi
  echo "installing: ${need_apt[*]}" >&2
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Flink 1.19 and Spark 3.5 need Java 17 (not newer)
jdk17="$( (ls -d /usr/lib/jvm/java-17-openjdk-* 2>/dev/null || true) | head -1)" # amd64, arm64, ...
if [[ -n "$jdk17" ]]; then
  export JAVA_HOME="$jdk17"
  export PATH="$JAVA_HOME/bin:$PATH"
fi
unset need_apt as_root jdk17
