//! The `podgen` command line: [`podgen::cli`] does the work.

fn main() -> std::process::ExitCode {
    podgen::cli::main()
}
