//! Mandarin text normalisation: written numbers, dates, clock times, money,
//! percentages, units, ranges and ratios become the words a Mandarin voice
//! should say (3万亿 → 三万亿, 2024年 → 二零二四年, 47.5% → 百分之四十七点五).
//!
//! The text is scanned once, left to right. Every rewritten token starts at
//! an ASCII digit or at a sign just before one ($, US$, HK$, ¥, ￥, €, £, a
//! minus, the + of a phone number); what is not part of a rewritten token is
//! copied through in order, and a token whose rule family is off is copied
//! exactly as written. Digits inside identifiers (GPT-4o, Qwen2-72B, Zen 5),
//! URLs, e-mail addresses, code-like tokens and ASCII markup in brackets
//! (`[pause 1s]`) stay as they are.
//!
//! Readings chosen: 两 for a lone 2 before a classifier, unit, currency or
//! 万/亿 (两个, 两公里, 两美元, 两亿) and for 2 in the thousands place (两千,
//! 一万两千); 二 everywhere else and always after 第. Years and codes are read
//! digit by digit with 一 for 1 (幺 suits phone numbers only, and those
//! cannot be told from other codes). GHz is read 吉赫兹; GB, TB and MB keep
//! their letters, which Mandarin voices say as letters anyway.

use super::rules::Rules;

/// Mandarin text as a Mandarin voice should read it.
///
/// Numbers, dates, times, money, percentages, units, ranges and ratios are
/// rewritten into Chinese words, each family only when `rules` has it on.
/// Everything else, identifiers such as `GPT-4o` or `Zen 5`, URLs and code
/// included, comes back exactly as written. Never panics; time is linear in
/// the length of `text`.
pub fn normalize(text: &str, rules: Rules) -> String {
    let any = rules.numbers
        || rules.dates
        || rules.times
        || rules.money
        || rules.percent
        || rules.units
        || rules.ranges;
    // Every token this module rewrites contains an ASCII digit.
    if !any || !text.bytes().any(|b| b.is_ascii_digit()) {
        return text.to_string();
    }
    let cs: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut pos = 0;
    for (s, e) in protected_spans(&cs) {
        Scanner::new(&cs[pos..s], rules).run(&mut out);
        out.extend(&cs[s..e]);
        pos = e;
    }
    Scanner::new(&cs[pos..], rules).run(&mut out);
    out
}

// ---------------------------------------------------------------------------
// Word lists.

const DIGIT: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

// Han magnitudes that may follow written digits (3万亿, 8000万).
const MAGS: [char; 5] = ['十', '百', '千', '万', '亿'];

// "More than" markers between a number and its magnitude (100多万).
const APPROX: [char; 3] = ['多', '余', '来'];

// Currency words written after a number; 元 last so 美元 wins.
const MONEY: &[&str] = &[
    "美元",
    "欧元",
    "英镑",
    "日元",
    "港元",
    "韩元",
    "澳元",
    "加元",
    "卢布",
    "人民币",
    "美金",
    "元",
];

// Classifiers and measure words: a number before one is a count, so 2 is 两.
// Left out on purpose: 月 (二月), 号, 级, 期, 型, 楼, 季度 (二期, 二型, 二楼).
const CLASSIFIERS: &[&str] = &[
    "个", "位", "种", "家", "款", "次", "名", "只", "条", "件", "本", "天", "周", "小时", "分钟",
    "秒", "岁", "人", "台", "部", "篇", "项", "张", "辆", "架", "艘", "颗", "座", "所", "场", "支",
    "套", "份", "批", "层", "届", "轮", "倍", "点", "成", "类", "对", "双", "组", "步", "章", "节",
    "页", "段", "句", "集", "枚", "根", "块", "片", "粒", "头", "匹", "笔", "单", "遍", "趟", "回",
    "代", "任", "国", "方", "米", "公里", "公斤", "斤", "吨", "克", "升", "分", "晚", "夜", "星期",
    "英里", "英尺", "亩", "户", "栋", "间", "道", "首",
];

// Words that begin with a classifier but are not one (Zen 5架构, 2成本).
const NOT_MEASURE: &[&str] = &[
    "架构", "成本", "成为", "成功", "成果", "成员", "点击", "点赞", "条件", "本身", "本地", "家庭",
    "家族", "国家", "国内", "国际", "方面", "方法", "方式", "方案", "方向", "分析", "分别", "分布",
    "分享", "代码", "代表", "代理", "任务", "任何", "单位", "单独", "根据", "首先", "人工", "人类",
    "人员", "人才", "天气", "周期", "周边", "对比", "对于", "对话", "场景", "组织", "组件", "部署",
    "部门", "所有", "所以", "支持", "集团", "集成", "回应", "回复", "道路", "段落", "页面", "头部",
    "类型", "双方", "层面", "步骤", "种类", "位置", "间隔", "户外", "套餐", "份额", "次数", "米饭",
];

// Words that make a long digit run a quantity, not a code (约12345).
const QUANTITY_BEFORE: [char; 15] = [
    '约', '共', '达', '超', '近', '逾', '仅', '增', '涨', '跌', '降', '减', '至', '计', '过',
];

// Units written after a number, longest first, with their reading.
const UNITS: &[(&str, &str)] = &[
    ("TFLOPS", "TFLOPS"),
    ("PFLOPS", "PFLOPS"),
    ("km/h", "公里每小时"),
    ("km/s", "公里每秒"),
    ("GB/s", "GB每秒"),
    ("MB/s", "MB每秒"),
    ("TB/s", "TB每秒"),
    ("TOPS", "TOPS"),
    ("m/s", "米每秒"),
    ("km²", "平方公里"),
    ("GHz", "吉赫兹"),
    ("MHz", "兆赫兹"),
    ("kHz", "千赫兹"),
    ("kWh", "千瓦时"),
    ("mAh", "毫安时"),
    ("min", "分钟"),
    ("fps", "帧每秒"),
    ("m²", "平方米"),
    ("m³", "立方米"),
    ("Hz", "赫兹"),
    ("kW", "千瓦"),
    ("MW", "兆瓦"),
    ("GW", "吉瓦"),
    ("km", "公里"),
    ("kg", "公斤"),
    ("cm", "厘米"),
    ("mm", "毫米"),
    ("nm", "纳米"),
    ("μm", "微米"),
    ("mg", "毫克"),
    ("ms", "毫秒"),
    ("ml", "毫升"),
    ("mL", "毫升"),
    ("GB", "GB"),
    ("TB", "TB"),
    ("MB", "MB"),
    ("KB", "KB"),
    ("PB", "PB"),
    ("°C", "摄氏度"),
    ("°F", "华氏度"),
    ("℃", "摄氏度"),
    ("℉", "华氏度"),
    ("°", "度"),
    ("m", "米"),
    ("W", "瓦"),
    ("V", "伏"),
    ("L", "升"),
    ("h", "小时"),
];

// The first characters of the units above.
const UNIT_FIRST: &str = "TPkGHMmcnμK°℃℉WVLhf";

// Currency signs written before a number, and the word said after it.
const SIGNS: [(&str, &str); 7] = [
    ("US$", "美元"),
    ("HK$", "港元"),
    ("$", "美元"),
    ("¥", "元"),
    ("￥", "元"),
    ("€", "欧元"),
    ("£", "英镑"),
];

// English magnitudes after an amount of money ($5M, $2.5 billion).
const ENG_SCALE: [(&str, usize); 10] = [
    (" trillion", 12),
    (" billion", 9),
    (" million", 6),
    (" thousand", 3),
    ("bn", 9),
    ("K", 3),
    ("k", 3),
    ("M", 6),
    ("B", 9),
    ("T", 12),
];

// Signs between the two ends of a range (3-5, 3～5).
const RANGE_SEPS: [char; 6] = ['-', '–', '~', '～', '〜', '－'];

// ---------------------------------------------------------------------------
// Reading numbers.

/// How a 2 is read: `liang` gives 两千 and a leading 两万/两亿, `solo` gives
/// 两 for a number that is exactly 2 (两个).
#[derive(Clone, Copy)]
struct Say {
    liang: bool,
    solo: bool,
}

const ORDINAL: Say = Say {
    liang: false,
    solo: false,
};
const PLAIN: Say = Say {
    liang: true,
    solo: false,
};
const COUNT: Say = Say {
    liang: true,
    solo: true,
};

/// ASCII digits read one by one (2024 → 二零二四).
fn digits(s: &str) -> String {
    s.chars()
        .filter_map(|c| c.to_digit(10))
        .map(|d| DIGIT[d as usize])
        .collect()
}

/// An integer read as a cardinal (169861 → 十六万九千八百六十一).
fn say_u64(n: u64, opt: Say) -> String {
    if n == 0 {
        return "零".to_string();
    }
    let mut out = String::new();
    say_rec(n, true, opt.solo, opt, &mut out);
    out
}

