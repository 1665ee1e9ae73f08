# shellcheck shell=bash
# Shared by scripts/serve and scripts/test: install what is missing, build the page's wasm,
# report sizes. Every ensure_* function checks first and does nothing when the tool is there,
# so running the scripts twice costs only the build. Source it; do not run it.
#
# Facts behind the choices are in ../shared/TOOLCHAIN.md (Debian's binaryen breaks the
# module, `strip = true` breaks wasm-opt, the CLI must match the crate exactly).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WASM_TARGET=wasm32-unknown-unknown
CRATE_FILE=esmtp_playground
PKG_DIR="$ROOT/www/pkg"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

# Colours only on a terminal, so CI logs stay plain text.
if [[ -t 2 ]]; then
    BOLD=$'\033[1m' RED=$'\033[31m' RESET=$'\033[0m'
else
    BOLD='' RED='' RESET=''
fi
log() { printf '%s==>%s %s\n' "$BOLD" "$RESET" "$*" >&2; }
die() {
    printf '%serror:%s %s\n' "$RED" "$RESET" "$*" >&2
    exit 1
}

# Milliseconds since the epoch, for step timings.
now_ms() { date +%s%3N; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "need root to run: $*"
    fi
}

require_command() {
    command -v "$1" >/dev/null || die "$1 not found: $2"
}

# --- Rust -------------------------------------------------------------------------------

ensure_rust() {
    require_command cargo "install Rust with rustup (https://rustup.rs)"
    require_command rustup "the wasm32 target is added with rustup (https://rustup.rs)"
}

ensure_wasm_target() {
    local installed
    installed=$(rustup target list --installed)
    if grep -qx "$WASM_TARGET" <<<"$installed"; then
        return
    fi
    log "adding the Rust target $WASM_TARGET"
    rustup target add "$WASM_TARGET"
}

