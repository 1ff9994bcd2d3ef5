//! Red-flag screening (spec §3): the plain-language questions of §3.2 (Relearn's own wording,
//! FREE to ship, rule 5), the escalation levels of §3.1 and the combination rules.
//!
//! Relearn uses red flags only to escalate to a clinician; it never diagnoses (IFOMPT
//! framework, Finucane 2020 \[61\]; NICE NG59 \[60\]).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// Escalation level (§3.1), ordered ROUTINE < URGENT < EMERGENCY.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationLevel {
    /// Record; clinician reviews at the next visit; programme may continue.
    Routine,
    /// Suspend loading exercises; clinician review within 24-48 h; block progression.
    Urgent,
    /// Stop the programme now; emergency-care message; block sessions until cleared.
    Emergency,
}

impl EscalationLevel {
    /// Upper-case name as in the spec.
    pub fn name(self) -> &'static str {
        match self {
            EscalationLevel::Routine => "ROUTINE",
            EscalationLevel::Urgent => "URGENT",
            EscalationLevel::Emergency => "EMERGENCY",
        }
    }
}

/// The message shown to the patient on an EMERGENCY answer (§3.1).
pub const EMERGENCY_MESSAGE: &str =
    "Seek emergency care today: go to an emergency department (or call the emergency number)";

/// The note raised by the spondyloarthritis screen (§3.2 rule 3).
pub const SPA_NOTE: &str = "consider rheumatology assessment";

/// The screening questions of §3.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RedFlagQuestion {
    /// Cauda equina: urinary difficulty or retention.
    #[serde(rename = "CES-1")]
    Ces1,
    /// Cauda equina: incontinence or loss of sensation of need.
    #[serde(rename = "CES-2")]
    Ces2,
    /// Cauda equina: saddle anaesthesia.
    #[serde(rename = "CES-3")]
    Ces3,
    /// Cauda equina: symptoms in both legs.
    #[serde(rename = "CES-4")]
    Ces4,
    /// Cauda equina: new sexual dysfunction.
    #[serde(rename = "CES-5")]
    Ces5,
    /// Progressive neurological deficit: worsening leg or foot weakness.
    #[serde(rename = "NEU-1")]
    Neu1,
    /// Spinal cord compression: clumsy hands, unsteady walking.
    #[serde(rename = "NEU-2")]
    Neu2,
    /// Fracture: fall, accident or heavy impact.
    #[serde(rename = "FX-1")]
    Fx1,
    /// Fracture: steroid tablets > 3 months.
    #[serde(rename = "FX-2")]
    Fx2,
    /// Fracture: over 70 or osteoporosis.
    #[serde(rename = "FX-3")]
    Fx3,
    /// Fracture: bruise, graze or swelling where it hurts.
    #[serde(rename = "FX-4")]
    Fx4,
    /// Malignancy: history of cancer.
    #[serde(rename = "MAL-1")]
    Mal1,
    /// Malignancy: unexplained weight loss.
    #[serde(rename = "MAL-2")]
    Mal2,
    /// Malignancy or infection: constant progressive or night pain.
    #[serde(rename = "MAL-3")]
    Mal3,
    /// Malignancy: 50 or over with a first episode.
    #[serde(rename = "MAL-4")]
    Mal4,
    /// Infection: fever, shivering, night sweats.
    #[serde(rename = "INF-1")]
    Inf1,
    /// Infection: recent infection, operation, spinal injection or injecting drugs.
    #[serde(rename = "INF-2")]
    Inf2,
    /// Infection: weakened immune system.
    #[serde(rename = "INF-3")]
    Inf3,
    /// Axial spondyloarthritis gate: onset before 45 and lasting > 3 months.
    #[serde(rename = "SPA-1")]
    Spa1,
    /// Axial SpA feature: waking in the second half of the night.
    #[serde(rename = "SPA-2")]
    Spa2,
    /// Axial SpA feature: alternating buttock pain.
    #[serde(rename = "SPA-3")]
    Spa3,
    /// Axial SpA feature: better with movement, not rest.
    #[serde(rename = "SPA-4")]
    Spa4,
    /// Axial SpA feature: onset before 35.
    #[serde(rename = "SPA-5")]
    Spa5,
    /// Abdominal aortic aneurysm.
    #[serde(rename = "VAS-1")]
    Vas1,
    /// Systemic illness: generally unwell in a new way.
    #[serde(rename = "GEN-1")]
    Gen1,
}

