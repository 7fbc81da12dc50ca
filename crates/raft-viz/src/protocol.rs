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

use raft_sim::{Preset, Protocol, Switch};

use crate::lang::Lang;

/// The preset's label, or "Custom", in `lang` (the panel's menu says the same).
pub fn preset_label(p: &Protocol, lang: Lang) -> &'static str {
    match p.preset() {
        Some(Preset::Basic) => lang.tr("Basic"),
        Some(Preset::Full) => lang.tr("Full"),
        Some(Preset::Unsafe) => lang.tr("Unsafe"),
        None => lang.tr("Custom"),
    }
}

/// A switch's label in `lang` (the panel's checkbox says the same).
pub fn switch_label(s: Switch, lang: Lang) -> &'static str {
    match s {
        Switch::PreVote => lang.tr("Pre-vote"),
        Switch::CheckQuorum => lang.tr("Check-quorum"),
        Switch::NoopOnElection => lang.tr("No-op on election"),
        Switch::ReplicateImmediately => lang.tr("Immediate replication"),
        Switch::FixedElectionTimeout => lang.tr("Fixed election timeout"),
        Switch::SkipLogUpToDateCheck => lang.tr("Skip the log up-to-date check"),
        Switch::CommitOldTermsByCounting => lang.tr("Commit old terms by counting"),
    }
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
    use super::*;

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