# The wasm-bindgen crate version recorded in Cargo.lock; the CLI must be exactly this.
wasm_bindgen_lock_version() {
    awk '
        $0 == "[[package]]" { in_pkg = 1; name = ""; next }
        in_pkg && $1 == "name" { name = $3; gsub(/"/, "", name) }
        in_pkg && $1 == "version" && name == "wasm-bindgen" { v = $3; gsub(/"/, "", v); print v; exit }
    ' "$ROOT/Cargo.lock"
}

# The installed CLI's version ("wasm-bindgen 0.2.130" -> "0.2.130"), empty when absent.
wasm_bindgen_cli_version() {
    if command -v wasm-bindgen >/dev/null; then
        wasm-bindgen --version 2>/dev/null | awk '{ print $2 }'
    fi
}

ensure_wasm_bindgen_cli() {
    local want have
    want=$(wasm_bindgen_lock_version)
    [[ -n $want ]] || die "no wasm-bindgen entry in Cargo.lock"
    have=$(wasm_bindgen_cli_version)
    if [[ $have == "$want" ]] && command -v wasm-bindgen-test-runner >/dev/null; then
        return
    fi
    log "installing wasm-bindgen-cli $want (found '${have:-none}'; takes about 2 minutes)"
    # --locked can fail when the registry lacks one locked dependency: retry unlocked.
    cargo install wasm-bindgen-cli --version "$want" --locked --force ||
        cargo install wasm-bindgen-cli --version "$want" --force
}

# --- npm ----------------------------------------------------------------------------------

# npm ci wipes node_modules, so skip it when the installed tree came from this very lockfile.
ensure_npm_packages() {
    require_command node "install Node.js 20 or later"
    require_command npm "install npm"
    local stamp="$ROOT/node_modules/.lock-sha256" want
    want=$(sha256sum "$ROOT/package-lock.json" | awk '{ print $1 }')
    if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
        return
    fi
    log "installing npm packages (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund)
    printf '%s\n' "$want" >"$stamp"
}

# The installed version of an npm package, read from its package.json without starting node.
npm_package_version() {
    sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$ROOT/node_modules/$1/package.json" | head -n 1
}

# --- Chromium (browser tests only) ------------------------------------------------------

ensure_chromium() {
    if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
        return
    fi
    log "installing Debian chromium and chromium-driver"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver
}

# --- clang (the TLS module only) ----------------------------------------------------------

# ring, the TLS module's crypto, compiles C and assembly for wasm32 with clang (Debian's
# clang 14 has the wasm32 backend; ../shared/TOOLCHAIN.md, "TLS in wasm").
ensure_clang() {
    if command -v clang >/dev/null; then
        return
    fi
    log "installing Debian clang (for ring in the page's TLS module)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang
}

# --- Build --------------------------------------------------------------------------------

# wasm-opt's flags for the page. --converge reruns -Oz until the module stops shrinking;
# --low-memory-unused is safe for Rust's output (its stack and data start at 1 MiB,
# nothing lives in the first 1 KiB) and lets constant offsets fold into loads and stores.
# Measured on the one-module build, 2026-11-28 (raw / gzip -9): these flags 510,010 /
# 213,627; plain -Oz 510,353 / 214,992; -Os --converge 515,835 / 212,820; -O2 528,208 /
# 216,151; --gufa, --dae-optimizing, function merging or -Oz twice: no change;
# --flatten --rereloop with -Os 511,780 / 212,113 (0.7 % less gzip, 50 % slower).
WASM_OPT_FLAGS=(-Oz --converge --low-memory-unused --strip-debug --strip-producers)

# The page's wasm modules. PAGE_MODULE has every engine, the world, the transcript
# analyzer (the Analyze tab) and every export; the
# tabs load it the first time one of them needs an export only it has (www/js/engine.js,
# startTabsEngine), and so does a run that may use SCRAM, XOAUTH2 or OAUTHBEARER.
# FIRST_VIEW_MODULE is the same crate built without default features: without `tabs` (no
# world, POP3, SASL calculator, manual session or state table) and without `scram-oauth`
# (no SCRAM, XOAUTH2 or OAUTHBEARER exchanges, no SHA-1, SHA-256 or PBKDF2): what the
# first view and the run worker load. Each module carries its own copy of the engines, so
# opening such a tab costs the full module once (README, "Page weight").
PAGE_MODULE=esmtp_playground
FIRST_VIEW_MODULE=esmtp_playground_first
# TLS_MODULE is the first view's module plus TLS in the loopback (feature `tls-page`:
# rustls, ring, the seeded key exchange, the playground's test CA, and every SASL
# mechanism, since a TLS run may use SCRAM), in its own directory
# www/pkg/tls/. The page loads it only when a scenario uses TLS, so neither other module
# carries rustls; the same runScenario runs there.
TLS_MODULE=esmtp_playground_tls
TLS_PKG_DIR="$PKG_DIR/tls"
# Where the compiled (not yet bindgen'd) wasm is kept, for build-single-file.
PAGE_WASM_DIR="$ROOT/target/page-wasm"

# Builds the crate's cdylib for the page three times, with and without the `tabs` feature
# and with `tls-page`, into $PAGE_WASM_DIR/$PAGE_MODULE.wasm, $FIRST_VIEW_MODULE.wasm and
# $TLS_MODULE.wasm.
build_page_module_wasm() {
    # opt-level "z" for the page only (the native release keeps Cargo.toml's 3). Measured
    # after wasm-opt on the one-module build, 2026-11-28 (raw / gzip -9): "z" 510,010 /
    # 213,627, "s" 588,387 / 235,678, 2 661,567 / 257,184, 3 686,738 / 264,026.
    mkdir -p "$PAGE_WASM_DIR"
    # The full module also has the Analyze tab's exports (feature `analyze-page`).
    (cd "$ROOT" && CARGO_PROFILE_RELEASE_OPT_LEVEL=z \
        cargo build --quiet --lib --release --target "$WASM_TARGET" --features analyze-page)
    cp "$ROOT/target/$WASM_TARGET/release/$CRATE_FILE.wasm" "$PAGE_WASM_DIR/$PAGE_MODULE.wasm"
    # The first view's module at "z" too: "s" makes runScenario about 18 % faster (1.08 ->
    # 0.88 ms per call in Node, README "Page speed") for 15 KB gzip more, which takes the
    # first load over its 240 KB gzip budget (247,284 B measured with "s").
    (cd "$ROOT" && CARGO_PROFILE_RELEASE_OPT_LEVEL=z \
        cargo build --quiet --lib --release --target "$WASM_TARGET" --no-default-features)
    cp "$ROOT/target/$WASM_TARGET/release/$CRATE_FILE.wasm" "$PAGE_WASM_DIR/$FIRST_VIEW_MODULE.wasm"
    (cd "$ROOT" && CARGO_PROFILE_RELEASE_OPT_LEVEL=z \
        cargo build --quiet --lib --release --target "$WASM_TARGET" --no-default-features \
        --features tls-page)
    cp "$ROOT/target/$WASM_TARGET/release/$CRATE_FILE.wasm" "$PAGE_WASM_DIR/$TLS_MODULE.wasm"
}

# Where a page module's glue and wasm go: www/pkg/, or www/pkg/tls/ for the TLS module.
module_out_dir() {
    if [[ $1 == "$TLS_MODULE" ]]; then
        printf '%s\n' "$TLS_PKG_DIR"
    else
        printf '%s\n' "$PKG_DIR"
    fi
}

# The page module: release build -> wasm-bindgen glue for ES modules -> wasm-opt -Oz
# (npm binaryen), into www/pkg. Cargo is incremental; the glue and wasm-opt steps are
# skipped when the compiled module and the tools are the same as for the last build
# (stamp in www/pkg/.built-from).
build_wasm() {
    local wasm_opt="$ROOT/node_modules/.bin/wasm-opt"
    local stamp="$PKG_DIR/.built-from" key module out out_dir
    [[ -x $wasm_opt ]] || die "wasm-opt from npm binaryen missing (run npm ci)"
    log "building the wasm release"
    build_page_module_wasm
    key=""
    for module in "$PAGE_MODULE" "$FIRST_VIEW_MODULE" "$TLS_MODULE"; do
        key+="$module $(sha256sum "$PAGE_WASM_DIR/$module.wasm" | awk '{ print $1 }') "
    done
    key+="wasm-bindgen $(wasm_bindgen_cli_version) binaryen $(npm_package_version binaryen) ${WASM_OPT_FLAGS[*]}"
    if [[ -f $stamp && $(cat "$stamp") == "$key" ]]; then
        log "www/pkg is up to date"
        return
    fi
    rm -rf "$PKG_DIR"
    for module in "$PAGE_MODULE" "$FIRST_VIEW_MODULE" "$TLS_MODULE"; do
        out_dir=$(module_out_dir "$module")
        wasm-bindgen --target web --out-dir "$out_dir" "$PAGE_WASM_DIR/$module.wasm"
        out="$out_dir/${module}_bg.wasm"
        # Never Debian's wasm-opt (version 108): its output traps at init.
        "$wasm_opt" "${WASM_OPT_FLAGS[@]}" "$out" -o "$out.opt"
        mv "$out.opt" "$out"
    done
    printf '%s\n' "$key" >"$stamp"
}

# The www/ files fetched for the first view (one path a line; # starts a comment). The
# browser test tests/e2e/page-weight.test.mjs checks the page requests exactly these.
FIRST_LOAD_LIST="$ROOT/scripts/lib/first-load.txt"

# Prints each file the page can load with its raw and gzip -9 size and when it loads
# ("first": for the first view, before the first run; "tab": when a tab is first
# opened; "tls": when a scenario first uses TLS), then three totals: the first load,
# the TLS module, and everything (every tab opened and TLS used).
report_sizes() {
    local www="$ROOT/www" file raw gz when
    local first_raw=0 first_gz=0 first_n=0 all_raw=0 all_gz=0 tls_raw=0 tls_gz=0 tls_n=0
    local files=() first=()
    mapfile -t files < <(cd "$www" && find index.html ./*.css js pkg -type f \
        \( -name '*.html' -o -name '*.css' -o -name '*.js' -o -name '*.wasm' \) |
        sed 's|^\./||' | sort)
    mapfile -t first < <(grep -v '^[[:space:]]*\(#\|$\)' "$FIRST_LOAD_LIST")
    for file in "${first[@]}"; do
        [[ -f $www/$file ]] || die "$FIRST_LOAD_LIST names $file, which www/ does not have"
    done
    printf '%-36s %10s %10s  %s\n' "page asset" "raw" "gzip -9" "loads" >&2
    for file in "${files[@]}"; do
        raw=$(wc -c <"$www/$file")
        gz=$(gzip -9 -n <"$www/$file" | wc -c)
        all_raw=$((all_raw + raw))
        all_gz=$((all_gz + gz))
        when=tab
        if [[ $file == pkg/tls/* ]]; then
            when=tls
            tls_raw=$((tls_raw + raw))
            tls_gz=$((tls_gz + gz))
            tls_n=$((tls_n + 1))
        elif printf '%s\n' "${first[@]}" | grep -qxF "$file"; then
            when=first
            first_raw=$((first_raw + raw))
            first_gz=$((first_gz + gz))
            first_n=$((first_n + 1))
        fi
        printf '%-36s %10d %10d  %s\n' "$file" "$raw" "$gz" "$when" >&2
    done
    printf '%-36s %10d %10d\n' "first load ($first_n files)" "$first_raw" "$first_gz" >&2
    printf '%-36s %10d %10d\n' "TLS module ($tls_n files)" "$tls_raw" "$tls_gz" >&2
    printf '%-36s %10d %10d\n' "everything (${#files[@]} files)" "$all_raw" "$all_gz" >&2
}

# Everything both scripts need before the page can be built.
ensure_build_tools() {
    ensure_rust
    ensure_wasm_target
    ensure_wasm_bindgen_cli
    ensure_npm_packages
    ensure_clang
}
