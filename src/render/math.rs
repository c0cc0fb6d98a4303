//! Math: TeX → MathML for pages (no JavaScript: browsers render MathML
//! Core), and TeX → readable text for feeds, search and excerpts.
//!
//! Notes and free pages mark math as Markdown does (`$…$`, `$$…$$`, read by
//! pulldown-cmark's math extension, see `markdown`). Abstracts are plain
//! text, so [`segments`] finds their math: `$…$` and `$$…$$`, and the bare
//! fragments arXiv LaTeX leaves behind (`10^{19}`, `D_{KL}`, `O(n^2)`).
//!
//! `math-core` does the conversion. It is a recursive parser, so a formula
//! is converted only when its size can be bounded: at most [`MAX_TEX`]
//! bytes and [`MAX_OPENERS`] characters that can open a level (`{ \ ^ _ [`,
//! an upper bound on its depth); one with more than [`INLINE_OPENERS`] is
//! converted on a thread with a stack big enough for that many. Anything
//! else, and anything it cannot read, is shown as written: math is never
//! dropped, and a page's time stays bounded whatever a formula holds.

use std::sync::LazyLock;

use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};

use super::escape;

/// How a formula sits: in the line (`$…$`) or on its own (`$$…$$`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Display {
    Inline,
    Block,
}

/// The longest formula converted (a long display equation is a few KB).
const MAX_TEX: usize = 16 * 1024;
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
fn for_html(mathml: &str) -> String {
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

/// A piece of text holding math.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    Text(&'a str),
    /// TeX without its delimiters.
    Math(&'a str, Display),
}

/// The longest `$…$` taken as math in plain text (longer: a price range).
const MAX_INLINE: usize = 200;
/// The longest brace group of a bare fragment (`^{…}`).
const MAX_SCRIPT: usize = 64;

/// Plain text (an abstract) cut into text and math. Math is `$$…$$`, `$…$`
/// (opened by a `$` not followed by a space, closed by one not preceded by a
/// space nor followed by a digit, as Markdown does, so `$5 and $10` stays
/// text; at most 200 bytes), and bare fragments outside them (see
/// [`fragment_at`]). Linear in the text.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut text_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let found = match bytes[i] {
            b'$' if i == 0 || bytes[i - 1] != b'\\' => dollar_math(text, i),
            b'^' | b'_' => fragment_at(text, i),
            _ => None,
        };
        match found {
            Some((start, end, math, display)) if start >= text_start => {
                if start > text_start {
                    out.push(Segment::Text(&text[text_start..start]));
                }
                out.push(Segment::Math(math, display));
                text_start = end;
                i = end;
            }
            _ => i += 1,
        }
    }
    if text_start < text.len() {
        out.push(Segment::Text(&text[text_start..]));
    }
    out
}

type Found<'a> = (usize, usize, &'a str, Display);

/// `$$…$$` or `$…$` starting at `at`.
fn dollar_math(text: &str, at: usize) -> Option<Found<'_>> {
    let rest = &text[at..];
    if let Some(body) = rest.strip_prefix("$$") {
        let window = &body[..floor_char(body, MAX_TEX)];
        let close = window.find("$$")?;
        let tex = &body[..close];
        return (!tex.trim().is_empty()).then_some((at, at + 2 + close + 2, tex, Display::Block));
    }
    let body = &rest[1..];
    if body.starts_with(char::is_whitespace) || body.is_empty() {
        return None;
    }
    let window = &body[..floor_char(body, MAX_INLINE)];
    let close = window.char_indices().find_map(|(i, c)| {
        let escaped = i > 0 && window.as_bytes()[i - 1] == b'\\';
        let spaced = window[..i].ends_with(char::is_whitespace);
        let digit_after = body[i + 1..].starts_with(|c: char| c.is_ascii_digit());
        (c == '$' && i > 0 && !escaped && !spaced && !digit_after).then_some(i)
    })?;
    Some((at, at + 1 + close + 1, &body[..close], Display::Inline))
}

