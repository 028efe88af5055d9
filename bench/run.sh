#!/usr/bin/env bash
# Reproduces one benchmark of bench/RESULTS.md: creates the users, starts the server from
# target/tt-vertx.jar on the chosen store, runs the load generator against it, stops the server.
#   bench/run.sh chat embedded|mysql [USERS [generator options...]]
#   bench/run.sh group embedded|mysql [USERS [generator options...]]
#   bench/run.sh idle embedded|mysql [USERS [generator options...]]
# With generator options --transport ws --port 8900 the clients speak over the web port's WebSocket.
# NODES=3 runs three clustered server processes (msg ports 8000-8002, the generator spreads users
# over them; in idle mode one generator per node holds USERS users there). Work files go to bench/work/ (ignored by git). MySQL runs use database ttbench and
# Redis database 5.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?chat, group or idle}; store=${2:?embedded or mysql}; users=${3:-1000}; shift $(( $# < 3 ? $# : 3 ))
jar=$PWD/target/tt-vertx.jar
[ -f "$jar" ] || mvn -B -q package -DskipTests
work=bench/work; mkdir -p $work; cd $work
# a server left from an earlier run may still be closing its connections: wait until it has exited
pkill -f "tt-vertx.jar" 2>/dev/null || true
for _ in $(seq 1 120); do pgrep -f "tt-vertx.jar" >/dev/null || break; sleep 0.5; done
if pgrep -f "tt-vertx.jar" >/dev/null; then
  echo "an earlier server did not stop within 60 s: killing it" >&2
  pkill -9 -f "tt-vertx.jar" || true; sleep 1
fi

export TT_LOG_LEVEL=WARN TT_MSG_PRIOR_IP=127.0.0.1
if [ "$store" = mysql ]; then
  export TT_STORE=mysql TT_MYSQL_DATABASE=ttbench TT_REDIS_DATABASE=5
  mariadb -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS ttbench; CREATE DATABASE ttbench"
  redis-cli -n 5 flushdb >/dev/null
else
  export TT_STORE=embedded TT_EMBEDDED_PATH=$PWD/data-bench/teamtalk
  rm -rf data-bench
fi
nodes=${NODES:-1}
if [ "$mode" = idle ] && [ "$nodes" -gt 1 ]; then
  # one generator per node (a process may hold 20,000 sockets here), each with its own users n<i>_*
  for i in $(seq 0 $((nodes - 1))); do
    java -cp "$jar" io.ttvertx.bench.LoadGenerator --write-csv users$i.csv --users "$users" --prefix "n${i}_" >/dev/null
    java -jar "$jar" user import users$i.csv
  done
else
  java -cp "$jar" io.ttvertx.bench.LoadGenerator --write-csv users.csv --users "$users" >/dev/null
  java -jar "$jar" user import users.csv
fi
servers=(); ports=()
if [ "$nodes" -gt 1 ]; then export TT_CLUSTER=true; fi
trap 'kill ${servers[*]} 2>/dev/null || true' EXIT
for i in $(seq 0 $((nodes - 1))); do
  # node 0 runs the login server (and, on the embedded store, the only db proxy)
  extra=()
  if [ "$i" -gt 0 ]; then
    extra=(TT_LOGIN_INSTANCES=0)
    [ "$store" = mysql ] || extra+=(TT_DB_INSTANCES=0)
    extra+=(TT_FILE_PORT=$((8600 + i)))
  fi
  # each node's msfs on its own port (8700, 8701, ...)
  extra+=(TT_MSFS_PORT=$((8700 + i)) TT_MSG_WEB_PORT=$((8900 + i)))
  env ${extra[@]+"${extra[@]}"} TT_MSG_PORT=$((8000 + i)) \
    java -Xmx2g -XX:MaxGCPauseMillis=10 ${SERVER_OPTS:-} -jar "$jar" > server$i.log 2>&1 &
  servers+=($!); ports+=($((8000 + i)))
  for port in $((8000 + i)) 8080; do
    for _ in $(seq 1 120); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.5; done
  done
  kill -0 ${servers[$i]} 2>/dev/null || { echo "server $i did not start: see bench/work/server$i.log" >&2; exit 1; }
done
if [ "$mode" = idle ] && [ "$nodes" -gt 1 ]; then
  generators=()
  for i in $(seq 0 $((nodes - 1))); do
    java -cp "$jar" io.ttvertx.bench.LoadGenerator --mode idle --users "$users" --prefix "n${i}_" \
      --port "${ports[$i]}" --server-pid "${servers[$i]}" "$@" 2>&1 | sed "s/^/node $i: /" &
    generators+=($!)
  done
  wait "${generators[@]}"
  exit 0
fi
spread=()
if [ "$nodes" -gt 1 ]; then spread=(--ports "$(IFS=,; echo "${ports[*]}")"); fi
java -cp "$jar" io.ttvertx.bench.LoadGenerator --mode "$mode" --users "$users" \
  --login-url http://127.0.0.1:8080/msg_server --server-pid ${servers[0]} ${spread[@]+"${spread[@]}"} "$@"
