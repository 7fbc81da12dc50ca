//! How the page names a [`Protocol`]: its preset and switches in the reader's language
//! (the panel, the feed), and its URL form (`protocol=`, read by `options.rs` and
//! written by share links).
//!
//! # The URL form
//! A preset's name (`basic`, `full`, `unsafe`), or a list of items joined by commas,
//! each either a switch to turn on, by its [`Switch::name`] (`pre-vote`,
//! `check-quorum`, `noop`, `immediate`, `single-server`, `fixed-timeout`,
//! `no-log-check`, `commit-old-terms`, `two-changes`, `snapshot-drops-log`), or
//! `snapshot-every=N`, the snapshot threshold: a whole number of entries from 0 (never)
//! to [`MAX_SNAPSHOT_EVERY`], in plain digits. A list starts from Basic: what it does
//! not name is off, and the threshold 0. So
//! `protocol=pre-vote,snapshot-every=20` is Basic with pre-vote, compacting every 20
//! entries. A switch named twice is on; a second `snapshot-every` replaces the first.
//! A share link writes the preset when there is one, else the list (the threshold
//! last, and only when it is not 0).

use raft_sim::{MAX_SNAPSHOT_EVERY, Protocol, Switch};

use crate::lang::Lang;
use crate::narrate::text::{Arg, render_in};

/// The URL form's item for the snapshot threshold, before its number.
const SNAPSHOT_EVERY: &str = "snapshot-every=";

/// The presets' labels (by [`Preset::ALL`](raft_sim::Preset::ALL)), then "Custom": the panel's menu says the
/// same (`index.html`), and `tests/chinese.rs` checks both have their Chinese. A table,
/// looked up once, rather than a `tr` per case.
const PRESET_LABELS: [&str; 4] = ["Basic", "Full", "Unsafe", "Custom"];

/// The switches' labels, by [`Switch::ALL`], as the panel's checkboxes say them.
const SWITCH_LABELS: [&str; 10] = [
    "Pre-vote",
    "Check-quorum",
    "No-op on election",
    "Immediate replication",
    "Fixed election timeout",
    "Skip the log up-to-date check",
    "Commit old terms by counting",
    "Single-server changes",
    "Two membership changes at once",
    "Snapshot drops the log after it",
];

/// What each preset means, then a custom mix (the panel's line under its menu).
const PRESET_HINTS: [&str; 4] = [
    "The article's Raft: every switch off.",
    "Raft as it is run in practice: the four extensions on, and a snapshot every 8 entries.",
    "Every safety rule below is off: watch the safety badges.",
    "Your own mix of switches.",
];

/// The row of the preset tables for `p`: its preset's, else the last ("Custom").
fn preset_row(p: &Protocol, table: &[&'static str; 4], lang: Lang) -> &'static str {
    let i = p.preset().map_or(3, |p| p as usize);
    lang.tr(table.get(i).copied().unwrap_or_default())
}

/// The preset's label, or "Custom", in `lang`.
pub fn preset_label(p: &Protocol, lang: Lang) -> &'static str {
    preset_row(p, &PRESET_LABELS, lang)
}

/// What the preset means, or that the switches are the reader's own mix, in `lang`.
pub fn preset_hint(p: &Protocol, lang: Lang) -> &'static str {
    preset_row(p, &PRESET_HINTS, lang)
}

/// A switch's label in `lang`.
pub fn switch_label(s: Switch, lang: Lang) -> &'static str {
    lang.tr(SWITCH_LABELS.get(s as usize).copied().unwrap_or_default())
}

/// What is on, in the panel's order: the safe switches, the snapshot threshold when
/// there is one, then the unsafe rules, as a list in `lang` ("Pre-vote, a snapshot
/// every 8 entries, Fixed election timeout"), or "no extensions" when there is nothing
/// to list.
pub fn switches_text(p: &Protocol, lang: Lang) -> String {
    let mut out = String::new();
    let threshold = (p.snapshot_every > 0).then(|| {
        render_in(
            lang,
            "a snapshot every {0} entries",
            &[Arg::Num(p.snapshot_every)],
        )
    });
    let label = |s| switch_label(s, lang);
    let safe = p.switches_on().filter(|s| !s.is_unsafe()).map(label);
    let broken = p.switches_on().filter(|s| s.is_unsafe()).map(label);
    for item in safe.chain(threshold.as_deref()).chain(broken) {
        if !out.is_empty() {
            out.push_str(lang.pick(", ", "、"));
        }
        out.push_str(item);
    }
    if out.is_empty() {
        out.push_str(lang.tr("no extensions"));
    }
    out
}

/// The URL form of `p` (see the module documentation).
pub fn param(p: &Protocol) -> String {
    if let Some(preset) = p.preset() {
        return String::from(preset.name());
    }
    let mut out = String::new();
    for s in p.switches_on() {
        out.push_str(s.name());
        out.push(',');
    }
    if p.snapshot_every > 0 {
        out.push_str(SNAPSHOT_EVERY);
        crate::num::push_u64(&mut out, p.snapshot_every);
    } else {
        out.pop();
    }
    out
}

/// Why a `protocol=` value was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamError {
    /// An item that names no preset or switch (or an empty one, or `custom`).
    Unknown,
    /// A `snapshot-every=` that is not a whole number from 0 to [`MAX_SNAPSHOT_EVERY`].
    Threshold,
}

/// Reads the URL form (see the module documentation).
pub fn parse_param(v: &str) -> Result<Protocol, ParamError> {
    if let Some(p) = Protocol::from_name(v) {
        return Ok(p);
    }
    let mut p = Protocol::default();
    for item in v.split(',') {
        if let Some(n) = item.strip_prefix(SNAPSHOT_EVERY) {
            p.snapshot_every = parse_threshold(n).ok_or(ParamError::Threshold)?;
        } else {
            p.set(Switch::parse(item).ok_or(ParamError::Unknown)?, true);
        }
    }
    Ok(p)
}

