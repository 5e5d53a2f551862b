#!/bin/bash
# Rotate and compress application logs.

LOG_DIR=$1
KEEP_DAYS=7
ARCHIVE=/var/backups/logs

rotate() {
    cd $LOG_DIR # expect: shellcheck:SC2164
    for f in $(ls *.log); do # expect: shellcheck:SC2045
        gzip $f # missed: unquoted file name (SC2086 is off by default: noise on real code)
    done
}

cleanup() {
    rm -rf "$ARCHIVE_DIR/"* # expect: shellcheck:SC2115
}

count_old() {
    local count=0
    find "$LOG_DIR" -mtime +$KEEP_DAYS | while read line; do # expect: shellcheck:SC2162
        count=$((count + 1)) # expect: shellcheck:SC2030
    done
    echo "$count"
}

check_space() {
    if [ $(df --output=pcent "$ARCHIVE" | tail -1 | tr -d ' %') > 90 ]; then # expect: shellcheck:SC2071
        echo "disk almost full"
    fi
}

notify() {
    local msg="rotated logs in $LOG_DIR"
    echo '$msg' # expect: shellcheck:SC2016
}

main() {
    rotate
    cleanup
    check_space
    notify
    if [ $(count_old) = 0 ]; then # missed: unquoted command substitution in a test
        echo "nothing old"
    fi
}

main "$@"
