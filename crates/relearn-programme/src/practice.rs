//! Practice structure (spec §4.4): blocked → serial → random as skill improves (Porter &
//! Magill 2010 \[89\]), stepping back when success falls below 50 % (challenge-point
//! framework, Guadagnoli & Lee 2004 \[90\]).

use serde::{Deserialize, Serialize};

use crate::measures::change::fmt_num;
use crate::rng::SplitMix64;

/// How the tasks of a session are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PracticeStructure {
    /// All repetitions of A, then B, then C (Shea & Morgan 1979 \[87\]).
    #[default]
    Blocked,
    /// A-B-C-A-B-C, predictable (Lee & Magill 1983 \[88\]).
    Serial,
    /// Unpredictable order, no immediate repeats (contextual interference, \[87\]).
    Random,
}

impl PracticeStructure {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            PracticeStructure::Blocked => "blocked",
            PracticeStructure::Serial => "serial",
            PracticeStructure::Random => "random",
        }
    }

    fn harder(self) -> Option<Self> {
        match self {
            PracticeStructure::Blocked => Some(PracticeStructure::Serial),
            PracticeStructure::Serial => Some(PracticeStructure::Random),
            PracticeStructure::Random => None,
        }
    }

    fn easier(self) -> Option<Self> {
        match self {
            PracticeStructure::Blocked => None,
            PracticeStructure::Serial => Some(PracticeStructure::Blocked),
            PracticeStructure::Random => Some(PracticeStructure::Serial),
        }
    }
}

/// Practice-structure settings (§4.4, *Relearn defaults*).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PracticeSettings {
    /// Move up (blocked → serial, serial → random) once session success reaches this: 0.80.
    pub move_up_success: f64,
    /// Step back (random → serial → blocked) when session success falls below this: 0.50.
    pub step_back_below: f64,
}

impl Default for PracticeSettings {
    fn default() -> Self {
        Self {
            move_up_success: 0.80,
            step_back_below: 0.50,
        }
    }
}

/// A practice-structure decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeDecision {
    /// Structure before.
    pub from: PracticeStructure,
    /// Structure for the next session.
    pub to: PracticeStructure,
    /// Plain-language rationale with the rule and the numbers.
    pub rationale: String,
}

/// Decide the structure for the next session from the session's overall success rate (0-1).
pub fn decide_structure(
    current: PracticeStructure,
    session_success: f64,
    settings: &PracticeSettings,
) -> PracticeDecision {
    let pct = fmt_num(session_success * 100.0);
    let (to, rationale) = if session_success < settings.step_back_below {
        match current.easier() {
            Some(e) => (
                e,
                format!(
                    "session success {pct} % < {} %: step back {} → {} (§4.4, Guadagnoli & Lee 2004 [90])",
                    fmt_num(settings.step_back_below * 100.0),
                    current.name(),
                    e.name()
                ),
            ),
            None => (
                current,
                format!(
                    "session success {pct} % < {} %: stay blocked (§4.4)",
                    fmt_num(settings.step_back_below * 100.0)
                ),
            ),
        }
    } else if session_success >= settings.move_up_success - 1e-9 {
        match current.harder() {
            Some(h) => (
                h,
                format!(
                    "{} success {pct} % ≥ {} % over a session: move to {} (§4.4, Porter & Magill 2010 [89])",
                    current.name(),
                    fmt_num(settings.move_up_success * 100.0),
                    h.name()
                ),
            ),
            None => (
                current,
                format!("random practice already; success {pct} % (§4.4)"),
            ),
        }
    } else {
        (
            current,
            format!(
                "session success {pct} % between {} % and {} %: keep {} (§4.4)",
                fmt_num(settings.step_back_below * 100.0),
                fmt_num(settings.move_up_success * 100.0),
                current.name()
            ),
        )
    };
    PracticeDecision {
        from: current,
        to,
        rationale,
    }
}

