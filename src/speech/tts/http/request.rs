//! One request, as the backend's settings shape it: the values a template
//! may use, then the URL, headers, query and body filled in with them.

use serde_json::{Value, json};

use super::HttpSpec;
use crate::input::config::backend::BodySpec;
use crate::input::config::template::{self, Escape, TemplateError, Vars};
use crate::speech::tts::{Request, SynthError};

/// The values a template may use for `req`.
fn vars(spec: &HttpSpec, req: &Request) -> Vars {
    let v = req.voice;
    let speed = f64::from(v.speed);
    let or_null = |s: Option<String>| s.map_or(Value::Null, Value::String);
    let ssml = req
        .ssml
        .map_or_else(|| crate::text::escape::xml(req.text), str::to_string);
    let pct = ((speed - 1.0) * 100.0).round() as i64;
    let mut vars = Vars::new();
    vars.insert("text", json!(req.text));
    vars.insert("ssml", json!(ssml));
    vars.insert("voice", or_null(v.voice.clone()));
    let model = v
        .model
        .clone()
        .or_else(|| spec.settings.default_model.clone());
    vars.insert("model", or_null(model));
    vars.insert("speed", json!((speed * 1000.0).round() / 1000.0));
    vars.insert("speed_inverse", json!((1000.0 / speed).round() / 1000.0));
    vars.insert("speed_percent", json!(format!("{pct:+}%")));
    let language = v.language.clone().unwrap_or_else(|| req.tag.to_string());
    vars.insert("language", json!(language));
    vars.insert("instructions", or_null(v.instructions.clone()));
    vars.insert(
        "previous_text",
        req.previous_text.map_or(Value::Null, |t| json!(t)),
    );
    vars.insert("next_text", req.next_text.map_or(Value::Null, |t| json!(t)));
    vars.insert("api_key", or_null(spec.api_key().map(str::to_string)));
    vars
}

fn unfillable(e: TemplateError) -> SynthError {
    SynthError::fatal(e.to_string())
}

/// `(key, template)` pairs filled in, as they are.
fn filled_pairs(
    pairs: &[(String, String)],
    vars: &Vars,
) -> Result<Vec<(String, String)>, SynthError> {
    pairs
        .iter()
        .map(|(k, v)| Ok((k.clone(), template::fill(v, vars, Escape::Raw)?)))
        .collect::<Result<_, TemplateError>>()
        .map_err(unfillable)
}

/// The request for `req`, ready to send with `client`.
pub(super) fn build(
    client: &reqwest::Client,
    spec: &HttpSpec,
    req: &Request,
) -> Result<reqwest::RequestBuilder, SynthError> {
    let vars = vars(spec, req);
    let url = template::fill(&spec.url, &vars, Escape::Url).map_err(unfillable)?;
    let mut rb = client.request(spec.settings.method.clone(), &url);
    for (k, v) in &spec.headers {
        let value = template::fill(v, &vars, Escape::Raw).map_err(unfillable)?;
        if value.contains(['\r', '\n']) {
            return Err(SynthError::fatal(format!(
                "header {k} would contain a line break"
            )));
        }
        rb = rb.header(k.as_str(), value);
    }
    if !spec.query.is_empty() {
        rb = rb.query(&filled_pairs(&spec.query, &vars)?);
    }
    with_body(rb, &spec.settings.body, &vars, &req.voice.extra)
}

/// `rb` with the body filled in, and the voice's `extra` fields in it.
fn with_body(
    rb: reqwest::RequestBuilder,
    body: &BodySpec,
    vars: &Vars,
    extra: &serde_json::Map<String, Value>,
) -> Result<reqwest::RequestBuilder, SynthError> {
    Ok(match body {
        BodySpec::None => rb,
        BodySpec::Json(t) => {
            let mut body = template::fill_json(t, vars)
                .map_err(unfillable)?
                .unwrap_or(Value::Null);
            if let Value::Object(map) = &mut body {
                for (k, v) in extra {
                    map.insert(k.clone(), v.clone());
                }
            }
            rb.json(&body)
        }
        BodySpec::Form(fields) => {
            let mut f = filled_pairs(fields, vars)?;
            for (k, v) in extra {
                f.retain(|(fk, _)| fk != k);
                let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                f.push((k.clone(), text));
            }
            rb.form(&f)
        }
        BodySpec::Text {
            template: t,
            content_type,
        } => {
            let body = template::fill(t, vars, Escape::for_content_type(content_type))
                .map_err(unfillable)?;
            rb.header(reqwest::header::CONTENT_TYPE, content_type.as_str())
                .body(body)
        }
    })
}
