//! Colours for the light and dark themes. Static strings, so drawing never formats a
//! colour.

/// A palette.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Whether this is the dark palette.
    pub dark: bool,
    /// Canvas background.
    pub background: &'static str,
    /// Main text.
    pub text: &'static str,
    /// Secondary text and guides.
    pub muted: &'static str,
    /// Faint guides (links, grid).
    pub faint: &'static str,
    /// A running node's fill.
    pub node_fill: &'static str,
    /// A learner's fill (paper §6: a new server that has no vote yet): paler, since
    /// the rim is the role's alone.
    pub learner_fill: &'static str,
    /// Text on a node.
    pub node_text: &'static str,
    /// A candidate's dashed border and a leader's solid border.
    pub node_border: &'static str,
    /// A crashed node's fill.
    pub crashed_fill: &'static str,
    /// Text on a crashed node.
    pub crashed_text: &'static str,
    /// The election timer: a ring inside the node, draining.
    pub timer: &'static str,
    /// The faint full track under the timer's ring.
    pub timer_track: &'static str,
    /// A leader's countdown to its next heartbeat, on the same inner ring.
    pub heartbeat: &'static str,
    /// Selection marks (corner brackets).
    pub selection: &'static str,
    /// The tour's spotlight: a soft glow behind what the caption names.
    pub spot: &'static str,
    /// Vote messages.
    pub vote: &'static str,
    /// AppendEntries messages.
    pub append: &'static str,
    /// Client messages.
    pub client: &'static str,
    /// Refusals, losses, violations.
    pub bad: &'static str,
    /// Success, committed.
    pub good: &'static str,
    /// A cut link.
    pub cut: &'static str,
    /// One colour per term (term `t` uses `terms[t % len]`).
    pub terms: [&'static str; 8],
}

/// The light palette.
pub const LIGHT: Theme = Theme {
    dark: false,
    background: "#ffffff",
    text: "#1f2328",
    muted: "#59636e",
    faint: "#d0d7de",
    node_fill: "#6aa5d8",
    learner_fill: "#c4dcf1",
    node_text: "#0b1f33",
    node_border: "#0b3a63",
    crashed_fill: "#c8ccd1",
    crashed_text: "#6e7781",
    timer: "#ffffff",
    timer_track: "#5790c4",
    heartbeat: "#e69f00",
    selection: "#bf8700",
    spot: "#f3e67a",
    vote: "#8250df",
    append: "#0969da",
    client: "#1a7f37",
    bad: "#cf222e",
    good: "#1a7f37",
    cut: "#cf222e",
    terms: [
        "#dbeafe", "#fde68a", "#bbf7d0", "#fbcfe8", "#ddd6fe", "#fed7aa", "#a5f3fc", "#e5e7eb",
    ],
};

/// The dark palette.
pub const DARK: Theme = Theme {
    dark: true,
    background: "#161b22",
    text: "#e6edf3",
    muted: "#9198a1",
    faint: "#30363d",
    node_fill: "#3d6e9e",
    learner_fill: "#24405c",
    node_text: "#f0f6fc",
    node_border: "#a5d6ff",
    crashed_fill: "#3a3f45",
    crashed_text: "#8b949e",
    timer: "#f0f6fc",
    timer_track: "#30597f",
    heartbeat: "#e69f00",
    selection: "#e3b341",
    spot: "#6f6a2a",
    vote: "#d2a8ff",
    append: "#79c0ff",
    client: "#56d364",
    bad: "#ff7b72",
    good: "#56d364",
    cut: "#ff7b72",
    terms: [
        "#1e3a5f", "#5c4813", "#1b4d2e", "#5c1f45", "#3b2f6b", "#5c3412", "#134e5e", "#30363d",
    ],
};

impl Theme {
    /// The colour of term `t`.
    pub fn term(&self, t: u64) -> &'static str {
        self.terms[(t % self.terms.len() as u64) as usize]
    }
}
