//! The per-request cost of the shell: content negotiation and envelope encoding.

#![expect(missing_docs, reason = "criterion entry points")]

use std::hint::black_box;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use criterion::{Criterion, criterion_group, criterion_main};
use switchboard_http::Encoding;
use switchboard_http::envelope::success;
use switchboard_http::proto::v1::{ComponentCheck, Readiness};

fn readiness() -> Readiness {
    Readiness {
        ready: true,
        checks: (0..4)
            .map(|i| ComponentCheck { name: format!("check-{i}"), ok: true, detail: String::new() })
            .collect(),
    }
}

fn encode(c: &mut Criterion) {
    let data = readiness();
    let mut group = c.benchmark_group("envelope");
    group.bench_function("json", |b| {
        b.iter(|| success(Encoding::Json, StatusCode::OK, black_box(&data), "ok"));
    });
    group.bench_function("protobuf", |b| {
        b.iter(|| success(Encoding::Protobuf, StatusCode::OK, black_box(&data), "ok"));
    });
    group.finish();
}

fn negotiate(c: &mut Criterion) {
    let req = TestRequest::default()
        .insert_header((
            "Accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        ))
        .to_http_request();
    c.bench_function("negotiate/browser_accept", |b| {
        b.iter(|| Encoding::accepted(black_box(&req)))
    });
}

criterion_group!(benches, encode, negotiate);
criterion_main!(benches);