impl RedFlagQuestion {
    /// All questions in §3.2 order.
    pub const ALL: [RedFlagQuestion; 25] = [
        RedFlagQuestion::Ces1,
        RedFlagQuestion::Ces2,
        RedFlagQuestion::Ces3,
        RedFlagQuestion::Ces4,
        RedFlagQuestion::Ces5,
        RedFlagQuestion::Neu1,
        RedFlagQuestion::Neu2,
        RedFlagQuestion::Fx1,
        RedFlagQuestion::Fx2,
        RedFlagQuestion::Fx3,
        RedFlagQuestion::Fx4,
        RedFlagQuestion::Mal1,
        RedFlagQuestion::Mal2,
        RedFlagQuestion::Mal3,
        RedFlagQuestion::Mal4,
        RedFlagQuestion::Inf1,
        RedFlagQuestion::Inf2,
        RedFlagQuestion::Inf3,
        RedFlagQuestion::Spa1,
        RedFlagQuestion::Spa2,
        RedFlagQuestion::Spa3,
        RedFlagQuestion::Spa4,
        RedFlagQuestion::Spa5,
        RedFlagQuestion::Vas1,
        RedFlagQuestion::Gen1,
    ];

    /// The question's identifier as in §3.2, e.g. `CES-1`.
    pub fn id(self) -> &'static str {
        self.spec().0
    }

    /// The plain-language question (§3.2; FREE to ship, rule 5).
    pub fn text(self) -> &'static str {
        self.spec().1
    }

    /// The condition the question screens for.
    pub fn condition(self) -> &'static str {
        self.spec().2
    }

    /// Level if answered "yes" on its own, before combination rules; `None` for SPA-2..5,
    /// which only count towards the spondyloarthritis screen.
    pub fn base_level(self) -> Option<EscalationLevel> {
        self.spec().3
    }

    /// Sources cited in §3.2.
    pub fn sources(self) -> &'static str {
        self.spec().4
    }

    /// Parse an identifier such as `CES-1` (case-insensitive).
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|q| q.id().eq_ignore_ascii_case(id.trim()))
    }

    fn spec(
        self,
    ) -> (
        &'static str,
        &'static str,
        &'static str,
        Option<EscalationLevel>,
        &'static str,
    ) {
        use EscalationLevel::{Emergency as E, Routine as R, Urgent as U};
        match self {
            RedFlagQuestion::Ces1 => ("CES-1", "Since your back pain started, have you had new difficulty passing urine, or been unable to pass urine?", "cauda equina", Some(E), "[61], [60]"),
            RedFlagQuestion::Ces2 => ("CES-2", "Have you leaked urine or stools without meaning to, or not felt the need to go?", "cauda equina", Some(E), "[61]"),
            RedFlagQuestion::Ces3 => ("CES-3", "Do you have numbness or a changed feeling around your back passage, genitals or inner thighs (the area that touches a saddle)?", "cauda equina", Some(E), "[61]"),
            RedFlagQuestion::Ces4 => ("CES-4", "Do you have pain, numbness, pins and needles or weakness in both legs?", "cauda equina", Some(E), "[61]"),
            RedFlagQuestion::Ces5 => ("CES-5", "Have you noticed a new change in sexual function, such as numbness or difficulty with erection or ejaculation?", "cauda equina", Some(E), "[61]"),
            RedFlagQuestion::Neu1 => ("NEU-1", "Is weakness in your leg or foot getting worse (for example the foot catching or slapping)?", "progressive neurological deficit", Some(U), "[61], [62]"),
            RedFlagQuestion::Neu2 => ("NEU-2", "Have you recently noticed clumsy hands, unsteady walking or changes in balance?", "spinal cord compression", Some(U), "[60]"),
            RedFlagQuestion::Fx1 => ("FX-1", "Did the pain start after a fall, accident or heavy impact?", "fracture", Some(U), "[61], [63]"),
            RedFlagQuestion::Fx2 => ("FX-2", "Have you taken steroid tablets (for example prednisolone) for more than 3 months?", "fracture", Some(U), "[63]"),
            RedFlagQuestion::Fx3 => ("FX-3", "Are you over 70, or have you been told you have osteoporosis (thin bones)?", "fracture", Some(R), "[61], [63]"),
            RedFlagQuestion::Fx4 => ("FX-4", "Is there a bruise, graze or swelling on your back where it hurts?", "fracture", Some(U), "[63]"),
            RedFlagQuestion::Mal1 => ("MAL-1", "Have you ever had cancer?", "malignancy", Some(U), "[61], [63]"),
            RedFlagQuestion::Mal2 => ("MAL-2", "Have you lost weight recently without trying?", "malignancy", Some(U), "[61], [62]"),
            RedFlagQuestion::Mal3 => ("MAL-3", "Is the pain constant and getting worse, not eased by lying down or changing position, or worse at night?", "malignancy / infection", Some(U), "[61], [62]"),
            RedFlagQuestion::Mal4 => ("MAL-4", "Are you 50 or over and is this the first time you have had back pain?", "malignancy", Some(R), "[62]"),
            RedFlagQuestion::Inf1 => ("INF-1", "Have you had a fever, shivering or night sweats with the back pain?", "infection", Some(U), "[61]"),
            RedFlagQuestion::Inf2 => ("INF-2", "Have you recently had an infection, an operation, or an injection in your back, or do you inject drugs?", "infection", Some(U), "[61]"),
            RedFlagQuestion::Inf3 => ("INF-3", "Is your immune system weakened (for example by medicines, chemotherapy, HIV or diabetes)?", "infection", Some(R), "[61]"),
            RedFlagQuestion::Spa1 => ("SPA-1", "Did your back pain start before age 45 and has it lasted more than 3 months?", "axial spondyloarthritis", Some(R), "NICE NG65 [64]"),
            RedFlagQuestion::Spa2 => ("SPA-2", "Do you wake in the second half of the night because of back pain?", "axial spondyloarthritis", None, "[64], [65]"),
            RedFlagQuestion::Spa3 => ("SPA-3", "Do you have pain in the buttocks (sometimes switching sides)?", "axial spondyloarthritis", None, "[64], [65]"),
            RedFlagQuestion::Spa4 => ("SPA-4", "Does the pain get better when you move and not when you rest?", "axial spondyloarthritis", None, "[64], [65]"),
            RedFlagQuestion::Spa5 => ("SPA-5", "Did the back pain start before age 35?", "axial spondyloarthritis", None, "[64]"),
            RedFlagQuestion::Vas1 => ("VAS-1", "Do you feel a throbbing in your tummy, or have you had sudden severe pain in the back or tummy that does not change with movement or position?", "abdominal aortic aneurysm", Some(E), "NICE NG156 [66]"),
            RedFlagQuestion::Gen1 => ("GEN-1", "Do you feel generally unwell in a new way (very tired, no appetite)?", "systemic illness", Some(R), "[61]"),
        }
    }
}

