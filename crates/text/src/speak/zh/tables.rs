//! The Mandarin tables: data only. Each list is checked below for what its
//! readers rely on (no duplicates, longer keys before their prefixes).

/// The digits' names.
pub(super) const DIGIT: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// Han magnitudes that may follow written digits (3万亿, 8000万).
pub(super) const MAGS: [char; 5] = ['十', '百', '千', '万', '亿'];

/// "More than" markers between a number and its magnitude (100多万).
pub(super) const APPROX: [char; 3] = ['多', '余', '来'];

/// Currency words written after a number.
pub(super) const MONEY: &[&str] = &[
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

/// Classifiers and measure words: a number before one is a count, so 2 is 两.
/// Left out on purpose: 月 (二月), 号, 级, 期, 型, 楼, 季度 (二期, 二型, 二楼).
#[rustfmt::skip]
pub(super) const CLASSIFIERS: &[&str] = &[
    "个", "位", "种", "家", "款", "次", "名", "只", "条", "件", "本", "天", "周", "小时", "分钟",
    "秒", "岁", "人", "台", "部", "篇", "项", "张", "辆", "架", "艘", "颗", "座", "所", "场", "支",
    "套", "份", "批", "层", "届", "轮", "倍", "点", "成", "类", "对", "双", "组", "步", "章", "节",
    "页", "段", "句", "集", "枚", "根", "块", "片", "粒", "头", "匹", "笔", "单", "遍", "趟", "回",
    "代", "任", "国", "方", "米", "公里", "公斤", "斤", "吨", "克", "升", "分", "晚", "夜", "星期",
    "英里", "英尺", "亩", "户", "栋", "间", "道", "首",
];

/// Words that begin with a classifier but are not one (Zen 5架构, 2成本).
#[rustfmt::skip]
pub(super) const NOT_MEASURE: &[&str] = &[
    "架构", "成本", "成为", "成功", "成果", "成员", "点击", "点赞", "条件", "本身", "本地", "家庭",
    "家族", "国家", "国内", "国际", "方面", "方法", "方式", "方案", "方向", "分析", "分别", "分布",
    "分享", "代码", "代表", "代理", "任务", "任何", "单位", "单独", "根据", "首先", "人工", "人类",
    "人员", "人才", "天气", "周期", "周边", "对比", "对于", "对话", "场景", "组织", "组件", "部署",
    "部门", "所有", "所以", "支持", "集团", "集成", "回应", "回复", "道路", "段落", "页面", "头部",
    "类型", "双方", "层面", "步骤", "种类", "位置", "间隔", "户外", "套餐", "份额", "次数", "米饭",
];

/// Words that make a long digit run a quantity, not a code (约12345).
pub(super) const QUANTITY_BEFORE: [char; 15] = [
    '约', '共', '达', '超', '近', '逾', '仅', '增', '涨', '跌', '降', '减', '至', '计', '过',
];

/// Words before a colon that make it a score, not a time (比分3:10).
pub(super) const SCORE_BEFORE: [&str; 5] = ["比分", "比例", "比率", "击败", "战胜"];

/// Units written after a number, with their reading; longest first, so
/// that 20°C is not read as 20° and a stray C.
pub(super) const UNITS: &[(&str, &str)] = &[
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

/// The first characters of the units above: most numbers have no unit,
/// and this rejects them at the first character.
pub(super) const UNIT_FIRST: &str = "TPkGHMmcnμK°℃℉WVLhf";

/// Currency signs written before a number, and the word said after it.
pub(super) const SIGNS: [(&str, &str); 7] = [
    ("US$", "美元"),
    ("HK$", "港元"),
    ("$", "美元"),
    ("¥", "元"),
    ("￥", "元"),
    ("€", "欧元"),
    ("£", "英镑"),
];

/// English magnitudes after an amount of money ($5M, $2.5 billion), with
/// their power of ten.
pub(super) const ENG_SCALE: [(&str, usize); 10] = [
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

/// Signs between the two ends of a range (3-5, 3～5).
pub(super) const RANGE_SEPS: [char; 6] = ['-', '–', '~', '～', '〜', '－'];

/// Minus signs before a number (-5, −5, －5).
pub(super) const MINUS: [char; 3] = ['-', '−', '－'];

#[cfg(test)]
mod tests {
    use super::*;

    /// No key twice, and none after a shorter key it starts with, which
    /// would be found first and make it unreachable.
    fn assert_prefixes_come_later(what: &str, keys: &[&str]) {
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b, "{what}: {a:?} twice");
                assert!(!b.starts_with(a), "{what}: {b:?} comes after {a:?}");
            }
        }
    }

    #[test]
    fn longest_key_first_and_no_key_twice() {
        let units: Vec<&str> = UNITS.iter().map(|u| u.0).collect();
        assert_prefixes_come_later("UNITS", &units);
        let lengths: Vec<usize> = units.iter().map(|u| u.chars().count()).collect();
        assert!(lengths.is_sorted_by(|a, b| a >= b), "UNITS: longest first");
        assert_prefixes_come_later("SIGNS", &SIGNS.map(|s| s.0));
        assert_prefixes_come_later("ENG_SCALE", &ENG_SCALE.map(|s| s.0));
        assert_prefixes_come_later("MONEY", MONEY);
        assert_prefixes_come_later("SCORE_BEFORE", &SCORE_BEFORE);
        for list in [CLASSIFIERS, NOT_MEASURE] {
            let mut seen = std::collections::BTreeSet::new();
            assert!(list.iter().all(|w| seen.insert(w)), "{list:?}");
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
    fn every_word_that_is_no_measure_starts_with_a_classifier() {
        for w in NOT_MEASURE {
            assert!(CLASSIFIERS.iter().any(|c| w.starts_with(c)), "{w}");
            assert!(!CLASSIFIERS.contains(w), "{w}");
        }
    }
}
