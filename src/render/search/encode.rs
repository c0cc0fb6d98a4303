//! The index's compact encodings: numbers as text (so shards stay JSON
//! that `JSON.parse` reads), and the content hash in shard names.

/// 64 characters that need no escaping in JSON or in a URL.
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// A digit below 32 ends a number; 32 and up say another digit follows.
const MORE: u64 = 32;

/// Appends `v` in little-endian groups of 5 bits, one character each.
pub fn number(out: &mut String, mut v: u64) {
    loop {
        let low = v % MORE;
        v /= MORE;
        if v == 0 {
            out.push(char::from(DIGITS[low as usize]));
            return;
        }
        out.push(char::from(DIGITS[(low + MORE) as usize]));
    }
}

/// Levels a posting's weight is quantised to (4 bits).
pub const LEVELS: u32 = 16;

/// A posting list: ascending document ids, each with its weight level
/// (`0..LEVELS`), as one number per document: the gap to the previous id
/// (minus one) times [`LEVELS`], plus the level. Dense lists cost one
/// character per document.
pub fn postings(list: &[(u32, u32)]) -> String {
    let mut out = String::with_capacity(list.len() + list.len() / 4);
    let mut next = 0u64;
    for &(id, level) in list {
        let gap = u64::from(id) - next;
        number(
            &mut out,
            gap * u64::from(LEVELS) + u64::from(level.min(LEVELS - 1)),
        );
        next = u64::from(id) + 1;
    }
    out
}

/// A shard's name: 12 hex digits of the stable hash of its bytes, so a
/// host may cache it forever and a changed shard gets a new name.
pub fn content_name(bytes: &[u8]) -> String {
    format!("{:012x}", crate::fingerprint::hash(bytes) >> 16)
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// The reader the JavaScript side implements (`decodePostings`).
    pub fn decode(text: &str) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        let (mut v, mut shift, mut next) = (0u64, 0u32, 0u64);
        for c in text.bytes() {
            let d = DIGITS.iter().position(|&x| x == c).unwrap() as u64;
            v += (d % MORE) << shift;
            shift += 5;
            if d < MORE {
                let id = next + v / u64::from(LEVELS);
                out.push((id as u32, (v % u64::from(LEVELS)) as u32));
                next = id + 1;
                v = 0;
                shift = 0;
            }
        }
        out
    }

    #[test]
    fn postings_round_trip_and_dense_lists_cost_a_character_each() {
        let list = vec![(0, 3), (1, 15), (2, 0), (40, 7), (1_000_000, 1)];
        assert_eq!(decode(&postings(&list)), list);
        let dense: Vec<(u32, u32)> = (0..1000).map(|i| (i, i % 16)).collect();
        assert_eq!(postings(&dense).len(), 1000);
    }

    #[test]
    fn numbers_use_five_bits_a_character() {
        let mut s = String::new();
        number(&mut s, 31);
        assert_eq!(s, "f");
        s.clear();
        number(&mut s, 32);
        assert_eq!(s, "gB");
    }
}