/// Splits at 亿 and 万; `head` is true while nothing has been said yet.
fn say_rec(n: u64, head: bool, solo: bool, opt: Say, out: &mut String) {
    for (unit, word, gap) in [(100_000_000, '亿', 10_000_000), (10_000, '万', 1_000)] {
        if n >= unit {
            // A leading 2 before 万 or 亿 is 两 (两万, 两亿).
            say_rec(n / unit, head, opt.liang && head, opt, out);
            out.push(word);
            let lo = n % unit;
            if lo > 0 {
                // A gap of zeros is said once (一亿零五万).
                if lo < gap {
                    out.push('零');
                }
                say_rec(lo, false, false, opt, out);
            }
            return;
        }
    }
    say_small(n, head, solo, opt, out);
}

/// A group below 10 000: 一千零五, 十二 (head) but 一百一十.
fn say_small(n: u64, head: bool, solo: bool, opt: Say, out: &mut String) {
    const UNIT: [&str; 4] = ["千", "百", "十", ""];
    let ds = [n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10];
    let mut started = false;
    let mut zero = false;
    for (k, &d) in ds.iter().enumerate() {
        if d == 0 {
            zero |= started;
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        let first = !started;
        if k == 2 && d == 1 && first && head {
            // 10 to 19 at the head are 十, 十一…, not 一十.
        } else if d == 2 && ((k == 0 && opt.liang) || (k == 3 && first && solo)) {
            out.push('两');
        } else {
            out.push(DIGIT[d as usize]);
        }
        out.push_str(UNIT[k]);
        started = true;
    }
}

/// An integer part: a cardinal, or digit by digit when it is too long to
/// read (more than 16 digits) or starts with 0 like a code (007).
fn say_int(int: &str, opt: Say) -> String {
    let code = int.len() > 16 || (int.len() > 1 && int.starts_with('0'));
    match int.parse::<u64>() {
        Ok(v) if !code => say_u64(v, opt),
        _ => digits(int),
    }
}

/// A written number read out; a fraction is never 两 (二点五).
fn say(n: &Num, opt: Say) -> String {
    if n.frac.is_empty() {
        return say_int(&n.int, opt);
    }
    let mut s = say_int(&n.int, Say { solo: false, ..opt });
    s.push('点');
    s.push_str(&digits(&n.frac));
    s
}

/// One to two digit clock field: 零五分, 三十分.
fn clock_part(v: u64, unit: char, out: &mut String) {
    if v < 10 {
        out.push('零');
    }
    if v > 0 {
        out.push_str(&say_u64(v, PLAIN));
    }
    out.push(unit);
}

// ---------------------------------------------------------------------------
// Written numbers.

/// A written number: integer digits (grouping commas dropped) and fraction.
#[derive(Clone)]
struct Num {
    start: usize,
    end: usize,
    int: String,
    frac: String,
    grouped: bool,
}

impl Num {
    /// An integer with no grouping commas and no fraction.
    fn bare(&self) -> bool {
        self.frac.is_empty() && !self.grouped
    }

    /// Its value when it is bare and at most `max_len` digits long.
    fn small(&self, max_len: usize) -> Option<u64> {
        if self.bare() && self.int.len() <= max_len {
            self.int.parse().ok()
        } else {
            None
        }
    }

    /// Four digits that name a year before 年 (1000年 is a span of time).
    fn is_year(&self) -> bool {
        self.int.len() == 4 && self.small(4).is_some_and(|v| (1001..=2199).contains(&v))
    }

    /// Written like a code rather than an amount: leading zero, too long,
    /// or `min_len` digits or more that are not round (10086, not 20000).
    fn codeish(&self, min_len: usize) -> bool {
        let len = self.int.len();
        self.bare()
            && (len > 16
                || (len > 1 && self.int.starts_with('0'))
                || (len >= min_len && !self.int.ends_with("000")))
    }
}

/// Parses the number starting at the digit `cs[i]`: 1,770 and 3.14 whole.
fn parse_num(cs: &[char], i: usize) -> Num {
    let digit = |k: usize| cs.get(k).is_some_and(char::is_ascii_digit);
    let mut j = i;
    while digit(j) {
        j += 1;
    }
    let mut int: String = cs[i..j].iter().collect();
    let mut grouped = false;
    // Grouping commas only after a first group of at most three digits.
    if j - i <= 3 {
        while cs.get(j) == Some(&',')
            && digit(j + 1)
            && digit(j + 2)
            && digit(j + 3)
            && !digit(j + 4)
        {
            int.extend(&cs[j + 1..j + 4]);
            j += 4;
            grouped = true;
        }
    }
    let mut frac = String::new();
    if cs.get(j) == Some(&'.') && digit(j + 1) {
        let f = j + 1;
        j = f;
        while digit(j) {
            j += 1;
        }
        frac = cs[f..j].iter().collect();
    }
    Num {
        start: i,
        end: j,
        int,
        frac,
        grouped,
    }
}

// Raises an amount by 10^exp ($2.5B → 2500000000), exactly, on its digits.
fn scale(n: &Num, exp: usize) -> Num {
    let all = format!("{}{}", n.int, n.frac);
    let point = n.int.len() + exp;
    let (mut int, frac) = if point >= all.len() {
        (
            format!("{all}{}", "0".repeat(point - all.len())),
            String::new(),
        )
    } else {
        let (a, b) = all.split_at(point);
        (a.to_string(), b.trim_end_matches('0').to_string())
    };
    let lead = int.len() - int.trim_start_matches('0').len();
    int.drain(..lead.min(int.len().saturating_sub(1)));
    Num {
        int,
        frac,
        ..n.clone()
    }
}

// ---------------------------------------------------------------------------
// Spans copied untouched.

/// Spans never normalised: URLs, e-mail addresses, code and paths, and
/// ASCII markup in brackets.
fn protected_spans(cs: &[char]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        if let Some(e) = markup_end(cs, i) {
            spans.push((i, e));
            i = e;
            continue;
        }
        if cs[i].is_ascii_graphic() && (i == 0 || !cs[i - 1].is_ascii_graphic()) {
            let mut e = i;
            while e < cs.len() && cs[e].is_ascii_graphic() {
                e += 1;
            }
            if code_like(&cs[i..e]) {
                spans.push((i, e));
                i = e;
                continue;
            }
        }
        i += 1;
    }
    spans
}

/// The end of `[pause 1s]`, `<break time="1s"/>` or `{x1}` at `i`: ASCII
/// inside with a letter, one line, no nesting, at most 200 characters.
fn markup_end(cs: &[char], i: usize) -> Option<usize> {
    let close = match cs[i] {
        '[' => ']',
        '<' => '>',
        '{' => '}',
        _ => return None,
    };
    let mut letter = false;
    for (k, &c) in cs.iter().enumerate().skip(i + 1).take(200) {
        if c == close {
            return letter.then_some(k + 1);
        }
        if !c.is_ascii() || c == '\n' || c == cs[i] {
            return None;
        }
        letter |= c.is_ascii_alphabetic();
    }
    None
}

/// A run of ASCII that is a URL, address, path or code (`foo_bar2`).
fn code_like(run: &[char]) -> bool {
    if !run.iter().any(char::is_ascii_digit) {
        return false;
    }
    let s: String = run.iter().collect();
    if s.contains("://") || s.starts_with("www.") || s.contains("&#") {
        return true;
    }
    if run
        .iter()
        .any(|c| matches!(c, '@' | '_' | '\\' | '=' | '`' | '|' | '{' | '}'))
    {
        return true;
    }
    // A slash beside letters is a path, unless it is in a unit (km/h).
    let mut rest = s;
    for u in ["km/h", "km/s", "m/s", "GB/s", "MB/s", "TB/s"] {
        rest = rest.replace(u, "");
    }
    rest.contains('/') && rest.chars().any(|c| c.is_ascii_alphabetic())
}

// ---------------------------------------------------------------------------
// The scanner.

/// Rule families, one per switch in [`Rules`] that applies to Mandarin.
#[derive(Clone, Copy)]
enum Fam {
    Numbers,
    Dates,
    Times,
    Money,
    Percent,
    Units,
    Ranges,
}

/// Whether `fam` is switched on in `rules`.
fn is_on(rules: Rules, fam: Fam) -> bool {
    match fam {
        Fam::Numbers => rules.numbers,
        Fam::Dates => rules.dates,
        Fam::Times => rules.times,
        Fam::Money => rules.money,
        Fam::Percent => rules.percent,
        Fam::Units => rules.units,
        Fam::Ranges => rules.ranges,
    }
}

/// What follows a number in Han text, deciding how it is read.
#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Year,
    Decade,
    Month,
    Day,
    Hou,
    Money,
    // A Han magnitude follows (3万亿).
    Count,
    // A classifier or measure word follows (3个, 5倍).
    Measure,
    Approx,
    Other,
}

/// A maximal run of identifier characters (letters, digits, `_ . -`)
/// around a digit, and what its letters are.
#[derive(Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    letters: bool,
    unit_ok: bool,
    money_ok: bool,
}

fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// The letters ending a word that is otherwise digits (5GB → GB).
fn letter_tail(seg: &[char]) -> Option<String> {
    let mut e = seg.len();
    // A full stop or dash after the word is punctuation, not part of it.
    while e > 0 && matches!(seg[e - 1], '.' | '-') {
        e -= 1;
    }
    let seg = &seg[..e];
    let f = seg.iter().position(char::is_ascii_alphabetic)?;
    let ok = f > 0 && seg[f - 1].is_ascii_digit() && seg[f..].iter().all(char::is_ascii_alphabetic);
    ok.then(|| seg[f..].iter().collect())
}

/// A unit found after a number: where it ends, how it is said, and whether
/// it is a temperature (零下五摄氏度, never 两).
struct Unit {
    end: usize,
    word: &'static str,
    temp: bool,
}

/// A currency sign before a number: where it starts, the sign, its word.
#[derive(Clone, Copy)]
struct Cur {
    start: usize,
    sign: &'static str,
    word: &'static str,
}

/// A rewritten token: where it ends and what is said for it.
type Tok = (usize, String);

/// Scans one stretch of unprotected text.
struct Scanner<'a> {
    cs: &'a [char],
    rules: Rules,
    // The last word looked up: digits inside it need no second scan.
    cache: Option<Word>,
}

impl<'a> Scanner<'a> {
    fn new(cs: &'a [char], rules: Rules) -> Self {
        Scanner {
            cs,
            rules,
            cache: None,
        }
    }

    fn run(&mut self, out: &mut String) {
        let mut i = 0;
        while i < self.cs.len() {
            match self.token(i) {
                Some((end, said)) if end > i => {
                    out.push_str(&said);
                    i = end;
                }
                _ => {
                    out.push(self.cs[i]);
                    i += 1;
                }
            }
        }
    }

    fn token(&mut self, i: usize) -> Option<Tok> {
        match self.cs[i] {
            c if c.is_ascii_digit() => Some(self.digit(i)),
            '-' | '−' | '－' => self.minus(i),
            '+' => self.plus(i),
            '$' | '¥' | '￥' | '€' | '£' | 'U' | 'H' => self.currency(i),
            _ => None,
        }
    }

    // --- small helpers -----------------------------------------------------

    fn at(&self, k: usize) -> Option<char> {
        self.cs.get(k).copied()
    }

    fn digit_at(&self, k: usize) -> bool {
        self.at(k).is_some_and(|c| c.is_ascii_digit())
    }

    fn alpha_at(&self, k: usize) -> bool {
        self.at(k).is_some_and(|c| c.is_ascii_alphabetic())
    }

    fn match_str(&self, k: usize, s: &str) -> Option<usize> {
        let mut j = k;
        for c in s.chars() {
            if self.at(j) != Some(c) {
                return None;
            }
            j += 1;
        }
        Some(j)
    }

    fn starts(&self, k: usize, s: &str) -> bool {
        self.match_str(k, s).is_some()
    }

    fn run_end(&self, k: usize) -> usize {
        let mut j = k;
        while self.digit_at(j) {
            j += 1;
        }
        j
    }

    fn verbatim(&self, s: usize, e: usize) -> String {
        self.cs[s..e].iter().collect()
    }

    /// The token `s..e` said as `said` if all its families are on, else as
    /// written.
    fn emit(&self, s: usize, e: usize, fams: &[Fam], said: String) -> Tok {
        if fams.iter().all(|&f| is_on(self.rules, f)) {
            (e, said)
        } else {
            (e, self.verbatim(s, e))
        }
    }

    fn word(&mut self, i: usize) -> Word {
        if let Some(w) = self.cache.filter(|w| w.start <= i && i < w.end) {
            return w;
        }
        let cs = self.cs;
        let mut start = i;
        while start > 0 && word_char(cs[start - 1]) {
            start -= 1;
        }
        let mut end = i;
        while end < cs.len() && word_char(cs[end]) {
            end += 1;
        }
        let seg = &cs[start..end];
        let tail = letter_tail(seg);
        let tail = tail.as_deref();
        let w = Word {
            start,
            end,
            letters: seg.iter().any(char::is_ascii_alphabetic),
            unit_ok: tail.is_some_and(|t| UNITS.iter().any(|u| u.0 == t)),
            money_ok: tail.is_some_and(|t| ENG_SCALE.iter().any(|u| u.0 == t)),
        };
        self.cache = Some(w);
        w
    }

    // --- what surrounds a number -------------------------------------------

    fn percent_at(&self, k: usize) -> Option<(usize, &'static str)> {
        match self.at(k)? {
            '%' | '％' => Some((k + 1, "百分之")),
            '‰' => Some((k + 1, "千分之")),
            _ => None,
        }
    }

    /// A unit at `k`, after at most one space, not running on into letters.
    fn unit_at(&self, k: usize) -> Option<Unit> {
        let k0 = if self.at(k) == Some(' ') { k + 1 } else { k };
        // Most numbers have no unit: reject on the first character.
        if !self.at(k0).is_some_and(|c| UNIT_FIRST.contains(c)) {
            return None;
        }
        for &(text, word) in UNITS {
            let Some(e) = self.match_str(k0, text) else {
                continue;
            };
            let wordlike = text.chars().last().is_some_and(|c| c.is_ascii_alphabetic());
            if wordlike && self.at(e).is_some_and(|c| c.is_ascii_alphanumeric()) {
                continue;
            }
            let temp = word.ends_with('度');
            return Some(Unit { end: e, word, temp });
        }
        None
    }

    /// Skips 多/余/来 and up to three Han magnitudes after a number
    /// (100多万, 3万亿); says whether 多/余/来 was there.
    fn skip_mags(&self, k: usize) -> (usize, bool) {
        let mut j = k;
        let approx = self.at(j).is_some_and(|c| APPROX.contains(&c));
        if approx {
            j += 1;
        }
        let m0 = j;
        while j < m0 + 3 && self.at(j).is_some_and(|c| MAGS.contains(&c)) {
            j += 1;
        }
        (j, approx)
    }

    /// The Han context after a number at `k`.
    fn han(&self, k: usize) -> Ctx {
        // One space between a number and its Han word is common in typeset text.
        let k = if self.at(k) == Some(' ') && self.at(k + 1).is_some_and(|c| !c.is_ascii()) {
            k + 1
        } else {
            k
        };
        // Every context word is Han: ASCII after a number ends the search.
        if self.at(k).is_none_or(|c| c.is_ascii()) {
            return Ctx::Other;
        }
        if self.starts(k, "年代") {
            return Ctx::Decade;
        }
        if self.starts(k, "年级") {
            return Ctx::Other;
        }
        match self.at(k) {
            Some('年') => return Ctx::Year,
            Some('月') => return Ctx::Month,
            _ => {}
        }
        let (j, approx) = self.skip_mags(k);
        if MONEY.iter().any(|w| self.starts(j, w)) {
            return Ctx::Money;
        }
        if j > k + usize::from(approx) {
            return Ctx::Count;
        }
        if !approx && matches!(self.at(k), Some('日' | '号')) {
            return Ctx::Day;
        }
        if self.starts(j, "分之") {
            return Ctx::Other;
        }
        if NOT_MEASURE.iter().any(|w| self.starts(j, w)) {
            return if approx { Ctx::Approx } else { Ctx::Other };
        }
        if CLASSIFIERS.iter().any(|w| self.starts(j, w)) {
            return Ctx::Measure;
        }
        if approx {
            return Ctx::Approx;
        }
        if self.at(k) == Some('后') {
            return Ctx::Hou;
        }
        Ctx::Other
    }

    /// A capitalised Latin word and one space before `start` (Zen 5).
    fn after_cap_word(&self, start: usize) -> bool {
        let cs = self.cs;
        if start < 2 || cs[start - 1] != ' ' || !cs[start - 2].is_ascii_alphanumeric() {
            return false;
        }
        let mut s = start - 2;
        while s > 0 && word_char(cs[s - 1]) {
            s -= 1;
        }
        // The C of 20°C is a unit, not a name.
        if s > 0 && cs[s - 1] == '°' {
            return false;
        }
        cs[s..start - 1].iter().any(char::is_ascii_uppercase)
    }

    /// A number ending at `end` is a quantity even after a product name:
    /// Zen 5架构 is a name, GPU 2个 and AMD 6月 are not. Only 个 and 倍 of
    /// the classifiers count here, as names run on into Han words.
    fn quantity_follows(&self, end: usize) -> bool {
        self.percent_at(end).is_some()
            || self.unit_at(end).is_some()
            || match self.han(end) {
                Ctx::Other | Ctx::Hou | Ctx::Approx => false,
                Ctx::Measure => self.starts(end, "个") || self.starts(end, "倍"),
                _ => true,
            }
    }

    /// Words before `start` that make a long digit run an amount.
    fn quantity_before(&self, start: usize) -> bool {
        start > 0 && QUANTITY_BEFORE.contains(&self.cs[start - 1])
    }

    /// 比分 and the like before a colon make it a score, not a time.
    fn score_context(&self, start: usize) -> bool {
        let before: String = self.cs[start.saturating_sub(6)..start].iter().collect();
        ["比分", "比例", "比率", "击败", "战胜"]
            .iter()
            .any(|w| before.contains(w))
    }

