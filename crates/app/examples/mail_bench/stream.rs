//! Part 3: a large attachment streamed through the server while its memory is sampled.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use switchboard_domain::mail::MailAccountId;

use crate::server::{LARGE_SUBJECT, World};
use crate::sync::verdict;

/// Target: the peak increase of resident memory during the download.
const TARGET_INCREASE_KB: u64 = 5 * 1024;

/// This process's resident memory in kB (`VmRSS` of `/proc/self/status`).
fn rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Downloads the large attachment of the synced account and prints the memory figures.
pub async fn attachment(world: &World, account: MailAccountId) {
    let list = format!("/api/mail/messages?account_id={account}&has_attachments=true&limit=100");
    let (status, page) = world.get(&list).await;
    assert_eq!(status, 200, "{page}");
    let message = page["data"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["subject"] == LARGE_SUBJECT)
        .expect("the message with the large attachment was synced");
    let id = message["id"].as_str().unwrap();
    // Opening the message reads its attachments' metadata from the provider.
    let (status, opened) = world.get(&format!("/api/mail/messages/{id}")).await;
    assert_eq!(status, 200, "{opened}");
    let attachment = opened["data"]["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|a| a["size"].as_u64().unwrap_or(0))
        .expect("the message lists its attachment");
    let size = attachment["size"].as_u64().unwrap();
    let path = format!(
        "{}/api/mail/messages/{id}/attachments/{}",
        world.base,
        urlencode(attachment["id"].as_str().unwrap())
    );

    let baseline = rss_kb();
    let (stop, peak) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(baseline)));
    let sampler = {
        let (stop, peak) = (stop.clone(), peak.clone());
        std::thread::spawn(move || {
            let mut samples = 0u64;
            while !stop.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kb(), Ordering::Relaxed);
                samples += 1;
                std::thread::sleep(Duration::from_millis(2));
            }
            samples
        })
    };
    let started = Instant::now();
    let mut res = world.http.get(&path).bearer_auth(&world.token).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let mut received = 0u64;
    while let Some(chunk) = res.chunk().await.unwrap() {
        received += chunk.len() as u64;
        // Also sampled here, between chunks: the sampler's 2 ms may miss a short peak.
        peak.fetch_max(rss_kb(), Ordering::Relaxed);
    }
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let samples = sampler.join().unwrap();
    let peak = peak.load(Ordering::Relaxed);
    let increase = peak.saturating_sub(baseline);
    assert_eq!(received, size, "every byte of the attachment arrived");
    println!(
        "  streaming a {:.1} MB attachment   RSS baseline {:.1} MB, peak {:.1} MB, increase \
         {:.2} MB ({samples} samples over {:.2} s; {received} bytes received)   target < {} MB: {}",
        mb(size),
        mb(baseline * 1024),
        mb(peak * 1024),
        mb(increase * 1024),
        took.as_secs_f64(),
        TARGET_INCREASE_KB / 1024,
        verdict(increase < TARGET_INCREASE_KB),
    );
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn urlencode(segment: &str) -> String {
    url::form_urlencoded::byte_serialize(segment.as_bytes()).collect::<String>().replace('+', "%20")
}
