#!/bin/sh
# Index (incrementally) before serving. Exit code 3 means "built, but some files were skipped":
# serve anyway. A failed build leaves the previous version serving, if there is one.
set -u
# Local mode validates no token: it is never the silent default of a missing MicrosoftAppId.
if [ -z "${MicrosoftAppId:-}" ] && [ "${WISSENSLOTSE_LOCAL_MODE:-false}" != "true" ]; then
    echo "MicrosoftAppId fehlt: setzen Sie MicrosoftAppId (Teams) oder WISSENSLOTSE_LOCAL_MODE=true." >&2
    echo "MicrosoftAppId is not set: set it (Teams) or choose local mode with WISSENSLOTSE_LOCAL_MODE=true." >&2
    exit 2
fi
python -m indexer build
status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
    echo "index build failed (exit $status); serving the previous version if there is one" >&2
fi
exec python -m bot serve "$@"