/// The answers of one screening: the questions answered "yes", plus the two qualifiers the
/// §3.2 table uses to upgrade a flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RedFlagAnswers {
    /// Questions answered "yes"; all others are "no".
    pub yes: BTreeSet<RedFlagQuestion>,
    /// NEU-1 qualifier: the weakness is worsening over hours to days, or is in both legs
    /// (→ EMERGENCY).
    pub neu1_rapid_or_bilateral: bool,
    /// FX-3 qualifier: sudden severe onset (→ URGENT with FX-3).
    pub sudden_severe_onset: bool,
}

/// Red-flag settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedFlagSettings {
    /// SpA screen: SPA-1 plus at least this many of SPA-2..5 raise the rheumatology note: 2
    /// (*Relearn default*, §3.2 rule 3).
    pub spa_min_features: usize,
    /// URGENT: clinician review within this many hours: 48 (§3.1, "within 24-48 h").
    pub urgent_review_hours: u32,
}

impl Default for RedFlagSettings {
    fn default() -> Self {
        Self {
            spa_min_features: 2,
            urgent_review_hours: 48,
        }
    }
}

/// One positive flag with the level it raised and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedFlagFinding {
    /// The question.
    pub question: RedFlagQuestion,
    /// The level after combination rules.
    pub level: EscalationLevel,
    /// Why this level (the §3.2 row or combination rule).
    pub reason: String,
}

