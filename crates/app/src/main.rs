//! The `switchboard` binary.

use clap::Parser;

/// jemalloc. Under load glibc's malloc and free (and its consolidation of freed chunks) took
/// about a sixth of the server's CPU, an answer being built from many small strings: with
/// jemalloc the mail lists answer 20-30 % more requests a second. mimalloc answered as many,
/// but the process grew by 14-20 MB while streaming a 25 MB attachment (jemalloc: 3-5 MB, as
/// glibc).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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
