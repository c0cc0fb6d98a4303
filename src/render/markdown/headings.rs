//! Heading levels shifted and every heading given a unique id.

use std::collections::{HashMap, HashSet, VecDeque};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::pieces::{Definitions, parse};

/// The `{#id}`s written on the page's headings: generated ids go around
/// them, wherever they stand. Only a page with a `{` can have one.
pub(super) fn explicit_ids(source: &str, definitions: &Definitions) -> HashSet<String> {
    if !source.contains('{') {
        return HashSet::new();
    }
    parse(source, definitions)
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect()
}

/// Unique heading ids on one page: the slug of a heading's text, then
/// `-1`, `-2`, ... Each base remembers the next suffix to try, so 20,000
/// headings with one text cost 20,000 tries, not 200 million.
pub(super) struct HeadingIds {
    used: HashSet<String>,
    next: HashMap<String, usize>,
    /// Candidates tried so far (the work done, for tests).
    pub(super) tries: usize,
}

impl HeadingIds {
    pub(super) fn new(explicit: HashSet<String>) -> HeadingIds {
        HeadingIds {
            used: explicit,
            next: HashMap::new(),
            tries: 0,
        }
    }

    pub(super) fn assign(&mut self, text: &str) -> String {
        let base = match slug::slugify(text) {
            s if s.is_empty() => "section".to_string(),
            s => s,
        };
        self.tries += 1;
        let mut id = base.clone();
        if self.used.contains(&id) {
            let n = self.next.entry(base.clone()).or_insert(1);
            loop {
                id = format!("{base}-{n}");
                *n += 1;
                self.tries += 1;
                if !self.used.contains(&id) {
                    break;
                }
            }
        }
        self.used.insert(id.clone());
        id
    }
}

/// Shifts heading levels and gives every heading without an explicit
/// `{#id}` one made from its text, holding back one heading's events.
pub(super) struct Headings<'a, I> {
    pub(super) events: I,
    pub(super) shift: usize,
    pub(super) ids: HeadingIds,
    pub(super) held: VecDeque<Event<'a>>,
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Headings<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.held.pop_front() {
            return Some(event);
        }
        let shift = self.shift;
        let deeper = |level: HeadingLevel| {
            HeadingLevel::try_from((level as usize + shift).min(6)).unwrap_or(HeadingLevel::H6)
        };
        match self.events.next()? {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let level = deeper(level);
                let id = match id {
                    Some(id) => id,
                    None => {
                        // Hold the heading's events to read its text.
                        let mut text = String::new();
                        for event in self.events.by_ref() {
                            match &event {
                                Event::Text(t) | Event::Code(t) => text.push_str(t),
                                Event::End(TagEnd::Heading(_)) => {
                                    self.held.push_back(event);
                                    break;
                                }
                                _ => {}
                            }
                            self.held.push_back(event);
                        }
                        if let Some(Event::End(TagEnd::Heading(l))) = self.held.back_mut() {
                            *l = level;
                        }
                        CowStr::from(self.ids.assign(&text))
                    }
                };
                Some(Event::Start(Tag::Heading {
                    level,
                    id: Some(id),
                    classes,
                    attrs,
                }))
            }
            Event::End(TagEnd::Heading(level)) => Some(Event::End(TagEnd::Heading(deeper(level)))),
            event => Some(event),
        }
    }
}
