//! TeX → readable text for feeds, search and excerpts.

use super::MAX_TEX;

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
    if s.chars().count() <= 1 || s.chars().all(char::is_alphanumeric) {
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
