//! The English cases, as data: sentences as they appear in tech news with
//! what is said for them, sentences that stay as written, and for each
//! rule family the constructs it alone reads.

use super::*;
use crate::speak::rules::without;
use crate::speak::work::{Hostile, assert_linear};

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

/// For each family, texts that hold only its constructs: with it off,
/// nothing changes; with everything on, something does.
const FAMILY_ONLY: &[(&str, &[&str])] = &[
    (
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
    ),
    (
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
    ),
    (
        "times",
        &[
            "At 10:30.",
            "At 3:00 pm.",
            "At 10:30am.",
            "At 3 pm.",
            "At 10 a.m. sharp.",
            "From 10am-2pm.",
        ],
    ),
    (
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
    ),
    (
        "percent",
        &["Up 47.5% now.", "Up 3%.", "Down -2%.", "Up 3-5%."],
    ),
    (
        "units",
        &[
            "A 5 km run.",
            "On 7nm.",
            "It was 20°C.",
            "At 60 fps.",
            "It is 10x faster.",
            "A 5-10 km run.",
        ],
    ),
    (
        "ranges",
        &[
            "Pick 3-5.",
            "Pick 3–5.",
            "A 1:2 mix.",
            "From 2020-2024.",
            "Pages 10-12.",
        ],
    ),
    (
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
    ),
    (
        "acronyms",
        &[
            "AI is here.",
            "More GPUs.",
            "The U.S. today.",
            "IBM and AMD.",
        ],
    ),
];

/// With one family off the others still read: (family off, written, said).
const OTHERS_STILL_READ: &[(&str, &str, &str)] = &[
    ("dates", "In 2024 it sold 5.", "In 2024 it sold five."),
    ("money", "$5 at 10:30", "$5 at ten thirty"),
];

#[test]
fn each_family_off_leaves_its_own_constructs_as_written() {
    assert_eq!(FAMILY_ONLY.len(), 9, "every family of Rules has its texts");
    for (family, texts) in FAMILY_ONLY {
        for text in *texts {
            assert_eq!(normalize(text, without(family)), *text, "{family} off");
            assert_ne!(say(text), *text, "{family} on should read {text:?}");
        }
    }
    for (family, written, said) in OTHERS_STILL_READ {
        assert_eq!(normalize(written, without(family)), *said, "{family} off");
    }
}

#[test]
fn all_off_changes_nothing() {
    for (written, _) in CONVERTED {
        assert_eq!(normalize(written, Rules::all(false)), *written);
    }
}

#[test]
fn word_acronyms_are_read_as_words_and_long_numbers_digit_by_digit() {
    for w in WORD_ACRONYMS {
        assert_eq!(say(w), *w);
    }
    assert_eq!(
        say("1234567890123456"),
        "one two three four five six seven eight nine zero one two three four five six"
    );
}

#[test]
fn every_title_is_read_in_full_before_a_name_only() {
    for t in tables::TITLES {
        let written = format!("{}. Smith said no.", t.written);
        assert_eq!(
            say(&written),
            format!("{} Smith said no.", t.said),
            "{written}"
        );
        // Not before a word that is no name: "the Gen. of ..." stays.
        let lower = format!("the {}. of it", t.written);
        assert_eq!(say(&lower), lower);
        assert!(ends_no_sentence(t.written, " Smith"));
    }
}

/// News, and the shapes that could make a rule look ahead without end:
/// each made about `n` bytes long.
const HOSTILE: &[Hostile] = &[
    ("news", |n| NEWS.repeat(n / NEWS.len() + 1)),
    ("1-", |n| "1-".repeat(n / 2)),
    ("1:", |n| "1:".repeat(n / 2)),
    ("[", |n| "[".repeat(n)),
    ("1,000", |n| "1,000".repeat(n / 5)),
    ("9", |n| "9".repeat(n)),
    ("A.", |n| "A.".repeat(n / 2)),
    ("a", |n| "a".repeat(n)),
    ("[pause", |n| "[pause 1s".repeat(n / 9 + 1)),
    ("`", |n| "`a ".repeat(n / 3 + 1)),
    ("<b", |n| "<b ".repeat(n / 3 + 1)),
    ("1.", |n| "1.".repeat(n / 2)),
    ("$-", |n| "$-".repeat(n / 2)),
    ("Jan 1-", |n| "Jan 1-".repeat(n / 6 + 1)),
];

const NEWS: &str = "Nvidia's $3 trillion value on June 6, 2024: 47.5% of 1,770 GPUs at 10:30 am, 5 km, GPT-4o, 中文😀 [pause 1s] ";

/// Steps a byte the English rules may take: about twice the most any text
/// above takes.
const STEPS_PER_BYTE: u64 = 24;

#[test]
fn long_input_is_read_in_linear_work() {
    let text = NEWS.repeat(50_000 / NEWS.len() + 1);
    assert!(say(&text).len() > text.len() / 2);
    assert_linear(
        |text, work| normalize_counting(text, Rules::default(), work),
        STEPS_PER_BYTE,
        HOSTILE,
    );
}
