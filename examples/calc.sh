#!/bin/sh
# The process behind examples/calc.proto: `grpc-convo serve --proto examples/calc.proto
# --method calc.Calc/Eval --method calc.Calc/Session --method calc.Calc/Count --
# examples/calc.sh`. Each call gets its own process; GRPC_CONVO_METHOD says which method it
# answers. Integer arithmetic, by the shell.

# Only digits, operators, parentheses and spaces reach the shell's arithmetic: anything else
# ends the call (its status and this line reach the client as UNKNOWN).
eval_line() {
  case "$1" in
    *[!0-9+*/%\ \(\)-]* | '') echo "not arithmetic: $1" >&2; exit 2 ;;
  esac
  echo $(($1))
}

case "$GRPC_CONVO_METHOD" in
  calc.Calc/Eval)
    IFS= read -r expr
    eval_line "$expr"
    ;;
  calc.Calc/Session)
    while IFS= read -r expr; do
      eval_line "$expr"
    done
    ;;
  calc.Calc/Count)
    IFS= read -r expr
    n=$(eval_line "$expr") || exit 2
    i=1
    while [ "$i" -le "$n" ]; do
      echo "$i"
      i=$((i + 1))
    done
    ;;
esac
