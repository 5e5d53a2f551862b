#!/bin/bash
# Rotate and compress application logs.
set -euo pipefail

log_dir=${1:?usage: rotate.sh LOG_DIR}
keep_days=7
archive=/var/backups/logs

rotate() {
    cd "$log_dir" || exit 1
    local f
    for f in ./*.log; do
        [ -e "$f" ] || continue
        gzip -- "$f"
    done
}

cleanup() {
    find "$archive" -type f -mtime +"$keep_days" -delete
}

count_old() {
    find "$log_dir" -type f -mtime +"$keep_days" | wc -l
}

check_space() {
    local used
    used=$(df --output=pcent "$archive" | tail -1 | tr -d ' %')
    if [ "$used" -gt 90 ]; then
        echo "disk almost full"
    fi
}

main() {
    rotate
    cleanup
    check_space
    echo "old files: $(count_old)"
}

main "$@"