/// The result of one screening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedFlagScreening {
    /// Highest level raised; `None` when nothing was positive.
    pub level: Option<EscalationLevel>,
    /// Every positive answer with its level.
    pub findings: Vec<RedFlagFinding>,
    /// Whether the spondyloarthritis screen raised its ROUTINE note.
    pub spa_note: bool,
    /// The message to show the patient (EMERGENCY only).
    pub patient_message: Option<&'static str>,
}

/// Screen one set of answers (§3.2 rules 1-3).
pub fn screen(answers: &RedFlagAnswers, settings: &RedFlagSettings) -> RedFlagScreening {
    use EscalationLevel as L;
    use RedFlagQuestion as Q;
    let yes = |q: Q| answers.yes.contains(&q);
    let mut findings = Vec::new();
    for q in &answers.yes {
        let q = *q;
        let (level, reason) = match q {
            Q::Neu1 if answers.neu1_rapid_or_bilateral => (
                Some(L::Emergency),
                "NEU-1 worsening over hours to days or in both legs → EMERGENCY (§3.2)".to_string(),
            ),
            Q::Fx3 if yes(Q::Fx1) || answers.sudden_severe_onset => (
                Some(L::Urgent),
                format!(
                    "FX-3 together with {} → URGENT (§3.2 rule 2)",
                    if yes(Q::Fx1) {
                        "FX-1"
                    } else {
                        "sudden severe onset"
                    }
                ),
            ),
            Q::Mal4 if yes(Q::Mal1) || yes(Q::Mal2) || yes(Q::Mal3) => (
                Some(L::Urgent),
                "MAL-4 with another MAL answer → URGENT (§3.2 rule 2)".to_string(),
            ),
            Q::Inf3 if yes(Q::Inf1) => (
                Some(L::Urgent),
                "INF-3 with INF-1 → URGENT (§3.2 rule 2)".to_string(),
            ),
            other => (
                other.base_level(),
                match other.base_level() {
                    Some(level) => format!(
                        "{} yes: possible {} → {} (§3.2, {})",
                        other.id(),
                        other.condition(),
                        level.name(),
                        other.sources()
                    ),
                    None => format!("{} counts towards the SpA screen (§3.2 rule 3)", other.id()),
                },
            ),
        };
        if let Some(level) = level {
            findings.push(RedFlagFinding {
                question: q,
                level,
                reason,
            });
        }
    }
    let spa_features = [Q::Spa2, Q::Spa3, Q::Spa4, Q::Spa5]
        .iter()
        .filter(|q| yes(**q))
        .count();
    let spa_note = yes(Q::Spa1) && spa_features >= settings.spa_min_features;
    if spa_note {
        if let Some(f) = findings.iter_mut().find(|f| f.question == Q::Spa1) {
            f.reason = format!(
                "SPA-1 with {spa_features} of SPA-2..5 (≥ {}): ROUTINE note \"{SPA_NOTE}\" (§3.2 rule 3, Relearn default after NICE NG65 [64])",
                settings.spa_min_features
            );
        }
    }
    // Rule 1 and 2: the highest level wins.
    let level = findings.iter().map(|f| f.level).max();
    RedFlagScreening {
        level,
        findings,
        spa_note,
        patient_message: (level == Some(L::Emergency)).then_some(EMERGENCY_MESSAGE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(ids: &[&str]) -> RedFlagAnswers {
        RedFlagAnswers {
            yes: ids
                .iter()
                .filter_map(|id| RedFlagQuestion::from_id(id))
                .collect(),
            ..RedFlagAnswers::default()
        }
    }

    fn level(ids: &[&str]) -> Option<EscalationLevel> {
        screen(&answers(ids), &RedFlagSettings::default()).level
    }

    #[test]
    fn all_twenty_five_questions_have_text_and_ids() {
        for q in RedFlagQuestion::ALL {
            assert!(!q.text().is_empty());
            assert_eq!(RedFlagQuestion::from_id(q.id()), Some(q));
        }
    }

    #[test]
    fn any_emergency_answer_wins() {
        assert_eq!(
            level(&["CES-3", "GEN-1", "MAL-1"]),
            Some(EscalationLevel::Emergency)
        );
        assert_eq!(level(&["VAS-1"]), Some(EscalationLevel::Emergency));
        let s = screen(&answers(&["CES-1"]), &RedFlagSettings::default());
        assert_eq!(s.patient_message, Some(EMERGENCY_MESSAGE));
    }

    #[test]
    fn neu1_upgrades_when_rapid_or_bilateral() {
        assert_eq!(level(&["NEU-1"]), Some(EscalationLevel::Urgent));
        let mut a = answers(&["NEU-1"]);
        a.neu1_rapid_or_bilateral = true;
        assert_eq!(
            screen(&a, &RedFlagSettings::default()).level,
            Some(EscalationLevel::Emergency)
        );
    }

    #[test]
    fn combination_rules_upgrade_routine_to_urgent() {
        assert_eq!(level(&["FX-3"]), Some(EscalationLevel::Routine));
        assert_eq!(level(&["FX-3", "FX-1"]), Some(EscalationLevel::Urgent));
        let mut a = answers(&["FX-3"]);
        a.sudden_severe_onset = true;
        assert_eq!(
            screen(&a, &RedFlagSettings::default()).level,
            Some(EscalationLevel::Urgent)
        );
        assert_eq!(level(&["MAL-4"]), Some(EscalationLevel::Routine));
        let s = screen(&answers(&["MAL-4", "MAL-2"]), &RedFlagSettings::default());
        assert!(s
            .findings
            .iter()
            .all(|f| f.level == EscalationLevel::Urgent));
        assert_eq!(level(&["INF-3"]), Some(EscalationLevel::Routine));
        let s = screen(&answers(&["INF-3", "INF-1"]), &RedFlagSettings::default());
        assert!(s
            .findings
            .iter()
            .all(|f| f.level == EscalationLevel::Urgent));
    }

    #[test]
    fn spa_screen_needs_the_gate_and_two_features() {
        let s = screen(&answers(&["SPA-1", "SPA-2"]), &RedFlagSettings::default());
        assert!(!s.spa_note);
        assert_eq!(s.level, Some(EscalationLevel::Routine));
        let s = screen(
            &answers(&["SPA-1", "SPA-2", "SPA-4"]),
            &RedFlagSettings::default(),
        );
        assert!(s.spa_note);
        assert_eq!(s.level, Some(EscalationLevel::Routine));
        let s = screen(
            &answers(&["SPA-2", "SPA-3", "SPA-4"]),
            &RedFlagSettings::default(),
        );
        assert!(!s.spa_note);
        assert_eq!(s.level, None);
    }

    #[test]
    fn nothing_positive_means_no_level() {
        assert_eq!(level(&[]), None);
    }
}
