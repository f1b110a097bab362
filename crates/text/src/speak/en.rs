//! English text normalisation: written English → what an English voice
//! should say. Numbers, ordinals, years, dates, clock times, money,
//! percentages, units, ranges and ratios, abbreviations and acronyms.
//!
//! The text is cut into tokens (runs of ASCII letters, runs of digits, runs
//! of whitespace, single punctuation marks, runs of non-ASCII letters, single
//! other characters). Tokens of identifiers, URLs, e-mail addresses, code and
//! markup are protected and copied as written. Every other token is either
//! copied, or replaced together with a few neighbours by exactly one rule, so
//! no text is lost or repeated. A rule whose family is switched off still
//! recognises its construct and copies it as written, so that no other
//! family reads half of it. Work is linear in the length of the text.

use super::rules::Rules;

/// Acronyms that are read as words, not spelled (NASA, NATO, ...). Upper-case.
pub const WORD_ACRONYMS: &[&str] = &[
    "AIDS", "ARM", "ASCII", "ASEAN", "ASUS", "AWOL", "BRICS", "CAPEX", "CERN", "COVID", "CRUD",
    "CUDA", "DARPA", "EBITDA", "FEMA", "FIFA", "FLOPS", "FOMO", "GIF", "HAMAS", "IKEA", "IMAX",
    "ISIS", "JPEG", "JSON", "LAN", "LASER", "LEGO", "LIDAR", "MERS", "MIDI", "NAFTA", "NAND",
    "NASA", "NASDAQ", "NATO", "NIMBY", "NVIDIA", "OPEC", "OPEX", "PIN", "PNG", "POTUS", "RADAR",
    "RAID", "RAM", "REST", "ROM", "SARS", "SATA", "SCOTUS", "SCUBA", "SIM", "SONAR", "SPAC",
    "SWAT", "TED", "TOML", "TOPS", "UEFA", "UNESCO", "UNICEF", "UNIX", "YAML", "YOLO",
];

/// English text as an English voice should read it.
///
/// Numbers become words (`1,770` → "one thousand seven hundred seventy",
/// `3.5` → "three point five", `1st` → "first"), years and dates are read as
/// dates (`June 10, 2024` → "June tenth, twenty twenty-four"), clock times,
/// money, percentages, units, ranges and ratios are spelled out, common
/// abbreviations expanded and acronyms spelled letter by letter (`GPU` →
/// "G P U") unless listed in [`WORD_ACRONYMS`]. Identifiers (`GPT-4o`,
/// `Zen 5`), URLs, e-mail addresses, code and bracketed markup stay as
/// written; so does every family switched off in `rules`. Text without
/// anything to read differently comes back byte for byte.
pub fn normalize(text: &str, rules: Rules) -> String {
    let toks = tokenize(text);
    let guard = protect(text, &toks);
    Norm {
        src: text,
        toks,
        guard,
        rules,
    }
    .run()
}

// ---------------------------------------------------------------- words --

#[rustfmt::skip]
const ONES: [&str; 20] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = [
    "", "ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
#[rustfmt::skip]
const TENS_PLURAL: [&str; 10] = [
    "", "tens", "twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties",
    "nineties",
];
const SCALES: [(u64, &str); 4] = [
    (1_000_000_000_000, "trillion"),
    (1_000_000_000, "billion"),
    (1_000_000, "million"),
    (1_000, "thousand"),
];
#[rustfmt::skip]
const MONTHS: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
];
const MONTH_ABBR: [(&str, usize); 12] = [
    ("Jan", 0),
    ("Feb", 1),
    ("Mar", 2),
    ("Apr", 3),
    ("Jun", 5),
    ("Jul", 6),
    ("Aug", 7),
    ("Sep", 8),
    ("Sept", 8),
    ("Oct", 9),
    ("Nov", 10),
    ("Dec", 11),
];
#[rustfmt::skip]
const WEEKDAYS: [&str; 7] = [
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
];

/// 0..=99 in words: "forty-two".
fn two_digit(n: u64) -> String {
    match n {
        0..=19 => ONES[n as usize].to_string(),
        20..=99 if n.is_multiple_of(10) => TENS[(n / 10) as usize].to_string(),
        20..=99 => format!("{}-{}", TENS[(n / 10) as usize], ONES[(n % 10) as usize]),
        _ => cardinal(n),
    }
}

/// 1..=999 in words, without "and": "one hundred seventy".
fn below_thousand(n: u64) -> String {
    let (h, rest) = (n / 100, n % 100);
    match (h, rest) {
        (0, r) => two_digit(r),
        (h, 0) => format!("{} hundred", two_digit(h)),
        (h, r) => format!("{} hundred {}", two_digit(h), two_digit(r)),
    }
}

/// Any u64 in words; callers keep it to 15 digits, but nothing breaks above.
fn cardinal(n: u64) -> String {
    if n == 0 {
        return "zero".to_string();
    }
    let mut parts = Vec::new();
    let mut rest = n;
    for (value, name) in SCALES {
        if rest >= value {
            let q = rest / value;
            // Only above 999 trillion does the top scale need more than three digits.
            let head = if q >= 1000 {
                cardinal(q)
            } else {
                below_thousand(q)
            };
            parts.push(format!("{head} {name}"));
            rest %= value;
        }
    }
    if rest > 0 {
        parts.push(below_thousand(rest));
    }
    parts.join(" ")
}

/// Digits one by one: "one two three".
fn digit_words(d: &str) -> String {
    let words: Vec<&str> = d
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| ONES[(b - b'0') as usize])
        .collect();
    words.join(" ")
}

/// An integer written in digits, in words. Too long to say as a number (more
/// than 15 digits) or with leading zeros (007): digit by digit.
fn int_words(d: &str) -> String {
    if d.len() > 15 || (d.len() > 1 && d.starts_with('0')) {
        return digit_words(d);
    }
    match d.parse::<u64>() {
        Ok(n) => cardinal(n),
        Err(_) => digit_words(d),
    }
}

/// The ordinal of a number already in words: "twenty-three" → "twenty-third".
fn ordinalize(words: &str) -> String {
    let cut = words.rfind([' ', '-']).map_or(0, |p| p + 1);
    let (head, last) = words.split_at(cut);
    let tail = match last {
        "one" => "first".to_string(),
        "two" => "second".to_string(),
        "three" => "third".to_string(),
        "five" => "fifth".to_string(),
        "eight" => "eighth".to_string(),
        "nine" => "ninth".to_string(),
        "twelve" => "twelfth".to_string(),
        l if l.ends_with('y') => format!("{}ieth", &l[..l.len() - 1]),
        l => format!("{l}th"),
    };
    format!("{head}{tail}")
}

fn ordinal(n: u64) -> String {
    ordinalize(&cardinal(n))
}

/// A year as said: 2024 → "twenty twenty-four", 2005 → "two thousand five",
/// 1900 → "nineteen hundred", 1905 → "nineteen oh five".
fn year_words(y: u64) -> String {
    let (hi, lo) = (y / 100, y % 100);
    if (2000..=2009).contains(&y) {
        return if lo == 0 {
            "two thousand".to_string()
        } else {
            format!("two thousand {}", ONES[lo as usize])
        };
    }
    match lo {
        0 => format!("{} hundred", two_digit(hi)),
        1..=9 => format!("{} oh {}", two_digit(hi), ONES[lo as usize]),
        _ => format!("{} {}", two_digit(hi), two_digit(lo)),
    }
}

/// A decade written 1990s or 90s, in words, if it is one.
fn decade(d: &str) -> Option<String> {
    let n: u64 = d.parse().ok()?;
    if !n.is_multiple_of(10) || d.starts_with('0') {
        return None;
    }
    match d.len() {
        2 => Some(TENS_PLURAL[(n / 10) as usize].to_string()),
        4 if (1100..=2099).contains(&n) => Some(match (n / 100, n % 100) {
            (20, 0) => "two thousands".to_string(),
            (hi, 0) => format!("{} hundreds", two_digit(hi)),
            (hi, lo) => format!("{} {}", two_digit(hi), TENS_PLURAL[(lo / 10) as usize]),
        }),
        _ => None,
    }
}

/// A clock time: "ten thirty", "nine oh five", "three o'clock", "three p m".
fn clock_words(h: u64, m: u64, ampm: Option<&str>, secs: Option<u64>) -> String {
    let hour = two_digit(h);
    let mut s = match (m, ampm) {
        (0, Some(_)) => hour,
        (0, None) if h == 0 => "midnight".to_string(),
        (0, None) if h <= 12 => format!("{hour} o'clock"),
        (0, None) => format!("{hour} hundred"),
        (1..=9, _) => format!("{hour} oh {}", ONES[m as usize]),
        _ => format!("{hour} {}", two_digit(m)),
    };
    if let Some(sec) = secs {
        let unit = if sec == 1 { "second" } else { "seconds" };
        s = format!("{s} and {} {unit}", two_digit(sec));
    }
    if let Some(ap) = ampm {
        s.push(' ');
        s.push_str(ap);
    }
    s
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Letters with spaces between: "GPU" → "G P U".
fn spell(letters: &str) -> String {
    let mut s = String::with_capacity(letters.len() * 2);
    for c in letters.chars() {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push(c);
    }
    s
}

// ---------------------------------------------------------------- tables --

/// Where a unit symbol may stand: glued to the number, after a space, both.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fit {
    Both,
    Glued,
    Spaced,
}

/// A unit symbol and how it is said.
struct Unit {
    sym: &'static str,
    one: &'static str,
    many: &'static str,
    fit: Fit,
}

const fn u(sym: &'static str, one: &'static str, many: &'static str, fit: Fit) -> Unit {
    Unit {
        sym,
        one,
        many,
        fit,
    }
}

