#!/bin/sh
# Index (incrementally) before serving. Exit code 3 means "built, but some files were skipped":
# serve anyway. A failed build leaves the previous version serving, if there is one.
set -u
python -m indexer build
status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
    echo "index build failed (exit $status); serving the previous version if there is one" >&2
fi
exec python -m bot serve "$@"
