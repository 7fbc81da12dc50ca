//! How the feed's and the inspector's sentences are put together.
//!
//! Every `format!` site compiles to its own code: an argument array, a call into
//! `core::fmt`, a `Display` call per argument and a drop for each temporary `String`.
//! With a hundred-odd bilingual sentences that came to about 15 KB of the gzipped
//! module. Here a sentence is a template with numbered placeholders (`{0}` to `{9}`,
//! so that the Chinese text can put the arguments in its own order) and a slice of
//! [`Arg`]s; the one [`render`] function fills in every sentence, and numbers are
//! written by [`crate::num`] without `core::fmt`.

use core::time::Duration;

use raft_sim::raft_core::{Instant, LogIndex, NodeId, Term};
use raft_sim::{ClientId, Op};

use crate::lang::Lang;
use crate::num::{push_fixed, push_i64, push_u64};

/// A sentence in the chosen language: `say!(lang, "{0} crashed", node)`, the English
/// template and its translation from the Chinese catalogue ([`Lang::tr`]). The arguments
/// (any type with a `From` conversion to [`Arg`]) fill the placeholders `{0}`, `{1}`,
/// ... in the order given; each language's template may use them in any order.
macro_rules! say {
    // A second template is the old two-language form: refused, rather than taken for
    // an argument that no placeholder shows.
    ($lang:expr, $en:literal, $zh:literal $(, $arg:expr)* $(,)?) => {
        compile_error!("say! takes the English template only: its Chinese goes in www/zh.txt")
    };
    ($lang:expr, $en:literal $(, $arg:expr)* $(,)?) => {
        $crate::narrate::text::render_in(
            $lang,
            $en,
            &[$($crate::narrate::text::Arg::from($arg)),*],
        )
    };
}
pub(crate) use say;

/// One value to put into a sentence template.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    /// Text as it is.
    Str(&'a str),
    /// A whole number.
    Num(u64),
    /// A signed whole number (a state machine's value).
    Int(i64),
    /// A node's name: "A", "B", ... ([`raft_sim::node_name`]).
    Node(NodeId),
    /// An operation: "set 5", "add -1".
    Op(Op),
    /// Microseconds, shown in milliseconds: "12 ms", "12.5 ms".
    Micros(u64),
    /// Parts per million, shown as a percentage: "5%", "0.25%".
    Ppm(u32),
    /// A range of log indexes: "3", or "3–5".
    Range(u64, u64),
    /// A number counted in tenths, shown to one decimal: 125 is "12.5", -3 is "-0.3"
    /// (the SVG export's lengths).
    Tenths(i64),
}

impl Arg<'_> {
    /// Appends the value as the sentences show it.
    pub fn push_to(self, out: &mut String) {
        match self {
            Arg::Str(s) => out.push_str(s),
            Arg::Num(n) => push_u64(out, n),
            Arg::Int(i) => push_i64(out, i),
            Arg::Node(id) => out.push_str(&raft_sim::node_name(id)),
            Arg::Op(op) => {
                let (name, v) = match op {
                    Op::Set(v) => ("set ", v),
                    Op::Add(v) => ("add ", v),
                };
                out.push_str(name);
                push_i64(out, v);
            }
            Arg::Micros(us) => {
                push_fixed(out, us, 3);
                out.push_str(" ms");
            }
            Arg::Ppm(ppm) => {
                push_fixed(out, u64::from(ppm), 4);
                out.push('%');
            }
            Arg::Tenths(t) => {
                if t < 0 {
                    out.push('-');
                }
                push_fixed(out, t.unsigned_abs(), 1);
            }
            Arg::Range(a, b) => {
                push_u64(out, a);
                if a != b {
                    out.push('–');
                    push_u64(out, b);
                }
            }
        }
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Str(s)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Str(s)
    }
}

/// `From` conversions of owned values into an [`Arg`], one line each.
macro_rules! arg_from {
    ($($t:ty => |$v:ident| $arg:expr;)*) => {
        $(impl From<$t> for Arg<'_> {
            fn from($v: $t) -> Self {
                $arg
            }
        })*
    };
}

arg_from! {
    u64 => |n| Arg::Num(n);
    usize => |n| Arg::Num(n as u64);
    i64 => |i| Arg::Int(i);
    Term => |t| Arg::Num(t.0);
    LogIndex => |i| Arg::Num(i.0);
    ClientId => |c| Arg::Num(u64::from(c.0));
    NodeId => |id| Arg::Node(id);
    Op => |op| Arg::Op(op);
    // A point in virtual time, in milliseconds.
    Instant => |t| Arg::Micros(t.as_micros());
}

/// A duration, in milliseconds.
impl From<Duration> for Arg<'_> {
    // Not inlined: one copy of the 128-bit arithmetic of `as_micros`, not one per use.
    #[inline(never)]
    fn from(d: Duration) -> Self {
        Arg::Micros(u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
    }
}

