//! `surel`: serve, migrate, seed-demo, user add, import-simpeg.
fn main() -> std::process::ExitCode {
    surel_server::cli::main()
}