    // --- tokens --------------------------------------------------------------

    /// A token starting at the digit `cs[i]`; always at least the digit run.
    fn digit(&mut self, i: usize) -> Tok {
        // A keycap emoji (3️⃣) keeps its digit.
        if matches!(self.at(i + 1), Some('\u{FE0F}' | '\u{20E3}')) {
            return (i + 1, self.cs[i].to_string());
        }
        let w = self.word(i);
        if w.letters && !w.unit_ok {
            return self.ident(i, w.end);
        }
        if let Some(t) = self.iso_date(i) {
            return t;
        }
        if let Some(t) = self.chain(i, w) {
            return t;
        }
        let n = parse_num(self.cs, i);
        if self.at(n.end) == Some('/') && self.digit_at(n.end + 1) {
            return self.slash(&n);
        }
        // A clock time stays a time after a word (UTC 10:30).
        if let Some(t) = self.clock(i) {
            return t;
        }
        if self.after_cap_word(w.start) && !self.quantity_follows(n.end) {
            // The whole number stays, grouping commas included (RTX 1,000).
            return self.ident(i, w.end.max(n.end));
        }
        if let Some(t) = self.ratio(&n) {
            return t;
        }
        if let Some(t) = self.range(&n, None) {
            return t;
        }
        self.single(&n)
    }

    /// 1/3 → 三分之一 for a small proper fraction; other slashes (24/7,
    /// 9/11, 1/2/3) are left as written.
    fn slash(&self, n: &Num) -> Tok {
        let mut e = n.end;
        while self.at(e) == Some('/') && self.digit_at(e + 1) {
            e = self.run_end(e + 1);
        }
        let r = parse_num(self.cs, n.end + 1);
        // Denominators up to 10 or numerator 1: 9/11 is an event, not 十一分之九.
        let fits = |a: u64, b: u64| 1 <= a && a < b && (b <= 10 || a == 1);
        let proper = matches!((n.small(2), r.small(2)), (Some(a), Some(b)) if fits(a, b))
            && r.end == e
            && !n.int.starts_with('0')
            && !r.int.starts_with('0')
            && !self
                .at(e)
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.');
        if proper {
            let said = format!("{}分之{}", say(&r, PLAIN), say(n, PLAIN));
            return self.emit(n.start, e, &[Fam::Numbers], said);
        }
        (e, self.verbatim(n.start, e))
    }

    /// An identifier copied as written, with a trailing `:16` (John 3:16).
    fn ident(&self, i: usize, end: usize) -> Tok {
        let mut e = end;
        while self.at(e) == Some(':') && self.digit_at(e + 1) {
            e = self.run_end(e + 1);
        }
        (e, self.verbatim(i, e))
    }

    /// 2024-06-10, 2024/6/10, 2024.6.10 and 2024-06.
    fn iso_date(&self, i: usize) -> Option<Tok> {
        let y_end = self.run_end(i);
        if y_end - i != 4 || !matches!(self.cs[i], '1' | '2') {
            return None;
        }
        let sep = self.at(y_end).filter(|c| matches!(c, '-' | '/' | '.'))?;
        let m_end = self.run_end(y_end + 1);
        let m_len = m_end - (y_end + 1);
        if !(1..=2).contains(&m_len) {
            return None;
        }
        let month: u64 = self.verbatim(y_end + 1, m_end).parse().ok()?;
        let year = digits(&self.verbatim(i, y_end));
        if !(1..=12).contains(&month) {
            return None;
        }
        let m = say_u64(month, PLAIN);
        if self.at(m_end) == Some(sep) && self.digit_at(m_end + 1) {
            let d_end = self.run_end(m_end + 1);
            if d_end - (m_end + 1) > 2 || !self.date_boundary(d_end) {
                return None;
            }
            let day: u64 = self.verbatim(m_end + 1, d_end).parse().ok()?;
            if !(1..=31).contains(&day) {
                return None;
            }
            let said = format!("{year}年{m}月{}日", say_u64(day, PLAIN));
            return Some(self.emit(i, d_end, &[Fam::Dates], said));
        }
        if sep != '.' && m_len == 2 && self.date_boundary(m_end) {
            return Some(self.emit(i, m_end, &[Fam::Dates], format!("{year}年{m}月")));
        }
        None
    }

    fn date_boundary(&self, k: usize) -> bool {
        let joined = matches!(self.at(k), Some('-' | '/' | '.' | ':')) && self.digit_at(k + 1);
        !joined && !self.at(k).is_some_and(|c| c.is_ascii_alphanumeric())
    }

    /// Chains of three or more numbers (400-820-8820, read digit by digit)
    /// and versions or addresses (1.2.3, 192.168.1.1, left as written).
    fn chain(&self, i: usize, w: Word) -> Option<Tok> {
        let mut e = w.end.max(i);
        while e > i && matches!(self.cs[e - 1], '-' | '.') {
            e -= 1;
        }
        let seg = &self.cs[i..e];
        let parts: Vec<&[char]> = seg.split(|&c| c == '-').collect();
        if parts.len() >= 3 {
            let all_digits = parts
                .iter()
                .all(|p| !p.is_empty() && p.iter().all(char::is_ascii_digit));
            if !all_digits {
                return Some((e, self.verbatim(i, e)));
            }
            let said: Vec<String> = parts
                .iter()
                .map(|p| digits(&p.iter().collect::<String>()))
                .collect();
            return Some(self.emit(i, e, &[Fam::Numbers], said.join("-")));
        }
        let dotted = parts
            .iter()
            .any(|p| p.iter().filter(|&&c| c == '.').count() >= 2);
        dotted.then(|| (e, self.verbatim(i, e)))
    }

    /// H:MM or H:MM:SS at `i`, hour at most 24, fields exactly two digits.
    fn time_at(&self, i: usize) -> Option<(usize, String)> {
        let h_end = self.run_end(i);
        if h_end - i > 2 {
            return None;
        }
        let colon = self.at(h_end).filter(|c| matches!(c, ':' | '：'))?;
        let two = |k: usize| -> Option<u64> {
            let ok = self.digit_at(k) && self.digit_at(k + 1) && !self.digit_at(k + 2);
            if ok {
                self.verbatim(k, k + 2).parse().ok()
            } else {
                None
            }
        };
        let m = two(h_end + 1)?;
        let mut end = h_end + 3;
        let mut s = 0;
        if self.at(end) == Some(colon) && self.digit_at(end + 1) {
            s = two(end + 1)?;
            end += 3;
        }
        if self.at(end) == Some(colon) && self.digit_at(end + 1) {
            return None;
        }
        let h: u64 = self.verbatim(i, h_end).parse().ok()?;
        if h > 24 || m > 59 || s > 59 || (h == 24 && m + s > 0) {
            return None;
        }
        let mut said = say_u64(h, COUNT);
        said.push('点');
        if m > 0 || s > 0 {
            clock_part(m, '分', &mut said);
        }
        if s > 0 {
            clock_part(s, '秒', &mut said);
        }
        Some((end, said))
    }

    /// A clock time, or a span of two (9:00-17:00 → 九点到十七点).
    fn clock(&self, i: usize) -> Option<Tok> {
        let (e1, t1) = self.time_at(i)?;
        if self.score_context(i) {
            return None;
        }
        let sep = self.at(e1).is_some_and(|c| RANGE_SEPS.contains(&c));
        if self.rules.ranges
            && sep
            && let Some((e2, t2)) = self.time_at(e1 + 1)
        {
            let fams = [Fam::Times, Fam::Ranges];
            return Some(self.emit(i, e2, &fams, format!("{t1}到{t2}")));
        }
        Some(self.emit(i, e1, &[Fam::Times], t1))
    }

    /// Ratios and scores: 1:2 → 一比二, 16:9, 1:2:3.
    fn ratio(&self, n: &Num) -> Option<Tok> {
        let colon = self.at(n.end).filter(|c| matches!(c, ':' | '：'))?;
        let mut parts = vec![say(n, PLAIN)];
        let mut k = n.end;
        while self.at(k) == Some(colon) && self.digit_at(k + 1) && parts.len() < 4 {
            let p = parse_num(self.cs, k + 1);
            if self.alpha_at(p.end) || p.codeish(7) {
                return None;
            }
            parts.push(say(&p, PLAIN));
            k = p.end;
        }
        if n.codeish(7) || (self.at(k) == Some(colon) && self.digit_at(k + 1)) {
            return None;
        }
        Some(self.emit(n.start, k, &[Fam::Ranges], parts.join("比")))
    }

