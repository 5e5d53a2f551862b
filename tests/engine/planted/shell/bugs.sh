#!/bin/bash
# Rotate and compress application logs.

LOG_DIR=$1
KEEP_DAYS=7
ARCHIVE=/var/backups/logs

rotate() {
    cd $LOG_DIR # expect: shellcheck:SC2164
    for f in $(ls *.log); do # expect: shellcheck:SC2045
        gzip $f # expect: shellcheck:SC2086
    done
}

cleanup() {
    rm -rf "$ARCHIVE_DIR/"* # expect: shellcheck:SC2115
}

count_old() {
    local count=0
    find "$LOG_DIR" -mtime +$KEEP_DAYS | while read line; do # expect: shellcheck:SC2162
        count=$((count + 1)) # missed: counter changed in a pipeline subshell is lost
    done
    echo "$count"
}

check_space() {
    if [ $(df --output=pcent "$ARCHIVE" | tail -1 | tr -d ' %') > 90 ]; then # missed: > in [ ] is a redirection
        echo "disk almost full"
    fi
}

notify() {
    local msg="rotated logs in $LOG_DIR"
    echo '$msg' # missed: variable in single quotes is not expanded
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
