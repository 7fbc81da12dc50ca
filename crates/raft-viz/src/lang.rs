//! The two languages of the tour and the interface: English and Chinese (the source
//! article's).
//!
//! English is compiled in: every text in the code is written in English, and the
//! English text is also the key of its translation. The Chinese lives in a catalogue,
//! `www/zh.txt`, which the page fetches only when a reader picks Chinese: it was a
//! third of the module's text, downloaded by every English reader for nothing (the
//! page-weight budget). [`Lang::tr`] looks a text up; until a catalogue is installed,
//! or for a text it lacks, the English shows.
//!
//! One text is not compiled in: the English of the tour's chapter beyond the article,
//! the appendix (`www/beyond.txt`, keyed by scene and waypoint), which the page fetches
//! the first time a reader opens one of its scenes ([`Book::Appendix`]).
//!
//! A catalogue's format is plain lines, so that translators can edit it: `#` starts a
//! comment line, blank lines separate entries, and an entry is two lines, the key (for
//! the Chinese, the English exactly as the code writes it, placeholders `{0}`, `{1}`, …
//! included) and then its text.

use std::sync::OnceLock;

/// A display language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// Parses `en` or `zh` (also `zh-CN`, `cn`), case-insensitively.
    pub fn parse(s: &str) -> Option<Lang> {
        match s.to_ascii_lowercase().as_str() {
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            "zh" | "zh-cn" | "zh-hans" | "cn" => Some(Lang::Zh),
            _ => None,
        }
    }

    /// The BCP 47 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The text `en` in this language: itself in English, its entry in the installed
    /// Chinese catalogue otherwise (`en` itself while none is installed or it has no
    /// entry, so a missing translation shows as English rather than as nothing).
    pub fn tr(self, en: &str) -> &str {
        match self {
            Lang::En => en,
            Lang::Zh => Book::Chinese.get(en).unwrap_or(en),
        }
    }

    /// Picks between two spellings written side by side: only for punctuation whose
    /// Chinese depends on where it stands (`、` between names, `，` between clauses),
    /// where a catalogue key could not tell the two apart. Words go through [`tr`].
    ///
    /// [`tr`]: Lang::tr
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

/// A catalogue the page fetches from beside itself when it first needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Book {
    /// `zh.txt`: the Chinese of every text, keyed by its English; fetched when a reader
    /// picks Chinese.
    Chinese,
    /// `beyond.txt`: the English of the tour's chapter beyond the article, keyed by
    /// scene and waypoint (see `raft_sim::scene::Text`); fetched when a reader first
    /// opens one of its scenes. Its Chinese is in `zh.txt`, like every other text's.
    Appendix,
    /// `figure2.txt`: the paper's Figure 2 in our words, line by line, keyed by each
    /// line's place and the rules it states; fetched when a reader first opens it in
    /// the rule panel. Its Chinese is in `zh.txt`.
    Figure2,
}

/// The installed catalogues, each set once by [`Book::install`].
static CHINESE: OnceLock<Catalogue> = OnceLock::new();
static APPENDIX: OnceLock<Catalogue> = OnceLock::new();
static FIGURE_2: OnceLock<Catalogue> = OnceLock::new();

impl Book {
    /// Its file name, relative to the page (trunk copies `www/` there).
    pub fn file(self) -> &'static str {
        match self {
            Book::Chinese => "zh.txt",
            Book::Appendix => "beyond.txt",
            Book::Figure2 => "figure2.txt",
        }
    }

    fn cell(self) -> &'static OnceLock<Catalogue> {
        match self {
            Book::Chinese => &CHINESE,
            Book::Appendix => &APPENDIX,
            Book::Figure2 => &FIGURE_2,
        }
    }

    /// Whether it is installed.
    pub fn installed(self) -> bool {
        self.cell().get().is_some()
    }

    /// Its entry for `key`, once it is installed.
    pub fn get(self, key: &str) -> Option<&'static str> {
        self.cell().get().and_then(|c| c.get(key))
    }

    /// Every entry, `(key, text)` in key order (none until it is installed).
    pub fn entries(self) -> impl Iterator<Item = (&'static str, &'static str)> {
        self.cell().get().into_iter().flat_map(Catalogue::iter)
    }

    /// Installs it from its text (the contents of its file) and returns how many
    /// entries it has. A second call keeps the first catalogue.
    pub fn install(self, text: String) -> Result<usize, CatalogueError> {
        let catalogue = Catalogue::parse(text)?;
        let n = catalogue.len();
        let _ = self.cell().set(catalogue);
        Ok(n)
    }
}

/// Installs every catalogue of this source tree, compiled in: for tests and tools,
/// which have no page to fetch them from. (The page does not call it, so its module
/// does not carry their text.)
pub fn install_bundled() {
    let books = [
        (Book::Chinese, include_str!("../../../www/zh.txt")),
        (Book::Appendix, raft_sim::scene::APPENDIX),
        (Book::Figure2, include_str!("../../../www/figure2.txt")),
    ];
    for (book, text) in books.into_iter().filter(|(b, _)| !b.installed()) {
        if let Err(e) = book.install(String::from(text)) {
            panic!("www/{}: {e}", book.file());
        }
    }
}

