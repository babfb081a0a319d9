//! OData query options (`$select`, `$top`, `$skip`, `$filter`, `$orderby`, `$skiptoken`,
//! `$deltatoken`; the `$` may be left out, as Graph allows) and `Prefer` preferences
//! (`odata.maxpagesize`, `outlook.body-content-type`, `IdType`).

use actix_web::HttpRequest;
use chrono::DateTime;

use super::GraphError;

/// A comparison on `receivedDateTime`, `isRead` or `hasAttachments`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Condition {
    Received(Op, i64),
    IsRead(bool),
    HasAttachments(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
}

impl Op {
    pub(crate) fn holds(self, left: i64, right: i64) -> bool {
        match self {
            Self::Ge => left >= right,
            Self::Gt => left > right,
            Self::Le => left <= right,
            Self::Lt => left < right,
            Self::Eq => left == right,
        }
    }
}

/// The query options of a request.
#[derive(Debug, Default, Clone)]
pub(crate) struct Query {
    pub select: Option<Vec<String>>,
    pub top: Option<usize>,
    pub skip: usize,
    pub filter: Vec<Condition>,
    /// Newest first unless `$orderby=receivedDateTime asc`.
    pub ascending: bool,
    /// `$count=true`: the answer carries `@odata.count`, the total before paging.
    pub count: bool,
    pub skiptoken: Option<String>,
    pub deltatoken: Option<String>,
    /// The `$filter` and `$orderby` as given, carried into next links.
    pub raw_filter: Option<String>,
    pub raw_orderby: Option<String>,
    pub raw_select: Option<String>,
}

fn bad(code: &'static str, message: impl Into<String>) -> GraphError {
    GraphError::BadRequest(code, message.into())
}

impl Query {
    pub(crate) fn parse(
        req: &HttpRequest,
        properties: &[&str],
        type_name: &str,
    ) -> Result<Self, GraphError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string())
            .map_err(|_| bad("BadRequest", "Invalid query string."))?;
        let mut query = Self::default();
        for (key, value) in pairs {
            match key.trim_start_matches('$').to_ascii_lowercase().as_str() {
                "select" => {
                    let fields: Vec<String> = value
                        .split(',')
                        .map(|f| f.trim().to_owned())
                        .filter(|f| !f.is_empty())
                        .collect();
                    if let Some(unknown) = fields
                        .iter()
                        .find(|f| !properties.iter().any(|p| p.eq_ignore_ascii_case(f)))
                    {
                        return Err(bad(
                            "RequestBroker--ParseUri",
                            format!(
                                "Could not find a property named '{unknown}' on type '{type_name}'."
                            ),
                        ));
                    }
                    query.select = Some(fields);
                    query.raw_select = Some(value);
                }
                "top" => match value.trim().parse::<usize>() {
                    Ok(top @ 1..=1000) => query.top = Some(top),
                    _ => {
                        return Err(bad(
                            "BadRequest",
                            format!("Invalid value '{value}' for $top: an integer from 1 to 1000."),
                        ));
                    }
                },
                "skip" => {
                    query.skip = value.trim().parse().map_err(|_| {
                        bad("BadRequest", format!("Invalid value '{value}' for $skip."))
                    })?;
                }
                "filter" => {
                    query.filter = parse_filter(&value)?;
                    query.raw_filter = Some(value);
                }
                "orderby" => {
                    query.ascending = parse_orderby(&value)?;
                    query.raw_orderby = Some(value);
                }
                "skiptoken" => query.skiptoken = Some(value),
                "count" => query.count = value.eq_ignore_ascii_case("true"),
                "deltatoken" => query.deltatoken = Some(value),
                _ => {}
            }
        }
        Ok(query)
    }

    /// Whether a message with these fields passes the `$filter`.
    pub(crate) fn matches(&self, received_us: i64, is_read: bool, has_attachments: bool) -> bool {
        self.filter.iter().all(|c| match c {
            Condition::Received(op, us) => op.holds(received_us, *us),
            Condition::IsRead(v) => is_read == *v,
            Condition::HasAttachments(v) => has_attachments == *v,
        })
    }
}

