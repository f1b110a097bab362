//! The English tables: data only. Each list is checked below for what its
//! readers rely on (no duplicate keys, letter case, longer keys first).

/// Acronyms that are read as words, not spelled (NASA, NATO, ...). Upper-case.
#[rustfmt::skip]
pub const WORD_ACRONYMS: &[&str] = &[
    "AIDS", "ARM", "ASCII", "ASEAN", "ASUS", "AWOL", "BRICS", "CAPEX", "CERN", "COVID", "CRUD",
    "CUDA", "DARPA", "EBITDA", "FEMA", "FIFA", "FLOPS", "FOMO", "GIF", "HAMAS", "IKEA", "IMAX",
    "ISIS", "JPEG", "JSON", "LAN", "LASER", "LEGO", "LIDAR", "MERS", "MIDI", "NAFTA", "NAND",
    "NASA", "NASDAQ", "NATO", "NIMBY", "NVIDIA", "OPEC", "OPEX", "PIN", "PNG", "POTUS", "RADAR",
    "RAID", "RAM", "REST", "ROM", "SARS", "SATA", "SCOTUS", "SCUBA", "SIM", "SONAR", "SPAC",
    "SWAT", "TED", "TOML", "TOPS", "UEFA", "UNESCO", "UNICEF", "UNIX", "YAML", "YOLO",
];

// ----------------------------------------------------------- numbers --