/// A snapshot threshold as a person or a link writes it: plain digits (no sign, no
/// space), at most [`MAX_SNAPSHOT_EVERY`]. The panel reads its box with it too.
pub fn parse_threshold(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|n| *n <= MAX_SNAPSHOT_EVERY)
}

#[cfg(test)]
mod tests {
    use raft_sim::Preset;

    use super::*;

    #[test]
    fn the_label_tables_follow_the_order_of_all() {
        for (i, p) in Preset::ALL.into_iter().enumerate() {
            assert_eq!(p as usize, i);
        }
        for (i, s) in Switch::ALL.into_iter().enumerate() {
            assert_eq!(s as usize, i);
        }
        assert_eq!(switch_label(Switch::PreVote, Lang::En), "Pre-vote");
        assert_eq!(
            switch_label(Switch::CommitOldTermsByCounting, Lang::En),
            "Commit old terms by counting"
        );
    }

    #[test]
    fn every_protocol_round_trips_through_its_url_form() {
        for bits in 0..1u32 << Switch::ALL.len() {
            for every in [0, 1, 8, 20, MAX_SNAPSHOT_EVERY] {
                let mut p = Protocol::default().with_snapshot_every(every);
                for (i, s) in Switch::ALL.into_iter().enumerate() {
                    p.set(s, bits & 1 << i != 0);
                }
                assert_eq!(parse_param(&param(&p)), Ok(p), "{}", param(&p));
            }
        }
        assert_eq!(param(&Preset::Full.protocol()), "full");
        assert_eq!(
            param(&Protocol::default().with(Switch::CheckQuorum, true)),
            "check-quorum"
        );
        assert_eq!(
            param(&Protocol::default().with_snapshot_every(20)),
            "snapshot-every=20"
        );
        assert_eq!(
            param(&Preset::Full.protocol().with_snapshot_every(0)),
            "pre-vote,check-quorum,noop,immediate"
        );
        assert_eq!(
            param(&Preset::Full.protocol().with(Switch::SingleServer, true)),
            "pre-vote,check-quorum,noop,immediate,single-server,snapshot-every=8"
        );
    }

    #[test]
    fn a_list_starts_from_basic_and_may_set_the_threshold() {
        assert_eq!(
            parse_param("pre-vote,snapshot-every=20"),
            Ok(Protocol::default()
                .with(Switch::PreVote, true)
                .with_snapshot_every(20))
        );
        assert_eq!(
            parse_param("snapshot-every=0,two-changes"),
            Ok(Protocol::default().with(Switch::TwoChanges, true))
        );
        assert_eq!(
            parse_param("snapshot-every=5,snapshot-every=10000"),
            Ok(Protocol::default().with_snapshot_every(10_000)),
            "the last one counts"
        );
        assert_eq!(
            parse_param("single-server,snapshot-drops-log"),
            Ok(Protocol::default()
                .with(Switch::SingleServer, true)
                .with(Switch::SnapshotDropsLog, true))
        );
    }

    #[test]
    fn bad_url_forms_are_refused() {
        for v in [
            "",
            "custom",
            "Full",
            "pre-vote,",
            ",noop",
            "pre-vote;noop",
            "warp",
            "full,snapshot-every=8",
            "snapshot-every",
            "snapshot_every=8",
        ] {
            assert_eq!(parse_param(v), Err(ParamError::Unknown), "{v:?}");
        }
        for v in [
            "snapshot-every=",
            "snapshot-every=-1",
            "snapshot-every=+5",
            "snapshot-every= 5",
            "snapshot-every=1.5",
            "snapshot-every=10001",
            "snapshot-every=99999999999999999999999",
            "pre-vote,snapshot-every=eight",
            "snapshot-every=8=8",
        ] {
            assert_eq!(parse_param(v), Err(ParamError::Threshold), "{v:?}");
        }
        assert_eq!(
            parse_param("noop,pre-vote,noop"),
            Ok(Protocol::default()
                .with(Switch::PreVote, true)
                .with(Switch::NoopOnElection, true))
        );
    }

    #[test]
    fn the_switches_are_listed_in_order_then_the_threshold_or_none() {
        let p = Protocol::default()
            .with(Switch::CheckQuorum, true)
            .with(Switch::PreVote, true);
        assert_eq!(switches_text(&p, Lang::En), "Pre-vote, Check-quorum");
        assert_eq!(
            switches_text(&p.with_snapshot_every(20), Lang::En),
            "Pre-vote, Check-quorum, a snapshot every 20 entries"
        );
        assert_eq!(
            switches_text(&Protocol::default().with_snapshot_every(3), Lang::En),
            "a snapshot every 3 entries"
        );
        let mixed = Protocol::default()
            .with(Switch::FixedElectionTimeout, true)
            .with(Switch::SingleServer, true)
            .with_snapshot_every(4);
        assert_eq!(
            switches_text(&mixed, Lang::En),
            "Single-server changes, a snapshot every 4 entries, Fixed election timeout"
        );
        assert_eq!(
            switches_text(&Protocol::default(), Lang::En),
            "no extensions"
        );
        assert_eq!(preset_label(&p, Lang::En), "Custom");
        assert_eq!(preset_label(&Preset::Unsafe.protocol(), Lang::En), "Unsafe");
    }

    #[test]
    fn the_full_hint_names_fulls_threshold() {
        let hint = preset_hint(&Preset::Full.protocol(), Lang::En);
        assert!(hint.ends_with("a snapshot every 8 entries."), "{hint}");
        assert_eq!(raft_sim::FULL_SNAPSHOT_EVERY, 8);
    }
}
