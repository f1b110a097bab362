//! `show:` checked at load, with the config's line of each mistake: what
//! the feed says about the show must be what a podcast directory reads.
//! Links are http or https, the language is a BCP 47 tag, categories are
//! Apple's, and no field holds a character XML forbids (nor, in a one-line
//! field, a line break).

use super::{Config, ShowConfig};
use crate::error::Result;
use crate::input::chars;
use crate::input::yaml::{self, span};

/// Apple Podcasts' categories, each with its subcategories (Apple's
/// published list; `podgen feed` writes `Parent > Child` as the two levels
/// of `itunes:category`).
pub const APPLE_CATEGORIES: &[(&str, &[&str])] = &[
    (
        "Arts",
        &[
            "Books",
            "Design",
            "Fashion & Beauty",
            "Food",
            "Performing Arts",
            "Visual Arts",
        ],
    ),
    (
        "Business",
        &[
            "Careers",
            "Entrepreneurship",
            "Investing",
            "Management",
            "Marketing",
            "Non-Profit",
        ],
    ),
    ("Comedy", &["Comedy Interviews", "Improv", "Stand-Up"]),
    (
        "Education",
        &["Courses", "How To", "Language Learning", "Self-Improvement"],
    ),
    ("Fiction", &["Comedy Fiction", "Drama", "Science Fiction"]),
    ("Government", &[]),
    ("History", &[]),
    (
        "Health & Fitness",
        &[
            "Alternative Health",
            "Fitness",
            "Medicine",
            "Mental Health",
            "Nutrition",
            "Sexuality",
        ],
    ),
    (
        "Kids & Family",
        &[
            "Education for Kids",
            "Parenting",
            "Pets & Animals",
            "Stories for Kids",
        ],
    ),
    (
        "Leisure",
        &[
            "Animation & Manga",
            "Automotive",
            "Aviation",
            "Crafts",
            "Games",
            "Hobbies",
            "Home & Garden",
            "Video Games",
        ],
    ),
    (
        "Music",
        &["Music Commentary", "Music History", "Music Interviews"],
    ),
    (
        "News",
        &[
            "Business News",
            "Daily News",
            "Entertainment News",
            "News Commentary",
            "Politics",
            "Sports News",
            "Tech News",
        ],
    ),
    (
        "Religion & Spirituality",
        &[
            "Buddhism",
            "Christianity",
            "Hinduism",
            "Islam",
            "Judaism",
            "Religion",
            "Spirituality",
        ],
    ),
    (
        "Science",
        &[
            "Astronomy",
            "Chemistry",
            "Earth Sciences",
            "Life Sciences",
            "Mathematics",
            "Natural Sciences",
            "Nature",
            "Physics",
            "Social Sciences",
        ],
    ),
    (
        "Society & Culture",
        &[
            "Documentary",
            "Personal Journals",
            "Philosophy",
            "Places & Travel",
            "Relationships",
        ],
    ),
    (
        "Sports",
        &[
            "Baseball",
            "Basketball",
            "Cricket",
            "Fantasy Sports",
            "Football",
            "Golf",
            "Hockey",
            "Rugby",
            "Running",
            "Soccer",
            "Swimming",
            "Tennis",
            "Volleyball",
            "Wilderness",
            "Wrestling",
        ],
    ),
    ("Technology", &[]),
    ("True Crime", &[]),
    (
        "TV & Film",
        &[
            "After Shows",
            "Film History",
            "Film Interviews",
            "Film Reviews",
            "TV Reviews",
        ],
    ),
];

/// Whether `category` (`Technology`, `Society & Culture > Documentary`) is
/// one of Apple's.
pub fn is_apple_category(category: &str) -> bool {
    let mut levels = category.split('>').map(str::trim);
    let (top, sub, more) = (levels.next(), levels.next(), levels.next());
    let Some((_, subs)) = APPLE_CATEGORIES.iter().find(|(t, _)| Some(*t) == top) else {
        return false;
    };
    more.is_none() && sub.is_none_or(|s| subs.contains(&s))
}

/// The first mistake in `show:`, at the line of its key.
pub(super) fn check_show(config: &Config) -> Result<()> {
    let (Some(show), Some(src)) = (&config.file.show, &config.source) else {
        return Ok(());
    };
    let at = |key: &str| yaml::key_span(src, span(show), key).or(span(show));
    let fail = |key: &str, message: String, help: &str| {
        Err(config.error(at(key), format!("show.{message}"), help.into()))
    };
    if let Some((field, problem)) = character_problem(&show.value) {
        // `owner.name` is written under `owner:`.
        let key = field.split('.').next().unwrap_or(field);
        return fail(key, format!("{field} {}", problem.describe()), "remove it");
    }
    let s = &show.value;
    for (key, link) in [("link", &s.link), ("base_url", &s.base_url)] {
        if let Some(l) = link
            && super::backend::url_problem(l.trim()).is_some()
        {
            return fail(
                key,
                format!("{key} {l:?} is not an http or https address"),
                "write the full address, like https://example.com/show",
            );
        }
    }
    if let Some(tag) = &s.language
        && !podgen_text::lang::is_valid_tag(tag)
    {
        return fail(
            "language",
            format!("language {tag:?} is not a BCP 47 language tag"),
            "write a tag like en, en-GB, zh-CN or cmn",
        );
    }
    if let Some(c) = s.categories.iter().find(|c| !is_apple_category(c)) {
        return fail(
            "categories",
            format!("categories: {c:?} is not one of Apple Podcasts' categories"),
            "write one of Apple's, like Technology or \"News > Tech News\" (see Apple's list)",
        );
    }
    Ok(())
}

/// The first field of `show` holding a character it may not, by its key.
fn character_problem(s: &ShowConfig) -> Option<(&'static str, chars::CharProblem)> {
    let owner = s.owner.clone().unwrap_or_default();
    let lines = [
        ("title", &s.title),
        ("author", &s.author),
        ("owner.name", &owner.name),
        ("owner.email", &owner.email),
        ("language", &s.language),
        ("image", &s.image),
        ("link", &s.link),
        ("base_url", &s.base_url),
        ("guid", &s.guid),
        ("copyright", &s.copyright),
    ];
    let one_line = lines
        .into_iter()
        .find_map(|(k, v)| Some((k, chars::line_problem(v.as_deref()?)?)));
    let description = || {
        Some((
            "description",
            chars::text_problem(s.description.as_deref()?)?,
        ))
    };
    let category = || {
        s.categories
            .iter()
            .find_map(|c| Some(("categories", chars::line_problem(c)?)))
    };
    one_line.or_else(description).or_else(category)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_are_apples() {
        assert!(is_apple_category("Technology"));
        assert!(is_apple_category("Society & Culture > Documentary"));
        assert!(is_apple_category("News>Tech News"));
        for bad in [
            "",
            ">",
            "Cooking",
            "Technology > Cooking",
            "Arts > Books > More",
        ] {
            assert!(!is_apple_category(bad), "{bad}");
        }
    }
}
