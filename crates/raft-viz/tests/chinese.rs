//! Every sentence of the feed and every line of the inspector has its Chinese in
//! `www/zh.txt`: a reader who picks Chinese (the source article's language) never gets
//! an English text in its place. The code writes only English and looks each text up
//! (`Lang::tr`), so a missing entry would show as English: these runs look for that.

use std::collections::BTreeSet;
use std::time::Duration;

use raft_sim::history::History;
use raft_sim::network::NetworkSettings;
use raft_sim::raft_core::{Config, NodeId};
use raft_sim::{Action, Op, Setup, World};
use raft_viz::inspect::{message_lines, node_lines};
use raft_viz::lang::{Catalogue, Lang, install_bundled};
use raft_viz::narrate::narrate_recent;

/// The English words the Chinese text itself keeps (Raft's terms of art, as the
/// article writes them: Leader, term, AppendEntries, ...): those of the catalogue's
/// Chinese side, and the client's operations, which are commands as typed (`set 5`).
fn kept_words() -> BTreeSet<String> {
    let text = include_str!("../../../www/zh.txt");
    let catalogue = Catalogue::parse(String::from(text)).expect("www/zh.txt parses");
    let mut kept = BTreeSet::from([String::from("set"), String::from("add")]);
    for key in catalogue.keys() {
        kept.extend(words(catalogue.get(key).unwrap_or_default()));
    }
    kept
}

/// The runs of two or more ASCII letters in `s` (node names are single letters).
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2)
        .map(String::from)
        .collect()
}

/// A busy, seeded run: elections, client writes, crashes and restarts, a partition
/// and its healing, dropped and lost messages, forced timeouts; with pre-vote or not.
fn busy_world(seed: u64) -> (World, History) {
    let mut world = World::new(&Setup {
        seed,
        nodes: 5,
        raft: Config {
            pre_vote: seed.is_multiple_of(2),
            ..Config::default()
        },
        network: NetworkSettings {
            loss_ppm: 50_000,
            ..NetworkSettings::default()
        },
        ..Setup::default()
    })
    .expect("valid setup");
    world.set_recording(true);
    let ids: Vec<NodeId> = world.ids().to_vec();
    let mut history = History::new(1_000_000);
    for round in 0..40u64 {
        world.advance(Duration::from_millis(97 + 13 * (seed % 7)));
        let pick = ids[(round + seed) as usize % ids.len()];
        let action = match round % 10 {
            0 | 5 => Action::ClientRequest {
                op: if round % 4 == 0 {
                    Op::Set(round as i64)
                } else {
                    Op::Add(-1)
                },
                to: None,
            },
            1 => Action::Crash(world.leader().unwrap_or(pick)),
            2 => Action::Restart(pick),
            3 => Action::TimeoutNow(pick),
            4 => Action::Partition(vec![ids[..2].to_vec(), ids[2..].to_vec()]),
            6 => Action::Heal,
            7 => match world.flights().next() {
                Some(f) => Action::DropMessage(f.id),
                None => Action::Heal,
            },
            _ => Action::Restart(pick),
        };
        // Some actions do not apply (a restart of a running node): that is fine here.
        let _ = world.apply(&action);
        for item in world.take_records() {
            history.push(item);
        }
    }
    (world, history)
}