fn parse_filter(raw: &str) -> Result<Vec<Condition>, GraphError> {
    let invalid = || {
        bad("ErrorInvalidUrlQueryFilter", "The query filter contains one or more invalid nodes.")
    };
    let mut conditions = Vec::new();
    let lowered = raw.to_ascii_lowercase();
    let mut start = 0;
    let mut parts = Vec::new();
    while let Some(at) = lowered[start..].find(" and ") {
        parts.push(&raw[start..start + at]);
        start += at + 5;
    }
    parts.push(&raw[start..]);
    for part in parts {
        let words: Vec<&str> = part.split_whitespace().collect();
        let [property, op, value] = words.as_slice() else { return Err(invalid()) };
        let op = match op.to_ascii_lowercase().as_str() {
            "ge" => Op::Ge,
            "gt" => Op::Gt,
            "le" => Op::Le,
            "lt" => Op::Lt,
            "eq" => Op::Eq,
            _ => return Err(invalid()),
        };
        let flag = |v: &str| match v {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(invalid()),
        };
        conditions.push(match property.to_ascii_lowercase().as_str() {
            "receiveddatetime" => {
                let at = DateTime::parse_from_rfc3339(value.trim_matches('\''))
                    .map_err(|_| invalid())?;
                Condition::Received(op, at.timestamp_micros())
            }
            "isread" if op == Op::Eq => Condition::IsRead(flag(value)?),
            "hasattachments" if op == Op::Eq => Condition::HasAttachments(flag(value)?),
            _ => return Err(invalid()),
        });
    }
    Ok(conditions)
}

/// `receivedDateTime [asc|desc]`: whether ascending.
fn parse_orderby(raw: &str) -> Result<bool, GraphError> {
    let words: Vec<String> = raw.split_whitespace().map(str::to_ascii_lowercase).collect();
    match words.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["receiveddatetime"] | ["receiveddatetime", "asc"] => Ok(true),
        ["receiveddatetime", "desc"] => Ok(false),
        _ => Err(bad(
            "BadRequest",
            format!("The $orderby expression '{raw}' is not supported: order by receivedDateTime."),
        )),
    }
}

/// The preferences of the `Prefer` headers.
#[derive(Debug, Default, Clone)]
pub(crate) struct Prefer {
    pub max_page_size: Option<usize>,
    /// `outlook.body-content-type="text"`.
    pub text_body: bool,
    pub body_type_asked: bool,
    pub immutable_id: bool,
}

impl Prefer {
    pub(crate) fn parse(req: &HttpRequest) -> Self {
        let mut prefer = Self::default();
        for header in req.headers().get_all("Prefer") {
            let Ok(text) = header.to_str() else { continue };
            for item in text.split(',') {
                let (key, value) = item.split_once('=').unwrap_or((item, ""));
                let value = value.trim().trim_matches('"');
                match key.trim().to_ascii_lowercase().as_str() {
                    "odata.maxpagesize" => {
                        prefer.max_page_size = value.parse().ok().filter(|n| *n > 0)
                    }
                    "outlook.body-content-type" => {
                        prefer.body_type_asked = true;
                        prefer.text_body = value.eq_ignore_ascii_case("text");
                    }
                    "idtype" => prefer.immutable_id = value.eq_ignore_ascii_case("ImmutableId"),
                    _ => {}
                }
            }
        }
        prefer
    }

    /// The `Preference-Applied` header value, when something was applied.
    pub(crate) fn applied(&self) -> Option<String> {
        let mut applied = Vec::new();
        if let Some(size) = self.max_page_size {
            applied.push(format!("odata.maxpagesize={size}"));
        }
        if self.body_type_asked {
            applied.push(format!(
                "outlook.body-content-type=\"{}\"",
                if self.text_body { "text" } else { "html" }
            ));
        }
        if self.immutable_id {
            applied.push("IdType=\"ImmutableId\"".to_owned());
        }
        (!applied.is_empty()).then(|| applied.join(", "))
    }
}

impl Query {
    /// Items per page: `$top`, else `Prefer: odata.maxpagesize`, else `default`.
    pub(crate) fn page_size(&self, prefer: &Prefer, default: usize) -> usize {
        self.top.or(prefer.max_page_size).unwrap_or(default).clamp(1, 1000)
    }

    /// The `@odata.nextLink` for the page starting at `skip`: the same options, another `$skip`.
    pub(crate) fn next_link(&self, url: &str, skip: usize) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(select) = &self.raw_select {
            pairs.push(("$select", select.clone()));
        }
        if let Some(filter) = &self.raw_filter {
            pairs.push(("$filter", filter.clone()));
        }
        if let Some(orderby) = &self.raw_orderby {
            pairs.push(("$orderby", orderby.clone()));
        }
        if let Some(top) = self.top {
            pairs.push(("$top", top.to_string()));
        }
        if self.count {
            pairs.push(("$count", "true".to_owned()));
        }
        pairs.push(("$skip", skip.to_string()));
        format!("{url}?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
    }
}

/// One page of `items` (already ordered) from `query.skip`, the next link when more follow,
/// and `@odata.count` when `$count=true` asked for it.
pub(crate) fn page<T>(
    items: Vec<T>,
    query: &Query,
    prefer: &Prefer,
    default: usize,
    url: &str,
) -> (Vec<T>, Option<String>, Option<usize>) {
    let size = query.page_size(prefer, default);
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(query.skip).take(size).collect();
    let next = query.skip + page.len();
    let link = (next < total).then(|| query.next_link(url, next));
    (page, link, query.count.then_some(total))
}
