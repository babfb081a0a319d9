//! The `switchboard` binary.

use clap::Parser;

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
