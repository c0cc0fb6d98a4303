//! Stable 64-bit hashes for change detection, stable across runs unlike
//! `std::hash::DefaultHasher`: FNV-1a for imported facts (its values are
//! stored in pages, so it can never change), and XXH3 (the `xxhash-rust`
//! crate, tens of times faster on large inputs) for everything else: page
//! files as loading and import see them, and what the build remembers in
//! `.gazette/` (render keys, [`Stable`]; the hashes of output files and
//! inputs, [`content`]). Changing one of those means bumping the record's
//! version (`record::MAGIC`), so an old record means a full build.

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// Incremental FNV-1a.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(OFFSET)
    }
}

impl Fnv {
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(PRIME);
        }
    }

    /// Writes a length-prefixed field so `("ab","c")` and `("a","bc")` differ.
    pub fn field(&mut self, bytes: &[u8]) {
        self.write(&(bytes.len() as u64).to_le_bytes());
        self.write(bytes);
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

pub fn hash(bytes: &[u8]) -> u64 {
    let mut h = Fnv::default();
    h.write(bytes);
    h.finish()
}

/// The 16-hex-digit form stored in front matter.
pub fn hex(value: u64) -> String {
    format!("{value:016x}")
}

/// XXH3 of a whole file's bytes: page files, output files, build inputs.
pub fn content(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// A [`std::hash::Hasher`] whose result is the same in every process of one
/// Gazette binary (XXH3), for keys that outlive the process. What `derive(Hash)`
/// feeds it may differ between compilers, so a key is only compared with
/// keys the same binary made (`.gazette/` records which binary that was).
#[derive(Clone, Default)]
pub struct Stable(xxhash_rust::xxh3::Xxh3Default);

impl std::hash::Hasher for Stable {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        self.0.digest()
    }
}

/// The [`Stable`] hash of one value.
pub fn stable<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    let mut h = Stable::default();
    value.hash(&mut h);
    std::hash::Hasher::finish(&h)
}

/// How a file is recognised as unchanged without reading it: its size,
/// modification and change times and inode (`git`'s index does the same).
/// Any write to the file changes its change time, which no tool can set
/// back; see [`Stamp::trusted`] for the one case a stamp cannot see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Stamp {
    pub size: u64,
    /// Nanoseconds since the Unix epoch (0 where unknown).
    pub mtime: i128,
    pub ctime: i128,
    pub ino: u64,
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
            Stamp {
                size: meta.len(),
                mtime: ns(meta.mtime(), meta.mtime_nsec()),
                ctime: ns(meta.ctime(), meta.ctime_nsec()),
                ino: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let ns = |t: std::io::Result<std::time::SystemTime>| {
                t.ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos() as i128)
            };
            Stamp {
                size: meta.len(),
                mtime: ns(meta.modified()),
                ctime: ns(meta.created()),
                ino: 0,
            }
        }
    }

    /// Whether a later write to this file is sure to change its stamp, for
    /// a stamp taken at `now` (nanoseconds since the epoch). A write in the
    /// same clock tick as the last one can leave both times unchanged (the
    /// kernel stamps files from a coarse clock, and some file systems keep
    /// whole seconds), so a file changed less than a tick before the stamp
    /// was taken is not trusted: its content is compared instead. A tick
    /// is taken as 100 ms where the file system keeps nanoseconds, else
    /// 2 s (FAT keeps even seconds).
    pub fn trusted(&self, now: i128) -> bool {
        let fine = self.mtime % 1_000_000_000 != 0 || self.ctime % 1_000_000_000 != 0;
        let tick = if fine { 100_000_000 } else { 2_000_000_000 };
        self.mtime.max(self.ctime) < now - tick
    }
}

/// The wall clock in nanoseconds since the Unix epoch (0 before it).
pub fn now_ns() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_published_fnv1a_vectors() {
        assert_eq!(hash(b""), 0xcbf29ce484222325);
        assert_eq!(hash(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(hash(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn the_content_hash_is_xxh3_and_the_stable_hasher_agrees_with_it() {
        // The published XXH3-64 of the empty input (seed 0).
        assert_eq!(content(b""), 0x2d06_8005_38d3_94c2);
        let mut h = Stable::default();
        std::hash::Hasher::write(&mut h, b"foo");
        std::hash::Hasher::write(&mut h, b"bar");
        assert_eq!(std::hash::Hasher::finish(&h), content(b"foobar"));
        assert_eq!(stable(&(1u64, "a")), stable(&(1u64, "a")));
        assert_ne!(stable(&("ab", "c")), stable(&("a", "bc")));
    }

    #[test]
    fn a_stamp_is_trusted_only_a_tick_after_the_files_last_change() {
        let s = 1_000_000_000_000_000_000i128;
        let fine = Stamp {
            size: 1,
            mtime: s + 5,
            ctime: s + 5,
            ino: 1,
        };
        assert!(fine.trusted(s + 5 + 100_000_001));
        assert!(
            !fine.trusted(s + 5 + 50_000_000),
            "changed 50 ms before the stamp"
        );
        // Whole seconds: the same second (or the next, on FAT) may hide a write.
        let coarse = Stamp {
            mtime: s,
            ctime: s,
            ..fine
        };
        assert!(!coarse.trusted(s + 1_500_000_000));
        assert!(coarse.trusted(s + 2_000_000_001));
        // A change time after the modification time (chmod, a hard link) counts.
        let touched = Stamp {
            ctime: s + 2_000_000_000,
            ..fine
        };
        assert!(!touched.trusted(s + 2_050_000_000));
    }

    #[test]
    fn fields_are_delimited() {
        let mut a = Fnv::default();
        a.field(b"ab");
        a.field(b"c");
        let mut b = Fnv::default();
        b.field(b"a");
        b.field(b"bc");
        assert_ne!(a.finish(), b.finish());
    }
}