/// The smallest char boundary of `s` at or above `min`.
fn ceil_char(s: &str, min: usize) -> usize {
    let mut start = min.min(s.len());
    while !s.is_char_boundary(start) {
        start += 1;
    }
    start
}

/// The largest char boundary of `s` at or below `max`.
fn floor_char(s: &str, max: usize) -> usize {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// A bare fragment around the `^` or `_` at `at`: a base of letters or
/// digits (1–8, starting a word or after `(`) and its scripts, each a brace
/// group (`^{19}`, `_{KL}`, up to 64 bytes, no spaces), digits (`^2`,
/// `_2`), or for `^` one letter (`n^k`); nothing glued after it. Words
/// holding `://`, `@` or `www.` (links, addresses) and snake_case names
/// (`only_train_once`: `_` and a letter) are never math.
fn fragment_at(text: &str, at: usize) -> Option<Found<'_>> {
    let bytes = text.as_bytes();
    let base_start = text[..at]
        .rfind(|c: char| !c.is_ascii_alphanumeric())
        .map_or(0, |i| i + 1);
    let base = &text[base_start..at];
    if base.is_empty() || base.len() > 8 {
        return None;
    }
    if base_start > 0 && !matches!(bytes[base_start - 1], b' ' | b'(' | b'[') {
        return None;
    }
    // The word around it, looked at up to 256 bytes each way (linear time).
    let from = ceil_char(text, base_start.saturating_sub(256));
    let to = floor_char(text, at + 256);
    let word_start = text[from..base_start]
        .rfind(' ')
        .map_or(from, |i| from + i + 1);
    let word_end = text[at..to].find(' ').map_or(to, |i| at + i);
    let word = &text[word_start..word_end];
    if word.contains("://") || word.contains('@') || word.contains("www.") {
        return None;
    }
    let mut end = at;
    while end < bytes.len() && matches!(bytes[end], b'^' | b'_') {
        let script = &text[end + 1..];
        let len = if script.starts_with('{') {
            let close = brace_group(script)?;
            if script[..close].contains(' ') {
                return None;
            }
            close
        } else {
            let digits = script.bytes().take_while(u8::is_ascii_digit).count();
            let letter = bytes[end] == b'^'
                && script.starts_with(|c: char| c.is_ascii_alphabetic())
                && !script[1..].starts_with(|c: char| c.is_ascii_alphanumeric());
            match (digits, letter) {
                (0, true) => 1,
                (0, false) => return None,
                (n, _) => n,
            }
        };
        end += 1 + len;
    }
    let glued = text[end..].starts_with(|c: char| c.is_ascii_alphanumeric() || "\\{$".contains(c));
    (!glued).then_some((base_start, end, &text[base_start..end], Display::Inline))
}

/// The length of the balanced brace group `s` starts with (`{…}`), up to
/// [`MAX_SCRIPT`] bytes and holding no `$`.
fn brace_group(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in s.bytes().enumerate().take(MAX_SCRIPT + 2) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'$' => return None,
            _ => {}
        }
    }
    None
}

/// Plain text holding math as HTML: the text escaped, the math MathML.
/// A bare fragment whose base is a word (`CO_2`) keeps it upright.
pub fn text_to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for segment in segments(text) {
        match segment {
            Segment::Text(t) => out.push_str(&escape::html(t)),
            Segment::Math(tex, display) => out.push_str(&to_mathml(&upright_base(tex), display)),
        }
    }
    out
}

/// `CO_2` → `\mathrm{CO}_2`: a base of two letters or more is a word.
fn upright_base(tex: &str) -> std::borrow::Cow<'_, str> {
    let base_len = tex
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(tex.len());
    if base_len >= 2 && tex[base_len..].starts_with(['^', '_']) {
        format!("\\mathrm{{{}}}{}", &tex[..base_len], &tex[base_len..]).into()
    } else {
        tex.into()
    }
}

