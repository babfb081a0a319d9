//! The `switchboard` binary.

use clap::Parser;

/// mimalloc: under load, glibc's malloc and free (and its consolidation of freed chunks) took
/// about a sixth of the server's CPU, answers being built from many small strings.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let cli = switchboard_app::cli::Cli::parse();
    match switchboard_app::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("switchboard: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
