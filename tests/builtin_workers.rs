//! The built-in voice in worker processes (`podgen __builtin-worker`):
//! the same samples as the in-process engine, and a worker that crashes,
//! misbehaves or hangs is an error, never a hang or a panic.

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use podgen::lang::Language;
use podgen::tts::builtin::Builtin;
use podgen::tts::worker::{Job, Launch, Pool, Slot, WorkerError};
use podgen::tts::{Backend, Request};

fn job(data: &Path, name: &str, rate: u32, pitch: u32, range: u32, text: &str) -> Job {
    Job {
        name: name.into(),
        rate,
        pitch,
        range,
        data_dir: data.to_path_buf(),
        text: text.into(),
    }
}

/// A launch of `sh -c script` in place of a worker.
fn shell(script: &str, timeout: Duration) -> Launch {
    Launch {
        program: PathBuf::from("/bin/sh"),
        args: vec![OsString::from("-c"), OsString::from(script)],
        workers: 1,
        timeout,
    }
}

/// The pool's worker slot (the first slot is the in-process engine).
fn worker_slot(pool: &Pool) -> (Slot, Slot) {
    let here = pool.take();
    assert!(matches!(here, Slot::Here { owned: true }));
    let worker = pool.take();
    assert!(matches!(worker, Slot::Worker(_)), "no worker started");
    (here, worker)
}

#[test]
fn a_worker_speaks_exactly_as_the_in_process_engine() {
    let cache = tempfile::tempdir().unwrap();
    let builtin = Builtin::with_workers(cache.path(), None);
    let data = builtin.data().unwrap().to_path_buf();
    let pool = Pool::new(Launch::podgen(&common::bin(), 1));
    let (here, mut worker) = worker_slot(&pool);
    let jobs = [
        job(&data, "cmn", 165, 50, 100, "研究者发布了新的天气预报模型。"),
        job(&data, "cmn", 200, 40, 100, "马上就到了，你好吗？"),
        job(
            &data,
            "en-us",
            165,
            50,
            50,
            "The new chip is twice as fast.",
        ),
        job(&data, "en+f3", 120, 70, 50, "Heavy rain caused flooding."),
    ];
    for j in &jobs {
        let expected = j.run_here().unwrap();
        let (slot, got) = worker.run(j);
        assert!(matches!(slot, Slot::Worker(_)), "the worker broke");
        let got = got.unwrap();
        assert_eq!(got.1, expected.1, "rate for {:?}", j.text);
        assert!(expected.0.len() > 1000, "{:?} is silent", j.text);
        assert!(got.0 == expected.0, "samples differ for {:?}", j.text);
        worker = slot;
    }
    // The engine's own errors come back as errors, and the worker lives on.
    let (slot, got) = worker.run(&job(&data, "no-such-voice", 165, 50, 50, "Hello."));
    assert!(matches!(got, Err(WorkerError::Engine(m)) if m.contains("no-such-voice")));
    assert!(matches!(slot, Slot::Worker(_)));
    pool.give_back(slot);
    pool.give_back(here);
    assert_eq!(pool.workers(), 1);
    drop(pool);
}

#[test]
fn a_worker_that_crashes_or_talks_nonsense_is_an_error() {
    let data = Path::new("/nonexistent");
    let text = job(data, "en-us", 165, 50, 50, "Hello.");
    for (script, says) in [
        ("exit 3", "exit status: 3"),
        ("kill -SEGV $$", "signal: 11"),
        // Echoes the request back: not an answer.
        ("exec cat", "malformed"),
        // A length past the cap.
        ("printf '\\377\\377\\377\\377'; sleep 5", "over the cap"),
    ] {
        let pool = Pool::new(shell(script, Duration::from_secs(5)));
        let (_here, worker) = worker_slot(&pool);
        let (slot, got) = worker.run(&text);
        match got {
            Err(WorkerError::Broken(m)) => {
                assert!(
                    m.contains("worker process") && m.contains(says),
                    "{script}: {m}"
                )
            }
            other => panic!("{script}: {other:?}"),
        }
        assert!(matches!(slot, Slot::Here { owned: false }));
        assert_eq!(pool.workers(), 0, "{script}: the broken worker lives on");
    }
}

#[test]
fn a_worker_that_hangs_is_killed_and_reported() {
    let cache = tempfile::tempdir().unwrap();
    let builtin = Builtin::with_workers(
        cache.path(),
        Some(shell("exec sleep 30", Duration::from_secs(1))),
    );
    let cast = podgen::voices::builtin_cast(&["host".to_string()], 1.0);
    let request = |text| Request {
        text,
        ssml: None,
        language: Language::EnglishUs,
        tag: "en-US",
        voice: &cast[0],
        previous_text: None,
        next_text: None,
    };
    let (a, b) = (
        request("The first sentence."),
        request("The second sentence."),
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let started = std::time::Instant::now();
    let (first, second) =
        runtime.block_on(async { tokio::join!(builtin.synthesize(&a), builtin.synthesize(&b)) });
    assert!(started.elapsed() < Duration::from_secs(10));
    // One request had the in-process engine, the other the hanging worker.
    let errors: Vec<String> = [first, second]
        .into_iter()
        .filter_map(|r| r.err().map(|e| e.to_string()))
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("no answer within 1 s"), "{}", errors[0]);
    // The killed worker is reaped.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while builtin.workers() > 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(builtin.workers(), 0);
}

#[test]
fn the_builtin_backend_runs_two_syntheses_at_once_with_a_worker() {
    let cache = tempfile::tempdir().unwrap();
    let builtin = Builtin::with_workers(cache.path(), Some(Launch::podgen(&common::bin(), 1)));
    assert_eq!(builtin.limits().concurrency, 2);
    let cast = podgen::voices::builtin_cast(&["host".to_string()], 1.0);
    let texts = ["A sentence for the engine.", "Another one, for the worker."];
    let requests: Vec<Request> = texts
        .iter()
        .map(|text| Request {
            text,
            ssml: None,
            language: Language::EnglishUs,
            tag: "en-US",
            voice: &cast[0],
            previous_text: None,
            next_text: None,
        })
        .collect();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (a, b) = runtime.block_on(async {
        tokio::join!(
            builtin.synthesize(&requests[0]),
            builtin.synthesize(&requests[1])
        )
    });
    assert!(!a.unwrap().samples.is_empty() && !b.unwrap().samples.is_empty());
    assert_eq!(
        builtin.workers(),
        1,
        "the second request did not go to a worker"
    );
    // Without workers: one at a time, in process.
    let alone = Builtin::with_workers(cache.path(), None);
    assert_eq!(alone.limits().concurrency, 1);
}