/// Plain text holding math as readable plain text (feeds, search, excerpts):
/// `$O(n \log n)$` → `O(n log n)`, `10^{19}` → `10¹⁹`.
pub fn text_to_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for segment in segments(text) {
        match segment {
            Segment::Text(t) => out.push_str(t),
            Segment::Math(tex, _) => out.push_str(&to_text(tex)),
        }
    }
    out
}

/// What an open group becomes when it closes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Group {
    Plain,
    /// An unknown command's argument: kept with its braces.
    Braced,
    Sup,
    Sub,
    Numerator,
    Denominator,
    Sqrt,
}

/// TeX math as readable text: symbols as Unicode, scripts as Unicode super-
/// and subscripts where they exist (`^(…)`, `_…` otherwise), `\frac{a}{b}`
/// as `a/b`, font and text commands as their text; unknown commands stay as
/// written. One pass with an explicit stack: linear, never recursive.
pub fn to_text(tex: &str) -> String {
    if tex.len() > MAX_TEX {
        return tex.to_string();
    }
    let mut out = String::with_capacity(tex.len());
    // Open groups: what they become and where their text starts in `out`.
    let mut stack: Vec<(Group, usize)> = Vec::new();
    // What the next atom (a group, a character, a command) becomes.
    let mut pending: Option<Group> = None;
    let mut rest = tex;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        let atom: Option<String> = match c {
            '{' => {
                stack.push((pending.take().unwrap_or(Group::Plain), out.len()));
                continue;
            }
            '}' => {
                match stack.pop() {
                    // A plain group's text is already where it belongs.
                    Some((Group::Plain, _)) | None => {}
                    Some((group, start)) => {
                        let inner = out.split_off(start);
                        close(&mut out, group, &inner, &mut pending);
                    }
                }
                continue;
            }
            '^' => {
                pending = Some(Group::Sup);
                continue;
            }
            '_' => {
                pending = Some(Group::Sub);
                continue;
            }
            '\\' => {
                let name_len = rest
                    .find(|c: char| !c.is_ascii_alphabetic())
                    .unwrap_or(rest.len());
                let (name, tail) = if name_len == 0 {
                    let n = rest.chars().next().map_or(0, char::len_utf8);
                    rest.split_at(n)
                } else {
                    rest.split_at(name_len)
                };
                rest = tail;
                match command(name) {
                    Command::Text(t) => Some(t.to_string()),
                    Command::Skip => continue,
                    Command::Opens(group) => {
                        pending = Some(group);
                        continue;
                    }
                    Command::Unknown => Some(format!("\\{name}")),
                }
            }
            c if c.is_whitespace() => {
                if !out.ends_with(' ') && !out.is_empty() {
                    out.push(' ');
                }
                continue;
            }
            c => Some(c.to_string()),
        };
        if let Some(atom) = atom {
            match pending.take() {
                Some(group) => close(&mut out, group, &atom, &mut pending),
                None => out.push_str(&atom),
            }
            // An unknown command's argument keeps its braces.
            if atom.starts_with('\\') && rest.starts_with('{') && pending.is_none() {
                pending = Some(Group::Braced);
            }
        }
    }
    // Groups never closed (`x^{`): their text as it is.
    out.trim().to_string()
}

/// Appends a closed group's text as its kind says.
fn close(out: &mut String, group: Group, inner: &str, pending: &mut Option<Group>) {
    let inner = inner.trim();
    match group {
        Group::Plain => out.push_str(inner),
        Group::Braced => {
            out.push('{');
            out.push_str(inner);
            out.push('}');
        }
        Group::Sup => script(out, inner, '^', SUPERSCRIPTS),
        Group::Sub => script(out, inner, '_', SUBSCRIPTS),
        Group::Numerator => {
            out.push_str(&parenthesized(inner));
            out.push('/');
            *pending = Some(Group::Denominator);
        }
        Group::Denominator => out.push_str(&parenthesized(inner)),
        Group::Sqrt => {
            out.push('√');
            out.push_str(&parenthesized(inner));
        }
    }
}

