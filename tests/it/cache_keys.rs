//! Cache keys are a contract with every cache on disk: the same segment
//! must get the same key from one podgen to the next, or every clip is made
//! (and paid for) again. These keys were computed by podgen before the key
//! material got its explicit encoding, and must not move.

use std::collections::HashMap;
use std::sync::Arc;

use podgen::audio::Pcm;
use podgen::cli::prepare::{RenderOptions, prepare};
use podgen::input::config::VoiceConfig;
use podgen::input::voices::VoiceProfile;
use podgen::input::yaml::unplaced;
use podgen::sound::sounds::{Sound, SoundKind, sound};
use podgen::speech::cache::ClipStore;
use podgen::speech::synthesize::{Cast, LimitedBackend, segment_key};
use podgen::speech::tts::{Backend, Keys, Limits, Price, Request, SynthError};
use podgen::text::lang::Language;
use podgen::text::plan::{Limit, Pause, Plan, Segment};

use crate::common;

/// A backend that only has an identity, context and SSML settings.
struct Fake {
    identity: &'static str,
    context_chars: usize,
    ssml: bool,
}

impl Backend for Fake {
    fn identity(&self) -> String {
        self.identity.to_string()
    }
    fn describe(&self) -> String {
        "fake".into()
    }
    fn limits(&self) -> Limits {
        Limits {
            context_chars: self.context_chars,
            ..Limits::new(Limit::chars(500), 1)
        }
    }
    fn price(&self) -> Price {
        Price::Free
    }
    fn takes_ssml(&self) -> bool {
        self.ssml
    }
    fn synthesize<'a>(
        &'a self,
        _req: &'a Request<'a>,
    ) -> futures_util::future::BoxFuture<'a, Result<Pcm, SynthError>> {
        Box::pin(async { Err(SynthError::fatal("fake")) })
    }
}

/// A voice with nothing but its backend.
fn voice(name: &str, backend: &str) -> VoiceProfile {
    let config = VoiceConfig {
        backend: Some(unplaced(backend.to_string())),
        ..Default::default()
    };
    VoiceProfile::from_config(name, &config)
}

/// A voice with every optional field set, strings that need escaping and
/// nested extra fields.
fn full_voice(name: &str, backend: &str) -> VoiceProfile {
    let extra = serde_json::json!({
        "style": "cheerful",
        "n": 2,
        "ratio": 0.1,
        "z": [1.5, null, "x\"y"],
        "a": {"b": true, "c": -3},
    });
    VoiceProfile {
        voice: Some("alloy".into()),
        model: Some("gpt-4o-mini-tts".into()),
        speed: 1.1f32 * 0.9f32,
        instructions: Some("Calm, \"warm\"\nnewsreader \\ 新闻 \u{1}".into()),
        language: Some("zh-CN".into()),
        variant: Some("f3".into()),
        pitch: Some(57),
        extra: extra.as_object().unwrap().clone(),
        pan: -0.5,
        ..voice(name, backend)
    }
}

fn segment(chapter: usize, voice: &str, spoken: &str, ssml: Option<&str>) -> Segment {
    Segment {
        chapter,
        paragraph: 1,
        sentence: 1,
        chunk: 1,
        voice: voice.into(),
        speaker: voice.into(),
        language: Language::EnglishUs,
        tag: "en-US".into(),
        text: spoken.into(),
        spoken: spoken.into(),
        ssml: ssml.map(str::to_string),
        pause_after: Pause::Sentence,
    }
}

fn fake_cast(voices: Vec<VoiceProfile>) -> Cast {
    let mut backends = HashMap::new();
    for (name, identity, context_chars, ssml) in [
        ("ctx", "test:ctx|v1", 10, true),
        ("plain", "test:plain", 0, false),
    ] {
        let backend: Arc<dyn Backend> = Arc::new(Fake {
            identity,
            context_chars,
            ssml,
        });
        backends.insert(name.to_string(), LimitedBackend::new(name, backend));
    }
    Cast::new(voices, backends)
}