/// [`render`] with the English template `en` in `lang` ([`Lang::tr`]).
pub fn render_in(lang: Lang, en: &str, args: &[Arg<'_>]) -> String {
    render(lang.tr(en), args)
}

/// Fills `template`'s placeholders `{0}` to `{9}` with `args`. One function for every
/// sentence, instead of a `format!` expansion at each (see the module documentation).
/// A placeholder without an argument is kept as it is written, so a mistake shows in
/// the text; arguments that no placeholder names are left out; a `{` that does not
/// start a placeholder is plain text.
pub fn render(template: &str, args: &[Arg<'_>]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    render_into(&mut out, template, args);
    out
}

/// [`render`], appending to `out`.
pub fn render_into(out: &mut String, template: &str, args: &[Arg<'_>]) {
    let mut rest = template;
    while let Some((text, after)) = rest.split_once('{') {
        out.push_str(text);
        let arg = match after.as_bytes() {
            [d @ b'0'..=b'9', b'}', ..] => args.get(usize::from(d - b'0')),
            _ => None,
        };
        match arg {
            Some(a) => {
                a.push_to(out);
                rest = after.get(2..).unwrap_or("");
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_take_their_argument_wherever_they_stand() {
        let args = [Arg::Str("A"), Arg::Str("set 5"), Arg::Str("B")];
        assert_eq!(render("{0} sends {1} to {2}", &args), "A sends set 5 to B");
        assert_eq!(render("{0}向 {2} 发送 {1}", &args), "A向 B 发送 set 5");
        assert_eq!(render("{2}{2}", &args), "BB");
        assert_eq!(
            render_in(Lang::En, "{0} sends {1} to {2}", &args),
            "A sends set 5 to B"
        );
        // Without a catalogue entry, the English template.
        assert_eq!(
            render_in(Lang::Zh, "not in the catalogue {0}", &args),
            "not in the catalogue A"
        );
    }

    #[test]
    fn a_missing_argument_shows_its_placeholder_and_extra_ones_are_unused() {
        assert_eq!(render("{0} and {3}", &[Arg::Num(1)]), "1 and {3}");
        assert_eq!(render("none", &[Arg::Num(1), Arg::Num(2)]), "none");
        assert_eq!(render("{1}", &[]), "{1}");
    }

    #[test]
    fn render_into_appends_to_what_is_there() {
        let mut out = String::from("A, ");
        render_into(
            &mut out,
            "{0} (term {1})",
            &[Arg::Op(Op::Set(5)), Arg::Num(2)],
        );
        assert_eq!(out, "A, set 5 (term 2)");
    }

    #[test]
    fn braces_that_are_no_placeholder_are_text() {
        let args = [Arg::Num(7)];
        for (t, want) in [
            ("{", "{"),
            ("}{", "}{"),
            ("{x}", "{x}"),
            ("{0", "{0"),
            ("{{0}}", "{7}"),
            ("{12}", "{12}"),
            ("end {0}", "end 7"),
            ("{0}{", "7{"),
            ("中{0}文", "中7文"),
        ] {
            assert_eq!(render(t, &args), want, "{t}");
        }
    }

    #[test]
    fn numbers_are_written_as_core_fmt_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 12_345, u64::MAX] {
            assert_eq!(render("{0}", &[Arg::Num(n)]), n.to_string());
        }
        for i in [0, -1, 7, -120, i64::MIN, i64::MAX] {
            assert_eq!(render("{0}", &[Arg::Int(i)]), i.to_string());
        }
        assert_eq!(
            render("{0}", &[Arg::Op(Op::Set(-5))]),
            Op::Set(-5).to_string()
        );
        assert_eq!(
            render("{0}", &[Arg::Op(Op::Add(12))]),
            Op::Add(12).to_string()
        );
    }

    #[test]
    fn node_names_are_the_simulators() {
        for id in [0, 1, 25, 26, 27, 1000, u32::MAX] {
            let id = NodeId(id);
            assert_eq!(render("{0}", &[Arg::Node(id)]), raft_sim::node_name(id));
        }
    }

    #[test]
    fn times_and_rates_drop_trailing_zeros() {
        let cases = [
            (Arg::Micros(0), "0 ms"),
            (Arg::Micros(12_000), "12 ms"),
            (Arg::Micros(12_500), "12.5 ms"),
            (Arg::Micros(12_050), "12.05 ms"),
            (Arg::Micros(7), "0.007 ms"),
            (Arg::Micros(u64::MAX), "18446744073709551.615 ms"),
            (Arg::from(Duration::MAX), "18446744073709551.615 ms"),
            (
                Arg::from(Duration::from_nanos(1_234_567_999)),
                "1234.567 ms",
            ),
            (
                Arg::from(Duration::from_micros(u64::MAX)),
                "18446744073709551.615 ms",
            ),
            (Arg::Ppm(50_000), "5%"),
            (Arg::Ppm(2_500), "0.25%"),
            (Arg::Ppm(1), "0.0001%"),
            (Arg::Ppm(0), "0%"),
            (Arg::Range(3, 3), "3"),
            (Arg::Range(3, 5), "3–5"),
        ];
        for (arg, want) in cases {
            assert_eq!(render("{0}", &[arg]), want);
        }
    }
}