#[rustfmt::skip]
pub(super) const ONES: [&str; 20] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
];
pub(super) const TENS: [&str; 10] = [
    "", "ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
#[rustfmt::skip]
pub(super) const TENS_PLURAL: [&str; 10] = [
    "", "tens", "twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties",
    "nineties",
];
/// The scales a cardinal is said in, largest first.
pub(super) const SCALES: [(u64, &str); 4] = [
    (1_000_000_000_000, "trillion"),
    (1_000_000_000, "billion"),
    (1_000_000, "million"),
    (1_000, "thousand"),
];
/// Scales written as words after an amount (2.5 billion).
pub(super) const SCALE_WORDS: [&str; 4] = ["thousand", "million", "billion", "trillion"];

/// A scale glued to a number (1.2bn, 50k): (suffix, scale, only after a
/// currency sign). Upper-case and one-letter forms only after a currency
/// sign, where 3B cannot be a model size or 4K a screen.
#[rustfmt::skip]
pub(super) const MAGNITUDES: [(&str, &str, bool); 16] = [
    ("k", "thousand", false), ("m", "million", false), ("mn", "million", false),
    ("mln", "million", false), ("bn", "billion", false), ("bln", "billion", false),
    ("tn", "trillion", false), ("trn", "trillion", false),
    ("K", "thousand", true), ("M", "million", true), ("b", "billion", true),
    ("B", "billion", true), ("Bn", "billion", true), ("t", "trillion", true),
    ("T", "trillion", true), ("Tn", "trillion", true),
];

/// Suffixes that make a number an ordinal (1st, 2nd, 3rd, 4th).
pub(super) const ORDINAL_SUFFIXES: [&str; 4] = ["st", "nd", "rd", "th"];

// ------------------------------------------------------------- dates --

#[rustfmt::skip]
pub(super) const MONTHS: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
];
/// Month abbreviations and the month each stands for (0 is January).
pub(super) const MONTH_ABBR: [(&str, usize); 12] = [
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
pub(super) const WEEKDAYS: [&str; 7] = [
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
];

/// Prefixes that may be joined to a year by a hyphen (mid-2024).
pub(super) const GLUE_PREFIXES: [&str; 6] = ["mid", "pre", "post", "early", "late", "end"];

/// Words before a 4-digit number that make it a year (compared lower-case).
#[rustfmt::skip]
pub(super) const YEAR_BEFORE: &[&str] = &[
    "in", "since", "until", "till", "circa", "mid", "early", "late", "during", "fiscal", "by",
    "from", "before", "after", "year", "spring", "summer", "autumn", "fall", "winter", "pre",
    "post", "end", "its", "their", "our", "his", "her", "whose",
];

/// Lower-case words after a 4-digit number that still let it be a year;
/// any other lower-case word (1500 employees) makes it a count.
#[rustfmt::skip]
pub(super) const YEAR_AFTER: &[&str] = &[
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
/// name ("In 2024", "The 5 models"), unlike "Zen 5" or "Windows 11"
/// (compared lower-case).
#[rustfmt::skip]
pub(super) const COMMON: &[&str] = &[
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
    "download", "install",
];

// ------------------------------------------------------------- times --

/// How am and pm are said, as written in one word.
pub(super) const AM_PM: [(&str, &str); 4] =
    [("am", "a m"), ("AM", "a m"), ("pm", "p m"), ("PM", "p m")];

// ------------------------------------------------------------- money --

/// A currency and how its amounts are said; an empty subunit means none.
pub(super) struct Currency {
    /// The sign written before the amount.
    pub sign: &'static str,
    /// One of it.
    pub one: &'static str,
    /// More than one.
    pub many: &'static str,
    /// One of its hundredth.
    pub sub_one: &'static str,
    /// More than one of its hundredth.
    pub sub_many: &'static str,
}

const fn cur(
    sign: &'static str,
    [one, many]: [&'static str; 2],
    [sub_one, sub_many]: [&'static str; 2],
) -> Currency {
    Currency {
        sign,
        one,
        many,
        sub_one,
        sub_many,
    }
}

/// The currency signs read before an amount.
pub(super) const CURRENCIES: [Currency; 6] = [
    cur("$", ["dollar", "dollars"], ["cent", "cents"]),
    cur("€", ["euro", "euros"], ["cent", "cents"]),
    cur("£", ["pound", "pounds"], ["penny", "pence"]),
    cur("¥", ["yen", "yen"], ["", ""]),
    cur("₹", ["rupee", "rupees"], ["paisa", "paise"]),
    cur("₩", ["won", "won"], ["", ""]),
];

/// Letters before `$` that say whose dollar it is (US$5, HK$10).
pub(super) const DOLLAR_PREFIXES: [(&str, &str); 8] = [
    ("US", "U S "),
    ("A", "Australian "),
    ("AU", "Australian "),
    ("C", "Canadian "),
    ("CA", "Canadian "),
    ("HK", "Hong Kong "),
    ("NZ", "New Zealand "),
    ("S", "Singapore "),
];

// ------------------------------------------------------------- units --

/// Where a unit symbol may stand: glued to the number, after a space, both.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Fit {
    Both,
    Glued,
    Spaced,
}

/// A unit symbol and how it is said.
pub(super) struct Unit {
    pub sym: &'static str,
    pub one: &'static str,
    pub many: &'static str,
    pub fit: Fit,
}

const fn u(sym: &'static str, one: &'static str, many: &'static str, fit: Fit) -> Unit {
    Unit {
        sym,
        one,
        many,
        fit,
    }
}

/// Unit symbols after a number. Case matters: "5G" and "4K" are not units,
/// "5 m" is meters but "5m" is five million (see [`MAGNITUDES`]); "in",
/// "s", "t" and "A" are too ambiguous to list.
#[rustfmt::skip]
pub(super) const UNITS: &[Unit] = &[
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
    u("kph", "kilometer per hour", "kilometers per hour", Fit::Both),
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
    u("kbps", "kilobit per second", "kilobits per second", Fit::Both),
    u("Kbps", "kilobit per second", "kilobits per second", Fit::Both),
    u("Mbps", "megabit per second", "megabits per second", Fit::Both),
    u("Gbps", "gigabit per second", "gigabits per second", Fit::Both),
    u("Tbps", "terabit per second", "terabits per second", Fit::Both),
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

/// What a rate may be per, after a slash: km/h, GB/s.
pub(crate) const PER: [(&str, &str); 10] = [
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

// ----------------------------------------------------- abbreviations --

/// A title read out before a capitalised name (Dr. Smith, St. Louis).
#[derive(Debug, Clone, Copy)]
pub struct Title {
    /// As written, without its full stop.
    pub written: &'static str,
    /// As said.
    pub said: &'static str,
    /// Whether it is also read without the full stop (Dr Smith).
    pub bare: bool,
}

const fn title(written: &'static str, said: &'static str, bare: bool) -> Title {
    Title {
        written,
        said,
        bare,
    }
}

/// Titles read out only before a capitalised name. Their full stop never
/// ends a sentence.
pub const TITLES: [Title; 16] = [
    title("Dr", "Doctor", true),
    title("Mr", "Mister", true),
    title("Mrs", "Missus", true),
    title("Ms", "Miz", true),
    title("Prof", "Professor", false),
    title("St", "Saint", true),
    title("Mt", "Mount", false),
    title("Gen", "General", false),
    title("Sen", "Senator", false),
    title("Rep", "Representative", false),
    title("Gov", "Governor", false),
    title("Capt", "Captain", false),
    title("Lt", "Lieutenant", false),
    title("Col", "Colonel", false),
    title("Sgt", "Sergeant", false),
    title("Pres", "President", false),
];

/// Abbreviations read out anywhere, with their dot (vs also without), and
/// whether that dot may also end the sentence ("..., etc. The"), so that a
/// reading keeps it there.
#[rustfmt::skip]
pub(super) const DOTTED: [(&str, &str, bool); 12] = [
    ("etc", "et cetera", true), ("approx", "approximately", false), ("vs", "versus", false),
    ("Jr", "Junior", true), ("Sr", "Senior", true), ("Fig", "Figure", false),
    ("fig", "figure", false), ("Dept", "Department", true), ("Ave", "Avenue", true),
    ("Vol", "Volume", false), ("cf", "compare", false), ("Intl", "International", false),
];

/// Single letters with dots read as words (e.g., i.e., a.k.a.), as the
/// letters run together.
pub(super) const LETTERS: [(&str, &str); 3] = [
    ("eg", "for example"),
    ("ie", "that is"),
    ("aka", "also known as"),
];

/// Abbreviations read out only before a number (No. 5), capitalised as
/// written (no. 5 is "number five").
pub(super) const BEFORE_NUMBER: [(&str, &str); 1] = [("No", "Number")];

/// Written with a full stop that ends no sentence, but not read out from
/// this table: voices read company forms well (Inc., Ltd., Corp., Co.),
/// and the others are read where a rule knows them (U.S. spelled as an
/// acronym, a.m. as a time).
pub(super) const KEPT_DOTTED: [&str; 10] = [
    "Inc", "Ltd", "Co", "Corp", "est", "Ph.D", "U.S", "U.K", "a.m", "p.m",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_unique<'a>(what: &str, keys: impl IntoIterator<Item = &'a str>) {
        let mut seen = std::collections::BTreeSet::new();
        for k in keys {
            assert!(seen.insert(k), "{what}: {k:?} twice");
        }
    }

    fn assert_lower(what: &str, words: &[&str]) {
        for w in words {
            assert_eq!(
                w.to_ascii_lowercase(),
                *w,
                "{what}: {w:?} is compared lower-case"
            );
        }
    }

    #[test]
    fn no_table_lists_a_key_twice() {
        assert_unique("WORD_ACRONYMS", WORD_ACRONYMS.iter().copied());
        assert_unique("UNITS", UNITS.iter().map(|u| u.sym));
        assert_unique("PER", PER.iter().map(|p| p.0));
        assert_unique("MONTH_ABBR", MONTH_ABBR.iter().map(|m| m.0));
        assert_unique("MAGNITUDES", MAGNITUDES.iter().map(|m| m.0));
        assert_unique("CURRENCIES", CURRENCIES.iter().map(|c| c.sign));
        assert_unique("DOLLAR_PREFIXES", DOLLAR_PREFIXES.iter().map(|p| p.0));
        assert_unique("YEAR_BEFORE", YEAR_BEFORE.iter().copied());
        assert_unique("YEAR_AFTER", YEAR_AFTER.iter().copied());
        assert_unique("COMMON", COMMON.iter().copied());
        // One table of what a full stop after a word means.
        assert_unique(
            "abbreviations",
            TITLES
                .iter()
                .map(|t| t.written)
                .chain(DOTTED.iter().map(|d| d.0))
                .chain(MONTH_ABBR.iter().map(|m| m.0))
                .chain(LETTERS.iter().map(|l| l.0))
                .chain(BEFORE_NUMBER.iter().map(|b| b.0))
                .chain(KEPT_DOTTED),
        );
    }

    #[test]
    fn letter_case_is_what_the_readers_compare() {
        for w in WORD_ACRONYMS {
            assert!(w.bytes().all(|b| b.is_ascii_uppercase()), "{w}");
        }
        assert_lower("YEAR_BEFORE", YEAR_BEFORE);
        assert_lower("YEAR_AFTER", YEAR_AFTER);
        assert_lower("COMMON", COMMON);
        assert_lower("GLUE_PREFIXES", &GLUE_PREFIXES);
        assert_lower("LETTERS", &LETTERS.map(|l| l.0));
        assert_lower("PER", &PER.map(|p| p.0));
        for t in TITLES {
            assert!(
                t.written.starts_with(|c: char| c.is_ascii_uppercase()),
                "{}",
                t.written
            );
        }
    }

    #[test]
    fn every_month_has_its_name_and_abbreviations_point_at_months() {
        for (abbr, m) in MONTH_ABBR {
            assert!(MONTHS[m].starts_with(abbr), "{abbr}");
        }
        assert_eq!(SCALES.map(|s| s.1), {
            let mut w = SCALE_WORDS;
            w.reverse();
            w
        });
    }
}