// Case matters: "5G" and "4K" are not units, "5 m" is meters but "5m" is
// five million (see `magnitude`); "in", "s", "t" and "A" are too ambiguous.
const UNITS: &[Unit] = &[
    u("km", "kilometer", "kilometers", Fit::Both),
    u("m", "meter", "meters", Fit::Spaced),
    u("cm", "centimeter", "centimeters", Fit::Both),
    u("mm", "millimeter", "millimeters", Fit::Both),
    u("nm", "nanometer", "nanometers", Fit::Both),
    u("µm", "micrometer", "micrometers", Fit::Both),
    u("μm", "micrometer", "micrometers", Fit::Both),
    u("kg", "kilogram", "kilograms", Fit::Both),
    u("g", "gram", "grams", Fit::Both),
    u("mg", "milligram", "milligrams", Fit::Both),
    u("lb", "pound", "pounds", Fit::Both),
    u("lbs", "pound", "pounds", Fit::Both),
    u("oz", "ounce", "ounces", Fit::Both),
    u("mi", "mile", "miles", Fit::Both),
    u("ft", "foot", "feet", Fit::Both),
    u("mph", "mile per hour", "miles per hour", Fit::Both),
    u(
        "kph",
        "kilometer per hour",
        "kilometers per hour",
        Fit::Both,
    ),
    u("KB", "kilobyte", "kilobytes", Fit::Both),
    u("kB", "kilobyte", "kilobytes", Fit::Both),
    u("MB", "megabyte", "megabytes", Fit::Both),
    u("GB", "gigabyte", "gigabytes", Fit::Both),
    u("gb", "gigabyte", "gigabytes", Fit::Both),
    u("TB", "terabyte", "terabytes", Fit::Both),
    u("tb", "terabyte", "terabytes", Fit::Both),
    u("PB", "petabyte", "petabytes", Fit::Both),
    u("Mb", "megabit", "megabits", Fit::Both),
    u("Gb", "gigabit", "gigabits", Fit::Both),
    u("Tb", "terabit", "terabits", Fit::Both),
    u(
        "kbps",
        "kilobit per second",
        "kilobits per second",
        Fit::Both,
    ),
    u(
        "Kbps",
        "kilobit per second",
        "kilobits per second",
        Fit::Both,
    ),
    u(
        "Mbps",
        "megabit per second",
        "megabits per second",
        Fit::Both,
    ),
    u(
        "Gbps",
        "gigabit per second",
        "gigabits per second",
        Fit::Both,
    ),
    u(
        "Tbps",
        "terabit per second",
        "terabits per second",
        Fit::Both,
    ),
    u("Hz", "hertz", "hertz", Fit::Both),
    u("kHz", "kilohertz", "kilohertz", Fit::Both),
    u("MHz", "megahertz", "megahertz", Fit::Both),
    u("GHz", "gigahertz", "gigahertz", Fit::Both),
    u("THz", "terahertz", "terahertz", Fit::Both),
    u("mhz", "megahertz", "megahertz", Fit::Both),
    u("ghz", "gigahertz", "gigahertz", Fit::Both),
    u("W", "watt", "watts", Fit::Both),
    u("kW", "kilowatt", "kilowatts", Fit::Both),
    u("MW", "megawatt", "megawatts", Fit::Both),
    u("GW", "gigawatt", "gigawatts", Fit::Both),
    u("TW", "terawatt", "terawatts", Fit::Both),
    u("Wh", "watt-hour", "watt-hours", Fit::Both),
    u("kWh", "kilowatt-hour", "kilowatt-hours", Fit::Both),
    u("MWh", "megawatt-hour", "megawatt-hours", Fit::Both),
    u("GWh", "gigawatt-hour", "gigawatt-hours", Fit::Both),
    u("TWh", "terawatt-hour", "terawatt-hours", Fit::Both),
    u("V", "volt", "volts", Fit::Both),
    u("kV", "kilovolt", "kilovolts", Fit::Both),
    u("mAh", "milliamp-hour", "milliamp-hours", Fit::Both),
    u("ms", "millisecond", "milliseconds", Fit::Both),
    u("ns", "nanosecond", "nanoseconds", Fit::Both),
    u("µs", "microsecond", "microseconds", Fit::Both),
    u("μs", "microsecond", "microseconds", Fit::Both),
    u("sec", "second", "seconds", Fit::Both),
    u("secs", "second", "seconds", Fit::Both),
    u("min", "minute", "minutes", Fit::Both),
    u("mins", "minute", "minutes", Fit::Both),
    u("h", "hour", "hours", Fit::Glued),
    u("hr", "hour", "hours", Fit::Both),
    u("hrs", "hour", "hours", Fit::Both),
    u("fps", "frame per second", "frames per second", Fit::Both),
    u("dB", "decibel", "decibels", Fit::Both),
    u("L", "liter", "liters", Fit::Both),
    u("ml", "milliliter", "milliliters", Fit::Both),
    u("mL", "milliliter", "milliliters", Fit::Both),
    u("MP", "megapixel", "megapixels", Fit::Both),
    u("px", "pixel", "pixels", Fit::Both),
    u("GFLOPS", "gigaflops", "gigaflops", Fit::Both),
    u("TFLOPS", "teraflops", "teraflops", Fit::Both),
    u("PFLOPS", "petaflops", "petaflops", Fit::Both),
    u("EFLOPS", "exaflops", "exaflops", Fit::Both),
    u("x", "times", "times", Fit::Glued),
];

/// What may follow a unit after a slash: km/h, GB/s.
const PER: [(&str, &str); 10] = [
    ("s", "second"),
    ("sec", "second"),
    ("h", "hour"),
    ("hr", "hour"),
    ("min", "minute"),
    ("day", "day"),
    ("mo", "month"),
    ("month", "month"),
    ("yr", "year"),
    ("year", "year"),
];

/// A scale glued to a number (1.2bn, 50k). Upper-case and one-letter forms
/// only after a currency sign, where 3B cannot be a model size or 4K a screen.
fn magnitude(w: &str, money: bool) -> Option<&'static str> {
    match w {
        "k" => Some("thousand"),
        "m" | "mn" | "mln" => Some("million"),
        "bn" | "bln" => Some("billion"),
        "tn" | "trn" => Some("trillion"),
        "K" if money => Some("thousand"),
        "M" if money => Some("million"),
        "b" | "B" | "Bn" if money => Some("billion"),
        "t" | "T" | "Tn" if money => Some("trillion"),
        _ => None,
    }
}

const SCALE_WORDS: [&str; 4] = ["thousand", "million", "billion", "trillion"];

/// A currency and how its amounts are said; an empty subunit means none.
struct Currency {
    one: &'static str,
    many: &'static str,
    sub_one: &'static str,
    sub_many: &'static str,
}

fn currency(sym: &str) -> Option<&'static Currency> {
    const DOLLAR: Currency = Currency {
        one: "dollar",
        many: "dollars",
        sub_one: "cent",
        sub_many: "cents",
    };
    const EURO: Currency = Currency {
        one: "euro",
        many: "euros",
        sub_one: "cent",
        sub_many: "cents",
    };
    const POUND: Currency = Currency {
        one: "pound",
        many: "pounds",
        sub_one: "penny",
        sub_many: "pence",
    };
    const YEN: Currency = Currency {
        one: "yen",
        many: "yen",
        sub_one: "",
        sub_many: "",
    };
    const RUPEE: Currency = Currency {
        one: "rupee",
        many: "rupees",
        sub_one: "paisa",
        sub_many: "paise",
    };
    const WON: Currency = Currency {
        one: "won",
        many: "won",
        sub_one: "",
        sub_many: "",
    };
    match sym {
        "$" => Some(&DOLLAR),
        "€" => Some(&EURO),
        "£" => Some(&POUND),
        "¥" => Some(&YEN),
        "₹" => Some(&RUPEE),
        "₩" => Some(&WON),
        _ => None,
    }
}

/// Titles read out only before a capitalised name: (abbreviation, said,
/// also without the dot).
const TITLES: [(&str, &str, bool); 16] = [
    ("Dr", "Doctor", true),
    ("Mr", "Mister", true),
    ("Mrs", "Missus", true),
    ("Ms", "Miz", true),
    ("Prof", "Professor", false),
    ("St", "Saint", true),
    ("Mt", "Mount", false),
    ("Gen", "General", false),
    ("Sen", "Senator", false),
    ("Rep", "Representative", false),
    ("Gov", "Governor", false),
    ("Capt", "Captain", false),
    ("Lt", "Lieutenant", false),
    ("Col", "Colonel", false),
    ("Sgt", "Sergeant", false),
    ("Pres", "President", false),
];

/// Abbreviations read out anywhere, with their dot (vs also without), and
/// whether that dot may also end the sentence ("..., etc. The").
/// Inc., Ltd., Corp. and Co. are left as written: voices read them well.
const DOTTED: [(&str, &str, bool); 12] = [
    ("etc", "et cetera", true),
    ("approx", "approximately", false),
    ("vs", "versus", false),
    ("Jr", "Junior", true),
    ("Sr", "Senior", true),
    ("Fig", "Figure", false),
    ("fig", "figure", false),
    ("Dept", "Department", true),
    ("Ave", "Avenue", true),
    ("Vol", "Volume", false),
    ("cf", "compare", false),
    ("Intl", "International", false),
];

/// Prefixes that may be joined to a year by a hyphen (mid-2024).
const GLUE_PREFIXES: [&str; 6] = ["mid", "pre", "post", "early", "late", "end"];

/// Words before a 4-digit number that make it a year.
#[rustfmt::skip]
const YEAR_BEFORE: &[&str] = &[
    "in", "since", "until", "till", "circa", "mid", "early", "late", "during", "fiscal", "by",
    "from", "before", "after", "year", "spring", "summer", "autumn", "fall", "winter", "pre",
    "post", "end", "its", "their", "our", "his", "her", "whose",
];

/// Lower-case words after a 4-digit number that still let it be a year;
/// any other lower-case word (1500 employees) makes it a count.
#[rustfmt::skip]
const YEAR_AFTER: &[&str] = &[
    "was", "is", "will", "would", "saw", "sees", "had", "has", "have", "and", "or", "to",
    "through", "until", "when", "as", "with", "onwards", "onward", "so", "but", "were", "marks",
    "marked", "brought", "began", "begins", "ended", "ends", "became", "becomes", "before",
    "after", "at", "in", "for", "the", "a", "which", "where", "that", "could", "may", "might",
    "should", "must", "also", "alone", "levels", "level", "model", "models", "version", "edition",
    "election", "elections", "olympics", "budget", "report", "season", "cycle", "forecast",
    "figures", "results", "earnings", "deadline", "target", "goal", "plan", "plans", "lineup",
    "release", "launch", "annual", "census", "survey", "study", "paper", "data", "guidance",
    "outlook", "high", "low", "peak", "record", "average", "values", "prices", "proved",
    "remains", "remained", "already", "still", "revenue", "revenues", "sales", "profit",
    "profits", "income", "growth", "spending", "shipments", "capex", "summit", "conference",
    "event", "keynote", "campaign", "race", "midterms", "crash", "crisis",
];

