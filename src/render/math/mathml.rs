//! TeX → MathML for pages, bounded as the module above explains.

use std::sync::LazyLock;

use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};

use super::{Display, MAX_TEX};
use crate::render::escape;

/// The most level-opening characters a converted formula may have.
const MAX_OPENERS: usize = 1024;
/// Up to this many, conversion runs on the calling thread (2 MB stacks,
/// debug builds take about 25 KB per level).
const INLINE_OPENERS: usize = 40;
/// The stack for the rest: [`MAX_OPENERS`] levels with room to spare.
const BIG_STACK: usize = 64 << 20;

static CONVERTER: LazyLock<Option<LatexToMathML>> = LazyLock::new(|| {
    LatexToMathML::new(MathCoreConfig {
        // `\foo` shows as written (in an `<merror>`), the rest renders.
        ignore_unknown_commands: true,
        // The TeX travels with the MathML: copied text and screen readers.
        annotation: true,
        ..MathCoreConfig::default()
    })
    .ok()
});

/// `math-core` writes MathML Core, which takes `displaystyle` and
/// `scriptlevel` on any element; the HTML validator (vnu, MathML 3) takes
/// them on `mstyle` only, `displaystyle` on `mtable` too. Both attributes
/// are inherited, so an `mstyle` holding just that element renders the same:
/// this moves them there. The output is the crate's own well-formed markup.
pub(super) fn for_html(mathml: &str) -> String {
    const MOVED: [&str; 2] = [" displaystyle=\"", " scriptlevel=\""];
    let mut out = String::with_capacity(mathml.len() + 64);
    // For each open element: whether it was wrapped.
    let mut wrapped: Vec<bool> = Vec::new();
    let mut rest = mathml;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        out.push_str(&rest[..start]);
        let tag = &rest[start..=start + len];
        rest = &rest[start + len + 1..];
        if tag.starts_with("</") {
            out.push_str(tag);
            if wrapped.pop() == Some(true) {
                out.push_str("</mstyle>");
            }
            continue;
        }
        let name = tag[1..]
            .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .next()
            .unwrap_or("");
        let mut kept = tag.to_string();
        let mut moved = String::new();
        if !matches!(name, "math" | "mstyle") {
            for attr in MOVED {
                if name == "mtable" && attr == MOVED[0] {
                    continue;
                }
                if let Some(at) = kept.find(attr) {
                    let end = kept[at + attr.len()..]
                        .find('"')
                        .map_or(kept.len(), |e| at + attr.len() + e + 1);
                    moved.push_str(&kept[at..end]);
                    kept.replace_range(at..end, "");
                }
            }
        }
        let self_closing = tag.ends_with("/>");
        if !moved.is_empty() {
            out.push_str(&format!("<mstyle{moved}>"));
        }
        out.push_str(&kept);
        if self_closing {
            if !moved.is_empty() {
                out.push_str("</mstyle>");
            }
        } else if !tag.starts_with("<!") && !tag.starts_with("<?") {
            wrapped.push(!moved.is_empty());
        }
    }
    out.push_str(rest);
    out
}

/// The characters that can open a nesting level in TeX math.
fn openers(tex: &str) -> usize {
    tex.bytes()
        .filter(|b| matches!(b, b'{' | b'\\' | b'^' | b'_' | b'['))
        .count()
}

/// A formula as MathML, or — when it cannot be converted (malformed, too
/// big) — as written, delimiters and all, in a `math-tex` span.
pub fn to_mathml(tex: &str, display: Display) -> String {
    convert(tex, display).unwrap_or_else(|| {
        let delimiter = match display {
            Display::Inline => "$",
            Display::Block => "$$",
        };
        format!(
            "<span class=\"math-tex\">{}</span>",
            escape::html(&format!("{delimiter}{tex}{delimiter}"))
        )
    })
}

fn convert(tex: &str, display: Display) -> Option<String> {
    if tex.trim().is_empty() || tex.len() > MAX_TEX {
        return None;
    }
    let openers = openers(tex);
    if openers > MAX_OPENERS {
        return None;
    }
    let converter = CONVERTER.as_ref()?;
    let display = match display {
        Display::Inline => MathDisplay::Inline,
        Display::Block => MathDisplay::Block,
    };
    let run = move || {
        // A bug in the crate must not take a build down: show the TeX.
        std::panic::catch_unwind(|| converter.convert_with_local_state(tex, display))
            .ok()?
            .ok()
            .map(|r| for_html(&r.mathml))
    };
    if openers <= INLINE_OPENERS {
        return run();
    }
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("gazette-math".into())
            .stack_size(BIG_STACK)
            .spawn_scoped(scope, run)
            .ok()?
            .join()
            .ok()?
    })
}