fn parenthesized(s: &str) -> String {
    if s.chars().count() <= 1 || s.chars().all(|c| c.is_alphanumeric()) {
        s.to_string()
    } else {
        format!("({s})")
    }
}

fn script(out: &mut String, inner: &str, mark: char, table: &[(char, char)]) {
    let mapped: Option<String> = inner
        .chars()
        .map(|c| table.iter().find(|(from, _)| *from == c).map(|(_, to)| *to))
        .collect();
    match mapped {
        Some(m) if !m.is_empty() => out.push_str(&m),
        _ => {
            out.push(mark);
            if inner.chars().all(char::is_alphanumeric) {
                out.push_str(inner);
            } else {
                out.push('(');
                out.push_str(inner);
                out.push(')');
            }
        }
    }
}

const SUPERSCRIPTS: &[(char, char)] = &[
    ('0', '⁰'),
    ('1', '¹'),
    ('2', '²'),
    ('3', '³'),
    ('4', '⁴'),
    ('5', '⁵'),
    ('6', '⁶'),
    ('7', '⁷'),
    ('8', '⁸'),
    ('9', '⁹'),
    ('+', '⁺'),
    ('-', '⁻'),
    ('−', '⁻'),
    ('=', '⁼'),
    ('(', '⁽'),
    (')', '⁾'),
    ('n', 'ⁿ'),
    ('i', 'ⁱ'),
];

const SUBSCRIPTS: &[(char, char)] = &[
    ('0', '₀'),
    ('1', '₁'),
    ('2', '₂'),
    ('3', '₃'),
    ('4', '₄'),
    ('5', '₅'),
    ('6', '₆'),
    ('7', '₇'),
    ('8', '₈'),
    ('9', '₉'),
    ('+', '₊'),
    ('-', '₋'),
    ('=', '₌'),
    ('(', '₍'),
    (')', '₎'),
    ('i', 'ᵢ'),
    ('j', 'ⱼ'),
    ('k', 'ₖ'),
    ('n', 'ₙ'),
    ('t', 'ₜ'),
];