    /// A range from `l` (3-5, 3～5个, 3%-5%, $3-5, 2019-2024年), or a
    /// phone-like pair read digit by digit (010-12345678).
    fn range(&mut self, l: &Num, cur: Option<Cur>) -> Option<Tok> {
        let mut k = l.end;
        let lp = matches!(self.at(k), Some('%' | '％'));
        if lp {
            k += 1;
        }
        let sep = self.at(k).filter(|c| RANGE_SEPS.contains(c))?;
        let mut r0 = k + 1;
        if let Some(e) = cur.and_then(|c| self.match_str(r0, c.sign)) {
            r0 = e;
        }
        if !self.digit_at(r0) {
            return None;
        }
        let w = self.word(r0);
        if w.letters && !w.unit_ok {
            return None;
        }
        let r = parse_num(self.cs, r0);
        let joined = self
            .at(r.end)
            .is_some_and(|c| RANGE_SEPS.contains(&c) || matches!(c, ':' | '：' | '.' | '/'));
        if joined && self.digit_at(r.end + 1) {
            return None;
        }
        if l.codeish(7) || r.codeish(7) {
            if sep != '-' || cur.is_some() || lp {
                return None;
            }
            let said = format!("{}-{}", digits(&l.int), digits(&r.int));
            return Some(self.emit(l.start, r.end, &[Fam::Numbers], said));
        }
        if cur.is_none() && !lp && l.is_year() && r.is_year() {
            let (a, b) = (l.small(4).unwrap_or(0), r.small(4).unwrap_or(0));
            let both_modern = (1900..=2099).contains(&a) && (1900..=2099).contains(&b);
            if a < b && (both_modern || self.han(r.end) == Ctx::Year) {
                let said = format!("{}到{}", digits(&l.int), digits(&r.int));
                return Some(self.emit(l.start, r.end, &[Fam::Ranges, Fam::Dates], said));
            }
        }
        Some(self.range_said(l, &r, lp, cur))
    }

    /// The words of a range whose ends are known to be amounts.
    fn range_said(&self, l: &Num, r: &Num, lp: bool, cur: Option<Cur>) -> Tok {
        use Fam::{Money, Percent, Ranges, Units};
        let start = cur.map_or(l.start, |c| c.start);
        let rp = self.percent_at(r.end);
        if lp || rp.is_some() {
            let (e, p) = rp.unwrap_or((r.end, "百分之"));
            let said = format!("{p}{}到{p}{}", say(l, PLAIN), say(r, PLAIN));
            return self.emit(start, e, &[Ranges, Percent], said);
        }
        if let Some(u) = self.unit_at(r.end) {
            let opt = if u.temp { PLAIN } else { COUNT };
            let said = format!("{}到{}{}", say(l, opt), say(r, opt), u.word);
            return self.emit(start, u.end, &[Ranges, Units], said);
        }
        if let Some(c) = cur {
            let (j, _) = self.skip_mags(r.end);
            let mags = self.verbatim(r.end, j);
            let tail = if self.starts(j, c.word) { "" } else { c.word };
            let said = format!("{}到{}{mags}{tail}", say(l, COUNT), say(r, COUNT));
            return self.emit(start, j, &[Ranges, Money], said);
        }
        let ordinal = l.start > 0 && self.cs[l.start - 1] == '第';
        let opt = match self.han(r.end) {
            _ if ordinal => ORDINAL,
            // Years were read above: 2-3年 is a span of time, 两到三年.
            Ctx::Year | Ctx::Count | Ctx::Measure | Ctx::Money => COUNT,
            _ => PLAIN,
        };
        let said = format!("{}到{}", say(l, opt), say(r, opt));
        self.emit(l.start, r.end, &[Ranges], said)
    }

    /// A number on its own, followed by %, a unit or Han text.
    fn single(&self, n: &Num) -> Tok {
        if let Some((e, p)) = self.percent_at(n.end) {
            let said = format!("{p}{}", say(n, PLAIN));
            return self.emit(n.start, e, &[Fam::Percent], said);
        }
        if let Some(u) = self.unit_at(n.end) {
            let opt = if u.temp { PLAIN } else { COUNT };
            let said = format!("{}{}", say(n, opt), u.word);
            return self.emit(n.start, u.end, &[Fam::Units], said);
        }
        if self.alpha_at(n.end) {
            // 1,000B and the like: an identifier after all.
            return (n.end, self.verbatim(n.start, n.end));
        }
        if n.start > 0 && self.cs[n.start - 1] == '第' {
            return self.emit(n.start, n.end, &[Fam::Numbers], say(n, ORDINAL));
        }
        self.plain(n)
    }

    /// A number read by the Han word after it: year, month, day, count…
    fn plain(&self, n: &Num) -> Tok {
        use Fam::{Dates, Money, Numbers};
        let (s, e) = (n.start, n.end);
        let short = n.small(2);
        match self.han(e) {
            Ctx::Year if n.is_year() => self.emit(s, e, &[Dates], digits(&n.int)),
            // '05年: a two-digit year written with its zero.
            Ctx::Year if short.is_some() && n.int.starts_with('0') => {
                self.emit(s, e, &[Dates], digits(&n.int))
            }
            Ctx::Year | Ctx::Count | Ctx::Measure => self.emit(s, e, &[Numbers], say(n, COUNT)),
            Ctx::Decade if n.int.len() == 4 && n.bare() => {
                self.emit(s, e, &[Dates], digits(&n.int))
            }
            Ctx::Decade => self.emit(s, e, &[Dates], say(n, PLAIN)),
            Ctx::Month if short.is_some_and(|v| (1..=12).contains(&v)) => {
                self.emit(s, e, &[Dates], say_u64(short.unwrap_or(0), PLAIN))
            }
            Ctx::Day if short.is_some_and(|v| (1..=31).contains(&v)) => {
                self.emit(s, e, &[Dates], say_u64(short.unwrap_or(0), PLAIN))
            }
            // 80后, 00后: generations are said digit by digit.
            Ctx::Hou if short.is_some() && n.int.len() == 2 && n.int.ends_with('0') => {
                self.emit(s, e, &[Dates], digits(&n.int))
            }
            Ctx::Money => self.emit(s, e, &[Money], say(n, COUNT)),
            Ctx::Other if n.codeish(5) && !self.quantity_before(s) => {
                self.emit(s, e, &[Numbers], digits(&n.int))
            }
            _ => self.emit(s, e, &[Numbers], say(n, PLAIN)),
        }
    }

    /// A minus sign before a number: 负五, 零下五摄氏度, 负百分之五.
    fn minus(&mut self, i: usize) -> Option<Tok> {
        let d = i + 1;
        if !self.digit_at(d) || !self.negative_ok(i) {
            return None;
        }
        let w = self.word(d);
        if w.letters && !w.unit_ok {
            return None;
        }
        let n = parse_num(self.cs, d);
        // Before a date, time, range or chain a dash is not a sign.
        let joined = self
            .at(n.end)
            .is_some_and(|c| RANGE_SEPS.contains(&c) || matches!(c, ':' | '：' | '/' | '.'));
        let signed =
            matches!(self.at(n.end + 1), Some('-' | '−' | '－')) && self.digit_at(n.end + 2);
        if joined && (self.digit_at(n.end + 1) || signed) {
            return self.negative_range(i, &n);
        }
        Some(self.negative(i, &n))
    }

    /// A range from a negative number: -2~3℃ → 零下二摄氏度到三摄氏度,
    /// -5~-3 → 负五到负三.
    fn negative_range(&mut self, m: usize, l: &Num) -> Option<Tok> {
        self.at(l.end).filter(|c| RANGE_SEPS.contains(c))?;
        let mut r0 = l.end + 1;
        let neg = matches!(self.at(r0), Some('-' | '−' | '－'));
        if neg {
            r0 += 1;
        }
        if !self.digit_at(r0) {
            return None;
        }
        let w = self.word(r0);
        if w.letters && !w.unit_ok {
            return None;
        }
        let r = parse_num(self.cs, r0);
        let joined = self
            .at(r.end)
            .is_some_and(|c| RANGE_SEPS.contains(&c) || matches!(c, ':' | '：' | '/' | '.'));
        if (joined && self.digit_at(r.end + 1)) || l.codeish(7) || r.codeish(7) {
            return None;
        }
        let (ls, rs) = (say(l, PLAIN), say(&r, PLAIN));
        if let Some(u) = self.unit_at(r.end) {
            if !u.temp {
                return None;
            }
            let rs = if neg { format!("零下{rs}") } else { rs };
            let said = format!("零下{ls}{unit}到{rs}{unit}", unit = u.word);
            return Some(self.emit(m, u.end, &[Fam::Units, Fam::Ranges], said));
        }
        if self.percent_at(r.end).is_some() || self.alpha_at(r.end) {
            return None;
        }
        let rs = if neg { format!("负{rs}") } else { rs };
        let said = format!("负{ls}到{rs}");
        Some(self.emit(m, r.end, &[Fam::Numbers, Fam::Ranges], said))
    }

    /// An international phone number (+86 10 1234 5678): 加 and the digits
    /// one by one, groups kept apart.
    fn plus(&self, i: usize) -> Option<Tok> {
        if (i > 0 && self.cs[i - 1].is_ascii_alphanumeric()) || !self.digit_at(i + 1) {
            return None;
        }
        let mut e = self.run_end(i + 1);
        let mut count = e - i - 1;
        let mut said = format!("加{}", digits(&self.verbatim(i + 1, e)));
        while matches!(self.at(e), Some(' ' | '-')) && self.digit_at(e + 1) {
            let g = self.run_end(e + 1);
            said.push(self.cs[e]);
            said.push_str(&digits(&self.verbatim(e + 1, g)));
            count += g - e - 1;
            e = g;
        }
        // Fewer digits are a signed amount (+5%), not a phone number.
        if count < 7 || self.alpha_at(e) {
            return None;
        }
        Some(self.emit(i, e, &[Fam::Numbers], said))
    }