/// The order of repetitions for a session: `tasks` are (task id, repetitions). Blocked runs
/// each task in turn; serial cycles through them; random shuffles with no immediate repeat
/// whenever another task still has repetitions left.
pub fn practice_order(
    structure: PracticeStructure,
    tasks: &[(String, u32)],
    rng: &mut SplitMix64,
) -> Vec<String> {
    let mut remaining: Vec<(String, u32)> = tasks.to_vec();
    let total: u32 = tasks.iter().map(|(_, n)| *n).sum();
    let mut order = Vec::with_capacity(total as usize);
    match structure {
        PracticeStructure::Blocked => {
            for (id, n) in tasks {
                order.extend(std::iter::repeat_n(id.clone(), *n as usize));
            }
        }
        PracticeStructure::Serial => {
            while remaining.iter().any(|(_, n)| *n > 0) {
                for (id, n) in remaining.iter_mut() {
                    if *n > 0 {
                        order.push(id.clone());
                        *n -= 1;
                    }
                }
            }
        }
        PracticeStructure::Random => {
            let mut last: Option<usize> = None;
            while remaining.iter().any(|(_, n)| *n > 0) {
                // Picking `c` must leave an arrangement with no immediate repeat: after the
                // pick, `c` needs a separator before each of its remaining repetitions, and
                // any other task at most one more repetition than all the rest together.
                let feasible = |c: usize| -> bool {
                    let left: u32 = remaining.iter().map(|(_, n)| *n).sum::<u32>() - 1;
                    remaining.iter().enumerate().all(|(j, (_, n))| {
                        let r = if j == c { n - 1 } else { *n };
                        if j == c {
                            r <= left - r
                        } else {
                            r <= left - r + 1
                        }
                    })
                };
                let candidates: Vec<usize> = (0..remaining.len())
                    .filter(|i| remaining[*i].1 > 0 && Some(*i) != last)
                    .collect();
                let safe: Vec<usize> = candidates
                    .iter()
                    .copied()
                    .filter(|c| feasible(*c))
                    .collect();
                let pool = if safe.is_empty() { &candidates } else { &safe };
                let choice = if pool.is_empty() {
                    // Only the last task has repetitions left: the repeat is unavoidable.
                    remaining.iter().position(|(_, n)| *n > 0).unwrap_or(0)
                } else {
                    pool[rng.below(pool.len())]
                };
                order.push(remaining[choice].0.clone());
                remaining[choice].1 -= 1;
                last = Some(choice);
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_up_at_80_and_back_below_50() {
        let s = PracticeSettings::default();
        assert_eq!(
            decide_structure(PracticeStructure::Blocked, 0.8, &s).to,
            PracticeStructure::Serial
        );
        assert_eq!(
            decide_structure(PracticeStructure::Serial, 0.85, &s).to,
            PracticeStructure::Random
        );
        assert_eq!(
            decide_structure(PracticeStructure::Random, 0.45, &s).to,
            PracticeStructure::Serial
        );
        assert_eq!(
            decide_structure(PracticeStructure::Serial, 0.65, &s).to,
            PracticeStructure::Serial
        );
        assert_eq!(
            decide_structure(PracticeStructure::Blocked, 0.2, &s).to,
            PracticeStructure::Blocked
        );
    }

    fn tasks() -> Vec<(String, u32)> {
        vec![("a".into(), 4), ("b".into(), 4), ("c".into(), 4)]
    }

    #[test]
    fn blocked_and_serial_orders() {
        let mut rng = SplitMix64::new(1);
        let blocked = practice_order(PracticeStructure::Blocked, &tasks(), &mut rng);
        assert_eq!(blocked[..5].join(""), "aaaab");
        let serial = practice_order(PracticeStructure::Serial, &tasks(), &mut rng);
        assert_eq!(serial.join(""), "abcabcabcabc");
    }

    #[test]
    fn random_order_has_no_immediate_repeats_and_keeps_counts() {
        for seed in 0..50 {
            let mut rng = SplitMix64::new(seed);
            let order = practice_order(PracticeStructure::Random, &tasks(), &mut rng);
            assert_eq!(order.len(), 12);
            assert!(
                order.windows(2).all(|w| w[0] != w[1]),
                "seed {seed}: {order:?}"
            );
            assert_eq!(order.iter().filter(|t| *t == "a").count(), 4);
        }
    }
}
