//! The C eSpeak NG engine, built from `vendor/espeak-ng` by `build.rs`, and
//! the few calls of its API podgen makes.
//!
//! The engine keeps its state in globals, so one process has one engine:
//! every call goes through [`ENGINE`], a mutex, and each synthesis runs to
//! its end before the next begins (the synchronous mode: the engine calls
//! back with audio and returns when the text is spoken).

use std::ffi::{CString, c_char, c_int, c_short, c_uint, c_void};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

// The parts of `speak_lib.h` podgen uses.
const AUDIO_OUTPUT_SYNCHRONOUS: c_int = 2;
/// Return an error instead of exiting the process when the data is bad.
const INITIALIZE_DONT_EXIT: c_int = 0x8000;
const CHARS_UTF8: c_uint = 1;
const POS_CHARACTER: c_int = 1;
const EE_OK: c_int = 0;

/// `espeak_PARAMETER`.
#[derive(Debug, Clone, Copy)]
#[repr(C)]
#[allow(dead_code)] // the discriminants mirror the C enum; not all are used
enum Parameter {
    Rate = 1,
    Volume = 2,
    Pitch = 3,
    Range = 4,
}

/// `espeak_EVENT`: only `user_data` is read.
#[repr(C)]
struct Event {
    kind: c_int,
    unique_identifier: c_uint,
    text_position: c_int,
    length: c_int,
    audio_position: c_int,
    sample: c_int,
    user_data: *mut c_void,
    id: [u8; 8],
}

type SynthCallback = unsafe extern "C" fn(*mut c_short, c_int, *mut Event) -> c_int;

unsafe extern "C" {
    fn espeak_Initialize(
        output: c_int,
        buflength: c_int,
        path: *const c_char,
        options: c_int,
    ) -> c_int;
    fn espeak_SetSynthCallback(callback: SynthCallback);
    fn espeak_SetVoiceByName(name: *const c_char) -> c_int;
    fn espeak_SetParameter(parameter: Parameter, value: c_int, relative: c_int) -> c_int;
    fn espeak_Synth(
        text: *const c_void,
        size: usize,
        position: c_uint,
        position_type: c_int,
        end_position: c_uint,
        flags: c_uint,
        unique_identifier: *mut c_uint,
        user_data: *mut c_void,
    ) -> c_int;
    fn espeak_Terminate() -> c_int;
}

/// Receives the engine's audio: appends it to the `Vec<i16>` whose address
/// was passed to `espeak_Synth` as user data.
unsafe extern "C" fn collect(wav: *mut c_short, samples: c_int, events: *mut Event) -> c_int {
    if wav.is_null() || samples <= 0 || events.is_null() {
        return 0;
    }
    // SAFETY: the engine passes at least one event, carrying the user data
    // `synthesize` gave: a `&mut Vec<i16>` that outlives the call, used by
    // this thread alone (the engine lock is held), and `samples` valid
    // samples at `wav`.
    unsafe {
        let out = (*events).user_data.cast::<Vec<i16>>();
        if let Some(out) = out.as_mut() {
            out.extend_from_slice(std::slice::from_raw_parts(wav, samples as usize));
        }
    }
    0
}

/// The process's one engine, once initialized: the data folder it reads
/// and its output rate.
pub struct Engine {
    data_dir: Option<PathBuf>,
    rate: u32,
}

/// The engine, behind its lock.
pub static ENGINE: Mutex<Engine> = Mutex::new(Engine {
    data_dir: None,
    rate: 0,
});

/// Why the engine could not speak.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// The data folder's path holds a NUL byte, which C cannot take.
    #[error("{} contains a NUL byte", .0.display())]
    NulInPath(PathBuf),
    /// The engine refused its data.
    #[error("the built-in voice cannot read its data in {} (error {code})", dir.display())]
    NoData {
        /// The data folder.
        dir: PathBuf,
        /// What `espeak_Initialize` returned.
        code: i32,
    },
    /// A voice name with a NUL byte.
    #[error("a voice name with a NUL byte")]
    NulInName,
    /// The engine has no such voice.
    #[error("the built-in voice has no voice {0:?}")]
    NoVoice(String),
    /// `espeak_Synth` failed.
    #[error("the built-in voice failed (error {0})")]
    Failed(i32),
}

