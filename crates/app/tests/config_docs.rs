//! What the configuration's documents promise, checked against the configuration itself:
//! `.env.example` and `deploy/.env.example` name every secret, the README's configuration table
//! lists every key of `config/default.toml` (and no other) with the default that file gives, and
//! so does the operator's table of `docs/operations.md`, one key per row with its variable.

#![expect(clippy::unwrap_used, clippy::result_large_err, reason = "tests")]

use std::collections::{BTreeMap, BTreeSet};

use figment::Jail;
use switchboard_app::config::{Config, Profile};

const ENV_EXAMPLE: &str = include_str!("../../../.env.example");
const DEPLOY_ENV_EXAMPLE: &str = include_str!("../../../deploy/.env.example");

/// The environment variable that sets `key` (`auth.secret_keys` → `SWITCHBOARD__AUTH__SECRET_KEYS`).
fn env_name(key: &str) -> String {
    format!("SWITCHBOARD__{}", key.to_uppercase().replace('.', "__"))
}

#[test]
fn the_env_example_names_every_secret() {
    Jail::expect_with(|_| {
        let config = Config::load(Profile::Development, None).unwrap();
        let secrets = config.secrets();
        // Every secret field is a `SecretString`, which prints as [REDACTED]: a secret field
        // missing from `Config::secrets` would show here.
        let redacted = format!("{config:?}").matches("REDACTED").count();
        assert_eq!(redacted, secrets.len(), "Config::secrets() misses a secret field");
        // deploy/compose.yaml builds DATABASE_URL from POSTGRES_PASSWORD and its own host.
        for (file, text, database) in [
            (".env.example", ENV_EXAMPLE, "DATABASE_URL="),
            ("deploy/.env.example", DEPLOY_ENV_EXAMPLE, "POSTGRES_PASSWORD="),
        ] {
            let missing: BTreeSet<&str> = secrets
                .iter()
                .map(|(key, _)| *key)
                .filter(|key| {
                    let named = text.contains(&env_name(key))
                        || (*key == "database.url" && text.contains(database));
                    !named
                })
                .collect();
            assert!(missing.is_empty(), "{file} does not name {missing:?}");
        }
        Ok(())
    });
}

const README: &str = include_str!("../../../README.md");
const DEFAULT_TOML: &str = include_str!("../../../config/default.toml");

/// One row of the README's configuration table: its keys (a `prefix.*` row covers every key
/// under the prefix) and the plain default of each, when the row states one.
#[derive(Debug)]
struct Row {
    keys: Vec<String>,
    defaults: Vec<Option<String>>,
}

/// The backticked spans of `text`.
fn code_spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// `text` split at commas outside parentheses.
fn top_level_parts(text: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0_i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts
}

/// The rows of the table under `## Configuration`.
fn readme_rows() -> Vec<Row> {
    let section = README.split("## Configuration").nth(1).unwrap();
    let table = section.lines().skip_while(|l| !l.starts_with("| key |")).skip(2);
    table
        .take_while(|l| l.starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let mut keys: Vec<String> = Vec::new();
            for span in code_spans(cells[0]) {
                match span.strip_prefix('.') {
                    // `.client_secret` after `chat.slack_oauth.client_id`: a sibling.
                    Some(rest) => {
                        let first = &keys[0];
                        let parent = &first[..first.rfind('.').unwrap()];
                        keys.push(format!("{parent}.{rest}"));
                    }
                    None => keys.push(span.to_owned()),
                }
            }
            let parts = top_level_parts(cells[2]);
            let plain = |part: &str| part.starts_with('`').then(|| code_spans(part)[0].to_owned());
            let defaults = if parts.len() == keys.len() {
                parts.iter().map(|p| plain(p)).collect()
            } else {
                vec![None; keys.len()]
            };
            Row { keys, defaults }
        })
        .collect()
}

/// Every leaf of `config/default.toml` (an array counts as one value) as text.
fn default_values() -> BTreeMap<String, Option<String>> {
    fn walk(prefix: &str, dict: &figment::value::Dict, out: &mut BTreeMap<String, Option<String>>) {
        use figment::value::Value;
        for (name, value) in dict {
            let key = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
            match value {
                // An empty table (a map users fill) is a key of its own.
                Value::Dict(_, inner) if inner.is_empty() => drop(out.insert(key, None)),
                Value::Dict(_, inner) => walk(&key, inner, out),
                Value::String(_, s) => drop(out.insert(key, Some(s.clone()))),
                Value::Bool(_, b) => drop(out.insert(key, Some(b.to_string()))),
                Value::Num(_, n) => {
                    let text = n.to_i128().map_or_else(
                        || n.to_f64().map(|f| f.to_string()).unwrap_or_default(),
                        |v| v.to_string(),
                    );
                    drop(out.insert(key, Some(text)));
                }
                _ => drop(out.insert(key, None)),
            }
        }
    }
    let figment = {
        use figment::providers::Format;
        figment::Figment::from(figment::providers::Toml::string(DEFAULT_TOML))
    };
    let dict: figment::value::Dict = figment.extract().unwrap();
    let mut out = BTreeMap::new();
    walk("", &dict, &mut out);
    out
}

