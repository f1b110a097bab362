//! Scripts (issue.yaml) built in code. Tests that check where an error
//! points (file:line:column) write their YAML as it stands instead.

use serde_json::{Map, Value, json};

use super::{Fields, Spoken};

/// Two short items, in English and Mandarin, in the voice `host`: as YAML
/// as it stands, since a test checks where an error in it points.
pub const TWO_ITEMS: &str = "show: Mock Show\ntitle: Backends\nepisode: backends\nvoice: host\nitems:\n  - title: One\n    text: Hello from the first item.\n  - title: Two\n    language: zh\n    text: 第二条新闻，关于OpenAI的模型。\n";

/// A script: its show, its title, its items, and whatever else a test sets
/// ([`Fields::set`]).
#[derive(Clone, Debug)]
pub struct Script(pub(super) Map<String, Value>);

impl Script {
    /// A script of `show` and `title` without items yet.
    pub fn new(show: impl Into<Value>, title: impl Into<Value>) -> Script {
        Script(Map::new())
            .set("show", show)
            .set("title", title)
            .set("items", json!([]))
    }

    /// The show "S"'s script titled "T" for the episode `id`, without items
    /// yet: for tests to which the names do not matter.
    pub fn named(id: &str) -> Script {
        Script::new("S", "T").episode(id)
    }

    /// The script most tests need: the episode `hostile` of the show
    /// "Hostile", one item ("One") that reads `text`.
    pub fn one_item(text: &str) -> Script {
        Script::new("Hostile", "Hostile input")
            .episode("hostile")
            .item(Item::new("One", text))
    }

    /// A digest of `items` items of two sentences each, in the voice
    /// `host`, its title and episode id `tag`.
    pub fn digest(items: usize, tag: &str) -> Script {
        let item = |i| {
            let text = format!(
                "Item {i} opens with a first sentence. Then item {i} closes with a second one."
            );
            Item::new(format!("Item {i}"), text)
        };
        Script::new("Resilience", tag)
            .episode(tag)
            .voice("host")
            .items((1..=items).map(item))
    }

    /// `episode:`, the episode's id.
    pub fn episode(self, id: &str) -> Self {
        self.set("episode", id)
    }

    /// `intro:`: its text, sting and title (`{"text": …, "sting": …}`).
    pub fn intro(self, intro: Value) -> Self {
        self.set("intro", intro)
    }

    /// `outro:`, as [`intro`](Script::intro).
    pub fn outro(self, outro: Value) -> Self {
        self.set("outro", outro)
    }

    /// One more item.
    pub fn item(mut self, item: Item) -> Self {
        if let Some(Value::Array(items)) = self.0.get_mut("items") {
            items.push(Value::Object(item.0));
        }
        self
    }

    /// More items.
    pub fn items(self, items: impl IntoIterator<Item = Item>) -> Self {
        items.into_iter().fold(self, Script::item)
    }

    /// Item `n` (from 1) changed by `edit`.
    pub fn edit_item(mut self, n: usize, edit: impl FnOnce(Item) -> Item) -> Self {
        if let Some(Value::Array(items)) = self.0.get_mut("items")
            && let Some(Value::Object(item)) = items.get_mut(n - 1)
        {
            *item = edit(Item(std::mem::take(item))).0;
        }
        self
    }
}

/// One item of a script: its title, and its `text:` or dialogue `lines:`.
#[derive(Clone, Debug)]
pub struct Item(pub(super) Map<String, Value>);

impl Item {
    /// An item that reads `text`.
    pub fn new(title: impl Into<Value>, text: impl Into<Value>) -> Item {
        Item(Map::new()).set("title", title).set("text", text)
    }

    /// A dialogue: `lines` (see [`line`]).
    pub fn dialogue(title: impl Into<Value>, lines: impl IntoIterator<Item = Value>) -> Item {
        let lines: Vec<Value> = lines.into_iter().collect();
        Item(Map::new()).set("title", title).set("lines", lines)
    }

    /// `links:`.
    pub fn links(self, links: &[&str]) -> Self {
        self.set("links", links.to_vec())
    }
}

/// A dialogue line: `text` in `voice`.
pub fn line(voice: &str, text: impl Into<Value>) -> Value {
    json!({"voice": voice, "text": text.into()})
}
