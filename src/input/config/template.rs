//! Request templates: `{{ name }}` placeholders filled per request.
//!
//! Substitution only, no expressions. Escaping follows where the value goes:
//! JSON strings are escaped by the JSON writer; a JSON leaf that is exactly
//! one placeholder keeps the value's type (a number stays a number), and a
//! trailing `?` (`{{ next_text? }}`) drops the key when the value is unset.
//! In text bodies a filter picks the escaping (`xml`, `json`, `url`, `raw`);
//! without one, the body's content type decides.

use std::collections::BTreeMap;

use serde_json::Value;

/// The values one request can use.
pub type Vars = BTreeMap<&'static str, Value>;

/// A template that cannot be filled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// `{{` without its `}}`.
    #[error("unclosed `{{{{` in template {0:?}")]
    Unclosed(String),
    /// A name that is not one of [`KNOWN`].
    #[error("unknown template variable `{0}`; known: {known}", known = KNOWN.join(", "))]
    UnknownVariable(String),
    /// A filter other than xml, json, url and raw.
    #[error("unknown template filter `{0}`; use xml, json, url or raw")]
    UnknownFilter(String),
}

/// How a text template escapes values that carry no filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// XML character escapes (SSML bodies).
    Xml,
    /// Inside a JSON string.
    Json,
    /// Percent-encoding (URLs, form bodies).
    Url,
    /// As it is.
    Raw,
}

impl Escape {
    /// The default escaping for a body of `content_type`.
    pub fn for_content_type(content_type: &str) -> Escape {
        let ct = content_type.to_ascii_lowercase();
        if ct.contains("xml") {
            Escape::Xml
        } else if ct.contains("json") {
            Escape::Json
        } else if ct.contains("x-www-form-urlencoded") {
            Escape::Url
        } else {
            Escape::Raw
        }
    }
}

struct Placeholder<'a> {
    name: &'a str,
    optional: bool,
    filter: Option<&'a str>,
}

fn parse_placeholder(inner: &str) -> Placeholder<'_> {
    let (name, filter) = match inner.split_once('|') {
        Some((n, f)) => (n.trim(), Some(f.trim())),
        None => (inner.trim(), None),
    };
    let (name, optional) = match name.strip_suffix('?') {
        Some(n) => (n.trim(), true),
        None => (name, false),
    };
    Placeholder {
        name,
        optional,
        filter,
    }
}

/// The placeholder of a string that is exactly one placeholder.
fn sole_placeholder(s: &str) -> Option<Placeholder<'_>> {
    let t = s.trim();
    let inner = t.strip_prefix("{{")?.strip_suffix("}}")?;
    (!inner.contains("{{") && !inner.contains("}}")).then(|| parse_placeholder(inner))
}

fn is_unset(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        _ => false,
    }
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Every placeholder name in a template string.
pub fn names(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}") else {
            break;
        };
        out.push(
            parse_placeholder(&rest[start + 2..start + end])
                .name
                .to_string(),
        );
        rest = &rest[start + end + 2..];
    }
    out
}

/// Whether `template` can be filled: every `{{` closed, every name known,
/// every filter one of xml, json, url and raw. The config checks its
/// templates with this when it is loaded.
pub fn check(template: &str) -> Result<(), TemplateError> {
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let end = rest[start..]
            .find("}}")
            .ok_or_else(|| TemplateError::Unclosed(template.to_string()))?;
        let p = parse_placeholder(&rest[start + 2..start + end]);
        if !KNOWN.contains(&p.name) {
            return Err(TemplateError::UnknownVariable(p.name.to_string()));
        }
        if let Some(f) = p.filter
            && !matches!(f, "xml" | "json" | "url" | "raw")
        {
            return Err(TemplateError::UnknownFilter(f.to_string()));
        }
        rest = &rest[start + end + 2..];
    }
    Ok(())
}