#[test]
fn the_readme_table_lists_every_key_of_default_toml_with_its_default() {
    let rows = readme_rows();
    assert!(rows.len() > 20, "the table was not found: {rows:?}");
    let values = default_values();
    let covers = |documented: &str, key: &str| match documented.strip_suffix(".*") {
        Some(prefix) => key.starts_with(&format!("{prefix}.")),
        None => documented == key,
    };
    let documented: Vec<&String> = rows.iter().flat_map(|r| &r.keys).collect();
    let undocumented: Vec<&String> =
        values.keys().filter(|key| !documented.iter().any(|d| covers(d, key))).collect();
    assert!(undocumented.is_empty(), "keys of default.toml missing from README: {undocumented:?}");
    let unknown: Vec<&&String> =
        documented.iter().filter(|d| !values.keys().any(|key| covers(d, key))).collect();
    assert!(unknown.is_empty(), "README keys not in default.toml: {unknown:?}");
    let mut wrong = Vec::new();
    for row in &rows {
        for (key, stated) in row.keys.iter().zip(&row.defaults) {
            if let (Some(stated), Some(Some(actual))) = (stated, values.get(key))
                && stated != actual
            {
                wrong.push(format!("{key}: README says {stated:?}, default.toml {actual:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "README defaults disagree with default.toml: {wrong:#?}");
}

const OPERATIONS: &str = include_str!("../../../docs/operations.md");

/// Every leaf of `config/default.toml` (an array or an empty table counts as one value).
fn default_leaves() -> BTreeMap<String, figment::value::Value> {
    use figment::value::{Dict, Value};
    fn walk(prefix: &str, dict: &Dict, out: &mut BTreeMap<String, Value>) {
        for (name, value) in dict {
            let key = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
            match value {
                Value::Dict(_, inner) if !inner.is_empty() => walk(&key, inner, out),
                _ => drop(out.insert(key, value.clone())),
            }
        }
    }
    let figment = {
        use figment::providers::Format;
        figment::Figment::from(figment::providers::Toml::string(DEFAULT_TOML))
    };
    let dict: Dict = figment.extract().unwrap();
    let mut out = BTreeMap::new();
    walk("", &dict, &mut out);
    out
}

/// `text` as the TOML value it spells (`8000`, `[]`, `["a", "b"]`, `{}`).
fn toml_value(text: &str) -> Option<figment::value::Value> {
    use figment::providers::Format;
    let dict: figment::value::Dict =
        figment::Figment::from(figment::providers::Toml::string(&format!("v = {text}")))
            .extract()
            .ok()?;
    dict.get("v").cloned()
}

/// The operator's configuration table (`docs/operations.md`, "Configuration") names each key
/// of `config/default.toml` once, in a row of its own, with its exact environment variable and
/// the default that file gives; no row names a key that does not exist.
#[test]
fn the_operations_table_lists_every_key_with_its_variable_and_default() {
    let section = OPERATIONS.split("\n## Configuration").nth(1).unwrap();
    let section = section.split("\n## ").next().unwrap();
    let rows: Vec<Vec<&str>> = section
        .lines()
        .skip_while(|l| !l.starts_with("| key |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim_matches('|').split('|').map(str::trim).collect())
        .collect();
    let leaves = default_leaves();
    assert!(rows.len() > 20, "the table was not found: {rows:?}");

    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    // Their defaults are secrets of the development profile, described in words.
    let described = ["database.url", "auth.signing_keys", "auth.secret_keys"];
    for cells in &rows {
        let [key_cell, env_cell, default_cell, _meaning] = cells[..] else {
            problems.push(format!("a row without four cells: {cells:?}"));
            continue;
        };
        let key = code_spans(key_cell).first().copied().unwrap_or_default();
        if !seen.insert(key) {
            problems.push(format!("{key}: listed twice"));
        }
        let Some(default) = leaves.get(key) else {
            problems.push(format!("{key}: no such key in config/default.toml"));
            continue;
        };
        if !code_spans(env_cell).contains(&env_name(key).as_str()) {
            problems.push(format!("{key}: the variable is {}, not in {env_cell:?}", env_name(key)));
        }
        let stated = if default_cell.starts_with('`') {
            code_spans(default_cell).first().copied()
        } else if default_cell.starts_with("empty") {
            Some("")
        } else {
            None
        };
        let agrees = match (stated, default) {
            (Some(text), figment::value::Value::String(_, actual)) => text == actual,
            (Some(text), actual) => toml_value(text).as_ref() == Some(actual),
            (None, _) => described.contains(&key),
        };
        if !agrees {
            problems
                .push(format!("{key}: default {default_cell:?}, config/default.toml {default:?}"));
        }
    }
    for key in leaves.keys() {
        if !seen.contains(key.as_str()) {
            problems.push(format!("{key}: missing from docs/operations.md"));
        }
    }
    assert!(problems.is_empty(), "docs/operations.md's configuration table: {problems:#?}");
}
