//! What a bench does between writing its data and measuring.

/// Has the operating system write its dirty pages to disk, and waits until it has. A
/// checkpoint hands PostgreSQL's changed pages to the kernel, which writes them back in bursts
/// every few seconds for the next half minute or so (about 100 MB each after 100,000 messages):
/// measured during them, requests stall behind that I/O, and a scenario's p99 came out two to
/// three times the one measured once they were done. A database on another machine is not
/// affected; nor is anything then, but the wait is short.
pub async fn write_back() {
    match tokio::process::Command::new("sync").status().await {
        Ok(status) if status.success() => {}
        other => eprintln!("sync did not run ({other:?}): the first figures may be lower"),
    }
}