#[test]
fn a_chinese_reader_sees_no_english_text_in_the_feed_or_the_inspector() {
    install_bundled();
    let kept = kept_words();
    let mut untranslated = BTreeSet::new();
    let mut lines = 0;
    let mut check = |en: &str, zh: &str| {
        lines += 1;
        let stray: Vec<String> = words(zh)
            .into_iter()
            .filter(|w| !kept.contains(w))
            .collect();
        if !stray.is_empty() {
            untranslated.insert(format!("{en:?} -> {zh:?} (English: {stray:?})"));
        }
    };
    for seed in 0..12 {
        let (world, history) = busy_world(seed);
        let now = world.now();
        let en = narrate_recent(&history, &world, Lang::En, now, usize::MAX);
        let zh = narrate_recent(&history, &world, Lang::Zh, now, usize::MAX);
        assert_eq!(
            en.len(),
            zh.len(),
            "the same events are told in both languages"
        );
        assert!(
            en.len() > 20,
            "seed {seed}: a busy run tells a lot ({})",
            en.len()
        );
        for ((_, e), (_, z)) in en.iter().zip(&zh) {
            check(e, z);
        }
        for &id in world.ids() {
            let (e, z) = (
                node_lines(&world, id, Lang::En),
                node_lines(&world, id, Lang::Zh),
            );
            for (e, z) in e.iter().zip(&z) {
                check(e, z);
            }
        }
        for f in world.flights() {
            let (e, z) = (
                message_lines(&world, f.id, Lang::En),
                message_lines(&world, f.id, Lang::Zh),
            );
            for (e, z) in e.iter().zip(&z) {
                check(e, z);
            }
        }
    }
    assert!(lines > 1_000, "enough text was looked at ({lines} lines)");
    assert!(
        untranslated.is_empty(),
        "{} texts show English in Chinese; add them to www/zh.txt:\n{}",
        untranslated.len(),
        untranslated.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn every_protocol_text_has_its_chinese() {
    // The protocol's labels and hints are looked up from tables (`src/protocol.rs`),
    // which the scan of `tr` calls below does not see: checked here, for every one of
    // the 1,024 mixes of switches, with and without a snapshot threshold.
    use raft_sim::{Protocol, Switch};
    use raft_viz::protocol::{preset_hint, preset_label, switch_label, switches_text};
    install_bundled();
    let kept = kept_words();
    let mut texts = BTreeSet::new();
    for bits in 0..1u32 << Switch::ALL.len() {
        for every in [0, 8, 20] {
            let mut p = Protocol::default().with_snapshot_every(every);
            for (i, s) in Switch::ALL.into_iter().enumerate() {
                p.set(s, bits & 1 << i != 0);
            }
            for f in [preset_label, preset_hint] {
                texts.insert((f(&p, Lang::En).to_string(), f(&p, Lang::Zh).to_string()));
            }
            texts.insert((switches_text(&p, Lang::En), switches_text(&p, Lang::Zh)));
        }
    }
    for s in Switch::ALL {
        let (en, zh) = (switch_label(s, Lang::En), switch_label(s, Lang::Zh));
        texts.insert((en.to_string(), zh.to_string()));
    }
    assert!(texts.len() > 100, "{} texts", texts.len());
    for (en, zh) in &texts {
        let stray: Vec<String> = words(zh)
            .into_iter()
            .filter(|w| !kept.contains(w))
            .collect();
        assert!(en != zh && stray.is_empty(), "{en:?} -> {zh:?} ({stray:?})");
    }
}

#[test]
fn the_catalogue_parses_and_has_every_interface_text() {
    let text = include_str!("../../../www/zh.txt");
    let catalogue = Catalogue::parse(String::from(text)).expect("www/zh.txt parses");
    assert!(catalogue.len() > 150, "{} entries", catalogue.len());
    for key in catalogue.keys() {
        let zh = catalogue.get(key).unwrap_or_default();
        assert!(
            !zh.is_empty() && zh != key,
            "{key:?} has a translation: {zh:?}"
        );
        for p in ["{0}", "{1}", "{2}", "{3}"] {
            assert_eq!(
                key.contains(p),
                zh.contains(p),
                "{key:?} and {zh:?} have the same placeholders"
            );
        }
    }
}

#[test]
fn every_tour_title_and_caption_has_its_chinese() {
    // DESIGN.md: each scene has captions in Chinese, the article's language, and English.
    // The chapters are headed in Chinese by the article's own section titles (one of
    // which, "timeout", is all Latin letters); scene titles, captions and tasks all have
    // an entry in Chinese, with the same placeholders as the English.
    install_bundled(); // the appendix's English
    let text = include_str!("../../../www/zh.txt");
    let catalogue = Catalogue::parse(String::from(text)).expect("www/zh.txt parses");
    let is_chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let placeholders = |s: &str| -> BTreeSet<String> {
        (0..10)
            .map(|i| format!("{{{i}}}"))
            .filter(|p| s.contains(p.as_str()))
            .collect()
    };
    use raft_sim::scene::Chapter;
    let headings = [
        (Chapter::Consensus, "什么是分布式一致性"),
        (Chapter::LeaderElection, "Leader选举"),
        (Chapter::LogReplication, "日志复制流程"),
        (Chapter::Term, "term选举周期"),
        (Chapter::Timeout, "timeout"),
        (Chapter::ElectionTimeout, "选举和选举timeout"),
        (Chapter::SplitVote, "选举分裂"),
        (Chapter::Heartbeat, "日志复制和心跳timeout"),
        (Chapter::Beyond, "原文之外"),
    ];
    assert_eq!(headings.map(|(c, _)| c), Chapter::ALL);
    for (c, zh) in headings {
        assert_eq!(catalogue.get(c.title_en()), Some(zh), "{c:?}'s heading");
    }
    let mut texts: Vec<(String, &str)> = Vec::new();
    for s in raft_sim::scene::all() {
        texts.push((format!("{} title", s.id), s.title_en));
        for w in &s.waypoints {
            texts.push((
                format!("{}/{}", s.id, w.id),
                raft_viz::tour::english(s.id, w.id, w.en),
            ));
        }
        if let Some(t) = s.task {
            texts.push((
                format!("{} task", s.id),
                raft_viz::tour::english(s.id, "task", t.en),
            ));
        }
    }
    for (what, en) in &texts {
        let zh = catalogue.get(en);
        assert!(zh.is_some_and(is_chinese), "{what}: {en:?} has no Chinese");
        assert_eq!(
            placeholders(en),
            placeholders(zh.unwrap_or_default()),
            "{what}: {en:?} and {zh:?} have the same placeholders"
        );
    }
    assert!(
        texts.len() > 120,
        "{} titles, captions and tasks",
        texts.len()
    );
    let tasks = raft_sim::scene::all()
        .iter()
        .filter(|s| s.task.is_some())
        .count();
    assert!(tasks >= 4, "{tasks} scenes end with a task");
}

/// The string literals in `code`, unescaped, in order (plain `"..."` literals: the
/// interface's texts use no raw strings).
fn literals(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut s = String::new();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => s.push('\n'),
                    Some('u') => {
                        let hex: String =
                            chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                        s.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                    }
                    Some(e) => s.push(e),
                    None => {}
                },
                c => s.push(c),
            }
        }
        out.push(s);
    }
    out
}