    /// A minus is a sign at the start, after a space or punctuation or Han,
    /// but not in 3 -5 or x-5.
    fn negative_ok(&self, i: usize) -> bool {
        let Some(p) = i.checked_sub(1).map(|k| self.cs[k]) else {
            return true;
        };
        if p.is_whitespace() {
            return !(i >= 2 && self.cs[i - 2].is_ascii_digit());
        }
        !p.is_ascii() || "([{,;:\"'".contains(p)
    }

    fn negative(&self, m: usize, n: &Num) -> Tok {
        use Fam::{Numbers, Percent, Units};
        if let Some(u) = self.unit_at(n.end) {
            if u.temp {
                let said = format!("零下{}{}", say(n, PLAIN), u.word);
                return self.emit(m, u.end, &[Units], said);
            }
            let said = format!("负{}{}", say(n, COUNT), u.word);
            return self.emit(m, u.end, &[Numbers, Units], said);
        }
        if let Some((e, p)) = self.percent_at(n.end) {
            let said = format!("负{p}{}", say(n, PLAIN));
            return self.emit(m, e, &[Numbers, Percent], said);
        }
        let opt = match self.han(n.end) {
            Ctx::Count | Ctx::Measure | Ctx::Money => COUNT,
            _ => PLAIN,
        };
        self.emit(m, n.end, &[Numbers], format!("负{}", say(n, opt)))
    }

    /// A currency sign at `i` and the amount after it ($5 → 五美元).
    fn currency(&mut self, i: usize) -> Option<Tok> {
        let &(sign, word) = SIGNS.iter().find(|s| self.starts(i, s.0))?;
        // US$ and $ are signs only when not glued to a word (BUS$5).
        if sign.contains('$') && i > 0 && self.cs[i - 1].is_ascii_alphanumeric() {
            return None;
        }
        let d = i + sign.chars().count();
        if !self.digit_at(d) {
            return None;
        }
        let w = self.word(d);
        if w.letters && !w.unit_ok && !w.money_ok {
            return None;
        }
        let n = parse_num(self.cs, d);
        let cur = Cur {
            start: i,
            sign,
            word,
        };
        if let Some(t) = self.range(&n, Some(cur)) {
            return Some(t);
        }
        Some(self.money(cur, &n))
    }

