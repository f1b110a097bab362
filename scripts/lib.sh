# Shared by the measurement scripts (source it, do not run it): from the
# repository root, the release build as $BIN (or a message to build it
# first) and a work folder as $WORK (the script's first argument, or a
# temporary folder).
#
# usage: . "$(dirname "$0")/lib.sh" "$@"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="$PWD/target/release/podgen"
[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 1; }
WORK="${1:-$(mktemp -d)}"
mkdir -p "$WORK"