/// Capitalised words that do not make the number after them part of a
/// name ("In 2024", "The 5 models"), unlike "Zen 5" or "Windows 11".
#[rustfmt::skip]
const COMMON: &[&str] = &[
    "a", "an", "the", "in", "on", "at", "by", "for", "from", "since", "until", "till", "to", "of",
    "with", "about", "around", "nearly", "almost", "over", "under", "some", "all", "only", "just",
    "and", "but", "or", "nor", "after", "before", "during", "between", "through", "within",
    "last", "next", "this", "that", "these", "those", "its", "their", "his", "her", "our", "my",
    "your", "top", "up", "down", "roughly", "approximately", "more", "less", "fewer", "than",
    "another", "each", "every", "per", "is", "are", "was", "were", "be", "been", "has", "have",
    "had", "will", "would", "can", "could", "should", "must", "might", "it", "they", "we", "he",
    "she", "i", "you", "there", "here", "now", "then", "when", "while", "if", "as", "so", "also",
    "still", "even", "already", "above", "below", "across", "against", "among", "toward",
    "towards", "via", "plus", "minus", "times", "like", "near", "out", "into", "onto", "upon",
    "without", "not", "no", "yes", "both", "either", "neither", "many", "most", "much", "several",
    "few", "first", "second", "third", "exactly", "least", "what", "which", "who", "where", "why",
    "how", "once", "again", "however", "meanwhile", "today", "yesterday", "tomorrow", "although",
    "though", "because", "whereas", "said", "says", "rose", "fell", "grew", "gained", "lost",
    "added", "cut", "raised", "sold", "bought", "reached", "hit", "beat", "won", "ranked",
    "jumped", "dropped", "climbed", "page", "pages", "day", "week", "year", "number", "expect",
    "add", "buy", "get", "take", "use", "try", "see", "read", "watch", "join", "meet", "call",
    "pick", "choose", "wait", "save", "spend", "earn", "make", "give", "find", "keep", "order",
    "download", "install", "only",
];

fn month_of(w: &str) -> Option<(usize, bool)> {
    if let Some(m) = MONTHS.iter().position(|m| *m == w) {
        return Some((m, false));
    }
    MONTH_ABBR.iter().find(|a| a.0 == w).map(|a| (a.1, true))
}

fn is_ordinal_suffix(w: &str) -> bool {
    matches!(w, "st" | "nd" | "rd" | "th")
}

fn ampm_word(w: &str) -> Option<&'static str> {
    match w {
        "am" | "AM" => Some("a m"),
        "pm" | "PM" => Some("p m"),
        _ => None,
    }
}

/// Letters that may be glued to digits without making an identifier.
fn is_suffix(w: &str, num: &str, money: bool) -> bool {
    is_ordinal_suffix(w)
        || ampm_word(w).is_some()
        || (w == "s" && decade(num).is_some())
        || magnitude(w, money).is_some()
        || UNITS.iter().any(|u| u.sym == w && u.fit != Fit::Spaced)
}

// ------------------------------------------------------------- tokens --

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A run of whitespace.
    Space,
    /// A run of ASCII letters (and the micro sign, for µs and µm).
    Word,
    /// A run of ASCII digits.
    Num,
    /// One ASCII punctuation mark or symbol.
    Punct,
    /// A run of non-ASCII letters (Chinese, accented Latin, ...).
    Alpha,
    /// One other non-ASCII character (€, °, –, emoji, ...).
    Sym,
}

/// A token: its kind and its byte range in the text (on char boundaries).
#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
}

fn class(c: char) -> Kind {
    if c.is_whitespace() {
        Kind::Space
    } else if c.is_ascii_alphabetic() || c == 'µ' || c == 'μ' {
        Kind::Word
    } else if c.is_ascii_digit() {
        Kind::Num
    } else if c.is_ascii() {
        Kind::Punct
    } else if c.is_alphabetic() {
        Kind::Alpha
    } else {
        Kind::Sym
    }
}

fn tokenize(s: &str) -> Vec<Tok> {
    let mut toks: Vec<Tok> = Vec::new();
    for (start, c) in s.char_indices() {
        let kind = class(c);
        let end = start + c.len_utf8();
        let runs = matches!(kind, Kind::Space | Kind::Word | Kind::Num | Kind::Alpha);
        if runs
            && let Some(last) = toks.last_mut()
            && last.kind == kind
        {
            last.end = end;
            continue;
        }
        toks.push(Tok { kind, start, end });
    }
    toks
}

// ---------------------------------------------------------- protection --

/// Which tokens are copied as written: whole chunks (runs between spaces and
/// non-ASCII letters) that are identifiers, URLs or code, and markup spans.
fn protect(src: &str, toks: &[Tok]) -> Vec<bool> {
    let gap = |k: Kind| matches!(k, Kind::Space | Kind::Alpha);
    let mut guard = vec![false; toks.len()];
    let mut a = 0;
    while a < toks.len() {
        if gap(toks[a].kind) {
            a += 1;
            continue;
        }
        let mut b = a;
        while b < toks.len() && !gap(toks[b].kind) {
            b += 1;
        }
        if chunk_protected(src, toks, a, b) {
            guard[a..b].fill(true);
        }
        a = b;
    }
    protect_markup(src, toks, &mut guard);
    guard
}

fn chunk_protected(src: &str, toks: &[Tok], a: usize, b: usize) -> bool {
    let text = &src[toks[a].start..toks[b - 1].end];
    let www = text
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("www."));
    if www
        || text.contains("://")
        || text.starts_with("--")
        || text.starts_with('/')
        || text.starts_with("~/")
    {
        return true;
    }
    // Code, e-mail, handles, hashtags, key=value.
    if text.contains(['_', '`', '\\', '=', '{', '}', '#', '|', '^', '@']) {
        return true;
    }
    let money = text.contains(['$', '€', '£', '¥', '₹', '₩']);
    if (a..b).any(|k| glued_at(src, toks, k, a, b, money)) {
        return true;
    }
    // Digits touching Chinese (or other non-Latin) letters are not English.
    let before = a > 0 && toks[a - 1].kind == Kind::Alpha && toks[a].kind == Kind::Num;
    let after = b < toks.len() && toks[b].kind == Kind::Alpha && toks[b - 1].kind == Kind::Num;
    before || after
}

/// Whether token `k` of the chunk `a..b` makes it an identifier: letters
/// glued to digits (H100, 7B, 5G), letters and digits joined by a hyphen or
/// dot (GPT-4, v.2), a file or domain name (main.rs, x.com), a version or
/// address (1.2.3), a fraction or slashed date (24/7).
fn glued_at(src: &str, toks: &[Tok], k: usize, a: usize, b: usize, money: bool) -> bool {
    let at = |j: usize| (j >= a && j < b).then(|| toks[j]);
    let txt = |t: Tok| &src[t.start..t.end];
    let kind = |j: usize| at(j).map(|t| t.kind);
    let link = at(k + 1).map(txt);
    let t = toks[k];
    match t.kind {
        Kind::Word => {
            let w = txt(t);
            let after_num = k > a && toks[k - 1].kind == Kind::Num;
            if kind(k + 1) == Some(Kind::Num) {
                return true;
            }
            if after_num && !is_suffix(w, txt(toks[k - 1]), money) {
                return true;
            }
            match (link, at(k + 2)) {
                (Some("."), Some(n)) if n.kind == Kind::Num => true,
                (Some("-"), Some(n)) if n.kind == Kind::Num => {
                    let prefix = GLUE_PREFIXES.contains(&w.to_ascii_lowercase().as_str());
                    // 1-on-1, 9-to-5: a small word between two numbers.
                    let between = k >= a + 2
                        && txt(toks[k - 1]) == "-"
                        && toks[k - 2].kind == Kind::Num
                        && w.bytes().all(|c| c.is_ascii_lowercase());
                    !(after_num || prefix || between)
                }
                (Some("."), Some(n)) if n.kind == Kind::Word => {
                    let ext = txt(n);
                    ext.len() >= 2 && ext.bytes().all(|c| c.is_ascii_lowercase())
                }
                _ => false,
            }
        }
        Kind::Num => {
            let slash = link == Some("/") && kind(k + 2) == Some(Kind::Num);
            let dots = link == Some(".")
                && kind(k + 2) == Some(Kind::Num)
                && at(k + 3).map(txt) == Some(".")
                && kind(k + 4) == Some(Kind::Num);
            slash || dots
        }
        _ => false,
    }
}

/// Markup copied as written: `[pause 1s]`, `<break time="1s"/>`, `code`.
/// Each opening looks a bounded distance ahead, so this stays linear.
fn protect_markup(src: &str, toks: &[Tok], guard: &mut [bool]) {
    let txt = |j: usize| &src[toks[j].start..toks[j].end];
    for k in 0..toks.len() {
        let (close, limit) = match txt(k) {
            "[" => ("]", 64),
            "`" => ("`", 200),
            "<" if toks
                .get(k + 1)
                .is_some_and(|t| t.kind == Kind::Word || matches!(txt(k + 1), "/" | "!")) =>
            {
                (">", 256)
            }
            _ => continue,
        };
        let open = txt(k);
        let mut m = k + 1;
        while m < toks.len() && toks[m].end - toks[k].start <= limit {
            let s = txt(m);
            if s == close {
                guard[k..=m].fill(true);
                break;
            }
            if s == open || s.contains('\n') {
                break;
            }
            m += 1;
        }
    }
}

// --------------------------------------------------------------- rules --

/// What a rule makes of the tokens from where it started up to `.0`.
type Hit = Option<(usize, String)>;

/// A number as written: optional sign, digits (commas dropped), decimals.
struct Lit<'a> {
    /// First token (the sign, if any).
    first: usize,
    /// Token after the number.
    end: usize,
    sign: Option<&'static str>,
    int: String,
    frac: Option<&'a str>,
    commas: bool,
}

impl Lit<'_> {
    /// No sign, no decimals, no thousands separators.
    fn plain(&self) -> bool {
        self.sign.is_none() && self.frac.is_none() && !self.commas
    }

    fn value(&self) -> Option<u64> {
        if self.int.len() <= 15 {
            self.int.parse().ok()
        } else {
            None
        }
    }

    fn is_one(&self) -> bool {
        self.int == "1" && self.frac.is_none()
    }

    fn words(&self) -> String {
        let mut s = String::new();
        if let Some(sign) = self.sign {
            s.push_str(sign);
            s.push(' ');
        }
        s.push_str(&int_words(&self.int));
        if let Some(f) = self.frac {
            s.push_str(" point ");
            s.push_str(&digit_words(f));
        }
        s
    }
}

struct Norm<'a> {
    src: &'a str,
    toks: Vec<Tok>,
    guard: Vec<bool>,
    rules: Rules,
}

impl<'a> Norm<'a> {
    fn run(&self) -> String {
        let mut out = String::with_capacity(self.src.len() + self.src.len() / 4 + 8);
        let mut i = 0;
        while i < self.toks.len() {
            match self.rule_at(i) {
                // Every rule ends after where it started: no loops, no loss.
                Some((end, said)) if end > i && end <= self.toks.len() => {
                    out.push_str(&said);
                    i = end;
                }
                _ => {
                    out.push_str(self.text(i));
                    i += 1;
                }
            }
        }
        out
    }

    fn rule_at(&self, i: usize) -> Hit {
        match self.open(i)?.0 {
            Kind::Num => self.number(self.lit(i)?),
            Kind::Word => self.word_rules(i),
            Kind::Punct | Kind::Sym => self.symbol(i),
            Kind::Space | Kind::Alpha => None,
        }
    }

