//! What a render shows while it works: progress bars on a terminal (counts,
//! cache hits, retries), plain lines in logs, nothing with `--quiet`.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::speech::synthesize::Event;

/// Progress and messages of one render.
pub struct Reporter {
    quiet: bool,
    bar: ProgressBar,
    cached: AtomicU64,
    retries: AtomicU64,
}

impl Reporter {
    /// A reporter on stderr (bars on a terminal, lines otherwise; nothing when `quiet`).
    pub fn new(quiet: bool) -> Self {
        let target = if !quiet && std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Reporter {
            quiet,
            bar: ProgressBar::with_draw_target(None, target),
            cached: AtomicU64::new(0),
            retries: AtomicU64::new(0),
        }
    }

    /// A line for the user: above the bar on a terminal, plain in logs.
    pub fn say(&self, line: &str) {
        if self.quiet {
            return;
        }
        if self.bar.is_hidden() {
            eprintln!("podgen: {line}");
        } else {
            self.bar.println(format!("podgen: {line}"));
        }
    }

    /// Show the synthesis bar for `segments` segments.
    pub fn start_synthesis(&self, segments: u64) {
        self.start_bar(
            segments,
            "{spinner} synthesizing [{bar:30}] {pos}/{len} segments, {msg} ({elapsed})",
        );
        self.update_message();
    }

    /// Start the bar again at 0 of `length`, drawn as `template`.
    fn start_bar(&self, length: u64, template: &str) {
        self.bar.set_length(length);
        self.bar.set_position(0);
        // The templates are podgen's own; a bad one would only lose the look.
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        self.bar.set_style(style);
    }

    fn update_message(&self) {
        self.bar.set_message(format!(
            "{} from cache, {} retries",
            self.cached.load(Ordering::Relaxed),
            self.retries.load(Ordering::Relaxed)
        ));
    }

    /// Take one synthesis event.
    pub fn event(&self, event: Event) {
        match event {
            Event::Done { cached } => {
                if cached {
                    self.cached.fetch_add(1, Ordering::Relaxed);
                }
                self.bar.inc(1);
                self.update_message();
            }
            Event::Retry {
                segment,
                attempt,
                message,
            } => {
                self.retries.fetch_add(1, Ordering::Relaxed);
                self.update_message();
                self.say(&format!(
                    "{segment}: attempt {attempt} failed ({message}); retrying"
                ));
            }
            Event::Waiting {
                segment, reason, ..
            } => {
                self.say(&format!("{segment}: {reason}"));
            }
            Event::StillShort { segment, message } => {
                self.say(&format!("warning: {segment}: {message}"));
            }
            Event::ConcurrencyLowered { backend, to } => {
                self.say(&format!("backend {backend:?} has too many requests in flight: concurrency lowered to {to}"));
            }
        }
    }

    /// Retries so far.
    pub fn retries(&self) -> u64 {
        self.retries.load(Ordering::Relaxed)
    }

    /// Show the mastering bar for `samples` samples.
    pub fn start_master(&self, samples: u64) {
        self.start_bar(
            samples,
            "{spinner} mastering    [{bar:30}] {percent}% ({elapsed})",
        );
    }

    /// Mastering has reached `samples_done`.
    pub fn master_progress(&self, samples_done: u64) {
        self.bar.set_position(samples_done);
    }

    /// Clear the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
