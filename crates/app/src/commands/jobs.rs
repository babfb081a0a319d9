//! `switchboard jobs`: the queue, for an operator at a terminal.

use secrecy::ExposeSecret;
use switchboard_domain::JobState;
use switchboard_ports::{JobAdmin, Transaction, UnitOfWork};
use switchboard_postgres::{PgJobQueue, PgUnitOfWork};

use crate::cli::JobsCommand;
use crate::config::Config;
use crate::error::AppError;

/// Runs one `jobs` subcommand, printing to stdout.
///
/// # Errors
/// When the database fails, or the job asked for does not exist.
pub async fn run(config: &Config, command: JobsCommand) -> Result<(), AppError> {
    let url = config.database.url.expose_secret();
    let pool = switchboard_postgres::connect(url, 2)?;
    // Operators' commands only enqueue and read: no worker here waits for a wake-up.
    let (queue, _listener) = PgJobQueue::new(pool.clone(), url);
    match command {
        JobsCommand::Counts => {
            for (state, count) in queue.counts().await.map_err(AppError::Store)? {
                println!("{:<8} {count}", state.as_str());
            }
        }
        JobsCommand::List { state, after, limit } => {
            let state =
                state.map(|s| s.parse::<JobState>()).transpose().map_err(AppError::Usage)?;
            println!(
                "{:>10}  {:<8} {:<24} {:>8}  {:<25} last error",
                "id", "state", "type", "attempts", "run at"
            );
            for job in queue.list(state, after, limit).await.map_err(AppError::Store)? {
                println!(
                    "{:>10}  {:<8} {:<24} {:>4}/{:<3}  {:<25} {}",
                    job.id,
                    job.state.as_str(),
                    job.job_type,
                    job.attempts,
                    job.max_attempts,
                    job.run_at.to_rfc3339(),
                    job.last_error.unwrap_or_default()
                );
            }
        }
        JobsCommand::Retry { id } => {
            if !queue.retry(id).await.map_err(AppError::Store)? {
                return Err(AppError::Usage(format!("job {id} is not failed or dead")));
            }
            println!("job {id} queued again");
        }
        JobsCommand::Delete { id } => {
            if !queue.delete(id).await.map_err(AppError::Store)? {
                return Err(AppError::Usage(format!("job {id} does not exist or is running")));
            }
            println!("job {id} deleted");
        }
        JobsCommand::Enqueue { job_type, payload, max_attempts, dedupe_key } => {
            let payload: serde_json::Value = serde_json::from_str(&payload)
                .map_err(|e| AppError::Usage(format!("--payload is not JSON: {e}")))?;
            if !crate::jobs::registry().knows(&job_type) {
                return Err(AppError::Usage(format!("no worker knows job type {job_type:?}")));
            }
            let job = switchboard_ports::NewJob {
                job_type,
                payload,
                priority: 0,
                max_attempts,
                dedupe_key,
                run_at: None,
            };
            let uow = PgUnitOfWork::new(pool);
            let id = uow
                .transact(move |tx| Box::pin(async move { tx.enqueue(job).await }))
                .await
                .map_err(AppError::Store)?;
            match id {
                Some(id) => println!("enqueued job {id}"),
                None => println!("a pending job with that dedupe key exists; nothing enqueued"),
            }
        }
    }
    Ok(())
}