    /// An amount after a sign, with 万/亿 or million/billion after it.
    fn money(&self, cur: Cur, n: &Num) -> Tok {
        let mut k = n.end;
        let mut amount = n.clone();
        for &(text, exp) in &ENG_SCALE {
            let Some(e) = self.match_str(k, text) else {
                continue;
            };
            // Scaled amounts past 16 digits are not worth the words.
            if !self.alpha_at(e) && n.int.len() + exp <= 16 {
                amount = scale(n, exp);
                k = e;
            }
            break;
        }
        let (j, _) = self.skip_mags(k);
        let mags = self.verbatim(k, j);
        let tail = if self.starts(j, cur.word) {
            ""
        } else {
            cur.word
        };
        let said = format!("{}{mags}{tail}", say(&amount, COUNT));
        self.emit(cur.start, j, &[Fam::Money], said)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Rewritten: (written, spoken).
    const CONVERTED: &[(&str, &str)] = &[
        // Found by tests/normalize_property.rs: a unit's letter is no name.
        ("气温20°C 1,770人", "气温二十摄氏度 一千七百七十人"),
        (
            "大家好，这里是AI大模型周报2024年6月的第二期。",
            "大家好，这里是AI大模型周报二零二四年六月的第二期。",
        ),
        ("2024年6月第二期", "二零二四年六月第二期"),
        (
            "能够基于简单的文本提示生成47秒时长的高质量音频。",
            "能够基于简单的文本提示生成四十七秒时长的高质量音频。",
        ),
        (
            "微软研究者开发AI气象基础模型Aurora，参数13亿，基于100多万个小时的各类天气和气候模拟进行训练",
            "微软研究者开发AI气象基础模型Aurora，参数十三亿，基于一百多万个小时的各类天气和气候模拟进行训练",
        ),
        (
            "基于来自169861个物种的DNA、RNA和蛋白质数据",
            "基于来自十六万九千八百六十一个物种的DNA、RNA和蛋白质数据",
        ),
        (
            "6月6日，英伟达市值突破3万亿美元，超过苹果排名世界第二，今年股价累计涨幅147%。",
            "六月六日，英伟达市值突破三万亿美元，超过苹果排名世界第二，今年股价累计涨幅百分之一百四十七。",
        ),
        (
            "目前Blackwell芯片已经投入生产，相较2016年的Pascal算力提升1000倍，预计2026年推出下一代AI平台Rubin。",
            "目前Blackwell芯片已经投入生产，相较二零一六年的Pascal算力提升一千倍，预计二零二六年推出下一代AI平台Rubin。",
        ),
        (
            "相较Zen 4，Zen 5的IPC提升了大约16%。",
            "相较Zen 4，Zen 5的IPC提升了大约百分之十六。",
        ),
        (
            "研究者对20位使用AI辅助创作的专业喜剧演员进行采访。",
            "研究者对二十位使用AI辅助创作的专业喜剧演员进行采访。",
        ),
        (
            "DriveWorld的3D物体识别mAP平均精度均值提高了7.5%",
            "DriveWorld的3D物体识别mAP平均精度均值提高了百分之七点五",
        ),
        (
            "交并比提升近3%，多目标跟踪的平均精准度提升超过5%。",
            "交并比提升近百分之三，多目标跟踪的平均精准度提升超过百分之五。",
        ),
        (
            "任务表现是GPT-4 Turbo基线性能的4.68倍，GPT-3.5 Turbo的通过率从0提升到5%。",
            "任务表现是GPT-4 Turbo基线性能的四点六八倍，GPT-3.5 Turbo的通过率从零提升到百分之五。",
        ),
        (
            "有鹿机器人获得超1亿元融资。",
            "有鹿机器人获得超一亿元融资。",
        ),
        (
            "由陈俊波博士在2023年创建。",
            "由陈俊波博士在二零二三年创建。",
        ),
        (
            "今年3月发布基于LPLM的通用具身大脑产品Master 2000，两个月达成超千万订单收入。",
            "今年三月发布基于LPLM的通用具身大脑产品Master 2000，两个月达成超千万订单收入。",
        ),
        (
            "AI视频生成初创公司Pika完成8000万美元融资，估值达到4.7亿美元",
            "AI视频生成初创公司Pika完成八千万美元融资，估值达到四点七亿美元",
        ),
        (
            "今年4月联合清华大学发布视频大模型Vidu",
            "今年四月联合清华大学发布视频大模型Vidu",
        ),
        (
            "Sam Altman积极投资超过400家公司，所持股份价值超过28亿美元。",
            "Sam Altman积极投资超过四百家公司，所持股份价值超过二十八亿美元。",
        ),
        (
            "作为估值860亿美元的OpenAI的CEO，年薪6.5万美元的Altman",
            "作为估值八百六十亿美元的OpenAI的CEO，年薪六点五万美元的Altman",
        ),
        ("其净资产已经超过20亿美元。", "其净资产已经超过二十亿美元。"),
        ("1.2亿", "一点二亿"),
        ("1,770", "一千七百七十"),
        ("10", "十"),
        ("110", "一百一十"),
        ("1005", "一千零五"),
        ("20000", "两万"),
        ("2000", "两千"),
        ("2亿", "两亿"),
        ("12", "十二"),
        ("0.2", "零点二"),
        ("0", "零"),
        ("3.14", "三点一四"),
        ("0.5", "零点五"),
        ("100000", "十万"),
        ("1000000", "一百万"),
        ("100010人", "十万零一十人"),
        ("120000", "十二万"),
        ("一共12000人", "一共一万两千人"),
        ("100002个", "十万零二个"),
        ("2000万", "两千万"),
        ("20亿", "二十亿"),
        ("2万亿", "两万亿"),
        ("第2", "第二"),
        ("第3期", "第三期"),
        ("第2名", "第二名"),
        ("第20届", "第二十届"),
        ("第2000名", "第二千名"),
        ("2个", "两个"),
        ("2位", "两位"),
        ("2种", "两种"),
        ("2家", "两家"),
        ("2款", "两款"),
        ("2次", "两次"),
        ("2名", "两名"),
        ("2只", "两只"),
        ("2条", "两条"),
        ("2件", "两件"),
        ("2本", "两本"),
        ("2天", "两天"),
        ("2周", "两周"),
        ("2小时", "两小时"),
        ("2年", "两年"),
        ("12个", "十二个"),
        ("22个", "二十二个"),
        ("2.5个", "二点五个"),
        ("2倍", "两倍"),
        ("-5", "负五"),
        ("气温-5℃", "气温零下五摄氏度"),
        ("最低-5°C", "最低零下五摄氏度"),
        ("-3.5", "负三点五"),
        ("降幅-2.5%", "降幅负百分之二点五"),
        ("零下5℃", "零下五摄氏度"),
        ("97°F", "九十七华氏度"),
        ("47.5%", "百分之四十七点五"),
        ("147%", "百分之一百四十七"),
        ("5％", "百分之五"),
        ("3%-5%", "百分之三到百分之五"),
        ("3-5%", "百分之三到百分之五"),
        ("100%", "百分之一百"),
        ("2‰", "千分之二"),
        ("2016年", "二零一六年"),
        ("1990年代", "一九九零年代"),
        ("90年代", "九十年代"),
        ("80后", "八零后"),
        ("00后", "零零后"),
        ("05年", "零五年"),
        ("1000年", "一千年"),
        ("2024-06-10", "二零二四年六月十日"),
        ("2024/6/10", "二零二四年六月十日"),
        ("2024.6.10", "二零二四年六月十日"),
        ("2024-06", "二零二四年六月"),
        ("2019-2024年", "二零一九到二零二四年"),
        ("2024年6月10日", "二零二四年六月十日"),
        ("6月6日", "六月六日"),
        ("6月10号", "六月十号"),
        ("12月31日", "十二月三十一日"),
        ("10:30", "十点三十分"),
        ("9:05", "九点零五分"),
        ("3:00", "三点"),
        ("23:59", "二十三点五十九分"),
        ("2:30", "两点三十分"),
        ("10:00:30", "十点零分三十秒"),
        ("9:00-17:00", "九点到十七点"),
        ("0:30", "零点三十分"),
        ("1:2", "一比二"),
        ("3:1", "三比一"),
        ("16:9", "十六比九"),
        ("比分3:10", "比分三比十"),
        ("3-5", "三到五"),
        ("3-5个", "三到五个"),
        ("3～5天", "三到五天"),
        ("1-2月", "一到二月"),
        ("1.5-2.5", "一点五到二点五"),
        ("2-3年", "两到三年"),
        ("1-2个", "一到两个"),
        ("5-10分钟", "五到十分钟"),
        ("会议于UTC 10:30开始", "会议于UTC 十点三十分开始"),
        ("12:30-14:00", "十二点三十分到十四点"),
        ("以2:0击败对手", "以二比零击败对手"),
        ("提升0.5%", "提升百分之零点五"),
        ("1.5万亿", "一点五万亿"),
        ("$1,234.56", "一千二百三十四点五六美元"),
        ("2024年度报告", "二零二四年度报告"),
        ("1500多年", "一千五百多年"),
        ("3个百分点", "三个百分点"),
        ("分为2部分", "分为两部分"),
        ("2型糖尿病", "二型糖尿病"),
        ("3号线", "三号线"),
        ("明天-2~3℃", "明天零下二摄氏度到三摄氏度"),
        ("-5~-3℃", "零下五摄氏度到零下三摄氏度"),
        ("-5-3", "负五到三"),
        (
            "电话：+86 10 1234 5678",
            "电话：加八六 一零 一二三四 五六七八",
        ),
        ("涨幅+5%", "涨幅+百分之五"),
        ("全球约有1/3的人口", "全球约有三分之一的人口"),
        ("3/4的用户", "四分之三的用户"),
        (
            "截至2024年3月31日，公司员工总数为29600人。",
            "截至二零二四年三月三十一日，公司员工总数为两万九千六百人。",
        ),
        (
            "台积电3nm工艺良率超过80%，2025年量产2nm。",
            "台积电三纳米工艺良率超过百分之八十，二零二五年量产两纳米。",
        ),
        (
            "H200配备141GB HBM3e显存，带宽4.8TB/s。",
            "H200配备一百四十一GB HBM3e显存，带宽四点八TB每秒。",
        ),
        (
            "美联储维持利率在5.25%-5.5%区间不变。",
            "美联储维持利率在百分之五点二五到百分之五点五区间不变。",
        ),
        (
            "北京时间2024-06-10 20:00",
            "北京时间二零二四年六月十日 二十点",
        ),
        ("第3-5名", "第三到五名"),
        ("$5", "五美元"),
        ("$2.5亿", "二点五亿美元"),
        ("$1,000", "一千美元"),
        ("¥20", "二十元"),
        ("￥20", "二十元"),
        ("€3", "三欧元"),
        ("£4", "四英镑"),
        ("5美元", "五美元"),
        ("US$5", "五美元"),
        ("HK$10", "十港元"),
        ("$5M", "五百万美元"),
        ("$2.5 billion", "二十五亿美元"),
        ("$3-5", "三到五美元"),
        ("2元", "两元"),
        ("10日元", "十日元"),
        ("售价¥5,999起", "售价五千九百九十九元起"),
        ("3-5万元", "三到五万元"),
        ("20℃", "二十摄氏度"),
        ("5km", "五公里"),
        ("5kg", "五公斤"),
        ("10cm", "十厘米"),
        ("5mm", "五毫米"),
        ("100m", "一百米"),
        ("7nm", "七纳米"),
        ("5GB", "五GB"),
        ("3.5GHz", "三点五吉赫兹"),
        ("100W", "一百瓦"),
        ("5kW", "五千瓦"),
        ("120km/h", "一百二十公里每小时"),
        ("5 km", "五公里"),
        ("2km", "两公里"),
        ("4680mAh", "四千六百八十毫安时"),
        ("10-20km", "十到二十公里"),
        ("10086", "一零零八六"),
        ("拨打12345", "拨打一二三四五"),
        (
            "12345678901234567890",
            "一二三四五六七八九零一二三四五六七八九零",
        ),
        ("010-12345678", "零一零-一二三四五六七八"),
        ("400-820-8820", "四零零-八二零-八八二零"),
        ("🚀3倍", "🚀三倍"),
        ("A100 80GB", "A100 八十GB"),
        ("CES 2024年", "CES 二零二四年"),
        ("GPU 2个", "GPU 两个"),
    ];

    // Left exactly as written.
    const UNCHANGED: &[&str] = &[
        "继Google DeepMind推出生物分子结构预测模型AlphaFold 3之后",
        "AMD在Computex大会上介绍了全新Zen 5架构、桌面端Ryzen 9000 CPU、AI PC芯片和数据中心芯片。",
        "北京大学的研究者推出DriveWorld，基于世界模型的自动驾驶4D表征学习框架",
        "GPT-4o",
        "GPT-4",
        "Qwen2-72B",
        "Llama-3.1-8B",
        "5G",
        "4K",
        "H100",
        "A100",
        "M2",
        "iPhone 15",
        "Zen 5",
        "AlphaFold 3",
        "Ryzen 9000",
        "Windows 11",
        "Python 3.12",
        "v1.2.3",
        "COVID-19",
        "B2B",
        "3D",
        "2D",
        "https://x.com/a1",
        "foo_bar2",
        "a@b.com",
        "model_v2.bin",
        "user1@mail.com",
        "[pause 1s]",
        "<break time=\"500ms\"/>",
        "3️⃣",
        "192.168.1.1",
        "1.2.3",
        "24/7",
        "9/11事件",
        "1/2/3",
        "苹果在WWDC 2024上发布了iOS 18和macOS 15。",
        "训练数据规模达到15T token，上下文长度128K。",
        "这段视频有1080p/60fps的版本。",
        "Stable Audio Open适合创建乐器片段、环境音、模拟录音等音频样本。",
        "😀🎉「你好」<b>&amp;</b>",
        "Llama 3 8B",
        "1+1=2",
        "Stability AI宣布推出开放模型Stable Audio Open",
        "中国电信与昆仑万维等联合发布星辰MaaS平台，就是Model as a Service，模型即服务。",
        "要将多个基于不同模态训练的生成式基础模型融合起来，实现一加一大于二，主要面临两大挑战。",
        "Thanks for listening!",
        "Shot2Story 视频总结",
        "基于LLM-Modulo框架的旅行规划任务",
        "在交替任务Flip-Flop、选择性复制任务Selective Copy上表现优秀。",
        "发布的产品Master 2000",
        "训练于H100和A100集群",
        "Llama 3 70B与Qwen2-72B-Instruct",
        "Claude 3.5 Sonnet",
        "Gemini 1.5 Pro",
        "访问https://stability.ai/news/introducing-stable-audio-open了解",
        "(a<b && c>d)",
        "《人工智能》“引号”『书名』【注】",
    ];

    fn rules_without(f: fn(&mut Rules)) -> Rules {
        let mut r = Rules::default();
        f(&mut r);
        r
    }

    #[test]
    fn table_of_converted_cases() {
        let mut bad = Vec::new();
        for &(written, spoken) in CONVERTED {
            let got = normalize(written, Rules::default());
            if got != spoken {
                bad.push(format!("{written:?}: got {got:?}, want {spoken:?}"));
            }
        }
        assert!(bad.is_empty(), "{}", bad.join("\n"));
        assert!(CONVERTED.len() + UNCHANGED.len() >= 130);
    }

    #[test]
    fn table_of_unchanged_cases() {
        assert!(UNCHANGED.len() >= 25);
        for &written in UNCHANGED {
            assert_eq!(normalize(written, Rules::default()), written);
        }
    }

    #[test]
    fn every_unit_starts_with_a_listed_character() {
        for (text, _) in UNITS {
            assert!(
                text.chars().next().is_some_and(|c| UNIT_FIRST.contains(c)),
                "{text}"
            );
        }
    }

    #[test]
    fn cardinals_at_the_edges() {
        let cases = [
            (0, "零"),
            (10, "十"),
            (19, "十九"),
            (101, "一百零一"),
            (1010, "一千零一十"),
            (100_000_001, "一亿零一"),
            (100_050_000, "一亿零五万"),
            (220_000_000, "两亿两千万"),
            (1_234_500_000_000, "一万两千三百四十五亿"),
            (
                9_999_999_999_999_999,
                "九千九百九十九万九千九百九十九亿九千九百九十九万九千九百九十九",
            ),
        ];
        for (n, said) in cases {
            assert_eq!(say_u64(n, PLAIN), said, "{n}");
        }
        assert_eq!(say_u64(2, PLAIN), "二");
        assert_eq!(say_u64(2, COUNT), "两");
        assert_eq!(say_u64(2000, ORDINAL), "二千");
    }

    #[test]
    fn text_without_digits_is_identical() {
        let s = "Model as a Service，模型即服务。$ ¥ - % ℃ 第 年 [pause] <b>&amp;</b> 😀";
        assert_eq!(normalize(s, Rules::default()), s);
        assert_eq!(normalize("", Rules::default()), "");
    }

    // Each family switched off leaves its own text as written while the
    // others still apply.
    #[test]
    fn numbers_off() {
        let r = rules_without(|r| r.numbers = false);
        let written = [
            "参数13亿",
            "2个",
            "-5",
            "第3期",
            "10086",
            "1,770",
            "3.14",
            "400-820-8820",
            "1/3",
            "+86 10 1234 5678",
        ];
        for s in written {
            assert_eq!(normalize(s, r), s);
        }
        assert_eq!(normalize("13亿，涨幅147%", r), "13亿，涨幅百分之一百四十七");
    }

    #[test]
    fn dates_off() {
        let r = rules_without(|r| r.dates = false);
        for s in [
            "2024年",
            "6月6日",
            "2024-06-10",
            "2024/6/10",
            "90年代",
            "80后",
            "10号",
        ] {
            assert_eq!(normalize(s, r), s);
        }
        assert_eq!(normalize("2024年涨幅147%", r), "2024年涨幅百分之一百四十七");
    }

    #[test]
    fn times_off() {
        let r = rules_without(|r| r.times = false);
        for s in ["10:30", "9:05", "23:59:59", "9:00-17:00"] {
            assert_eq!(normalize(s, r), s);
        }
        assert_eq!(normalize("10:30，1:2", r), "10:30，一比二");
    }

    #[test]
    fn money_off() {
        let r = rules_without(|r| r.money = false);
        for s in [
            "$5",
            "3万亿美元",
            "¥20",
            "US$5",
            "8000万美元",
            "$3-5",
            "$2.5 billion",
        ] {
            assert_eq!(normalize(s, r), s);
        }
        assert_eq!(normalize("$5，共3个", r), "$5，共三个");
    }

    #[test]
    fn percent_off() {
        let r = rules_without(|r| r.percent = false);
        for s in ["47.5%", "147%", "5％", "2‰", "3%-5%"] {
            assert_eq!(normalize(s, r), s);
        }
        assert_eq!(normalize("147%，13亿", r), "147%，十三亿");
    }

    #[test]
    fn units_off() {
        let r = rules_without(|r| r.units = false);
        for s in ["5km", "-5℃", "20°C", "3.5GHz", "120km/h", "7nm", "5 km"] {
            assert_eq!(normalize(s, r), s);
        }
        assert_eq!(normalize("7nm，2个", r), "7nm，两个");
    }

    #[test]
    fn ranges_off() {
        let r = rules_without(|r| r.ranges = false);
        for s in ["3-5个", "1:2", "3:1", "2019-2024年", "3%-5%", "3～5天"] {
            assert_eq!(normalize(s, r), s);
        }
        assert_eq!(normalize("3-5个，2个", r), "3-5个，两个");
    }

    #[test]
    fn all_off_is_identity() {
        for &(written, _) in CONVERTED {
            assert_eq!(normalize(written, Rules::all(false)), written);
        }
    }

    /// SplitMix64: a tiny seeded generator for the property test.
    struct SplitMix(u64);

    impl SplitMix {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const PIECES: &[&str] = &[
        "0",
        "1",
        "2",
        "3",
        "5",
        "9",
        "10",
        "2024",
        "169861",
        "00",
        "1,770",
        "3.14",
        "-",
        "−",
        ":",
        "：",
        ".",
        ",",
        "%",
        "％",
        "‰",
        "$",
        "US$",
        "¥",
        "€",
        "£",
        "℃",
        "°",
        "°C",
        "/",
        " ",
        "~",
        "～",
        "第",
        "年",
        "月",
        "日",
        "号",
        "个",
        "万",
        "亿",
        "多",
        "美元",
        "元",
        "后",
        "代",
        "倍",
        "分之",
        "英伟达",
        "市值",
        "突破",
        "，",
        "。",
        "、",
        "Zen",
        "GPT",
        "km",
        "GB",
        "m",
        "W",
        "nm",
        "GHz",
        "h",
        "B",
        "M",
        "bn",
        " billion",
        "https://",
        "x.com",
        "@",
        "_",
        "[",
        "]",
        "<",
        ">",
        "{",
        "}",
        "&",
        "\"",
        "😀",
        "3️⃣",
        "\u{FE0F}",
        "\n",
        "比分",
        "e",
        "a1",
        "Q",
    ];

    // Characters a token may consume; all others must survive in order.
    fn token_char(c: char) -> bool {
        c.is_ascii_alphanumeric()
            || c.is_whitespace()
            || "+-−－–~～〜:：.,%％‰$¥￥€£℃℉°/²³μ".contains(c)
    }

    fn is_subsequence(needle: impl Iterator<Item = char>, hay: &str) -> bool {
        let mut hay = hay.chars();
        needle.into_iter().all(|c| hay.any(|h| h == c))
    }

    fn random_rules(g: &mut SplitMix) -> Rules {
        let bits = g.next();
        let b = |k: u32| bits >> k & 1 == 1;
        Rules {
            numbers: b(0),
            dates: b(1),
            times: b(2),
            money: b(3),
            percent: b(4),
            units: b(5),
            ranges: b(6),
            abbreviations: b(7),
            acronyms: b(8),
        }
    }

    #[test]
    fn random_mixed_text_keeps_what_it_does_not_rewrite() {
        let mut g = SplitMix(0x5EED_2024_0610);
        for _ in 0..4000 {
            let len = 1 + g.below(24);
            let s: String = (0..len).map(|_| PIECES[g.below(PIECES.len())]).collect();
            assert_eq!(normalize(&s, Rules::all(false)), s);
            let no_digits: String = s.chars().filter(|c| !c.is_ascii_digit()).collect();
            assert_eq!(normalize(&no_digits, Rules::default()), no_digits);
            for rules in [Rules::default(), random_rules(&mut g)] {
                let out = normalize(&s, rules);
                let han = s.chars().filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c));
                assert!(is_subsequence(han, &out), "Han lost: {s:?} → {out:?}");
                let kept = s.chars().filter(|&c| !token_char(c));
                assert!(is_subsequence(kept, &out), "text lost: {s:?} → {out:?}");
            }
        }
    }

    #[test]
    fn long_inputs_are_linear() {
        let snippet = "6月6日，英伟达市值突破3万亿美元，涨幅147%，GPT-4o与Zen 5，\
                       10:30开会，3-5个，$2.5亿，-5℃，https://x.com/a1，2024-06-10。";
        let mixed: String = snippet.chars().cycle().take(50_000).collect();
        let hostile = [
            mixed,
            "1".repeat(50_000),
            "1.".repeat(25_000),
            "1-".repeat(25_000),
            "1:".repeat(25_000),
            "a1".repeat(25_000),
            "1,000".repeat(10_000),
            "[1".repeat(25_000),
            "$-".repeat(25_000),
            "2 ".repeat(25_000),
            "A 1".repeat(16_000),
            "1万".repeat(25_000),
        ];
        for s in &hostile {
            let t = std::time::Instant::now();
            let out = normalize(s, Rules::default());
            let head: String = s.chars().take(10).collect();
            assert!(t.elapsed().as_millis() < 1000, "slow on {head:?}…");
            assert!(!out.is_empty());
        }
        // A digit run too long to read is read digit by digit.
        assert_eq!(
            normalize(&hostile[1], Rules::default()),
            "一".repeat(50_000)
        );
    }
}
