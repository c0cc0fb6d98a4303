use super::mathml::for_html;
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