/// The text from `open` (which ends with an opening bracket) to its closing bracket.
fn bracketed<'a>(code: &'a str, open: &str) -> Vec<&'a str> {
    let mut regions = Vec::new();
    for (at, _) in code.match_indices(open) {
        let start = at + open.len();
        let mut depth = 1;
        let mut in_str = false;
        let mut escaped = false;
        for (i, c) in code[start..].char_indices() {
            match (in_str, c) {
                (true, _) if escaped => escaped = false,
                (true, '\\') => escaped = true,
                (true, '"') => in_str = false,
                (true, _) => {}
                (false, '"') => in_str = true,
                (false, '(' | '[' | '{') => depth += 1,
                (false, ')' | ']' | '}') => {
                    depth -= 1;
                    if depth == 0 {
                        regions.push(&code[start..start + i]);
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    regions
}

#[test]
fn every_text_the_code_translates_has_an_entry_in_the_catalogue() {
    let text = include_str!("../../../www/zh.txt");
    let catalogue = Catalogue::parse(String::from(text)).expect("www/zh.txt parses");
    let sources = [
        include_str!("../src/app/mod.rs"),
        include_str!("../src/app/tour_moves.rs"),
        include_str!("../src/app/checks.rs"),
        include_str!("../src/command.rs"),
        include_str!("../src/inspect.rs"),
        include_str!("../src/narrate/mod.rs"),
        include_str!("../src/options.rs"),
        include_str!("../src/protocol.rs"),
        include_str!("../src/web/mod.rs"),
        include_str!("../src/web/figures.rs"),
        include_str!("../src/web/figure.rs"),
        include_str!("../src/web/page.rs"),
        include_str!("../src/web/dispatch.rs"),
        include_str!("../src/web/links.rs"),
        include_str!("../src/web/notices.rs"),
        include_str!("../src/why.rs"),
        include_str!("../src/web/controls.rs"),
        include_str!("../src/web/protocol_panel.rs"),
        include_str!("../src/web/labels.rs"),
        include_str!("../src/share/mod.rs"),
        include_str!("../src/share/actions.rs"),
        include_str!("../src/web/rule_panel.rs"),
        include_str!("../src/web/diagram.rs"),
        include_str!("../src/web/takeaway.rs"),
        include_str!("../src/app/diagram_view.rs"),
    ];
    let mut texts = Vec::new();
    for code in sources {
        // The code before its unit tests.
        let code = code.split("#[cfg(test)]").next().unwrap_or_default();
        // `lang.tr(...)`, the page's `self.say(...)` and the takeaway module's `told(...)`:
        // every literal inside.
        for open in [".tr(", ".say(", "told("] {
            for region in bracketed(code, open) {
                texts.extend(literals(region));
            }
        }
        // `say!(lang, "template", args...)`: the template.
        for region in bracketed(code, "say!(") {
            texts.extend(literals(region).into_iter().take(1));
        }
        // The table of `(option, Key, notice)`, whatever its length: every second
        // literal.
        if let Some(table) = code
            .find("const OPTIONS: [(&str, Key, &str);")
            .map(|at| &code[at..])
        {
            for region in bracketed(table, "] = [").into_iter().take(1) {
                texts.extend(literals(region).into_iter().skip(1).step_by(2));
            }
        }
        // Templates chosen by a match before they are looked up.
        for region in bracketed(code, "let template = match reason {")
            .into_iter()
            .chain(bracketed(
                code,
                "let (template, args): (&str, [Arg<'_>; 3]) = match *self {",
            ))
        {
            texts.extend(literals(region));
        }
    }
    texts.extend(raft_sim::Property::ALL.iter().map(|p| p.name().to_string()));
    let labels = html_labels(include_str!("../../../index.html"));
    assert!(
        labels.len() > 40,
        "found {} labels in index.html",
        labels.len()
    );
    texts.extend(labels);
    // Texts with words; the client's commands `set` and `add` are the same in both.
    texts.retain(|t| t.chars().any(|c| c.is_ascii_alphabetic()) && t != "set" && t != "add");
    assert!(texts.len() > 200, "found {} texts in the code", texts.len());
    let missing: Vec<&String> = texts
        .iter()
        .filter(|t| catalogue.get(t).is_none())
        .collect();
    assert!(missing.is_empty(), "not in www/zh.txt: {missing:#?}");
}

/// The English labels of `index.html` that the page translates: the text of each
/// element marked `data-l`, the `aria-label` (or `title`) of each marked `data-lt`.
fn html_labels(html: &str) -> Vec<String> {
    let attr = |tag: &str, name: &str| {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        tag[at..].split('"').next().map(String::from)
    };
    let mut labels = Vec::new();
    for piece in html.split('<').skip(1) {
        let Some((tag, after)) = piece.split_once('>') else {
            continue;
        };
        let words: Vec<&str> = tag.split_whitespace().collect();
        if words.contains(&"data-l") {
            // The page reads the text as the browser shows it: entities decoded.
            let text = after
                .trim()
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            labels.push(text);
        }
        if words.contains(&"data-lt") {
            labels.extend(attr(tag, "aria-label").or_else(|| attr(tag, "title")));
        }
    }
    labels
}

#[test]
fn every_line_of_figure_2_has_its_chinese_and_names_only_rules_that_exist() {
    let zh = Catalogue::parse(String::from(include_str!("../../../www/zh.txt"))).expect("zh");
    let figure = Catalogue::parse(String::from(include_str!("../../../www/figure2.txt")))
        .expect("www/figure2.txt parses");
    let known: Vec<&str> = raft_sim::raft_core::Rule::ALL
        .iter()
        .map(|&r| raft_viz::why::rule_id(r))
        .collect();
    let mut marked = Vec::new();
    for (key, english) in figure.iter() {
        assert!(
            zh.get(english).is_some(),
            "no Chinese for Figure 2's {english:?}"
        );
        let mut words = key.split(' ');
        assert!(
            words
                .next()
                .is_some_and(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_digit())),
            "{key:?} starts with its two-digit place"
        );
        for rule in words.filter(|w| *w != "h") {
            assert!(known.contains(&rule), "{rule:?} in {key:?} is no rule's id");
            marked.push(rule);
        }
    }
    // Every rule of Figure 2's boxes has its line to mark.
    for r in raft_sim::raft_core::Rule::ALL {
        if r.figure_2().is_some() {
            assert!(
                marked.contains(&raft_viz::why::rule_id(r)),
                "{r:?} has no line"
            );
        }
    }
    assert_eq!(figure.len(), 29, "four boxes' headings and lines");
}