/// Fill a string template. Unknown names are an error; `escape` applies to
/// placeholders without a filter.
pub fn fill(template: &str, vars: &Vars, escape: Escape) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("}}")
            .ok_or_else(|| TemplateError::Unclosed(template.to_string()))?;
        let p = parse_placeholder(&rest[start + 2..start + end]);
        let value = vars.get(p.name);
        if value.is_none() && !KNOWN.contains(&p.name) {
            return Err(TemplateError::UnknownVariable(p.name.to_string()));
        }
        let text = value.map(as_text).unwrap_or_default();
        let escape = match p.filter {
            None => escape,
            Some("xml") => Escape::Xml,
            Some("json") => Escape::Json,
            Some("url") => Escape::Url,
            Some("raw") => Escape::Raw,
            Some(other) => return Err(TemplateError::UnknownFilter(other.to_string())),
        };
        out.push_str(&escaped(&text, escape));
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `s` percent-encoded: unreserved characters (RFC 3986) stay, every other
/// byte is `%XX`.
pub fn percent_encoded(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn escaped(s: &str, escape: Escape) -> String {
    match escape {
        Escape::Raw => s.to_string(),
        Escape::Json => {
            let quoted = serde_json::to_string(s).expect("strings serialize");
            quoted[1..quoted.len() - 1].to_string()
        }
        Escape::Url => percent_encoded(s),
        Escape::Xml => podgen_text::escape::xml(s),
    }
}

/// Fill a JSON template: string leaves are templates. Returns `None` for a
/// leaf that is an optional placeholder with no value (its key is dropped).
pub fn fill_json(template: &Value, vars: &Vars) -> Result<Option<Value>, TemplateError> {
    Ok(match template {
        Value::String(s) => {
            if let Some(p) = sole_placeholder(s)
                && p.filter.is_none()
            {
                let v = vars.get(p.name);
                if v.is_none() && !KNOWN.contains(&p.name) {
                    return Err(TemplateError::UnknownVariable(p.name.to_string()));
                }
                if is_unset(v) {
                    return Ok(if p.optional {
                        None
                    } else {
                        Some(Value::String(String::new()))
                    });
                }
                return Ok(v.cloned());
            }
            Some(Value::String(fill(s, vars, Escape::Raw)?))
        }
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                if let Some(v) = fill_json(item, vars)? {
                    out.push(v);
                }
            }
            Some(Value::Array(out))
        }
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                if let Some(v) = fill_json(v, vars)? {
                    out.insert(k.clone(), v);
                }
            }
            Some(Value::Object(out))
        }
        other => Some(other.clone()),
    })
}

/// The variables a template may use.
pub const KNOWN: &[&str] = &[
    "text",
    "voice",
    "model",
    "speed",
    "speed_inverse",
    "speed_percent",
    "language",
    "instructions",
    "previous_text",
    "next_text",
    "api_key",
    "sample_rate",
    "ssml",
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars() -> Vars {
        let mut v = Vars::new();
        v.insert("text", json!("a \"b\" <c> & 'd'\n"));
        v.insert("speed", json!(1.25));
        v.insert("voice", json!("alloy"));
        v.insert("next_text", Value::Null);
        v
    }

    #[test]
    fn json_leaves_keep_types_and_optional_keys_drop() {
        let t = json!({"input": "{{ text }}", "speed": "{{speed}}", "next": "{{ next_text? }}",
                       "nested": {"v": "voice={{voice}}"}, "list": ["{{speed}}", 3]});
        let out = fill_json(&t, &vars()).unwrap().unwrap();
        assert_eq!(
            out,
            json!({"input": "a \"b\" <c> & 'd'\n", "speed": 1.25,
                               "nested": {"v": "voice=alloy"}, "list": [1.25, 3]})
        );
    }

    #[test]
    fn text_templates_escape_by_filter_or_default() {
        let v = vars();
        assert_eq!(
            fill("<s>{{text}}</s>", &v, Escape::Xml).unwrap(),
            "<s>a &quot;b&quot; &lt;c&gt; &amp; &apos;d&apos;\n</s>"
        );
        assert_eq!(
            fill("{{ text | json }}", &v, Escape::Raw).unwrap(),
            "a \\\"b\\\" <c> & 'd'\\n"
        );
        assert_eq!(
            fill("{{text|url}}", &v, Escape::Raw).unwrap(),
            "a%20%22b%22%20%3Cc%3E%20%26%20%27d%27%0A"
        );
        assert_eq!(fill("{{ voice | raw }}", &v, Escape::Xml).unwrap(), "alloy");
        assert!(
            fill("{{ nope }}", &v, Escape::Raw)
                .unwrap_err()
                .to_string()
                .contains("unknown template variable")
        );
        assert!(
            fill("{{ text | shout }}", &v, Escape::Raw)
                .unwrap_err()
                .to_string()
                .contains("unknown template filter")
        );
    }
}