/// How to speak one text.
#[derive(Debug, Clone)]
pub struct Voice<'a> {
    /// An eSpeak voice name, with an optional `+variant` (`cmn`, `en-us+f3`).
    pub name: &'a str,
    /// Words per minute (80 to 450).
    pub rate: u32,
    /// Base pitch, 0 to 100 (50 is the voice's own).
    pub pitch: u32,
    /// Pitch range, 0 to 100 (50 is the voice's own; 0 is monotone).
    pub range: u32,
}

impl Engine {
    /// Make sure the engine runs on the data in `data_dir`.
    fn ready(&mut self, data_dir: &Path) -> Result<(), EngineError> {
        if self.data_dir.as_deref() == Some(data_dir) {
            return Ok(());
        }
        if self.data_dir.is_some() {
            // SAFETY: called with the lock held; the engine was initialized.
            unsafe { espeak_Terminate() };
            self.data_dir = None;
        }
        let path = CString::new(data_dir.as_os_str().as_encoded_bytes())
            .map_err(|_| EngineError::NulInPath(data_dir.to_path_buf()))?;
        // SAFETY: a valid C string; the lock serializes all engine calls.
        let rate = unsafe {
            espeak_Initialize(
                AUDIO_OUTPUT_SYNCHRONOUS,
                0,
                path.as_ptr(),
                INITIALIZE_DONT_EXIT,
            )
        };
        if rate <= 0 {
            return Err(EngineError::NoData {
                dir: data_dir.to_path_buf(),
                code: rate,
            });
        }
        // SAFETY: `collect` matches `t_espeak_callback`.
        unsafe { espeak_SetSynthCallback(collect) };
        self.data_dir = Some(data_dir.to_path_buf());
        self.rate = rate as u32;
        Ok(())
    }

    /// Speak `text` with `voice`, reading data from `data_dir`. Returns 16-bit
    /// mono samples and their rate.
    pub fn synthesize(
        &mut self,
        data_dir: &Path,
        voice: &Voice,
        text: &str,
    ) -> Result<(Vec<i16>, u32), EngineError> {
        self.ready(data_dir)?;
        let name = CString::new(voice.name).map_err(|_| EngineError::NulInName)?;
        // The engine stops reading at a NUL byte; nothing after one would be spoken.
        let text = CString::new(text.replace('\0', " ")).expect("NUL bytes replaced");
        let mut samples: Vec<i16> = Vec::new();
        // SAFETY: valid C strings; the lock serializes engine calls; the
        // user data points at `samples`, alive until `espeak_Synth` returns
        // (synchronous mode: every callback happens before it returns).
        let status = unsafe {
            if espeak_SetVoiceByName(name.as_ptr()) != EE_OK {
                return Err(EngineError::NoVoice(voice.name.to_string()));
            }
            espeak_SetParameter(Parameter::Rate, voice.rate.clamp(80, 450) as c_int, 0);
            espeak_SetParameter(Parameter::Pitch, voice.pitch.min(100) as c_int, 0);
            espeak_SetParameter(Parameter::Range, voice.range.min(100) as c_int, 0);
            let bytes = text.as_bytes_with_nul();
            espeak_Synth(
                bytes.as_ptr().cast(),
                bytes.len(),
                0,
                POS_CHARACTER,
                0,
                CHARS_UTF8,
                std::ptr::null_mut(),
                (&mut samples as *mut Vec<i16>).cast(),
            )
        };
        if status != EE_OK {
            return Err(EngineError::Failed(status));
        }
        Ok((samples, self.rate))
    }
}
