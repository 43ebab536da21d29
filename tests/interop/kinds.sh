#!/bin/sh
# One script behind every method of kinds.Kinds, as GRPC_CONVO_METHOD says: the interop suite
# serves it with `grpc-convo serve --proto kinds.proto --method ... -- kinds.sh`.
case "$GRPC_CONVO_METHOD" in
  kinds.Kinds/Chat) n=0; while IFS= read -r line; do n=$((n + 1)); echo "chat $n: $line"; done ;;
  kinds.Kinds/Feed) IFS= read -r line; for n in 1 2 3; do echo "feed $n: $line"; done ;;
  kinds.Kinds/Collect) paste -sd, - ;;
  kinds.Kinds/Echo) cat ;;
  *) echo "unknown method $GRPC_CONVO_METHOD" >&2; exit 3 ;;
esac
