//! Azure Speech `POST /cognitiveservices/v1`: an SSML body, the output
//! format header, and bare-status errors.

use axum::http::StatusCode;

use super::audio::{speech, wav_bytes};
use super::{Answer, MockOptions, Received, WavHeader, check_key};

/// The text inside `<voice>` of an SSML document, and the voice's name.
fn ssml_text(body: &[u8]) -> Result<(String, String), String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut buf = Vec::new();
    let (mut in_voice, mut text, mut voice, mut root) = (0, String::new(), None, None);
    loop {
        match reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("malformed SSML: {e}"))?
        {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if root.is_none() {
                    root = Some(name.clone());
                }
                if name == "voice" {
                    in_voice += 1;
                    for a in e.attributes().flatten() {
                        if a.key.as_ref() == b"name" {
                            voice =
                                Some(a.unescape_value().map_err(|e| e.to_string())?.into_owned());
                        }
                    }
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"voice" => in_voice -= 1,
            Event::Text(t) if in_voice > 0 => {
                text.push_str(
                    &t.xml_content()
                        .map_err(|e| format!("malformed SSML text: {e}"))?,
                );
            }
            Event::GeneralRef(r) if in_voice > 0 => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let ch = match name.as_str() {
                    "amp" => "&".to_string(),
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "quot" => "\"".to_string(),
                    "apos" => "'".to_string(),
                    other => match r.resolve_char_ref().map_err(|e| e.to_string())? {
                        Some(c) => c.to_string(),
                        None => return Err(format!("unknown entity &{other};")),
                    },
                };
                text.push_str(&ch);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if root.as_deref() != Some("speak") {
        return Err("the root element must be <speak>".into());
    }
    let voice = voice.ok_or("no <voice name=...> element")?;
    Ok((text, voice))
}

/// Azure's answer to `request`. Azure answers errors with a bare status
/// and an empty body.
pub(super) fn answer(o: &MockOptions, request: &Received) -> Answer {
    let bare = |s: StatusCode| Answer::error(s, None, String::new());
    if o.api_key.is_some() && !check_key(o, request.header("ocp-apim-subscription-key")) {
        return bare(StatusCode::UNAUTHORIZED);
    }
    if !request
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/ssml+xml"))
    {
        return bare(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
    let rate = match request.header("x-microsoft-outputformat") {
        Some("riff-16khz-16bit-mono-pcm") => 16_000,
        Some("riff-24khz-16bit-mono-pcm") => 24_000,
        Some("riff-48khz-16bit-mono-pcm") => 48_000,
        _ => return bare(StatusCode::BAD_REQUEST),
    };
    if request.header("user-agent").is_none() {
        return bare(StatusCode::BAD_REQUEST);
    }
    match ssml_text(&request.body) {
        Ok((text, _voice)) if !text.trim().is_empty() => Answer::audio(
            wav_bytes(&speech(&text, rate), rate, WavHeader::Valid),
            "audio/x-wav",
            text,
            true,
        ),
        _ => bare(StatusCode::BAD_REQUEST),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssml_text_unescapes_entities() {
        let (t, v) = ssml_text(b"<speak version='1.0' xml:lang='en'><voice name='v1'><prosody rate='+0%'>a &amp; &lt;b&gt; &quot;c&quot; &#x1F389;</prosody></voice></speak>").unwrap();
        assert_eq!((t.as_str(), v.as_str()), ("a & <b> \"c\" 🎉", "v1"));
        assert!(ssml_text(b"<speak><voice name='v'>a & b</voice></speak>").is_err());
    }
}
