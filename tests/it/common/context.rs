//! The test context: a scratch folder of its own (with its own cache), the
//! mock TTS server when the test wants one, environment variables for its
//! commands, and the commands themselves, run on the real `podgen` binary.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

use podgen::mock::{MockOptions, MockServer};

use super::checks::assert_fails;
use super::files::{read_json, read_wav};
use super::{Config, Document, Script, bin, example};

/// A scratch space: a folder of its own, with a cache folder and an output
/// folder in it, and what its commands run with.
pub struct Scratch {
    /// The folder; removed when the context is dropped.
    pub dir: tempfile::TempDir,
    mock: Option<MockServer>,
    env: Vec<(OsString, OsString)>,
}

impl Scratch {
    /// An empty scratch folder.
    pub fn new() -> Self {
        Scratch {
            dir: tempfile::tempdir().unwrap(),
            mock: None,
            env: Vec::new(),
        }
    }

    /// An empty scratch folder and the mock TTS server, started with
    /// `options` on a free port of 127.0.0.1.
    pub fn with_mock(options: MockOptions) -> Self {
        Scratch {
            mock: Some(MockServer::start(0, options).unwrap()),
            ..Scratch::new()
        }
    }

    /// The mock server this context started.
    pub fn mock(&self) -> &MockServer {
        self.mock
            .as_ref()
            .expect("a context made with Scratch::with_mock")
    }

    /// An environment variable every command of this context gets.
    pub fn with_env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// `rel` inside the scratch folder.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The default output folder, `out`.
    pub fn output(&self) -> PathBuf {
        self.path("out")
    }

    /// The cache folder the commands use.
    pub fn cache(&self) -> PathBuf {
        self.path("cache")
    }

    /// Write `text` to `rel` in the scratch folder and return its path.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    /// `podgen SUBCOMMAND`, to be given its arguments and run: in the
    /// scratch folder, with the scratch cache, no colours and the context's
    /// environment.
    pub fn cmd(&self, subcommand: &str) -> Podgen {
        podgen_in(self.dir.path(), &self.env, subcommand)
    }

    /// Run podgen with `args`.
    pub fn podgen(&self, args: &[&str]) -> Output {
        let (subcommand, rest) = args.split_first().expect("a subcommand");
        self.cmd(subcommand).args(rest).output()
    }

    /// Run podgen with `args` and extra environment variables.
    pub fn podgen_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let (subcommand, rest) = args.split_first().expect("a subcommand");
        let mut command = self.cmd(subcommand).args(rest);
        for (k, v) in env {
            command = command.env(k, v);
        }
        command.output()
    }

    /// `podgen render SCRIPT -o <scratch>/out --quiet`, asserting success.
    pub fn render(&self, script: &Path) -> Output {
        self.cmd("render")
            .arg(script)
            .out(self.output())
            .quiet()
            .ok()
    }

    /// `podgen render SCRIPT -c CONFIG -o OUT --quiet` (OUT relative to the
    /// scratch folder).
    pub fn render_config(&self, script: &Path, config: &Path, out: &str) -> Output {
        self.cmd("render")
            .arg(script)
            .config(config)
            .out(out)
            .quiet()
            .output()
    }

    /// Write `config` and `script` as `OUT.podgen.yaml` and `OUT.yaml` and
    /// render them into `OUT`, with `cache` as the cache folder (both
    /// relative to the scratch folder).
    pub fn render_into(&self, config: &Config, script: &Script, out: &str, cache: &str) -> Output {
        let config = config.write(self, &format!("{out}.podgen.yaml"));
        let script = script.write(self, &format!("{out}.yaml"));
        self.cmd("render")
            .arg(script)
            .config(&config)
            .out(self.path(out))
            .quiet()
            .cache_dir(&self.path(cache))
            .output()
    }

    /// The episode `id` in the output folder `out` (relative to the scratch
    /// folder).
    pub fn episode(&self, out: &str, id: &str) -> Episode {
        Episode {
            dir: self.path(out).join(id),
            id: id.to_string(),
        }
    }
}

/// The example rendered with `config` into a scratch folder of its own:
/// the folder and the episode.
pub fn render_example(config: &Config) -> (Scratch, Episode) {
    let s = Scratch::new();
    let cfg = config.write(&s, "podgen.yaml");
    s.cmd("render")
        .arg(example())
        .config(&cfg)
        .out("out")
        .quiet()
        .ok();
    let ep = s.episode("out", "2024-06-2");
    (s, ep)
}