enum Command {
    /// Stands for this text.
    Text(&'static str),
    /// Says nothing readable (`\left`, `\displaystyle`, `\!`).
    Skip,
    /// Its argument group becomes this (`\frac`, `\sqrt`; font commands
    /// are plain groups).
    Opens(Group),
    /// Not known: kept as written.
    Unknown,
}

fn command(name: &str) -> Command {
    use Command::*;
    Text(match name {
        "{" | "}" | "%" | "$" | "&" | "_" | "#" | "|" => {
            return Text(match name {
                "{" => "{",
                "}" => "}",
                "%" => "%",
                "$" => "$",
                "&" => "&",
                "_" => "_",
                "#" => "#",
                _ => "‖",
            });
        }
        "," | ";" | ":" | " " | "quad" | "qquad" => " ",
        "!" | "left" | "right" | "big" | "Big" | "bigg" | "Bigg" | "displaystyle" | "textstyle"
        | "limits" | "nolimits" => return Skip,
        "frac" | "dfrac" | "tfrac" => return Opens(Group::Numerator),
        "sqrt" => return Opens(Group::Sqrt),
        "mathrm" | "mathbf" | "mathit" | "mathcal" | "mathbb" | "mathsf" | "mathtt"
        | "mathfrak" | "boldsymbol" | "bm" | "text" | "textrm" | "textbf" | "textit"
        | "operatorname" | "hat" | "tilde" | "bar" | "vec" | "dot" | "overline" | "underline"
        | "widehat" | "widetilde" => return Opens(Group::Plain),
        "alpha" => "α",
        "beta" => "β",
        "gamma" => "γ",
        "delta" => "δ",
        "epsilon" | "varepsilon" => "ε",
        "zeta" => "ζ",
        "eta" => "η",
        "theta" | "vartheta" => "θ",
        "iota" => "ι",
        "kappa" => "κ",
        "lambda" => "λ",
        "mu" => "μ",
        "nu" => "ν",
        "xi" => "ξ",
        "pi" => "π",
        "rho" => "ρ",
        "sigma" => "σ",
        "tau" => "τ",
        "phi" | "varphi" => "φ",
        "chi" => "χ",
        "psi" => "ψ",
        "omega" => "ω",
        "Gamma" => "Γ",
        "Delta" => "Δ",
        "Theta" => "Θ",
        "Lambda" => "Λ",
        "Xi" => "Ξ",
        "Pi" => "Π",
        "Sigma" => "Σ",
        "Phi" => "Φ",
        "Psi" => "Ψ",
        "Omega" => "Ω",
        "in" => "∈",
        "notin" => "∉",
        "le" | "leq" => "≤",
        "ge" | "geq" => "≥",
        "ne" | "neq" => "≠",
        "approx" => "≈",
        "sim" => "∼",
        "simeq" => "≃",
        "equiv" => "≡",
        "propto" => "∝",
        "ll" => "≪",
        "gg" => "≫",
        "subset" => "⊂",
        "subseteq" => "⊆",
        "supset" => "⊃",
        "cup" => "∪",
        "cap" => "∩",
        "setminus" => "∖",
        "emptyset" | "varnothing" => "∅",
        "to" | "rightarrow" => "→",
        "leftarrow" | "gets" => "←",
        "leftrightarrow" => "↔",
        "Rightarrow" | "implies" => "⇒",
        "Leftrightarrow" | "iff" => "⇔",
        "mapsto" => "↦",
        "times" => "×",
        "cdot" => "⋅",
        "div" => "÷",
        "pm" => "±",
        "mp" => "∓",
        "ast" => "∗",
        "star" => "⋆",
        "circ" => "∘",
        "oplus" => "⊕",
        "otimes" => "⊗",
        "infty" => "∞",
        "partial" => "∂",
        "nabla" => "∇",
        "sum" => "∑",
        "prod" => "∏",
        "int" => "∫",
        "forall" => "∀",
        "exists" => "∃",
        "neg" | "lnot" => "¬",
        "land" | "wedge" => "∧",
        "lor" | "vee" => "∨",
        "ldots" | "dots" => "…",
        "cdots" => "⋯",
        "mid" => "∣",
        "parallel" => "∥",
        "perp" => "⊥",
        "top" => "⊤",
        "ell" => "ℓ",
        "langle" => "⟨",
        "rangle" => "⟩",
        "lfloor" => "⌊",
        "rfloor" => "⌋",
        "lceil" => "⌈",
        "rceil" => "⌉",
        "lbrace" => "{",
        "rbrace" => "}",
        "log" => "log",
        "ln" => "ln",
        "exp" => "exp",
        "sin" => "sin",
        "cos" => "cos",
        "tan" => "tan",
        "max" => "max",
        "min" => "min",
        "arg" => "arg",
        "lim" => "lim",
        "det" => "det",
        "dim" => "dim",
        "sup" => "sup",
        "inf" => "inf",
        "Pr" => "Pr",
        _ => return Unknown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn math(text: &str) -> Vec<&str> {
        segments(text)
            .into_iter()
            .filter_map(|s| match s {
                Segment::Math(m, _) => Some(m),
                Segment::Text(_) => None,
            })
            .collect()
    }

    #[test]
    fn the_math_in_seed_abstracts_is_found_and_links_are_not_math() {
        // Quoted from the seed digests.
        assert_eq!(
            math("but can reach O(L^{{4}/{3}}) globally for sequence length of L."),
            ["L^{{4}/{3}}"]
        );
        assert_eq!(math("sub-networks (> 10^{19}) that can fit"), ["10^{19}"]);
        assert_eq!(
            math("interpretation as S(True) + D_{KL}(True||Model), and"),
            ["D_{KL}"]
        );
        assert_eq!(
            math("(typically $x \\in \\{4,8\\}$) than text tokens"),
            ["x \\in \\{4,8\\}"]
        );
        assert_eq!(
            math("CO_2 and k^2 and O(n^2) and 256^3 and ell_2-distance"),
            ["CO_2", "k^2", "n^2", "256^3", "ell_2"]
        );
        for text in [
            "https://github.com/tianyic/only_train_once. and only_train_once",
            "mail a_b@x.org or www.x.org/a_1",
            "x^ alone, a^{b c} spaced, {x}^2 braced, a_b letter",
            "costs $5 and $10, or $ 3 $",
            "x^2y glued",
        ] {
            assert_eq!(math(text), Vec::<&str>::new(), "{text}");
        }
    }

    #[test]
    fn display_math_and_inline_math_in_text() {
        let s = segments("a $$x^2$$ b $y$ c");
        assert_eq!(
            s,
            [
                Segment::Text("a "),
                Segment::Math("x^2", Display::Block),
                Segment::Text(" b "),
                Segment::Math("y", Display::Inline),
                Segment::Text(" c"),
            ]
        );
    }

    #[test]
    fn formulas_become_mathml_with_their_tex() {
        let m = to_mathml("x \\in \\{4,8\\}", Display::Inline);
        assert!(m.starts_with("<math>") && m.ends_with("</math>"), "{m}");
        assert!(m.contains("<mo"), "{m}");
        assert!(m.contains("∈"), "{m}");
        assert!(
            m.contains("<annotation encoding=\"application/x-tex\">x \\in \\{4,8\\}</annotation>"),
            "{m}"
        );
        let block = to_mathml("\\sum_i x_i", Display::Block);
        assert!(block.starts_with("<math display=\"block\">"), "{block}");
    }

    #[test]
    fn style_attributes_sit_where_the_html_validator_takes_them() {
        // Each put `displaystyle`/`scriptlevel` on mfrac, mrow or mtable,
        // which vnu reported as errors.
        for tex in [
            "\\cfrac{1}{1+\\cfrac{1}{x}}",
            "\\dfrac{1}{2} + \\tfrac{1}{2}",
            "\\displaystyle \\sum_i x_i",
            "\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}",
            "\\begin{aligned} a &= b \\\\ d &= e \\end{aligned}",
        ] {
            let m = to_mathml(tex, Display::Block);
            assert!(m.starts_with("<math"), "{m}");
            let mut rest = m.as_str();
            while let Some(at) = rest.find('<') {
                let end = at + rest[at..].find('>').unwrap();
                let tag = &rest[at..=end];
                let name = tag[1..].split([' ', '>', '/']).next().unwrap();
                let allowed: &[&str] = match name {
                    "math" | "mstyle" => &["displaystyle", "scriptlevel"],
                    "mtable" => &["displaystyle"],
                    _ => &[],
                };
                for attr in ["displaystyle", "scriptlevel"] {
                    assert!(
                        allowed.contains(&attr) || !tag.contains(&format!(" {attr}=")),
                        "{tag} in {m}"
                    );
                }
                rest = &rest[end + 1..];
            }
        }
        assert_eq!(
            for_html("<mrow displaystyle=\"true\" scriptlevel=\"0\"><mi>x</mi></mrow><mi>y</mi>"),
            "<mstyle displaystyle=\"true\" scriptlevel=\"0\"><mrow><mi>x</mi></mrow></mstyle><mi>y</mi>"
        );
        assert_eq!(
            for_html(
                "<mtable displaystyle=\"false\" scriptlevel=\"0\"><mtr><mtd><mi>a</mi></mtd></mtr></mtable>"
            ),
            "<mstyle scriptlevel=\"0\"><mtable displaystyle=\"false\"><mtr><mtd><mi>a</mi></mtd></mtr></mtable></mstyle>"
        );
    }

    #[test]
    fn unknown_commands_stay_visible_as_written() {
        let m = to_mathml("\\foo{x} + 1", Display::Inline);
        assert!(m.contains("<mtext>\\foo</mtext>"), "{m}");
        assert!(m.contains("<mn>1</mn>"), "the rest renders: {m}");
        assert_eq!(to_text("\\foo{x} + 1"), "\\foo{x} + 1");
    }

    #[test]
    fn malformed_math_is_shown_as_written() {
        for (tex, shown) in [
            ("x^{", "$x^{$"),
            ("a}b", "$a}b$"),
            ("\\frac{a}", "$\\frac{a}$"),
        ] {
            assert_eq!(
                to_mathml(tex, Display::Inline),
                format!("<span class=\"math-tex\">{shown}</span>")
            );
        }
    }

    #[test]
    fn adversarial_formulas_are_bounded_not_fatal() {
        // Each would overflow a parser's stack or take long: shown as written.
        let nested = format!("{}x{}", "{".repeat(5000), "}".repeat(5000));
        assert!(to_mathml(&nested, Display::Inline).starts_with("<span class=\"math-tex\">"));
        let huge = "a+b ".repeat(2_500_000);
        assert!(to_mathml(&huge, Display::Block).starts_with("<span class=\"math-tex\">"));
        // Deep but within bounds: converted on a thread with a big stack.
        let deep = format!("{}x{}", "\\sqrt{".repeat(300), "}".repeat(300));
        assert!(to_mathml(&deep, Display::Inline).starts_with("<math>"));
        let fracs = format!("{}x", "\\frac1".repeat(500));
        assert!(to_mathml(&fracs, Display::Inline).starts_with("<math>"));
        // Readable text is linear whatever the input.
        assert_eq!(to_text(&nested), "x");
        assert_eq!(to_text(&"}".repeat(10_000)), "");
    }

    #[test]
    fn math_reads_as_text_in_feeds_and_search() {
        for (tex, text) in [
            ("O(n \\log n)", "O(n log n)"),
            ("x \\in \\{4,8\\}", "x ∈ {4,8}"),
            ("10^{19}", "10¹⁹"),
            ("D_{KL}", "D_KL"),
            ("L^{{4}/{3}}", "L^(4/3)"),
            ("\\frac{a+b}{2}", "(a+b)/2"),
            ("\\sqrt{x^2+1}", "√(x²+1)"),
            ("\\mathcal{L} = \\sum_i \\alpha_i", "L = ∑ᵢ αᵢ"),
            ("x^{", "x"),
        ] {
            assert_eq!(to_text(tex), text, "{tex}");
        }
        assert_eq!(
            text_to_plain("reaches $O(n \\log n)$ with 10^{19} and D_{KL}(P||Q), costs $5 and $10"),
            "reaches O(n log n) with 10¹⁹ and D_KL(P||Q), costs $5 and $10"
        );
    }

    #[test]
    fn abstracts_are_escaped_around_their_mathml() {
        let html = text_to_html("<b> CO_2 </b> & 10^{19}");
        assert!(html.starts_with("&lt;b&gt; <math>"), "{html}");
        assert!(
            html.contains("<mi>CO</mi>") || html.contains(">CO<"),
            "upright: {html}"
        );
        assert!(html.contains(" &lt;/b&gt; &amp; <math>"), "{html}");
    }

    mod bad_input {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]
            #[test]
            fn any_text_segments_and_converts_without_panicking(
                text in "([$^_{}\\\\ ]|frac|sqrt|left|right|[a-z0-9()]){0,120}"
            ) {
                let html = text_to_html(&text);
                prop_assert!(!html.contains("<script"));
                text_to_plain(&text);
                for segment in segments(&text) {
                    if let Segment::Math(tex, _) = segment {
                        prop_assert!(text.contains(tex));
                    }
                }
            }
        }
    }
}
