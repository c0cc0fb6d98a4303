// glibc's malloc dominated large builds (about half of all samples at
// 100,000 papers, with many threads allocating page contexts); mimalloc
// made such a build three times faster. See docs/performance.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    gazette::cli::main()
}