fn fake_plan() -> Plan {
    Plan {
        chapters: Vec::new(),
        segments: vec![
            segment(0, "host", "First sentence of the intro.", None),
            segment(
                0,
                "host",
                "研究者发布了新的天气预报模型。",
                Some("<speak>研究者</speak>"),
            ),
            segment(0, "guest", "Second voice speaks.", Some("<speak>x</speak>")),
            segment(0, "host", "Ends the chapter.", None),
            segment(1, "host", "A new chapter starts here.", Some("<p/>")),
            segment(1, "full", "A voice with every field set.", None),
        ],
        bed: None,
    }
}

/// The key of every segment of [`fake_plan`] at both rates, with the
/// voices on a backend that takes context and SSML, then on one that takes
/// neither.
fn fake_keys(cast: &Cast) -> Vec<String> {
    let plan = fake_plan();
    [44_100, 48_000]
        .into_iter()
        .flat_map(|rate| (0..plan.segments.len()).map(move |i| (rate, i)))
        .map(|(rate, i)| segment_key(&plan, i, cast, rate))
        .collect()
}

#[test]
fn keys_of_context_ssml_and_every_voice_field_are_as_before() {
    let cast = fake_cast(vec![
        voice("host", "ctx"),
        voice("guest", "plain"),
        full_voice("full", "ctx"),
    ]);
    assert_eq!(
        fake_keys(&cast),
        [
            "31b7759f3194ff0cf375ad938518d4687c6b7b797658a7079ae8da7c02b45f9f",
            "32e817820b14075e060f351098688c2fc1f33204daf171664a5e3bd98277a7c2",
            "9fefe4e97246332b5249e480dc0ba173e1f2dce986b43eaa29f147befdd73bca",
            "eca53a6cefa692938a9593184e659d77b1b6295bd0d319f860780fe73b39bb13",
            "2b6b0a3346aefb737d5ecba80b49a409c46cf9559e1f8e8b6adb8e38c4a2e215",
            "ac7428a8c2be48e53e8c1e12d579fc1bdf0599a53b6a6f23b97330b6a5e10d19",
            "09dd4bb481713870ca6895a272bef858ac2047f7998d13e460aea589f6d3ff19",
            "c16d25151cb56ab8e5daa838cbc3dd4c62a7d02ca82b869573994ab246bbf2dd",
            "37e8ea3e4539468fc7d6be9a27a0c119e01be0f906a86125f750f92109ee1878",
            "6927458856e1de31fa5739a95d96b8441fb1d6bf1c4a6dae69a688b5732e00f3",
            "03705f3b7b9badc6e199a7a99a6f38706538f46bb16ef706db582f326f44eee9",
            "4c439d4dc87c133f30561693243f12b289252601144cd497bacb20f213ea7bce",
        ]
    );
    let cast = fake_cast(vec![
        voice("host", "plain"),
        full_voice("guest", "plain"),
        full_voice("full", "plain"),
    ]);
    assert_eq!(
        fake_keys(&cast),
        [
            "5f6e1e9dd15a0bc63ac57ded23800ecf3d235a10af71bc5e88819900461433ae",
            "61af550b6801caa5782ca8cbde2b9671483267f7cc48703f0c308fe2a412b160",
            "e162a35ab0e9a6cd8e505602a5a007955043112c16507b0fdbd8447437de108b",
            "2fb446df7efe945c9af24da1450f7b2f66aa5dd4ea1c5010d8306d0fe19a1fb3",
            "db2070b236f1916235c03664f9a9748bab53c3673d46c672f7ef5c499b9ec7b9",
            "6858c5956a2702bb8f0d70e078221e4ac7022d799c6bb6c569861df88402f241",
            "f999e96436fd4bddc6ae29ed8413f7036ddfff090ec853ce6dd6d9304ac0161f",
            "4526cdbb0639c37975c9eafd79652ff9540bf0bb4fea2c03e39388848705db9e",
            "13306a4f679528f1c3bd096fa3d7daddfb824ec50543ee68a66c796af7c70e71",
            "f3acaf57f9c9e4a11563078f94dd8046aa5ae9e25e6bd693e2f87a1025d57725",
            "da3b4fffb7ff09d39c0ea05dc818696ac5684707f027563a064ee7f331e38299",
            "ee99d912d3da0f28c8142a3fa97e4026886112333b5f2789bb6a2ab761b8417c",
        ]
    );
}

