//! Environment variables as a configuration source, each value kept as written.
//!
//! figment's own `Env` provider reads every value as TOML-like text, so a string setting whose
//! value looks like a number or a boolean arrives as one: a Slack client id
//! `3336676569.1234567890123` became the float `3336676569.123457` (digits already lost) and
//! stopped start-up, and a password `0123` would have become `123`. Only the setting's type
//! knows what the text means, so this source keeps a value as a string and
//! [`Config::load`](super::Config::load) extracts with figment's lossy reading, which turns a
//! string into the number or boolean that a numeric or boolean setting asks for. A value that
//! starts with `[`, `{` or `"` is still read as TOML-like text: lists and tables have no other
//! spelling, and a quoted string keeps figment's escapes.

use figment::providers::Env;
use figment::value::{Dict, Map, Value};
use figment::{Error, Metadata, Profile, Provider};

/// An [`Env`] whose values stay strings as written, except lists, tables and quoted strings.
pub(super) struct Verbatim(pub(super) Env);

impl Provider for Verbatim {
    fn metadata(&self) -> Metadata {
        self.0.metadata()
    }

    fn data(&self) -> Result<Map<Profile, Dict>, Error> {
        let mut dict = Dict::new();
        for (key, text) in self.0.iter() {
            insert(&mut dict, key.as_str(), value_of(text));
        }
        Ok(self.0.profile.collect(dict))
    }
}

/// The value a variable's text stands for.
fn value_of(text: String) -> Value {
    if text.trim_start().starts_with(['[', '{', '"']) {
        // Text that does not parse stays a string (figment's parser falls back to it).
        match text.parse::<Value>() {
            Ok(value) => value,
            Err(never) => match never {},
        }
    } else {
        Value::from(text)
    }
}

/// Puts `value` at the dotted `path` of `dict`, making the tables on the way.
fn insert(dict: &mut Dict, path: &str, value: Value) {
    let Some((head, rest)) = path.split_once('.') else {
        dict.insert(path.to_owned(), value);
        return;
    };
    let entry = dict.entry(head.to_owned()).or_insert_with(|| Value::from(Dict::new()));
    if !matches!(entry, Value::Dict(..)) {
        // `A__B=1` and `A__B__C=2` both set: the deeper key wins, as with figment's `Env`.
        *entry = Value::from(Dict::new());
    }
    if let Value::Dict(_, inner) = entry {
        insert(inner, rest, value);
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, clippy::result_large_err, reason = "tests")]

    use figment::{Figment, Jail};

    use super::*;

    fn read(jail: &mut Jail, value: &str) -> Value {
        jail.set_env("T__SECTION__KEY", value);
        Figment::from(Verbatim(Env::prefixed("T__").split("__"))).find_value("section.key").unwrap()
    }

    #[test]
    fn scalars_stay_as_written() {
        Jail::expect_with(|jail| {
            for text in ["3336676569.1234567890123", "0123", "true", "-1", "1e3", " 8 ", ""] {
                assert_eq!(read(jail, text).into_string().as_deref(), Some(text));
            }
            Ok(())
        });
    }

    #[test]
    fn lists_tables_and_quoted_strings_are_parsed() {
        Jail::expect_with(|jail| {
            let list = read(jail, r#"["a", 2]"#).into_array().unwrap();
            assert_eq!(list.len(), 2);
            let table = read(jail, r#"{kid="k1",key="0123"}"#).into_dict().unwrap();
            assert_eq!(table["key"].as_str(), Some("0123"));
            assert_eq!(read(jail, r#""a\tb""#).into_string().as_deref(), Some("a\tb"));
            assert_eq!(read(jail, "[not a list").into_string().as_deref(), Some("[not a list"));
            Ok(())
        });
    }
}
