//! Criterion benches of each pipeline stage on a generated 1,000-paper
//! corpus (`cargo bench -p gazette-bench --bench pipeline`). They live in
//! the benchmark crate because the corpus generator does; they call only
//! the product's public API. The end-to-end figures come from
//! `cargo bench-site run` (docs/performance.md); these show which stage moved.

use std::fs;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use gazette::config::Config;
use gazette::site::load::{self, LoadCache};
use gazette::{digest, import, output, render};

// The allocator the `gazette` binary uses, so each stage costs here what
// it costs in the shipped binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PAPERS: usize = 1_000;

/// A fresh site holding the corpus's config and digests, nothing imported.
fn fresh_site(corpus: &Path) -> tempfile::TempDir {
    let site = tempfile::tempdir().expect("temp dir");
    fs::copy(corpus.join("config.toml"), site.path().join("config.toml")).expect("copy config");
    let digests = site.path().join("digests");
    fs::create_dir_all(&digests).expect("digests dir");
    for entry in fs::read_dir(corpus.join("digests")).expect("read digests") {
        let entry = entry.expect("dir entry");
        fs::copy(entry.path(), digests.join(entry.file_name())).expect("copy dump");
    }
    site
}

fn stages(c: &mut Criterion) {
    let corpus = tempfile::tempdir().expect("temp dir");
    gazette_bench::generate(corpus.path(), PAPERS, 1, true).expect("generate corpus");
    let root = corpus.path();
    let config = Config::load(root).expect("config");

    let dumps: Vec<(String, Vec<u8>)> = fs::read_dir(root.join("digests"))
        .expect("read digests")
        .map(|e| {
            let path = e.expect("dir entry").path();
            (
                path.display().to_string(),
                fs::read(&path).expect("read dump"),
            )
        })
        .collect();

    let mut group = c.benchmark_group("pipeline_1000_papers");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));

    group.bench_function("parse", |b| {
        b.iter(|| {
            for (origin, bytes) in &dumps {
                black_box(digest::parse(bytes, origin));
            }
        })
    });

    group.bench_function("import", |b| {
        b.iter_batched(
            || fresh_site(root),
            |site| {
                import::import_site(site.path(), &config).expect("import");
                site
            },
            BatchSize::PerIteration,
        )
    });

    // The corpus itself is imported once for the later stages.
    import::import_site(root, &config).expect("import");
    group.bench_function("load", |b| {
        b.iter(|| {
            black_box(load::load(root, config.clone(), &mut LoadCache::default()).expect("load"))
        })
    });

    let site = load::load(root, config.clone(), &mut LoadCache::default()).expect("load");
    let theme = render::load_theme(root, &config).expect("theme");
    group.bench_function("render", |b| {
        b.iter(|| {
            let mut cache = render::RenderCache::default();
            black_box(render::render(&site, &theme, &config.base_url, &mut cache).expect("render"))
        })
    });

    let (rendered, _) = render::render(
        &site,
        &theme,
        &config.base_url,
        &mut render::RenderCache::default(),
    )
    .expect("render");
    group.bench_function("write_into_empty_dir", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("temp dir"),
            |out| {
                output::write_to_dir(&rendered, out.path(), true).expect("write");
                out
            },
            BatchSize::PerIteration,
        )
    });

    let up_to_date = tempfile::tempdir().expect("temp dir");
    output::write_to_dir(&rendered, up_to_date.path(), true).expect("write");
    group.bench_function("write_into_up_to_date_dir", |b| {
        b.iter(|| {
            black_box(output::write_to_dir(&rendered, up_to_date.path(), true).expect("write"))
        })
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