#[test]
fn keys_of_the_example_are_as_before() {
    let cache = tempfile::tempdir().unwrap();
    let opts = RenderOptions {
        script: common::root().join("examples/ai-weekly-2024-06-2.yaml"),
        speed: 1.0,
        ..Default::default()
    };
    let p = prepare(&opts, cache.path(), Keys::Optional).unwrap();
    // The spoken text first: when the text rules change what a segment
    // says, its key changes with it, rightly; the encoding has not moved.
    for (i, spoken, key) in [
        (
            0,
            "大家好，这里是AI大模型周报二零二四年六月的第二期。",
            "01f0db7aefc1aef84bf09ee4d4f6c6e5c5f00cc05c687233f0360021fc946302",
        ),
        (
            1,
            "Stability AI宣布推出开放模型Stable Audio Open，能够基于简单的文本提示生成四十七秒时长的高质量音频。",
            "2fed67ce12f5fffea57d0f8a26bbec7dca8851b09b2b4906a4fa6613b65115c4",
        ),
        (
            13,
            "Google DeepMind的研究者就大模型的创意支持能力进行研究。",
            "ddfbff82886c34b8f5db471f553c1f388ea3e78cee5c987747b1a4e6e3016c43",
        ),
        (
            45,
            "据The Wall Street Journal报道，Sam Altman积极投资超过四百家公司，所持股份价值超过二十八亿美元。",
            "28b8eb4ccc394a174dd6cb8ab551bb0871f5ae279654923d44d82f1f77a8c747",
        ),
        (
            49,
            "Thanks for listening!",
            "113dcd3c2e537ea5433c65b33109ef24b1f7c3799555c9460a6e94667e94a386",
        ),
    ] {
        let seg = &p.plan.segments[i];
        assert_eq!(seg.spoken, spoken, "segment {i}'s text changed");
        assert_eq!(
            segment_key(&p.plan, i, &p.cast, p.settings.rate),
            key,
            "segment {i}"
        );
    }
}

#[test]
fn keys_of_stings_and_beds_are_as_before() {
    let cache = tempfile::tempdir().unwrap();
    let store = ClipStore::open(cache.path(), 44_100).unwrap();
    let path = common::root().join("examples/stings/intro.wav");
    for (kind, level_db, levelled, channels, key) in [
        (
            SoundKind::Sting,
            -6.0,
            true,
            2,
            "2b2f9cd4d074e733c0e9d01d9c3cea07964f99534d83a86be6557bc935419317",
        ),
        (
            SoundKind::Sting,
            0.0,
            false,
            1,
            "1f295652123297bc94c108bba9b5bac4d512bb208563c36fd99ba192aee262fd",
        ),
        (
            SoundKind::Bed,
            -17.5,
            true,
            2,
            "4801d3e01332d2fa651008a0d53b1ee09be8d9eaf97ecc4331928635bba29e4b",
        ),
        (
            SoundKind::Bed,
            1.0 / 3.0,
            false,
            2,
            "7bbb949357c9b74dd88d9c6be798c2502f1a9aa1a76cb0c4aedd91dd18eed1d7",
        ),
    ] {
        let s = Sound {
            path: &path,
            kind,
            level_db,
            levelled,
        };
        let clip = sound(s, &store, 44_100, channels).unwrap();
        assert!(
            clip.path.ends_with(format!("{key}.wav")),
            "{kind} {level_db}"
        );
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(s.key(&bytes, 44_100, channels), key);
    }
}