/// The example as rendered with no config: rendered once a test run, for
/// the tests that only read it, into a folder of the target directory's
/// (which the next run empties first).
pub fn example_episode() -> &'static Episode {
    static EXAMPLE: OnceLock<Episode> = OnceLock::new();
    EXAMPLE.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("example-episode");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        podgen_in(&dir, &[], "render")
            .arg(example())
            .out("out")
            .quiet()
            .ok();
        Episode {
            dir: dir.join("out/2024-06-2"),
            id: "2024-06-2".into(),
        }
    })
}

/// `podgen SUBCOMMAND` in `dir`, with its cache there, no colours and `env`.
fn podgen_in(dir: &Path, env: &[(OsString, OsString)], subcommand: &str) -> Podgen {
    let mut command = Command::new(bin());
    command
        .arg(subcommand)
        .env("PODGEN_CACHE_DIR", dir.join("cache"))
        .env("NO_COLOR", "1")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(dir);
    Podgen {
        command,
        stdin: None,
    }
}

/// One podgen command, as it is being put together.
pub struct Podgen {
    command: Command,
    stdin: Option<Vec<u8>>,
}

impl Podgen {
    /// One more argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.command.arg(arg);
        self
    }

    /// More arguments.
    pub fn args<S: AsRef<OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.command.args(args);
        self
    }

    /// `-c CONFIG`.
    pub fn config(self, config: &Path) -> Self {
        self.arg("-c").arg(config)
    }

    /// `-o DIR`.
    pub fn out(self, dir: impl AsRef<OsStr>) -> Self {
        self.arg("-o").arg(dir)
    }

    /// `--quiet`.
    pub fn quiet(self) -> Self {
        self.arg("--quiet")
    }

    /// An environment variable for this command.
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    /// A cache folder other than the context's.
    pub fn cache_dir(self, dir: &Path) -> Self {
        self.env("PODGEN_CACHE_DIR", dir)
    }

    /// `text` on standard input.
    pub fn stdin(self, text: &str) -> Self {
        self.stdin_bytes(text.as_bytes())
    }

    /// Bytes to give it on stdin, UTF-8 or not.
    pub fn stdin_bytes(mut self, bytes: &[u8]) -> Self {
        self.stdin = Some(bytes.to_vec());
        self
    }

    /// Run it to the end.
    pub fn output(self) -> Output {
        let Some(input) = self.stdin.clone() else {
            let mut command = self.command;
            return command.output().unwrap();
        };
        let mut child = self.piped().spawn().unwrap();
        // A command that refuses its arguments exits without reading
        // stdin: a broken pipe is its answer, not the test's failure.
        let _ = child.stdin.take().unwrap().write_all(&input);
        child.wait_with_output().unwrap()
    }

    /// Run it, asserting that it succeeded.
    pub fn ok(self) -> Output {
        let out = self.output();
        assert!(
            out.status.success(),
            "podgen failed: {}\n{}",
            out.status,
            stderr(&out)
        );
        out
    }

    /// Run it, asserting that it exits with `code`, without a panic, with
    /// every one of `needles` in stderr; the stderr.
    pub fn fails(self, code: i32, needles: &[&str]) -> String {
        assert_fails(&self.output(), code, needles)
    }

    /// Start it, its stdout and stderr piped, and leave it running.
    pub fn spawn(self) -> Child {
        self.piped().spawn().unwrap()
    }

    fn piped(mut self) -> Command {
        self.command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        self.command
    }
}

/// A command's stderr, as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A command's stdout, as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A rendered episode's folder, and what is in it.
pub struct Episode {
    /// `OUT/ID`.
    pub dir: PathBuf,
    id: String,
}

impl Episode {
    /// A file in the episode folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// `ID.EXT` in the episode folder: the audio and the transcripts.
    pub fn file(&self, ext: &str) -> PathBuf {
        self.dir.join(format!("{}.{ext}", self.id))
    }

    /// `ID.EXT`'s text.
    pub fn text(&self, ext: &str) -> String {
        std::fs::read_to_string(self.file(ext)).unwrap()
    }

    /// render.json.
    pub fn manifest(&self) -> serde_json::Value {
        read_json(&self.path("render.json"))
    }

    /// chapters.json.
    pub fn chapters(&self) -> serde_json::Value {
        read_json(&self.path("chapters.json"))
    }

    /// The WAV's samples and format.
    pub fn wav(&self) -> (Vec<f32>, hound::WavSpec) {
        read_wav(&self.file("wav"))
    }
}
