//! Seeded randomness for the engine: the generator of `relearn_core::rng`, and stable label hashes.
//!
//! The engine never draws unseeded random numbers (style guide §1 principle 2). Where a choice
//! must look random (the phase of a faded feedback schedule, the order of random practice, the
//! spreading of successes over repetitions when a session log gives only counts), it uses
//! [`SplitMix64`], seeded from the scenario seed and the event's position, so that identical
//! inputs always give identical decisions.

pub use relearn_core::rng::SplitMix64;

/// A stable 64-bit hash of a text label (FNV-1a), used to derive per-exercise streams from
/// exercise ids without depending on the standard library's randomised hasher.
pub fn label_hash(label: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in label.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_hash_is_stable_and_tells_labels_apart() {
        // FNV-1a of the empty string is the offset basis.
        assert_eq!(label_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(label_hash("squat"), label_hash("squat"));
        assert_ne!(label_hash("squat"), label_hash("lunge"));
    }
}