    // ------------------------------------------------------ token access --

    /// The text of token `i`, protected or not; "" past the end.
    fn text(&self, i: usize) -> &'a str {
        let src = self.src;
        self.toks.get(i).map_or("", |t| &src[t.start..t.end])
    }

    /// Token `i` if it exists and is not protected.
    fn open(&self, i: usize) -> Option<(Kind, &'a str)> {
        let t = self.toks.get(i)?;
        (!self.guard[i]).then(|| (t.kind, self.text(i)))
    }

    fn word(&self, i: usize) -> Option<&'a str> {
        self.open(i).filter(|t| t.0 == Kind::Word).map(|t| t.1)
    }

    fn num(&self, i: usize) -> Option<&'a str> {
        self.open(i).filter(|t| t.0 == Kind::Num).map(|t| t.1)
    }

    fn is(&self, i: usize, c: &str) -> bool {
        matches!(self.open(i), Some((Kind::Punct | Kind::Sym, s)) if s == c)
    }

    fn dash(&self, i: usize) -> bool {
        self.is(i, "-") || self.is(i, "–")
    }

    /// Whitespace within a line.
    fn space(&self, i: usize) -> bool {
        matches!(self.open(i), Some((Kind::Space, s)) if !s.contains('\n'))
    }

    /// The text of tokens `a..b`.
    fn span(&self, a: usize, b: usize) -> &'a str {
        let src = self.src;
        match (
            self.toks.get(a),
            b.checked_sub(1).and_then(|l| self.toks.get(l)),
        ) {
            (Some(x), Some(y)) if x.start <= y.end => &src[x.start..y.end],
            _ => "",
        }
    }

    /// Tokens `a..b` said as `say()`, or as written when the family is off.
    fn emit(&self, on: bool, a: usize, b: usize, say: impl FnOnce() -> String) -> Hit {
        Some((
            b,
            if on {
                say()
            } else {
                self.span(a, b).to_string()
            },
        ))
    }

    /// Whether nothing glued to a number continues it at token `k`.
    fn tail_free(&self, k: usize) -> bool {
        let Some(t) = self.toks.get(k) else {
            return true;
        };
        if self.guard[k] {
            return true;
        }
        match t.kind {
            Kind::Space | Kind::Alpha => true,
            Kind::Word | Kind::Num => false,
            Kind::Sym => !matches!(self.text(k), "°" | "℃" | "℉" | "–" | "−"),
            Kind::Punct => match self.text(k) {
                "%" | "$" => false,
                ":" | "." | "," | "-" | "/" => self.num(k + 1).is_none(),
                _ => true,
            },
        }
    }

    /// Whether the text after token `k` starts a new sentence, so a dot
    /// that ended an abbreviation should stay. `strict`: only at the end of
    /// the text or of a line (U.S. is often followed by a capitalised word).
    fn sentence_end(&self, k: usize, strict: bool) -> bool {
        let Some(t) = self.toks.get(k) else {
            return true;
        };
        if t.kind != Kind::Space {
            return false;
        }
        let upper = self
            .text(k + 1)
            .starts_with(|c: char| c.is_ascii_uppercase());
        self.text(k).contains('\n') || k + 1 >= self.toks.len() || (!strict && upper)
    }

    /// The number starting at Num token `i`: 1,770 / 3.5 / 007.
    fn lit(&self, i: usize) -> Option<Lit<'a>> {
        let head = self.num(i)?;
        let mut int = head.to_string();
        let mut end = i + 1;
        let mut commas = false;
        if head.len() <= 3 && !head.starts_with('0') {
            while self.is(end, ",") && self.num(end + 1).is_some_and(|g| g.len() == 3) {
                int.push_str(self.text(end + 1));
                end += 2;
                commas = true;
            }
        }
        let mut frac = None;
        if self.is(end, ".")
            && let Some(f) = self.num(end + 1)
        {
            frac = Some(f);
            end += 2;
        }
        Some(Lit {
            first: i,
            end,
            sign: None,
            int,
            frac,
            commas,
        })
    }

    // ---------------------------------------------------------- numbers --

    fn number(&self, a: Lit<'a>) -> Hit {
        self.iso_date(&a)
            .or_else(|| self.times(&a))
            .or_else(|| self.ratio(&a))
            .or_else(|| self.range(&a))
            .or_else(|| self.percent(&a))
            .or_else(|| self.degrees(&a))
            .or_else(|| self.unit(&a))
            .or_else(|| self.day_month(&a))
            .or_else(|| self.suffix(&a))
            .or_else(|| self.brand(&a))
            .or_else(|| self.year(&a))
            .or_else(|| self.cardinal(&a))
    }

    fn cardinal(&self, a: &Lit<'a>) -> Hit {
        // Letters glued on that no rule took (25am): the token stays whole.
        if self.word(a.end).is_some() {
            return Some((a.end + 1, self.span(a.first, a.end + 1).to_string()));
        }
        // 10,000+ users: "ten thousand plus".
        if self.is(a.end, "+") && self.tail_free(a.end + 1) {
            return self.emit(self.rules.numbers, a.first, a.end + 1, || {
                format!("{} plus", a.words())
            });
        }
        self.emit(self.rules.numbers, a.first, a.end, || a.words())
    }

    fn percent(&self, a: &Lit<'a>) -> Hit {
        if !self.is(a.end, "%") {
            return None;
        }
        // 5.25%-5.5%: one range, "percent" said once.
        if self.dash(a.end + 1)
            && let Some(b) = self.lit(a.end + 2)
            && self.is(b.end, "%")
        {
            let on = self.rules.percent && self.rules.ranges;
            return self.emit(on, a.first, b.end + 1, || {
                format!("{} to {} percent", a.words(), b.words())
            });
        }
        self.emit(self.rules.percent, a.first, a.end + 1, || {
            format!("{} percent", a.words())
        })
    }

    /// 20°C, 70 °F, 45°, 20℃.
    fn degrees(&self, a: &Lit<'a>) -> Hit {
        let mut k = a.end;
        let sign_at = |k: usize| ["°", "℃", "℉"].iter().any(|s| self.is(k, s));
        if self.space(k) && sign_at(k + 1) {
            k += 1;
        }
        let scale = if self.is(k, "°") {
            k += 1;
            match self.word(k) {
                Some("C") => " Celsius",
                Some("F") => " Fahrenheit",
                Some(_) => return None,
                None => "",
            }
        } else if self.is(k, "℃") {
            " Celsius"
        } else if self.is(k, "℉") {
            " Fahrenheit"
        } else {
            return None;
        };
        if !scale.is_empty() {
            k += 1;
        }
        let deg = if a.is_one() { "degree" } else { "degrees" };
        self.emit(self.rules.units, a.first, k, || {
            format!("{} {deg}{scale}", a.words())
        })
    }

    /// A unit symbol glued to or after the number at token `k`, with an
    /// optional "/s"-like denominator: (end, unit, per).
    fn unit_after(&self, k: usize) -> Option<(usize, &'static Unit, &'static str)> {
        let (wi, spaced) = if self.word(k).is_some() {
            (k, false)
        } else if self.space(k) && self.word(k + 1).is_some() {
            (k + 1, true)
        } else {
            return None;
        };
        let w = self.word(wi)?;
        let fits = |f: Fit| {
            if spaced {
                f != Fit::Glued
            } else {
                f != Fit::Spaced
            }
        };
        let unit = UNITS.iter().find(|u| u.sym == w && fits(u.fit))?;
        let mut end = wi + 1;
        let mut per = "";
        if self.is(end, "/")
            && let Some(p) = self.word(end + 1)
            && let Some(&(_, name)) = PER.iter().find(|x| x.0 == p)
        {
            per = name;
            end += 2;
        }
        Some((end, unit, per))
    }

    fn unit_name(unit: &Unit, one: bool, per: &str) -> String {
        let name = if one { unit.one } else { unit.many };
        if per.is_empty() {
            name.to_string()
        } else {
            format!("{name} per {per}")
        }
    }

    fn unit(&self, a: &Lit<'a>) -> Hit {
        let (end, unit, per) = self.unit_after(a.end)?;
        self.emit(self.rules.units, a.first, end, || {
            format!("{} {}", a.words(), Self::unit_name(unit, a.is_one(), per))
        })
    }

    /// Letters glued on: ordinals (23rd), decades (1990s, 90s), scales (1.2bn).
    fn suffix(&self, a: &Lit<'a>) -> Hit {
        let w = self.word(a.end)?;
        let end = a.end + 1;
        if is_ordinal_suffix(w) && a.sign.is_none() && a.frac.is_none() {
            return self.emit(self.rules.numbers, a.first, end, || {
                ordinalize(&int_words(&a.int))
            });
        }
        if w == "s"
            && a.plain()
            && let Some(say) = decade(&a.int)
        {
            return self.emit(self.rules.dates, a.first, end, || say);
        }
        let mag = magnitude(w, false)?;
        self.emit(self.rules.numbers, a.first, end, || {
            format!("{} {mag}", a.words())
        })
    }

    /// A number right after a capitalised name is part of it (Zen 5,
    /// Windows 11, RTX 4090, Python 3.12) and stays as written; one that
    /// could be a year is read as one (Computex 2024, Windows 2000).
    fn brand(&self, a: &Lit<'a>) -> Hit {
        if a.sign.is_some() || a.commas {
            return None;
        }
        let sp = a.first.checked_sub(1)?;
        let wi = sp.checked_sub(1)?;
        if self.text(sp) != " " || self.toks[wi].kind != Kind::Word {
            return None;
        }
        let w = self.text(wi);
        if !w.is_ascii() || !w.bytes().any(|b| b.is_ascii_uppercase()) {
            return None;
        }
        let lower = w.to_ascii_lowercase();
        if COMMON.contains(&lower.as_str()) || month_of(w).is_some() || WEEKDAYS.contains(&w) {
            return None;
        }
        // The name must be a word on its own, not the tail of "U.S." or "Q3".
        let alone = match wi.checked_sub(1) {
            None => true,
            Some(p) => {
                matches!(self.toks[p].kind, Kind::Space | Kind::Alpha | Kind::Sym)
                    || matches!(self.text(p), "(" | "[" | "\"" | "'")
            }
        };
        if !alone {
            return None;
        }
        match self.year_of(a) {
            Some(y) => self.emit(self.rules.dates, a.first, a.end, || year_words(y)),
            None => Some((a.end, self.span(a.first, a.end).to_string())),
        }
    }

    // -------------------------------------------------------- dates --

    fn year_of(&self, a: &Lit<'a>) -> Option<u64> {
        if !a.plain() || a.int.len() != 4 {
            return None;
        }
        a.value().filter(|y| (1100..=2099).contains(y))
    }

    fn day_of(&self, a: &Lit<'a>) -> Option<u64> {
        if !a.plain() || a.int.len() > 2 {
            return None;
        }
        a.value().filter(|d| (1..=31).contains(d))
    }

    /// A year standing alone at token `k`: (end, year).
    fn year_at(&self, k: usize) -> Option<(usize, u64)> {
        let l = self.lit(k)?;
        let y = self.year_of(&l)?;
        self.tail_free(l.end).then_some((l.end, y))
    }

    /// The word before token `i`, across one space or a hyphen (mid-2024).
    fn prev_word(&self, i: usize) -> Option<&'a str> {
        let p = i.checked_sub(1)?;
        let w = p.checked_sub(1)?;
        let sep = self.space(p) || self.text(p) == "-";
        (sep && self.toks[w].kind == Kind::Word).then(|| self.text(w))
    }

    /// Whether a 4-digit number between 1100 and 2099 is a year here.
    fn year_context(&self, a: &Lit<'a>, y: u64) -> bool {
        if let Some(p) = self.prev_word(a.first) {
            let lower = p.to_ascii_lowercase();
            if YEAR_BEFORE.contains(&lower.as_str()) || (lower == "the" && y >= 1900) {
                return true;
            }
        }
        let next = if self.space(a.end) {
            self.word(a.end + 1)
        } else {
            None
        };
        match next {
            Some(w) if w.bytes().all(|b| b.is_ascii_lowercase()) => YEAR_AFTER.contains(&w),
            _ => true,
        }
    }

    fn year(&self, a: &Lit<'a>) -> Hit {
        let y = self.year_of(a)?;
        if !self.year_context(a, y) {
            return None;
        }
        self.emit(self.rules.dates, a.first, a.end, || year_words(y))
    }

    /// 2024-06-10 → "June tenth, twenty twenty-four"; 2024-06 → "June
    /// twenty twenty-four" (but 2009-10 is a season, read as a range).
    fn iso_date(&self, a: &Lit<'a>) -> Hit {
        let y = self.year_of(a)?;
        if !self.is(a.end, "-") {
            return None;
        }
        let ms = self.num(a.end + 1).filter(|m| m.len() == 2)?;
        let mo = ms.parse::<u64>().ok().filter(|m| (1..=12).contains(m))?;
        let month = MONTHS[(mo - 1) as usize];
        let mut end = a.end + 2;
        let say = if self.is(end, "-") {
            let ds = self.num(end + 1).filter(|d| d.len() == 2)?;
            let d = ds.parse::<u64>().ok().filter(|d| (1..=31).contains(d))?;
            end += 2;
            format!("{month} {}, {}", ordinal(d), year_words(y))
        } else if ms.starts_with('0') || mo != (y + 1) % 100 {
            format!("{month} {}", year_words(y))
        } else {
            return None;
        };
        if !self.tail_free(end) {
            return None;
        }
        self.emit(self.rules.dates, a.first, end, || say)
    }

    /// 10 June 2024 → "the tenth of June, twenty twenty-four".
    fn day_month(&self, a: &Lit<'a>) -> Hit {
        let day = self.day_of(a)?;
        let mut k = a.end;
        if self.word(k).is_some_and(is_ordinal_suffix) {
            k += 1;
        }
        if !self.space(k) {
            return None;
        }
        let (m, abbr) = month_of(self.word(k + 1)?)?;
        let mut end = k + 2;
        let dot = abbr && self.is(end, ".");
        if dot {
            end += 1;
        }
        let mut say = format!("the {} of {}", ordinal(day), MONTHS[m]);
        if self.space(end)
            && let Some((e, y)) = self.year_at(end + 1)
        {
            say = format!("{say}, {}", year_words(y));
            end = e;
        } else if dot && self.sentence_end(end, false) {
            say.push('.');
        }
        self.emit(self.rules.dates, a.first, end, || say)
    }

    /// June 10, 2024 / Jun. 10 / June 10-12 / June 2024, at the month word.
    fn month_date(&self, i: usize) -> Hit {
        let (m, abbr) = month_of(self.word(i)?)?;
        let mut k = i + 1;
        if abbr && self.is(k, ".") {
            k += 1;
        }
        if !self.space(k) {
            return None;
        }
        let a = self.lit(k + 1)?;
        if let Some(y) = self.year_of(&a)
            && self.tail_free(a.end)
        {
            let say = format!("{} {}", MONTHS[m], year_words(y));
            return self.emit(self.rules.dates, i, a.end, || say);
        }
        let day = self.day_of(&a)?;
        let mut end = self.skip_ordinal(a.end);
        let mut say = format!("{} {}", MONTHS[m], ordinal(day));
        if self.dash(end)
            && let Some(b) = self.lit(end + 1)
            && let Some(d2) = self.day_of(&b)
        {
            say = format!("{say} to {}", ordinal(d2));
            end = self.skip_ordinal(b.end);
        }
        if !self.tail_free(end) {
            return None;
        }
        let after = if self.is(end, ",") { end + 1 } else { end };
        if self.space(after)
            && let Some((e, y)) = self.year_at(after + 1)
        {
            say = format!("{say}, {}", year_words(y));
            end = e;
        }
        self.emit(self.rules.dates, i, end, || say)
    }

    fn skip_ordinal(&self, k: usize) -> usize {
        if self.word(k).is_some_and(is_ordinal_suffix) {
            k + 1
        } else {
            k
        }
    }

    // -------------------------------------------------------- times --

    /// a m / p m after token `k`, glued or after a space: (end, said, dotted).
    fn ampm_after(&self, k: usize) -> Option<(usize, &'static str, bool)> {
        let j = if self.word(k).is_some() {
            k
        } else if self.space(k) {
            k + 1
        } else {
            return None;
        };
        let w = self.word(j)?;
        if let Some(say) = ampm_word(w) {
            return Some((j + 1, say, false));
        }
        let say = match w {
            "a" | "A" => "a m",
            "p" | "P" => "p m",
            _ => return None,
        };
        if !(self.is(j + 1, ".")
            && self
                .word(j + 2)
                .is_some_and(|m| m.eq_ignore_ascii_case("m")))
        {
            return None;
        }
        let dot = self.is(j + 3, ".");
        Some((j + 3 + usize::from(dot), say, dot))
    }

    /// h:mm[:ss] [am], or h am: (end, said, ends with a dot).
    fn time_core(&self, a: &Lit<'a>) -> Option<(usize, String, bool)> {
        if !a.plain() || a.int.len() > 2 {
            return None;
        }
        let h = a.value()?;
        let mut end = a.end;
        let mut min = None;
        let mut secs = None;
        if self.is(end, ":") {
            let m = self.num(end + 1).filter(|m| m.len() == 2 && h <= 23)?;
            min = Some(m.parse::<u64>().ok().filter(|m| *m <= 59)?);
            end += 2;
            if self.is(end, ":")
                && let Some(s) = self.num(end + 1).filter(|s| s.len() == 2)
                && let Some(s) = s.parse::<u64>().ok().filter(|s| *s <= 59)
            {
                secs = Some(s);
                end += 2;
            }
        }
        let ap = self.ampm_after(end);
        if min.is_none() && (ap.is_none() || h == 0 || h > 12) {
            return None;
        }
        let (end, ap, dot) = match ap {
            Some((e, w, d)) => (e, Some(w), d),
            None => (end, None, false),
        };
        Some((end, clock_words(h, min.unwrap_or(0), ap, secs), dot))
    }

    /// Clock times, alone or as a range: 10:30, 3:00 pm, 10am-2pm.
    fn times(&self, a: &Lit<'a>) -> Hit {
        let (mut end, mut say, mut dot) = self.time_core(a)?;
        if self.dash(end)
            && let Some(b) = self.lit(end + 1)
            && let Some((e, s, d)) = self.time_core(&b)
        {
            say = format!("{say} to {s}");
            end = e;
            dot = d;
        }
        if dot && self.sentence_end(end, false) {
            say.push('.');
        }
        self.emit(self.rules.times, a.first, end, || say)
    }

    /// n:m that is not a clock time (1:2, 16:9, 100:1) reads "n to m".
    fn ratio(&self, a: &Lit<'a>) -> Hit {
        if a.sign.is_some() || !self.is(a.end, ":") {
            return None;
        }
        let b = self.lit(a.end + 1)?;
        if self.is(b.end, ":") && self.num(b.end + 1).is_some() {
            // 1:2:3 and longer chains stay as written.
            let mut end = b.end;
            while self.is(end, ":")
                && let Some(n) = self.lit(end + 1)
            {
                end = n.end;
            }
            return Some((end, self.span(a.first, end).to_string()));
        }
        self.emit(self.rules.ranges, a.first, b.end, || {
            format!("{} to {}", a.words(), b.words())
        })
    }

    // ------------------------------------------------------- ranges --

    /// 3-5, 3–5%, 5-10 km, 2020-2024, 2023-24, 3-5pm.
    fn range(&self, a: &Lit<'a>) -> Hit {
        if a.sign.is_some() || !self.dash(a.end) {
            return None;
        }
        let b = self.lit(a.end + 1)?;
        if self.dash(b.end) && self.num(b.end + 1).is_some() {
            // Three or more numbers joined by dashes (phone numbers, codes).
            let mut end = b.end;
            while self.dash(end)
                && let Some(n) = self.lit(end + 1)
            {
                end = n.end;
            }
            return Some((end, self.span(a.first, end).to_string()));
        }
        let r = self.rules;
        let both = || format!("{} to {}", a.words(), b.words());
        if self.is(b.end, "%") {
            let on = r.ranges && r.percent;
            return self.emit(on, a.first, b.end + 1, || format!("{} percent", both()));
        }
        if let Some((end, unit, per)) = self.unit_after(b.end) {
            let say = || format!("{} {}", both(), Self::unit_name(unit, false, per));
            return self.emit(r.ranges && r.units, a.first, end, say);
        }
        if let Some((end, ap, _)) = self.ampm_after(b.end)
            && self.word(b.end).is_some()
        {
            let say = || format!("{} {ap}", both());
            return self.emit(r.ranges && r.times, a.first, end, say);
        }
        if let Some(w) = self.word(b.end) {
            let mag = magnitude(w, false)?;
            let say = || format!("{} {mag}", both());
            return self.emit(r.ranges && r.numbers, a.first, b.end + 1, say);
        }
        if let Some(say) = self.year_range(a, &b) {
            return self.emit(r.ranges && r.dates, a.first, b.end, || say);
        }
        if !self.tail_free(b.end) {
            return None;
        }
        self.emit(r.ranges, a.first, b.end, both)
    }

    /// 2020-2024 → "twenty twenty to twenty twenty-four", 2023-24 →
    /// "twenty twenty-three to twenty-four".
    fn year_range(&self, a: &Lit<'a>, b: &Lit<'a>) -> Option<String> {
        let y = self.year_of(a)?;
        if !b.plain() {
            return None;
        }
        let v = b.value()?;
        let second = match b.int.len() {
            4 if v > y && self.year_of(b).is_some() => year_words(v),
            2 if !b.int.starts_with('0') && v > y % 100 => two_digit(v),
            _ => return None,
        };
        Some(format!("{} to {second}", year_words(y)))
    }

    // ------------------------------------------------------ symbols --

    fn symbol(&self, i: usize) -> Hit {
        let s = self.text(i);
        if currency(s).is_some() {
            return self.money(i, i, "", None);
        }
        match s {
            "-" | "−" | "+" => self.signed(i),
            "'" | "’" => self.short_decade(i),
            _ => None,
        }
    }

    /// Whether a sign at token `i` starts a number rather than joining two.
    fn sign_context(&self, i: usize) -> bool {
        let Some(p) = i.checked_sub(1) else {
            return true;
        };
        match self.toks[p].kind {
            Kind::Space | Kind::Alpha => true,
            Kind::Punct => matches!(self.text(p), "(" | "[" | "\"" | "'" | "/"),
            Kind::Sym => !matches!(self.text(p), "–" | "−" | "°"),
            Kind::Word | Kind::Num => false,
        }
    }

    /// -5 → "minus five", +3% → "plus three percent", -$5.
    fn signed(&self, i: usize) -> Hit {
        if !self.sign_context(i) {
            return None;
        }
        let word = if self.text(i) == "+" { "plus" } else { "minus" };
        if currency(self.text(i + 1)).is_some() && self.open(i + 1).is_some() {
            return self.money(i, i + 1, "", Some(word));
        }
        let mut a = self.lit(i + 1)?;
        a.first = i;
        a.sign = Some(word);
        self.number(a)
    }

    /// '90s → "nineties".
    fn short_decade(&self, i: usize) -> Hit {
        if !self.sign_context(i) {
            return None;
        }
        let d = self.num(i + 1).filter(|d| d.len() == 2)?;
        if self.word(i + 2) != Some("s") || !self.tail_free(i + 3) {
            return None;
        }
        let say = decade(d)?;
        self.emit(self.rules.dates, i, i + 3, || say)
    }

    // -------------------------------------------------------- money --

    /// A scale after an amount: glued (3bn, 5M) or a word (2.5 billion).
    fn magnitude_after(&self, k: usize) -> Option<(&'static str, usize)> {
        if let Some(w) = self.word(k) {
            return magnitude(w, true).map(|m| (m, k + 1));
        }
        if self.space(k)
            && let Some(w) = self.word(k + 1)
            && let Some(m) = SCALE_WORDS.iter().find(|s| **s == w)
        {
            return Some((m, k + 2));
        }
        None
    }

    /// $5, US$5, €3.50, $2.5 billion, $3bn, $5-10 million, -$5.
    fn money(&self, first: usize, sym: usize, qual: &str, sign: Option<&str>) -> Hit {
        let cur = currency(self.text(sym))?;
        let a = self.lit(sym + 1)?;
        let mut end = a.end;
        let mut b = None;
        if self.dash(end) {
            let again = self.is(end + 1, self.text(sym));
            if let Some(l) = self.lit(end + 1 + usize::from(again)) {
                end = l.end;
                b = Some(l);
            }
        }
        let mag = self.magnitude_after(end);
        if let Some((_, e)) = mag {
            end = e;
        }
        let on = self.rules.money && (b.is_none() || self.rules.ranges);
        self.emit(on, first, end, || {
            let mut s = sign.map(|w| format!("{w} ")).unwrap_or_default();
            let amount = match &b {
                Some(b) => format!("{} to {}", a.words(), b.words()),
                None => a.words(),
            };
            match (mag, b.is_some()) {
                (Some((m, _)), _) => s += &format!("{amount} {m} {qual}{}", cur.many),
                (None, true) => s += &format!("{amount} {qual}{}", cur.many),
                (None, false) => s += &money_words(&a, cur, qual),
            }
            s
        })
    }

    /// US$5 (and HK$, A$, C$, NZ$, S$), at the letters.
    fn currency_prefix(&self, i: usize) -> Hit {
        let w = self.word(i)?;
        let qual = match w {
            "US" if self.rules.acronyms => "U S ",
            "US" => "US ",
            "A" | "AU" => "Australian ",
            "C" | "CA" => "Canadian ",
            "HK" => "Hong Kong ",
            "NZ" => "New Zealand ",
            "S" => "Singapore ",
            _ => return None,
        };
        if !self.is(i + 1, "$") {
            return None;
        }
        self.money(i, i + 1, qual, None)
    }

    // ------------------------------------------------ words & letters --

    fn word_rules(&self, i: usize) -> Hit {
        self.currency_prefix(i)
            .or_else(|| self.month_date(i))
            .or_else(|| self.letters(i))
            .or_else(|| self.abbreviation(i))
            .or_else(|| self.acronym(i))
    }

    /// Single letters with dots: e.g., i.e., a.k.a., and U.S. / U.K. / A.I.
    fn letters(&self, i: usize) -> Hit {
        let mut seq = String::new();
        let mut k = i;
        let mut dot = false;
        while let Some(w) = self.word(k)
            && w.len() == 1
        {
            seq.push_str(w);
            dot = self.is(k + 1, ".");
            k += 1 + usize::from(dot);
            if !dot {
                break;
            }
        }
        if seq.len() < 2 || self.word(k).is_some() || self.num(k).is_some() {
            return None;
        }
        let full = match seq.to_ascii_lowercase().as_str() {
            "eg" => Some("for example"),
            "ie" => Some("that is"),
            "aka" => Some("also known as"),
            _ => None,
        };
        if let Some(full) = full {
            let cap = seq.starts_with(|c: char| c.is_ascii_uppercase());
            let say = if cap {
                capitalize(full)
            } else {
                full.to_string()
            };
            return self.emit(self.rules.abbreviations, i, k, || say);
        }
        if !seq.bytes().all(|b| b.is_ascii_uppercase()) {
            return None;
        }
        let keep = dot && self.sentence_end(k, true);
        let say = spell(&seq) + if keep { "." } else { "" };
        self.emit(self.rules.acronyms, i, k, || say)
    }

    /// Dr. Smith, St. Louis, No. 5, etc., vs., approx., Jan.
    fn abbreviation(&self, i: usize) -> Hit {
        let w = self.word(i)?;
        let dot = self.is(i + 1, ".");
        let after = i + 1 + usize::from(dot);
        let on = self.rules.abbreviations;
        if let Some(&(_, full, bare)) = TITLES.iter().find(|t| t.0 == w) {
            let named = self.space(after)
                && self
                    .word(after + 1)
                    .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_uppercase()));
            return if named && (dot || bare) {
                self.emit(on, i, after, || full.to_string())
            } else {
                None
            };
        }
        if dot && (w == "No" || w == "no") && self.space(after) && self.num(after + 1).is_some() {
            return self.emit(on, i, after, || {
                if w == "No" { "Number" } else { "number" }.to_string()
            });
        }
        let (full, ends) = match DOTTED.iter().find(|d| d.0 == w) {
            Some(d) if dot || w == "vs" => (d.1, d.2),
            _ if dot => (
                MONTH_ABBR.iter().find(|m| m.0 == w).map(|m| MONTHS[m.1])?,
                true,
            ),
            _ => return None,
        };
        let keep = dot && ends && self.sentence_end(after, false);
        self.emit(on, i, after, || {
            full.to_string() + if keep { "." } else { "" }
        })
    }

    /// Whether the letters at token `i` touch something that makes them
    /// part of a larger word: accented Latin letters (CAFÉ), AT&T, DON'T.
    fn acronym_in_word(&self, i: usize) -> bool {
        let latin = |c: Option<char>| {
            c.is_some_and(|c| (c as u32) < 0x370 || ('\u{1E00}'..='\u{1EFF}').contains(&c))
        };
        let prev = i.checked_sub(1).map(|p| (self.toks[p].kind, self.text(p)));
        let next = self.toks.get(i + 1).map(|t| (t.kind, self.text(i + 1)));
        let touches = |t: Option<(Kind, &str)>, last: bool| match t {
            Some((Kind::Alpha, s)) => latin(if last {
                s.chars().last()
            } else {
                s.chars().next()
            }),
            Some((_, "&")) => true,
            _ => false,
        };
        let apostrophe = matches!(next, Some((_, "'" | "’")))
            && self.text(i + 2).len() == 1
            && self.text(i + 2).bytes().all(|b| b.is_ascii_uppercase());
        touches(prev, true) || touches(next, false) || apostrophe
    }

    /// GPU → "G P U", GPUs → "G P Us"; not NASA, not Roman numerals.
    fn acronym(&self, i: usize) -> Hit {
        let w = self.word(i)?;
        let base = w.strip_suffix('s').filter(|b| b.len() >= 2).unwrap_or(w);
        if !(2..=6).contains(&base.len()) || !base.bytes().all(|b| b.is_ascii_uppercase()) {
            return None;
        }
        let roman = base.bytes().all(|b| matches!(b, b'I' | b'V' | b'X'));
        if roman || WORD_ACRONYMS.contains(&base) || self.acronym_in_word(i) {
            return None;
        }
        let plural = base.len() < w.len();
        self.emit(self.rules.acronyms, i, i + 1, || {
            spell(base) + if plural { "s" } else { "" }
        })
    }
}