/// Texts keyed by their English, looked up by binary search.
#[derive(Debug)]
pub struct Catalogue {
    text: String,
    /// Per entry, byte offsets into `text`: the key's start, the key's end (the
    /// translation starts after its newline) and the translation's end. Sorted by key.
    entries: Vec<[u32; 3]>,
}

/// Why a catalogue's text was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogueError {
    /// The English line at this (1-based) line number has no translation line after it.
    Unpaired(usize),
    /// The same English twice (at this line).
    Duplicate(usize),
    /// Over 4 GiB.
    TooLarge,
}

impl CatalogueError {
    /// What is wrong, and where, in English.
    pub fn describe(&self) -> String {
        let (line, what) = match self {
            CatalogueError::Unpaired(line) => (*line, ": an English text without its translation"),
            CatalogueError::Duplicate(line) => (*line, ": the same English text twice"),
            CatalogueError::TooLarge => return String::from("the catalogue is too large"),
        };
        let mut out = String::from("line ");
        crate::num::push_u64(&mut out, line as u64);
        out.push_str(what);
        out
    }
}

impl core::fmt::Display for CatalogueError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Catalogue {
    /// Reads the catalogue format described in the module documentation.
    pub fn parse(text: String) -> Result<Catalogue, CatalogueError> {
        if u32::try_from(text.len()).is_err() {
            return Err(CatalogueError::TooLarge);
        }
        let mut entries: Vec<[u32; 3]> = Vec::new();
        let mut lines = Vec::new(); // (line number, start, end) of an entry's lines
        let mut start = 0;
        for (i, line) in text.split('\n').enumerate() {
            let end = start + line.len();
            let content = line.trim_end_matches('\r');
            if content.is_empty() || content.starts_with('#') {
                if let [(n, _, _)] = lines[..] {
                    return Err(CatalogueError::Unpaired(n));
                }
                lines.clear();
            } else {
                lines.push((i + 1, start, start + content.len()));
                if let [(_, ks, ke), (n, _, ve)] = lines[..] {
                    // Kept sorted as it is built: an insertion by binary search is
                    // plenty for a few hundred entries.
                    let key = text.get(ks..ke).unwrap_or_default();
                    let at = entries.binary_search_by(|e| key_of(&text, e).cmp(key));
                    match at {
                        Ok(_) => return Err(CatalogueError::Duplicate(n - 1)),
                        Err(at) => entries.insert(at, [ks, ke, ve].map(|o| o as u32)),
                    }
                    lines.clear();
                }
            }
            start = end + 1;
        }
        if let [(n, _, _)] = lines[..] {
            return Err(CatalogueError::Unpaired(n));
        }
        Ok(Catalogue { text, entries })
    }

    /// The translation of `en`, if the catalogue has it.
    pub fn get(&self, en: &str) -> Option<&str> {
        let text = &self.text;
        let i = self
            .entries
            .binary_search_by(|e| key_of(text, e).cmp(en))
            .ok()?;
        Some(self.entry(self.entries[i]).1)
    }

    /// Every `(key, text)`, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|&e| self.entry(e))
    }

    /// An entry's key and text.
    fn entry(&self, e: [u32; 3]) -> (&str, &str) {
        let text = &self.text;
        let [_, key_end, end] = e;
        // The translation is the line after the key's; skip the newline (and a '\r').
        let from = text
            .get(key_end as usize..end as usize)
            .unwrap_or_default()
            .find('\n')
            .map_or(end as usize, |k| key_end as usize + k + 1);
        (
            key_of(text, &e),
            text.get(from..end as usize).unwrap_or_default(),
        )
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every English key, in sorted order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| key_of(&self.text, e))
    }
}

/// An entry's key (the offsets are char boundaries by construction).
fn key_of<'a>(text: &'a str, entry: &[u32; 3]) -> &'a str {
    text.get(entry[0] as usize..entry[1] as usize)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_catalogue_maps_each_english_line_to_the_line_after_it() {
        let c = Catalogue::parse(String::from(
            "# comment\n\n{0} crashed\n{0} 崩溃了\n\nPlay\r\n播放\r\n",
        ))
        .expect("parses");
        assert_eq!(c.len(), 2);
        assert_eq!(c.get("{0} crashed"), Some("{0} 崩溃了"));
        assert_eq!(c.get("Play"), Some("播放"));
        assert_eq!(c.get("Pause"), None);
        assert_eq!(c.keys().collect::<Vec<_>>(), ["Play", "{0} crashed"]);
    }

    #[test]
    fn a_broken_catalogue_is_refused_with_the_line_to_fix() {
        assert_eq!(
            Catalogue::parse(String::from("a\n甲\n\nb\n\nc\n丙\n")).err(),
            Some(CatalogueError::Unpaired(4))
        );
        assert_eq!(
            Catalogue::parse(String::from("a\n甲\n\na\n乙\n")).err(),
            Some(CatalogueError::Duplicate(4))
        );
    }

    #[test]
    fn without_a_catalogue_entry_the_english_shows() {
        assert_eq!(Lang::En.tr("Play"), "Play");
        assert_eq!(
            Lang::Zh.tr("no such text in any catalogue"),
            "no such text in any catalogue"
        );
    }
}
