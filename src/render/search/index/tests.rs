use super::*;
use crate::render::search::encode::tests::decode;

fn input<'a>(docs: &'a [Doc], records: &'a [Vec<u8>]) -> Input<'a> {
    Input {
        docs: docs
            .iter()
            .zip(records)
            .map(|(doc, record)| DocIn {
                doc,
                record,
                facets: vec!["#llm".into()],
                upvotes: 3,
            })
            .collect(),
        meta: Meta {
            papers: docs.len(),
            years: vec![(2025, 0, docs.len())],
            tags: vec![("LLM", "llm".into(), docs.len())],
            orgs: vec![],
        },
    }
}

fn shard_of(files: &[File], kind: &str, name: &str) -> serde_json::Value {
    let path = format!("{kind}/{name}.json");
    let (_, bytes) = files.iter().find(|(p, _)| *p == path).expect(&path);
    serde_json::from_slice(bytes).unwrap()
}

#[test]
fn a_title_match_outweighs_the_same_word_in_an_abstract() {
    let docs = vec![
        Doc::new(&[("Speech models", TITLE), ("We study audio.", BODY)]),
        Doc::new(&[("Audio models", TITLE), ("We study speech.", BODY)]),
    ];
    let records = vec![b"[]".to_vec(), b"[]".to_vec()];
    let files = build(&input(&docs, &records));
    let manifest: serde_json::Value = serde_json::from_slice(&files.last().unwrap().1).unwrap();
    assert_eq!(manifest["docs"], 2);
    let name = manifest["terms"][0][1].as_str().unwrap();
    let t = shard_of(&files, "t", name);
    let speech = t["t"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e[0] == "speech")
        .unwrap();
    let postings = decode(speech[2].as_str().unwrap());
    assert_eq!(postings.len(), 2);
    assert!(postings[0].1 > postings[1].1, "{postings:?}");
    // `models` is found by prefix through its term `model`.
    assert!(
        t["w"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e[0] == "models" && e[1] == "model")
    );
    assert!(t["t"].as_array().unwrap().iter().any(|e| e[0] == "#llm"));
}

#[test]
fn shard_names_follow_content_and_two_builds_are_identical() {
    let docs: Vec<Doc> = (0..100)
        .map(|i| Doc::new(&[(&format!("paper {i} about topic{}", i % 7), BODY)]))
        .collect();
    let records: Vec<Vec<u8>> = (0..100).map(|i| format!("[{i}]").into_bytes()).collect();
    let a = build(&input(&docs, &records));
    let b = build(&input(&docs, &records));
    assert_eq!(a, b);
    for (path, bytes) in &a {
        if path != MANIFEST && !path.starts_with("r/") {
            assert!(
                path.ends_with(&format!("{}.json", encode::content_name(bytes))),
                "{path}"
            );
        }
    }
    let records2: Vec<Vec<u8>> = (0..100)
        .map(|i| format!("[{}]", i + (i == 99) as i32).into_bytes())
        .collect();
    let c = build(&input(&docs, &records2));
    let changed: Vec<_> = c.iter().filter(|f| !a.contains(f)).map(|f| &f.0).collect();
    // The block of the changed record (25 shards of 4: one block), under
    // a new name, and the manifest.
    assert_eq!(changed.len(), 26, "{changed:?}");
    assert!(
        changed
            .iter()
            .all(|p| p.starts_with("r/") || *p == MANIFEST)
    );
    let old_names: Vec<_> = a.iter().map(|f| &f.0).collect();
    assert!(
        changed
            .iter()
            .all(|p| *p == MANIFEST || !old_names.contains(p)),
        "a changed file keeps no old name"
    );
}

#[test]
fn a_full_record_block_is_handed_out_before_the_index_is_finished() {
    // A builder that held every record until the end would hold a whole
    // site's results in memory (40 MB at 100,000 papers).
    let per_block = RECORDS_PER_SHARD * SHARDS_PER_BLOCK;
    let docs: Vec<Doc> = (0..per_block + 1)
        .map(|i| Doc::new(&[(&format!("paper {i}"), BODY)]))
        .collect();
    let records: Vec<Vec<u8>> = (0..docs.len())
        .map(|i| format!("[{i}]").into_bytes())
        .collect();
    let input = input(&docs, &records);
    let mut builder = Builder::default();
    let mut early = Vec::new();
    for d in &input.docs {
        builder.add(d.doc, d.record, &d.facets, d.upvotes, &mut |f| {
            early.push(f);
        });
    }
    assert_eq!(early.len(), SHARDS_PER_BLOCK, "the first block, once full");
    assert!(early.iter().all(|(path, _)| path.starts_with("r/")));
    let mut rest = Vec::new();
    builder.finish(&input.meta, &mut |f| rest.push(f));
    // The same files as building from every document at once.
    let mut all = early;
    all.extend(rest);
    assert_eq!(all, build(&input));
}
