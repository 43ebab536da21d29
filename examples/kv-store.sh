#!/bin/sh
# The process behind examples/kv.proto, a key-value store in a log file: each call of
# `grpc-convo serve --proto examples/kv.proto ... -- examples/kv-store.sh DIR` runs it once, and
# GRPC_CONVO_METHOD says which method it answers. Each line of DIR/log is a put:
# REVISION<TAB>KEY<TAB>VALUE. serve cuts the requests' fields into tab-separated lines for it and
# the lines it writes into the responses' fields (the flags are in the README, "Real APIs in
# plain lines"). A lone writer at a time is assumed: the revision is the log's line count.

dir=${1:?usage: kv-store.sh DIR}
log=$dir/log
touch "$log"
tab=$(printf '\t')

case "$GRPC_CONVO_METHOD" in
  store.KV/Put)
    # key<TAB>value in, the put's revision out.
    IFS= read -r line
    revision=$(($(wc -l < "$log") + 1))
    printf '%s\t%s\n' "$revision" "$line" >> "$log"
    echo "$revision"
    ;;
  store.KV/Range)
    # A key in, its newest revision, key and value out.
    IFS= read -r key
    awk -F "$tab" -v key="$key" '$2 == key { found = $0 } END {
      if (found == "") { print "no such key: " key > "/dev/stderr"; exit 1 }
      print found
    }' "$log"
    ;;
  store.KV/Watch)
    # key<TAB>start revision in; PUT<TAB>key<TAB>value out for each put of it from there on.
    IFS="$tab" read -r key start
    tail -n +1 -f "$log" | while IFS="$tab" read -r revision put value; do
      if [ "$put" = "$key" ] && [ "$revision" -ge "${start:-0}" ]; then
        printf 'PUT\t%s\t%s\n' "$key" "$value"
      fi
    done
    ;;
  *)
    echo "kv-store.sh does not answer $GRPC_CONVO_METHOD" >&2
    exit 2
    ;;
esac
