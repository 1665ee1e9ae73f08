//! `esmtp-playground`, the native command-line program (`serve`, `send`).
//!
//! Native only: sockets, threads and argument parsing never enter the wasm build. On
//! wasm32 this target compiles to an empty program, because `cargo test --target
//! wasm32-unknown-unknown` builds every binary of the package.

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