/// An amount of money without a scale: "three dollars and fifty cents".
fn money_words(a: &Lit<'_>, cur: &Currency, qual: &str) -> String {
    let sign = a.sign.map(|s| format!("{s} ")).unwrap_or_default();
    let whole = int_words(&a.int);
    let unit = if a.int == "1" { cur.one } else { cur.many };
    let body = match a.frac {
        None => format!("{whole} {qual}{unit}"),
        Some(f) if f.len() == 2 && !cur.sub_many.is_empty() => {
            let c: u64 = f.parse().unwrap_or(0);
            let sub = if c == 1 { cur.sub_one } else { cur.sub_many };
            let cents = format!("{} {sub}", two_digit(c));
            let zero = a.int.bytes().all(|b| b == b'0');
            match (zero, c) {
                (true, 0) => format!("zero {qual}{}", cur.many),
                (true, _) => cents,
                (false, 0) => format!("{whole} {qual}{unit}"),
                (false, _) => format!("{whole} {qual}{unit} and {cents}"),
            }
        }
        Some(f) => format!("{whole} point {} {qual}{}", digit_words(f), cur.many),
    };
    sign + &body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn say(text: &str) -> String {
        normalize(text, Rules::default())
    }

    /// (written, said) for sentences as they appear in tech news.
    const CONVERTED: &[(&str, &str)] = &[
        (
            "Nvidia's market value passed $3 trillion on June 6, 2024.",
            "Nvidia's market value passed three trillion dollars on June sixth, twenty twenty-four.",
        ),
        (
            "The model has 1.3 billion parameters.",
            "The model has one point three billion parameters.",
        ),
        (
            "Shares rose 147% this year.",
            "Shares rose one hundred forty-seven percent this year.",
        ),
        (
            "AMD introduced Zen 5 at Computex.",
            "A M D introduced Zen 5 at Computex.",
        ),
        (
            "Dr. Smith, e.g. at 10:30 am, said no.",
            "Doctor Smith, for example at ten thirty a m, said no.",
        ),
        (
            "The survey polled 1,770 developers.",
            "The survey polled one thousand seven hundred seventy developers.",
        ),
        (
            "About 42 startups applied.",
            "About forty-two startups applied.",
        ),
        (
            "The app passed 1,000,000 downloads.",
            "The app passed one million downloads.",
        ),
        (
            "The score went from 3.5 to 0.25.",
            "The score went from three point five to zero point two five.",
        ),
        (
            "Temperatures fell to -5 overnight.",
            "Temperatures fell to minus five overnight.",
        ),
        (
            "The seed round was 2.5 million.",
            "The seed round was two point five million.",
        ),
        (
            "Profit reached 1.2bn last quarter.",
            "Profit reached one point two billion last quarter.",
        ),
        (
            "It finished 1st, 2nd and 23rd.",
            "It finished first, second and twenty-third.",
        ),
        (
            "The 101st launch went well.",
            "The one hundred first launch went well.",
        ),
        (
            "The 21st century began in 2001.",
            "The twenty-first century began in two thousand one.",
        ),
        (
            "The law passed in 2024.",
            "The law passed in twenty twenty-four.",
        ),
        (
            "Since 2000, prices doubled.",
            "Since two thousand, prices doubled.",
        ),
        (
            "The firm was founded in 2005.",
            "The firm was founded in two thousand five.",
        ),
        (
            "It was first released in 1999.",
            "It was first released in nineteen ninety-nine.",
        ),
        (
            "The building dates from 1900.",
            "The building dates from nineteen hundred.",
        ),
        (
            "Home computers boomed in the 1990s.",
            "Home computers boomed in the nineteen nineties.",
        ),
        (
            "The city has 2,024 charging points.",
            "The city has two thousand twenty-four charging points.",
        ),
        (
            "2024 was a record year for AI funding.",
            "twenty twenty-four was a record year for A I funding.",
        ),
        (
            "The company has 1500 employees.",
            "The company has one thousand five hundred employees.",
        ),
        (
            "Apple will report on June 10, 2024.",
            "Apple will report on June tenth, twenty twenty-four.",
        ),
        (
            "The rules apply from 10 June 2024.",
            "The rules apply from the tenth of June, twenty twenty-four.",
        ),
        (
            "Shipping starts Jun. 10 in Europe.",
            "Shipping starts June tenth in Europe.",
        ),
        (
            "The filing is dated 2024-06-10.",
            "The filing is dated June tenth, twenty twenty-four.",
        ),
        (
            "The keynote starts at 10:30.",
            "The keynote starts at ten thirty.",
        ),
        (
            "Doors open at 9:05 sharp.",
            "Doors open at nine oh five sharp.",
        ),
        (
            "The call is at 3:00 pm Eastern.",
            "The call is at three p m Eastern.",
        ),
        (
            "Trading resumed at 10:30am.",
            "Trading resumed at ten thirty a m.",
        ),
        (
            "The deadline is 23:59 tonight.",
            "The deadline is twenty-three fifty-nine tonight.",
        ),
        (
            "The grant is $2,000 per team.",
            "The grant is two thousand dollars per team.",
        ),
        (
            "A subscription costs $5 a month.",
            "A subscription costs five dollars a month.",
        ),
        ("The app costs $1.", "The app costs one dollar."),
        (
            "A latte costs $3.50 now.",
            "A latte costs three dollars and fifty cents now.",
        ),
        (
            "OpenAI raised $2.5 billion.",
            "OpenAI raised two point five billion dollars.",
        ),
        (
            "The deal is worth $3bn.",
            "The deal is worth three billion dollars.",
        ),
        (
            "Anthropic raised $3B in debt.",
            "Anthropic raised three billion dollars in debt.",
        ),
        (
            "Tickets cost €3 in Berlin.",
            "Tickets cost three euros in Berlin.",
        ),
        ("The fee rose to £4.", "The fee rose to four pounds."),
        (
            "Lunch costs ¥20 in Tokyo.",
            "Lunch costs twenty yen in Tokyo.",
        ),
        (
            "Each share trades at US$5.",
            "Each share trades at five U S dollars.",
        ),
        ("The app costs $0.99.", "The app costs ninety-nine cents."),
        (
            "Shares fell 2.3% to $118.11.",
            "Shares fell two point three percent to one hundred eighteen dollars and eleven cents.",
        ),
        (
            "Nvidia’s H100 costs $30,000–$40,000.",
            "Nvidia’s H100 costs thirty thousand to forty thousand dollars.",
        ),
        (
            "It will cost $5-10 million.",
            "It will cost five to ten million dollars.",
        ),
        (
            "Accuracy reached 47.5% on the benchmark.",
            "Accuracy reached forty-seven point five percent on the benchmark.",
        ),
        (
            "Inflation slowed to 3% in May.",
            "Inflation slowed to three percent in May.",
        ),
        (
            "Spending rose 5-10% in 2023.",
            "Spending rose five to ten percent in twenty twenty-three.",
        ),
        ("Expect 3-5 new models.", "Expect three to five new models."),
        (
            "Wait 3–5 days for delivery.",
            "Wait three to five days for delivery.",
        ),
        (
            "See pages 10-12 for details.",
            "See pages ten to twelve for details.",
        ),
        (
            "Mix them in a 1:2 ratio.",
            "Mix them in a one to two ratio.",
        ),
        (
            "The screen has a 16:9 aspect ratio.",
            "The screen has a sixteen to nine aspect ratio.",
        ),
        (
            "Odds are 100:1 against.",
            "Odds are one hundred to one against.",
        ),
        ("The home team won 3-1.", "The home team won three to one."),
        (
            "The route is 5 km long.",
            "The route is five kilometers long.",
        ),
        (
            "The cable is 1 km long.",
            "The cable is one kilometer long.",
        ),
        ("The drone weighs 10 kg.", "The drone weighs ten kilograms."),
        (
            "The phone has 5 GB of free storage.",
            "The phone has five gigabytes of free storage.",
        ),
        (
            "Each user gets 5GB free.",
            "Each user gets five gigabytes free.",
        ),
        (
            "The chip runs at 3.5 GHz.",
            "The chip runs at three point five gigahertz.",
        ),
        (
            "TSMC builds the chip on 7nm.",
            "T S M C builds the chip on seven nanometers.",
        ),
        (
            "The car tops out at 100 mph.",
            "The car tops out at one hundred miles per hour.",
        ),
        (
            "It was 20°C in London and 70°F in Boston.",
            "It was twenty degrees Celsius in London and seventy degrees Fahrenheit in Boston.",
        ),
        (
            "Temperatures hit −3 °C.",
            "Temperatures hit minus three degrees Celsius.",
        ),
        (
            "Latency dropped to 5 ms.",
            "Latency dropped to five milliseconds.",
        ),
        (
            "The game runs at 60 fps.",
            "The game runs at sixty frames per second.",
        ),
        (
            "The file is 4 MB and the drive holds 8 TB.",
            "The file is four megabytes and the drive holds eight terabytes.",
        ),
        (
            "The charger delivers 100 W.",
            "The charger delivers one hundred watts.",
        ),
        (
            "The RTX 4090 draws 450 W.",
            "The R T X 4090 draws four hundred fifty watts.",
        ),
        ("A 5-10 km run.", "A five to ten kilometers run."),
        (
            "The new model is 10x faster.",
            "The new model is ten times faster.",
        ),
        (
            "The battery is 5000mAh.",
            "The battery is five thousand milliamp-hours.",
        ),
        (
            "Mr. Jones met Mrs. Lee and Ms. Wu.",
            "Mister Jones met Missus Lee and Miz Wu.",
        ),
        (
            "Prof. Chen spoke in St. Louis.",
            "Professor Chen spoke in Saint Louis.",
        ),
        (
            "Use a GPU, i.e. a graphics card.",
            "Use a G P U, that is a graphics card.",
        ),
        (
            "Apple vs. Epic went to trial.",
            "Apple versus Epic went to trial.",
        ),
        (
            "Bring laptops, phones, etc. The rest stays.",
            "Bring laptops, phones, et cetera. The rest stays.",
        ),
        (
            "The run took approx. 5 hours.",
            "The run took approximately five hours.",
        ),
        (
            "The song hit No. 5 on the chart.",
            "The song hit Number five on the chart.",
        ),
        (
            "Results are due in Jan. and Feb.",
            "Results are due in January and February.",
        ),
        ("AI is reshaping search.", "A I is reshaping search."),
        (
            "Data centers need more GPUs.",
            "Data centers need more G P Us.",
        ),
        ("Every LLM hallucinates.", "Every L L M hallucinates."),
        (
            "IBM and AMD signed a deal.",
            "I B M and A M D signed a deal.",
        ),
        (
            "The U.S. and the U.K. agreed.",
            "The U S and the U K agreed.",
        ),
        ("Sales rose in the U.S.", "Sales rose in the U S."),
        (
            "Bitcoin hit $60,000 on Aug. 5 before falling.",
            "Bitcoin hit sixty thousand dollars on August fifth before falling.",
        ),
        (
            "The deal is worth £4.2bn (about $5.3bn).",
            "The deal is worth four point two billion pounds (about five point three billion dollars).",
        ),
        (
            "Revenue grew 12.5% to $26.0 billion in fiscal 2024.",
            "Revenue grew twelve point five percent to twenty-six point zero billion dollars in fiscal twenty twenty-four.",
        ),
        (
            "The EU AI Act takes effect Aug. 1, 2024.",
            "The E U A I Act takes effect August first, twenty twenty-four.",
        ),
        (
            "Chips of the 2020s and the '90s.",
            "Chips of the twenty twenties and the nineties.",
        ),
        (
            "The launch window is 10am-2pm.",
            "The launch window is ten a m to two p m.",
        ),
        (
            "Forecasts for 2020-2024 and 2023-24.",
            "Forecasts for twenty twenty to twenty twenty-four and twenty twenty-three to twenty-four.",
        ),
        (
            "Downloads hit 5,000 a day, or 50k a week.",
            "Downloads hit five thousand a day, or fifty thousand a week.",
        ),
        (
            "Computex 2024 opens in Taipei.",
            "Computex twenty twenty-four opens in Taipei.",
        ),
        (
            "Born on 3 March 1990, he joined IBM in 2012.",
            "Born on the third of March, nineteen ninety, he joined I B M in twenty twelve.",
        ),
        (
            "Meet at 3 pm or 10 a.m. Tomorrow works.",
            "Meet at three p m or ten a m. Tomorrow works.",
        ),
        (
            "新闻：AI 芯片 3 nm 😀",
            "新闻：A I 芯片 three nanometers 😀",
        ),
        (
            "The 10-year plan costs $1 million.",
            "The ten-year plan costs one million dollars.",
        ),
        ("Growth was ~5% in Q2.", "Growth was ~five percent in Q2."),
        (
            "Mid-2025 is the target.",
            "Mid-twenty twenty-five is the target.",
        ),
        (
            "The ID is 12345678901234567.",
            "The I D is one two three four five six seven eight nine zero one two three four five six seven.",
        ),
    ];

    /// Sentences with nothing to change: identifiers, URLs, code, markup,
    /// brand names, Chinese, emoji.
    const UNCHANGED: &[&str] = &[
        "OpenAI released GPT-4o and GPT-4 Turbo.",
        "Qwen2-72B beat Llama-3.1-8B on most tests.",
        "5G phones with 4K screens.",
        "The H100 and A100 lead; the M2 trails.",
        "The iPhone 15 launched with a new camera.",
        "AlphaFold 3 predicts protein structures.",
        "Ryzen 9000 chips and Windows 11 laptops.",
        "Python 3.12 is faster.",
        "Update to v1.2.3 today.",
        "COVID-19 changed B2B sales and 3D printing.",
        "See https://x.com/a1 for details.",
        "Write to a@b.com or foo_bar2.",
        "Download model_v2.bin and run it with --flag.",
        "Run `make test-42 --jobs 8` first.",
        "Plain text with no numbers at all.",
        "NASA and NATO signed a pact.",
        "DeepMind and OpenAI compete with iPhone makers.",
        "中文新闻：人工智能发展迅速。",
        "销量在2024年增长了5%。",
        "Great news 😀🚀!",
        "[pause 1s] Welcome back [pause 500ms].",
        "<break time=\"500ms\"/> Hello & welcome.",
        "If a < b & c > d, stop.",
        "He said \"hi\" (quietly) & left.",
        "Call 555-123-4567 now.",
        "Ping 192.168.0.1 for 24/7 support.",
        "Edit ~/.config/podgen/a1.yaml or /etc/x2.conf.",
        "World War II ended.",
        "AT&T and R&D budgets grew.",
        "Claude 3.5 Sonnet and Gemini 1.5 Pro.",
        "A 70B model with a Llama 3 base.",
        "Acme Inc. and Foo Ltd. merged.",
        "LiDAR, iOS and macOS.",
        "I think a single A matters.",
        "Servers use x86 and ARM64 chips.",
        "The #1 app is @openai.",
        "",
    ];

    #[test]
    fn table_of_news_sentences() {
        assert!(CONVERTED.len() + UNCHANGED.len() >= 90);
        assert!(UNCHANGED.len() >= 25);
        let mut bad = Vec::new();
        for (written, said) in CONVERTED {
            let got = say(written);
            if got != *said {
                bad.push(format!("{written:?}\n   got {got:?}\n  want {said:?}"));
            }
        }
        for written in UNCHANGED {
            let got = say(written);
            if got != *written {
                bad.push(format!("{written:?}\n   got {got:?} (should stay)"));
            }
        }
        assert!(bad.is_empty(), "\n{}", bad.join("\n"));
    }

    /// Rules with one family off.
    fn without(family: &str) -> Rules {
        let mut r = Rules::default();
        match family {
            "numbers" => r.numbers = false,
            "dates" => r.dates = false,
            "times" => r.times = false,
            "money" => r.money = false,
            "percent" => r.percent = false,
            "units" => r.units = false,
            "ranges" => r.ranges = false,
            "abbreviations" => r.abbreviations = false,
            "acronyms" => r.acronyms = false,
            _ => panic!("no family {family}"),
        }
        r
    }

    /// Each text only holds constructs of `family`: with it off, nothing
    /// changes; with everything on, something does.
    fn off_leaves(family: &str, texts: &[&str]) {
        for text in texts {
            assert_eq!(normalize(text, without(family)), *text, "{family} off");
            assert_ne!(say(text), *text, "{family} on should read {text:?}");
        }
    }

    #[test]
    fn numbers_off() {
        off_leaves(
            "numbers",
            &[
                "About 42 of them.",
                "Some 1,770 users.",
                "Only 3.5 left.",
                "It hit -5 today.",
                "She came 1st.",
                "Profit was 1.2bn.",
                "Agent code 007 here.",
            ],
        );
    }

    #[test]
    fn dates_off() {
        off_leaves(
            "dates",
            &[
                "In 2024 it grew.",
                "On June 10, 2024 it grew.",
                "On 10 June 2024 too.",
                "Dated 2024-06-10.",
                "The 1990s.",
                "By mid-2024.",
                "The '90s.",
                "Computex 2024 opens.",
                "Jun. 10 is set.",
            ],
        );
        assert_eq!(
            normalize("In 2024 it sold 5.", without("dates")),
            "In 2024 it sold five."
        );
    }

    #[test]
    fn times_off() {
        off_leaves(
            "times",
            &[
                "At 10:30.",
                "At 3:00 pm.",
                "At 10:30am.",
                "At 3 pm.",
                "At 10 a.m. sharp.",
                "From 10am-2pm.",
            ],
        );
    }

    #[test]
    fn money_off() {
        off_leaves(
            "money",
            &[
                "It costs $5.",
                "Raised $2.5 billion.",
                "Worth $3bn.",
                "Only €3.",
                "At US$5.",
                "Down -$5.",
                "About $5-10 million.",
            ],
        );
        assert_eq!(
            normalize("$5 at 10:30", without("money")),
            "$5 at ten thirty"
        );
    }

    #[test]
    fn percent_off() {
        off_leaves(
            "percent",
            &["Up 47.5% now.", "Up 3%.", "Down -2%.", "Up 3-5%."],
        );
    }

    #[test]
    fn units_off() {
        off_leaves(
            "units",
            &[
                "A 5 km run.",
                "On 7nm.",
                "It was 20°C.",
                "At 60 fps.",
                "It is 10x faster.",
                "A 5-10 km run.",
            ],
        );
    }

    #[test]
    fn ranges_off() {
        off_leaves(
            "ranges",
            &[
                "Pick 3-5.",
                "Pick 3–5.",
                "A 1:2 mix.",
                "From 2020-2024.",
                "Pages 10-12.",
            ],
        );
    }

    #[test]
    fn abbreviations_off() {
        off_leaves(
            "abbreviations",
            &[
                "Dr. Smith came.",
                "Fruit, e.g. apples.",
                "Apple vs. Epic.",
                "Cats etc. Then dogs.",
                "In Jan. and Feb.",
                "It took approx. half.",
                "St. Louis wins.",
            ],
        );
    }

    #[test]
    fn acronyms_off() {
        off_leaves(
            "acronyms",
            &[
                "AI is here.",
                "More GPUs.",
                "The U.S. today.",
                "IBM and AMD.",
            ],
        );
    }

    #[test]
    fn all_off_changes_nothing() {
        for (written, _) in CONVERTED {
            assert_eq!(normalize(written, Rules::all(false)), *written);
        }
    }

    #[test]
    fn word_acronyms_are_upper_case_and_read_as_words() {
        for w in WORD_ACRONYMS {
            assert!(w.bytes().all(|b| b.is_ascii_uppercase()), "{w}");
            assert_eq!(say(w), *w);
        }
    }

    #[test]
    fn number_words() {
        assert_eq!(cardinal(0), "zero");
        assert_eq!(
            cardinal(999_999_999_999_999),
            "nine hundred ninety-nine trillion nine hundred ninety-nine billion nine hundred ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine"
        );
        assert_eq!(cardinal(u64::MAX).split(' ').next(), Some("eighteen"));
        assert_eq!(ordinal(12), "twelfth");
        assert_eq!(ordinal(40), "fortieth");
        assert_eq!(year_words(2010), "twenty ten");
        assert_eq!(year_words(1905), "nineteen oh five");
        assert_eq!(decade("2000").as_deref(), Some("two thousands"));
        assert_eq!(
            say("1234567890123456"),
            "one two three four five six seven eight nine zero one two three four five six"
        );
    }

    /// SplitMix64: a tiny seeded generator for the property test.
    struct Mix(u64);

    impl Mix {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn pick<'p>(&mut self, from: &[&'p str]) -> &'p str {
            from[(self.next() % from.len() as u64) as usize]
        }
    }

    #[rustfmt::skip]
    const PIECES: &[&str] = &[
        "GPU", "the", "Dr", "June", "Jan", "am", "pm", "a", "m", "km", "bn", "s", "st", "AI",
        "NASA", "Zen", "in", "e", "g", "U", "S", "x", "com", "OpenAI", "k", "B", "May", "No",
        "vs", "etc", "$", "%", ":", "-", ",", ".", " ", " ", " ", "\n", "(", ")", "[", "]", "<",
        ">", "'", "/", "_", "@", "&", "0", "1", "5", "12", "31", "2024", "1990", "3.5", "1,000",
        "00", "99999999999999999999", "中", "文", "数字", "😀", "🚀", "é",
    ];

    #[test]
    fn random_text_never_panics_loses_or_invents_non_ascii() {
        let mut rng = Mix(0x5EED_2024);
        for _ in 0..4000 {
            let n = (rng.next() % 24) as usize;
            let text: String = (0..n).map(|_| rng.pick(PIECES)).collect();
            let out = say(&text);
            assert_eq!(normalize(&text, Rules::all(false)), text);
            let mut rest = out.chars();
            for c in text.chars().filter(|c| !c.is_ascii()) {
                assert!(rest.any(|o| o == c), "{c:?} of {text:?} lost in {out:?}");
            }
        }
    }

    #[test]
    fn long_input_is_fast() {
        let unit = "Nvidia's $3 trillion value on June 6, 2024: 47.5% of 1,770 GPUs at 10:30 am, 5 km, GPT-4o, 中文😀 [pause 1s] ";
        let text = unit.repeat(50_000 / unit.len() + 1);
        assert!(text.len() >= 50_000);
        let hostile = [
            "1-".repeat(25_000),
            "1:".repeat(25_000),
            "[".repeat(50_000),
            "1,000".repeat(10_000),
            "9".repeat(50_000),
            "A.".repeat(25_000),
            "a".repeat(50_000),
        ];
        let start = std::time::Instant::now();
        let out = say(&text);
        assert!(out.len() > text.len() / 2);
        for h in &hostile {
            let _ = say(h);
        }
        assert!(
            start.elapsed() < std::time::Duration::from_millis(900),
            "{:?}",
            start.elapsed()
        );
    }
}
