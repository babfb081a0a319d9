//! The tables diesel's query builder knows, matching `migrations/`.
//!
//! Written by hand: `diesel print-schema` needs libpq, which this project never links. The
//! migration round-trip test checks the columns named here exist with these types.

diesel::table! {
    events (id) {
        id -> BigInt,
        tx_id -> BigInt,
        occurred_at -> Timestamptz,
        occurred_by -> Nullable<Uuid>,
        owner_id -> Nullable<Uuid>,
        model_name -> Text,
        object_id -> Text,
        kind -> Text,
        snapshot -> Nullable<Jsonb>,
        attribute_name -> Nullable<Text>,
        old_value -> Nullable<Jsonb>,
        new_value -> Nullable<Jsonb>,
    }
}

diesel::table! {
    event_consumers (name) {
        name -> Text,
        tx_id -> Nullable<BigInt>,
        event_id -> Nullable<BigInt>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        job_type -> Text,
        payload -> Jsonb,
        priority -> SmallInt,
        state -> Text,
        attempts -> Integer,
        max_attempts -> Integer,
        dedupe_key -> Nullable<Text>,
        run_at -> Timestamptz,
        locked_by -> Nullable<Text>,
        lease_until -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    recurring_jobs (name) {
        name -> Text,
        job_type -> Text,
        payload -> Jsonb,
        interval_secs -> Integer,
        next_run_at -> Timestamptz,
    }
}
