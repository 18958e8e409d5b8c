# Sourced (not run) by the scripts whose arguments bash reads (bench, fuzz, gc-free-check), so that they answer
# --help and a misuse as the scripts backed by Java do (io.spindle.tools.ScriptArguments): -h or --help prints the
# script's header comment (its usage, options, defaults and examples) on standard output and exits 0; a misuse prints
# one line saying what is wrong and a pointer to --help on standard error and exits 2.

usage_name="scripts/$(basename "$0")"

# usage_help: the calling script's header comment, from its second line to its `set -euo pipefail`; exit 0.
usage_help() {
    sed -n '2,/^set /{/^set /d;s/^# \{0,1\}//;p}' "$0"
    exit 0
}

# usage_error MESSAGE: MESSAGE and a pointer to --help on standard error; exit 2.
usage_error() {
    echo "$usage_name: $1" >&2
    echo "'$usage_name --help' lists the options, their defaults and examples." >&2
    exit 2
}

# usage_positive NAME VALUE: a misuse unless VALUE is a whole number of 1 or more.
usage_positive() {
    [[ "$2" =~ ^[1-9][0-9]{0,17}$ ]] || usage_error "$1 must be a whole number of 1 or more, not '$2'"
}
