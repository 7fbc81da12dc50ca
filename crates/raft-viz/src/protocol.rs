//! How the page names a [`Protocol`]: its preset and switches in the reader's language
//! (the panel, the feed), and its URL form (`protocol=`, read by `options.rs` and
//! written by share links).
//!
//! # The URL form
//! A preset's name (`basic`, `full`, `unsafe`), or the switches that are on, by their
//! names, joined by commas: `pre-vote,check-quorum`. The switch names are
//! [`Switch::name`]'s: `pre-vote`, `check-quorum`, `noop`, `immediate`,
//! `fixed-timeout`, `no-log-check`, `commit-old-terms`. A share link writes the preset
//! when there is one, else the list.

use raft_sim::{Protocol, Switch};

use crate::lang::Lang;

/// The presets' labels (by [`Preset::ALL`](raft_sim::Preset::ALL)), then "Custom": the panel's menu says the
/// same (`index.html`), and `tests/chinese.rs` checks both have their Chinese. A table,
/// looked up once, rather than a `tr` per case.
const PRESET_LABELS: [&str; 4] = ["Basic", "Full", "Unsafe", "Custom"];

/// The switches' labels, by [`Switch::ALL`], as the panel's checkboxes say them.
const SWITCH_LABELS: [&str; 7] = [
    "Pre-vote",
    "Check-quorum",
    "No-op on election",
    "Immediate replication",
    "Fixed election timeout",
    "Skip the log up-to-date check",
    "Commit old terms by counting",
];

/// What each preset means, then a custom mix (the panel's line under its menu).
const PRESET_HINTS: [&str; 4] = [
    "The article's Raft: every switch off.",
    "Raft as it is run in practice: the four extensions on.",
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

/// The switches that are on, as a list in `lang` ("Pre-vote, Check-quorum"), or "no
/// extensions" when none is.
pub fn switches_text(p: &Protocol, lang: Lang) -> String {
    let mut out = String::new();
    for s in p.switches_on() {
        if !out.is_empty() {
            out.push_str(lang.pick(", ", "、"));
        }
        out.push_str(switch_label(s, lang));
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
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(s.name());
    }
    out
}

/// Reads the URL form: a preset's name or a comma list of switch names; `None` for
/// anything else (an unknown name, an empty item, `custom`).
pub fn parse_param(v: &str) -> Option<Protocol> {
    if let Some(p) = Protocol::from_name(v) {
        return Some(p);
    }
    let mut p = Protocol::default();
    for name in v.split(',') {
        p.set(Switch::parse(name)?, true);
    }
    Some(p)
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
            let mut p = Protocol::default();
            for (i, s) in Switch::ALL.into_iter().enumerate() {
                p.set(s, bits & 1 << i != 0);
            }
            assert_eq!(parse_param(&param(&p)), Some(p), "{}", param(&p));
        }
        assert_eq!(param(&Preset::Full.protocol()), "full");
        assert_eq!(
            param(&Protocol::default().with(Switch::CheckQuorum, true)),
            "check-quorum"
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
        ] {
            assert_eq!(parse_param(v), None, "{v:?}");
        }
        assert_eq!(
            parse_param("noop,pre-vote,noop"),
            Some(
                Protocol::default()
                    .with(Switch::PreVote, true)
                    .with(Switch::NoopOnElection, true)
            )
        );
    }

    #[test]
    fn the_switches_are_listed_in_order_or_none() {
        let p = Protocol::default()
            .with(Switch::CheckQuorum, true)
            .with(Switch::PreVote, true);
        assert_eq!(switches_text(&p, Lang::En), "Pre-vote, Check-quorum");
        assert_eq!(
            switches_text(&Protocol::default(), Lang::En),
            "no extensions"
        );
        assert_eq!(preset_label(&p, Lang::En), "Custom");
        assert_eq!(preset_label(&Preset::Unsafe.protocol(), Lang::En), "Unsafe");
    }
}
