//! `${VAR}` and `${VAR:-default}` in a backend's settings: parsed when the
//! config is loaded (a reference that is not one is an error with its line
//! then), filled from the environment when the backend is built. Written by
//! hand: twenty lines that also keep every value they fill in, so that each
//! secret can be masked in messages.

/// A `${...}` reference that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvSyntaxError {
    /// `${` without its `}`.
    #[error("unclosed `${{` in {0:?}")]
    Unclosed(String),
    /// Something other than a variable name between the braces.
    #[error("`${{{0}}}` is not an environment variable reference")]
    NotAName(String),
}

/// One piece of a setting: text as written, or a reference.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Var {
        name: String,
        default: Option<String>,
    },
}

/// A setting that may name environment variables, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnvText {
    pieces: Vec<Piece>,
}

/// What filling settings from the environment found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnvValues {
    /// The values that came from variables: secrets, masked in every message.
    pub secrets: Vec<String>,
    /// Variables that are not set (or empty) and have no default: filled
    /// with nothing. Whether that is an error is the caller's call.
    pub unset: Vec<String>,
}

/// A string with its `${VAR}` references expanded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expanded {
    /// The string with every reference replaced.
    pub text: String,
    /// The values that came from variables: secrets, masked in every message.
    pub secrets: Vec<String>,
    /// Variables that are not set and have no default: expanded to nothing.
    pub unset: Vec<String>,
}

impl EnvText {
    /// Read the references in `s`.
    pub fn parse(s: &str) -> Result<Self, EnvSyntaxError> {
        let mut pieces = Vec::new();
        let mut rest = s;
        while let Some(start) = rest.find("${") {
            if start > 0 {
                pieces.push(Piece::Text(rest[..start].to_string()));
            }
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .ok_or_else(|| EnvSyntaxError::Unclosed(s.to_string()))?;
            let inner = &after[..end];
            let (name, default) = match inner.split_once(":-") {
                Some((n, d)) => (n, Some(d.to_string())),
                None => (inner, None),
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(EnvSyntaxError::NotAName(inner.to_string()));
            }
            pieces.push(Piece::Var {
                name: name.to_string(),
                default,
            });
            rest = &after[end + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        Ok(EnvText { pieces })
    }

    /// The names of the variables it refers to, in order.
    pub fn variables(&self) -> Vec<&str> {
        self.pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Var { name, .. } => Some(name.as_str()),
                Piece::Text(_) => None,
            })
            .collect()
    }

    /// Text that names no variable (a preset's own value).
    pub fn literal(s: &str) -> Self {
        EnvText {
            pieces: vec![Piece::Text(s.to_string())],
        }
    }

    /// The text with each reference filled from `lookup`; an unset (or
    /// empty) variable takes its default, else nothing, and is noted in
    /// `found`, as is every value that came from the environment.
    pub fn fill(&self, lookup: &dyn Fn(&str) -> Option<String>, found: &mut EnvValues) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Var { name, default } => match lookup(name).filter(|v| !v.is_empty()) {
                    Some(v) => {
                        out.push_str(&v);
                        found.secrets.push(v);
                    }
                    None => match default {
                        Some(d) => out.push_str(d),
                        None => found.unset.push(name.clone()),
                    },
                },
            }
        }
        out
    }

    /// The text with every reference replaced by `stand_in`, to check the
    /// shape of a value before the environment is read.
    pub fn with_stand_in(&self, stand_in: &str) -> String {
        self.fill(&|_| Some(stand_in.to_string()), &mut EnvValues::default())
    }
}

/// Expand `${VAR}` and `${VAR:-default}` in `s` from the environment
/// (`lookup`), in one step.
pub fn expand_env(
    s: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Expanded, EnvSyntaxError> {
    let mut found = EnvValues::default();
    let text = EnvText::parse(s)?.fill(lookup, &mut found);
    Ok(Expanded {
        text,
        secrets: found.secrets,
        unset: found.unset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_expansion() {
        let env = |k: &str| (k == "KEY").then(|| "s3cret".to_string());
        let expanded = |s: &str| {
            let e = expand_env(s, &env).unwrap();
            (e.text, e.secrets)
        };
        assert_eq!(
            expanded("Bearer ${KEY}"),
            ("Bearer s3cret".into(), vec!["s3cret".into()])
        );
        assert_eq!(expanded("${NOPE:-x}y"), ("xy".into(), vec![]));
        assert_eq!(expand_env("${NOPE}", &env).unwrap().unset, vec!["NOPE"]);
        assert!(expand_env("${bad name}", &env).is_err());
        assert!(matches!(
            expand_env("a ${KEY", &env),
            Err(EnvSyntaxError::Unclosed(_))
        ));
        assert_eq!(expanded("plain"), ("plain".into(), vec![]));
        assert_eq!(expanded(""), (String::new(), vec![]));
    }

    #[test]
    fn stand_ins_fill_every_reference() {
        assert_eq!(
            EnvText::parse("http://${HOST}:${PORT:-80}/v1")
                .unwrap()
                .with_stand_in("1"),
            "http://1:1/v1"
        );
        assert_eq!(EnvText::literal("${NOT}").with_stand_in("1"), "${NOT}");
    }
}
