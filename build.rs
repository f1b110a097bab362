//! Builds the C eSpeak NG engine that is podgen's built-in voice, from the
//! sources vendored in `vendor/espeak-ng` (see its VENDORED.md), with gcc
//! alone: no cmake, no bindgen, no system libraries.

use std::path::Path;

fn main() {
    let root = Path::new("vendor/espeak-ng");
    let lib = root.join("src/libespeak-ng");
    let ucd = root.join("src/ucd-tools/src");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let config_dir = Path::new(&out).join("espeak-config");
    std::fs::create_dir_all(&config_dir).expect("OUT_DIR is writable");
    // What upstream's CMake would write into config.h for this build: the
    // synchronous engine only (no audio device, no threads, no sonic, no
    // MBROLA, no speechPlayer); Klatt voices kept.
    std::fs::write(
        config_dir.join("config.h"),
        "#define HAVE_MKSTEMP 1\n\
         #define HAVE_NBTOOL_CONFIG_H 0\n\
         #define HAVE_DECL_OPTRESET 0\n\
         #define HAVE_SYS_ENDIAN_H 0\n\
         #define HAVE_ISWBLANK 1\n\
         #define USE_ASYNC 0\n\
         #define USE_KLATT 1\n\
         #define USE_LIBPCAUDIO 0\n\
         #define USE_LIBSONIC 0\n\
         #define USE_MBROLA 0\n\
         #define USE_SPEECHPLAYER 0\n\
         #define PACKAGE_VERSION \"1.53.0-dev\"\n",
    )
    .expect("OUT_DIR is writable");

    let engine = [
        "common",
        "mnemonics",
        "error",
        "ieee80",
        "compiledata",
        "compiledict",
        "dictionary",
        "encoding",
        "intonation",
        "langopts",
        "numbers",
        "phoneme",
        "phonemelist",
        "readclause",
        "setlengths",
        "soundicon",
        "spect",
        "ssml",
        "synthdata",
        "synthesize",
        "tr_languages",
        "translate",
        "translateword",
        "voices",
        "wavegen",
        "speech",
        "espeak_api",
        "klatt",
    ];
    let unicode = [
        "case",
        "categories",
        "ctype",
        "proplist",
        "scripts",
        "tostring",
    ];
    let mut build = cc::Build::new();
    build
        .files(engine.iter().map(|f| lib.join(format!("{f}.c"))))
        .files(unicode.iter().map(|f| ucd.join(format!("{f}.c"))))
        .include(&config_dir)
        .include(root.join("src/include"))
        .include(&lib)
        .include(ucd.join("include"))
        .define("LIBESPEAK_NG_EXPORT", "1")
        // Never fall back to a system-wide data folder: podgen always
        // passes its own.
        .define(
            "PATH_ESPEAK_DATA",
            "\"/nonexistent/podgen-has-its-own-data\"",
        )
        .flag_if_supported("-fwrapv")
        .flag_if_supported("-fvisibility=hidden")
        // Upstream's own code: its warnings are upstream's business.
        .warnings(false)
        .flag_if_supported("-w");
    build.compile("espeak_ng_vendored");
    println!("cargo:rustc-link-lib=m");
    println!("cargo:rerun-if-changed=vendor/espeak-ng");
    println!("cargo:rerun-if-changed=build.rs");
}
