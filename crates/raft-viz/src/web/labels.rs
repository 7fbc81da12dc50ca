//! The interface's words in English and Chinese. Elements carry `data-l="key"` (their
//! text) or `data-lt="key"` (their `title` and `aria-label`); [`relabel`] fills them in.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use crate::lang::Lang;

/// `(key, English, Chinese)`.
const LABELS: &[(&str, &str, &str)] = &[
    ("speed", "Speed", "速度"),
    ("back", "Step back (←)", "后退一步（←）"),
    ("step", "Step forward (→)", "前进一步（→）"),
    ("scrub", "Timeline", "时间线"),
    ("live", "Live", "最新"),
    ("liveT", "Jump to the live end (L)", "回到最新（L）"),
    ("inspector", "Inspector", "检查器"),
    (
        "hint",
        "Click a node or a message to inspect it.",
        "点击节点或消息查看详情。",
    ),
    ("crash", "Crash", "宕机"),
    ("restart", "Restart", "重启"),
    ("timeout", "Time out", "超时"),
    ("cutTo", "Cut link to…", "切断与…的连接"),
    ("drop", "Drop", "丢弃"),
    ("safety", "Safety", "安全性"),
    ("events", "Events", "事件"),
    ("client", "Client", "客户端"),
    ("value", "Value", "值"),
    ("set", "set", "set"),
    ("add", "add", "add"),
    ("faults", "Partitions", "网络分区"),
    ("isolate", "Isolate leader", "隔离Leader"),
    ("heal", "Heal", "恢复"),
    ("cluster", "Cluster", "集群"),
    ("nodes", "Nodes", "节点数"),
    ("seed", "Seed", "种子"),
    ("newSeed", "New seed", "新种子"),
    ("network", "Network and timeouts", "网络与超时"),
    ("loss", "Loss %", "丢包 %"),
    ("latMin", "Latency min ms", "最小延迟 ms"),
    ("latMax", "Latency max ms", "最大延迟 ms"),
    ("toMin", "Election timeout min ms", "最小选举超时 ms"),
    ("toMax", "Election timeout max ms", "最大选举超时 ms"),
    ("share", "Share", "分享"),
    (
        "shareT",
        "Put a link to this exact run in the address bar and copy it",
        "把重现此次运行的链接放到地址栏并复制",
    ),
    ("embed", "Embed", "嵌入"),
    (
        "embedT",
        "An iframe snippet for a blog post",
        "用于博客文章的 iframe 代码",
    ),
    ("help", "Keyboard shortcuts (?)", "键盘快捷键（?）"),
    ("lang", "Language", "语言"),
    ("shortcuts", "Keyboard shortcuts", "键盘快捷键"),
    ("close", "Close", "关闭"),
    ("copy", "Copy", "复制"),
    ("embedTitle", "Embed this run", "嵌入此次运行"),
    (
        "embedHint",
        "Paste this into a web page. It shows play/pause, speed and the timeline.",
        "把这段代码粘贴到网页中，它只显示播放/暂停、速度和时间线。",
    ),
    ("kPlay", "play / pause", "播放 / 暂停"),
    ("kStep", "step back / forward", "后退 / 前进一步"),
    ("kLive", "jump to live", "回到最新"),
    (
        "kNode",
        "crash / restart / time out the selected node",
        "让选中的节点宕机 / 重启 / 超时",
    ),
    ("kSet", "focus the client's value box", "聚焦客户端输入框"),
    ("kHeal", "heal all partitions", "恢复所有分区"),
    (
        "kSplit",
        "split: the leader in the minority",
        "分区：Leader在少数派",
    ),
    ("kEsc", "deselect, close", "取消选择、关闭"),
    ("kHelp", "this help", "本帮助"),
    ("dismiss", "Dismiss", "关闭"),
    (
        "canvas",
        "A Raft cluster: nodes, messages between them, and each node's log",
        "一个Raft集群：节点、节点间的消息和每个节点的日志",
    ),
];

/// The text for `key` in `lang` (the key itself if unknown).
pub fn label(key: &str, lang: Lang) -> &str {
    LABELS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or(key, |&(_, en, zh)| lang.pick(en, zh))
}

/// Fills every `data-l` / `data-lt` element under `root` in `lang`, and the page's
/// `lang` attribute.
pub fn relabel(doc: &Document, lang: Lang) {
    if let Some(html) = doc.document_element() {
        let _ = html.set_attribute("lang", lang.pick("en", "zh-CN"));
    }
    for (selector, attr) in [("[data-l]", "data-l"), ("[data-lt]", "data-lt")] {
        let Ok(list) = doc.query_selector_all(selector) else {
            continue;
        };
        for i in 0..list.length() {
            let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let Some(key) = el.get_attribute(attr) else {
                continue;
            };
            let text = label(&key, lang);
            if attr == "data-l" {
                super::dom::set_text(&el, text);
            } else {
                let _ = el.set_attribute("title", text);
                let _ = el.set_attribute("aria-label", text);
            }
        }
    }
}

/// A safety property's name.
pub fn property(p: raft_sim::Property, lang: Lang) -> &'static str {
    use raft_sim::Property as P;
    match lang {
        Lang::En => p.name(),
        Lang::Zh => match p {
            P::ElectionSafety => "选举安全",
            P::LeaderAppendOnly => "Leader只追加",
            P::LogMatching => "日志匹配",
            P::LeaderCompleteness => "Leader完整性",
            P::StateMachineSafety => "状态机安全",
            P::AcknowledgedWriteKept => "已确认的写入不丢失",
        },
    }
}
