#!/bin/sh
# (Re)starts the fixture app from $SHIPGATE_ROOT/current: stops the instance named by the pid file, starts the new one
# in the background (its output to shared/app.log, so it holds no pipe of the deploy step) and records its pid.
set -eu
root="${SHIPGATE_ROOT:?SHIPGATE_ROOT is not set}"
pidfile="$root/shared/app.pid"

# Running and not a zombie waiting to be reaped.
alive() {
  if [ -r "/proc/$1/stat" ]; then
    [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -c1)" != Z ]
  else
    kill -0 "$1" 2>/dev/null
  fi
}

if [ -f "$pidfile" ]; then
  old=$(cat "$pidfile")
  kill "$old" 2>/dev/null || true
  i=0
  while alive "$old" && [ "$i" -lt 200 ]; do
    sleep 0.02
    i=$((i + 1))
  done
  alive "$old" && kill -9 "$old" 2>/dev/null || true
  rm -f "$pidfile"
fi

cd "$root/current"
node server.mjs >>"$root/shared/app.log" 2>&1 </dev/null &
echo $! >"$pidfile"
